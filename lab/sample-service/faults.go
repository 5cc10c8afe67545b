package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// faultSettings are switched on and off over HTTP: POST /fault with a JSON body; GET shows them.
// A POST replaces all of them: a setting left out is off.
type faultSettings struct {
	LatencyMs             int     `json:"latencyMs"`
	ErrorRatio            float64 `json:"errorRatio"`
	GoroutineLeakPerSec   int     `json:"goroutineLeakPerSec"`
	MemoryLeakBytesPerSec int     `json:"memoryLeakBytesPerSec"`
	// Garbage allocated per second and left to the GC: the heap rises and falls, its floor flat.
	GCSawtoothBytesPerSec int `json:"gcSawtoothBytesPerSec"`
	// Overload: the error ratio rises by this much per request per second the instance serves
	// above OverloadAboveRps (0: from the first request), up to 1.
	ErrorsProportionalToLoad float64 `json:"errorsProportionalToLoad"`
	OverloadAboveRps         float64 `json:"overloadAboveRps"`
}

type faults struct {
	mu         sync.Mutex
	settings   faultSettings
	leaked     int
	leakedHeap [][]byte
	block      chan struct{}
}

// garbage is overwritten every tick of the GC sawtooth: what it held before is left to the GC.
var garbage []byte

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

// run applies the rate faults every 100 ms: it leaks goroutines (blocked forever) and heap (kept
// reachable), and allocates the sawtooth's garbage.
func (f *faults) run() {
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
			chunk := filled(s.MemoryLeakBytesPerSec / 10)
			f.mu.Lock()
			f.leakedHeap = append(f.leakedHeap, chunk)
			f.mu.Unlock()
		}
		if s.GCSawtoothBytesPerSec > 0 {
			garbage = make([]byte, s.GCSawtoothBytesPerSec/10)
		}
	}
}
