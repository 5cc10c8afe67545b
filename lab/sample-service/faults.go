package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// faultSettings are switched on and off over HTTP: POST /fault with a JSON body; GET shows them.
type faultSettings struct {
	LatencyMs             int     `json:"latencyMs"`
	ErrorRatio            float64 `json:"errorRatio"`
	GoroutineLeakPerSec   int     `json:"goroutineLeakPerSec"`
	MemoryLeakBytesPerSec int     `json:"memoryLeakBytesPerSec"`
}

type faults struct {
	mu         sync.Mutex
	settings   faultSettings
	leaked     int
	leakedHeap [][]byte
	block      chan struct{}
}

func (f *faults) current() faultSettings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}

func (f *faults) leakedGoroutines() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.leaked
}

func (f *faults) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var next faultSettings
		if err := json.NewDecoder(r.Body).Decode(&next); err != nil {
			http.Error(w, "body must be JSON: "+err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.settings = next
		f.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(f.current())
}

// runLeaks leaks goroutines (blocked forever) and heap (kept reachable) at the configured rates.
func (f *faults) runLeaks() {
	f.block = make(chan struct{})
	for range time.Tick(100 * time.Millisecond) {
		s := f.current()
		for i := 0; i < s.GoroutineLeakPerSec/10; i++ {
			go func() { <-f.block }()
			f.mu.Lock()
			f.leaked++
			f.mu.Unlock()
		}
		if s.MemoryLeakBytesPerSec > 0 {
			chunk := make([]byte, s.MemoryLeakBytesPerSec/10)
			for i := range chunk {
				chunk[i] = byte(i)
			}
			f.mu.Lock()
			f.leakedHeap = append(f.leakedHeap, chunk)
			f.mu.Unlock()
		}
	}
}
