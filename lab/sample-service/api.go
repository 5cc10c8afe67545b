package main

import (
	"encoding/json"
	"math/rand"
	"net/http"
	"time"
)

// identity is who an instance is: in every answer's headers and every metric's labels.
type identity struct {
	version, dc, name, features string
}

func (id identity) setHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Served-By", id.name)
	w.Header().Set("X-Version", id.version)
	w.Header().Set("X-Dc", id.dc)
	if id.features != "" {
		w.Header().Set("X-Features", id.features)
	}
}

// api answers the service's requests, applying the faults switched on and its release's behaviour.
type api struct {
	self     identity
	faults   *faults
	metrics  *metrics
	rate     rateMeter
	notifier *notifier // v1.3.x only: one leaked watcher per request
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	code := a.serve(w, r, a.faults.current(), a.rate.hit(started))
	a.metrics.observe(code, time.Since(started))
}

func (a *api) serve(w http.ResponseWriter, r *http.Request, f faultSettings, rate float64) int {
	if a.notifier != nil {
		a.notifier.subscribe()
	}
	if f.LatencyMs > 0 {
		time.Sleep(time.Duration(f.LatencyMs) * time.Millisecond)
	}
	a.self.setHeaders(w)
	code := http.StatusOK
	if rand.Float64() < f.ErrorRatio || rand.Float64() < overloadRatio(f, rate) {
		code = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{
		"instance": a.self.name, "version": a.self.version, "dc": a.self.dc, "path": r.URL.Path,
	})
	return code
}
