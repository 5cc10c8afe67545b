// The lab's sample service: a small HTTP API in Go (standard library only) with Prometheus metrics,
// pprof, a health check and switchable faults (latency, errors, goroutine and memory leaks).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8080", "address to listen on")
	version := flag.String("version", "v1.0.0", "version label of this instance")
	dc := flag.String("dc", "dc-a", "datacenter label of this instance")
	instance := flag.String("instance", "checkout-a1", "name of this instance")
	flag.Parse()

	metrics := newMetrics(*version, *dc, *instance)
	faults := &faults{}
	go faults.runLeaks()

	mux := http.DefaultServeMux // carries /debug/pprof/ from net/http/pprof
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		metrics.write(w, faults.leakedGoroutines())
	})
	mux.HandleFunc("/fault", faults.handle)
	mux.HandleFunc("/restart", restartHandler)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		code := serve(w, r, faults.current(), *version, *dc, *instance)
		metrics.observe(code, time.Since(started))
	})

	server := &http.Server{Addr: *addr, Handler: mux}
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
		server.Close()
	}()
	log.Printf("%s %s in %s listening on %s", *instance, *version, *dc, *addr)
	if err := server.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// serve answers an API request, applying the injected latency and error ratio.
func serve(w http.ResponseWriter, r *http.Request, f faultSettings, version, dc, instance string) int {
	if f.LatencyMs > 0 {
		time.Sleep(time.Duration(f.LatencyMs) * time.Millisecond)
	}
	w.Header().Set("X-Served-By", instance)
	w.Header().Set("X-Version", version)
	w.Header().Set("X-Dc", dc)
	code := http.StatusOK
	if f.ErrorRatio > 0 && rand.Float64() < f.ErrorRatio {
		code = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"instance": instance, "version": version, "dc": dc, "path": r.URL.Path})
	return code
}

// restartHandler restarts the process in place (same PID, fresh memory and goroutines), as a
// deploy tool would restart an instance: it answers first, then re-executes its own binary.
func restartHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST to restart", http.StatusMethodNotAllowed)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintln(w, "restarting")
	go func() {
		time.Sleep(100 * time.Millisecond)
		binary, err := os.Executable()
		if err == nil {
			err = syscall.Exec(binary, os.Args, os.Environ())
		}
		log.Printf("restart failed: %v", err)
	}()
}
