package main

import (
	"sync"
	"time"
)

// rateMeter measures the instance's own request rate over the last two seconds, in 100 ms slots.
type rateMeter struct {
	mu    sync.Mutex
	slots [20]struct {
		tick  int64
		count int
	}
}

// hit counts a request and returns the rate in requests per second, this one included.
func (m *rateMeter) hit(now time.Time) float64 {
	tick := now.UnixMilli() / 100
	m.mu.Lock()
	defer m.mu.Unlock()
	slot := &m.slots[tick%int64(len(m.slots))]
	if slot.tick != tick {
		slot.tick, slot.count = tick, 0
	}
	slot.count++
	total := 0
	for _, s := range m.slots {
		if tick-s.tick < int64(len(m.slots)) {
			total += s.count
		}
	}
	return float64(total) / 2
}

// overloadRatio is the error ratio of an overloaded instance at a request rate: it rises by
// errorsProportionalToLoad per request per second above overloadAboveRps, up to 1.
func overloadRatio(f faultSettings, rate float64) float64 {
	excess := rate - f.OverloadAboveRps
	if f.ErrorsProportionalToLoad <= 0 || excess <= 0 {
		return 0
	}
	if ratio := f.ErrorsProportionalToLoad * excess; ratio < 1 {
		return ratio
	}
	return 1
}
