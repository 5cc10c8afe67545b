package main

// prefetcher is v1.2.x's fixed pool: its workers start with the process, each holding its share
// of the pool's memory, and wait for work that the lab never sends. It never grows.
type prefetcher struct {
	work chan []byte
}

func startPrefetcher(workers, bytes int) *prefetcher {
	p := &prefetcher{work: make(chan []byte)}
	for i := 0; i < workers; i++ {
		go p.worker(filled(bytes / workers))
	}
	return p
}

func (p *prefetcher) worker(buffer []byte) {
	for item := range p.work {
		copy(buffer, item)
	}
}
