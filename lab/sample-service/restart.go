package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

var versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

// restarter restarts the process in place (same PID, fresh memory and goroutines), as a deploy
// tool would restart an instance: POST /restart answers first, then re-executes the binary with
// the same flags, except those the query replaces: ?version=v1.3.0 deploys that version (the
// -version flag) and ?warmUpSeconds=20 sets the -warm-up flag. From the answer until the new
// process listens, /healthz says 503, so a caller can wait for the new process.
type restarter struct {
	restarting atomic.Bool
}

func (rs *restarter) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST to restart", http.StatusMethodNotAllowed)
		return
	}
	replaced := map[string]string{}
	if version := r.URL.Query().Get("version"); version != "" {
		if !versionPattern.MatchString(version) {
			http.Error(w, "version must match "+versionPattern.String(), http.StatusBadRequest)
			return
		}
		replaced["version"] = version
	}
	if warmUp := r.URL.Query().Get("warmUpSeconds"); warmUp != "" {
		if seconds, err := strconv.ParseFloat(warmUp, 64); err != nil || seconds < 0 || seconds > 3600 {
			http.Error(w, "warmUpSeconds must be a number of seconds from 0 to 3600", http.StatusBadRequest)
			return
		}
		replaced["warm-up"] = warmUp
	}
	rs.restarting.Store(true)
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintln(w, "restarting")
	go func() {
		time.Sleep(100 * time.Millisecond)
		binary, err := os.Executable()
		if err == nil {
			err = syscall.Exec(binary, argsWith(replaced), os.Environ())
		}
		log.Printf("restart failed: %v", err)
		rs.restarting.Store(false)
	}()
}

// argsWith is this process's command line with every flag set explicitly, some values replaced.
func argsWith(replaced map[string]string) []string {
	args := []string{os.Args[0]}
	flag.VisitAll(func(f *flag.Flag) {
		value := f.Value.String()
		if next, ok := replaced[f.Name]; ok {
			value = next
		}
		args = append(args, "-"+f.Name+"="+value)
	})
	return args
}
