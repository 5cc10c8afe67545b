package main

import "strings"

// release is what a version does beyond serving requests, as a real release would. The table:
//
//	v1.2.x  a level shift, not a leak: at start it runs a prefetch pool of 50 goroutines holding
//	        8 MiB in all; the pool never grows, so goroutines and memory step up once after the
//	        deploy and then stay flat.
//	v1.3.x  a goroutine leak: every API request served starts a main.(*notifier).watch goroutine
//	        (notifier.go) that waits forever holding a 16 KiB buffer, so goroutines and memory
//	        climb in proportion to the traffic the instance serves.
//	others  nothing more.
type release struct {
	prefetchWorkers int
	prefetchBytes   int
	leaksPerRequest bool
}

func releaseOf(version string) release {
	switch {
	case inSeries(version, "v1.2"):
		return release{prefetchWorkers: 50, prefetchBytes: 8 << 20}
	case inSeries(version, "v1.3"):
		return release{leaksPerRequest: true}
	}
	return release{}
}

// inSeries tells whether version is series itself or one of its patches: v1.3 and v1.3.7, not v1.30.0.
func inSeries(version, series string) bool {
	return strings.HasPrefix(version+".", series+".")
}
