// The lab's sample service: a small HTTP API in Go (standard library only) with Prometheus metrics,
// pprof, a health check, switchable faults (faults.go), versions that behave like releases
// (release.go) and an in-place restart that can deploy another version (restart.go).
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8080", "address to listen on")
	version := flag.String("version", "v1.0.0", "version of this instance (see release.go for what versions do)")
	dc := flag.String("dc", "dc-a", "datacenter label of this instance")
	instance := flag.String("instance", "checkout-a1", "name of this instance")
	warmUpSeconds := flag.Float64("warm-up", 0, "seconds after start over which a cache fills (0: none)")
	features := flag.String("features", "", "comma-separated features this instance serves (in X-Features)")
	flag.Parse()
	started := time.Now()

	self := identity{version: *version, dc: *dc, name: *instance, features: *features}
	service := &api{self: self, faults: &faults{}, metrics: newMetrics(self, started)}
	go service.faults.run()
	release := releaseOf(*version)
	if release.prefetchWorkers > 0 {
		startPrefetcher(release.prefetchWorkers, release.prefetchBytes)
	}
	if release.leaksPerRequest {
		service.notifier = newNotifier()
	}
	warmUp(*warmUpSeconds)
	restarter := &restarter{}

	mux := http.DefaultServeMux // carries /debug/pprof/ from net/http/pprof
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		self.setHeaders(w)
		if restarter.restarting.Load() {
			http.Error(w, "restarting", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		service.metrics.write(w, service.faults.leakedGoroutines())
	})
	mux.HandleFunc("/fault", service.faults.handle)
	mux.HandleFunc("/restart", restarter.handle)
	mux.Handle("/", service)

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
