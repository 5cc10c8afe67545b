package main

import "time"

// What a warmed-up instance holds once its cache is full.
const (
	warmUpShards = 100
	warmUpBytes  = 16 << 20
)

// cache fills in the seconds after start, as a service with a cold cache does: one refresher
// goroutine per shard, each holding its shard; goroutines and heap rise linearly for the warm-up
// time to a plateau of warmUpShards goroutines and warmUpBytes, then stay flat.
type cache struct {
	refreshes chan []byte // never sent to: the shards are held until the process ends
}

func warmUp(seconds float64) {
	if seconds <= 0 {
		return
	}
	c := &cache{refreshes: make(chan []byte)}
	go c.fill(time.Duration(seconds * float64(time.Second)))
}

func (c *cache) fill(over time.Duration) {
	started := time.Now()
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	shards := 0
	for range ticker.C {
		done := float64(time.Since(started)) / float64(over)
		for ; shards < warmUpShards && float64(shards) < done*warmUpShards; shards++ {
			go c.refresh(filled(warmUpBytes / warmUpShards))
		}
		if shards == warmUpShards {
			return
		}
	}
}

func (c *cache) refresh(shard []byte) {
	for update := range c.refreshes {
		copy(shard, update)
	}
}
