package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

var bucketBounds = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics are written in the Prometheus text exposition format by hand (standard library only).
type metrics struct {
	mu       sync.Mutex
	labels   string
	started  time.Time
	requests map[int]uint64
	buckets  []uint64
	count    uint64
	sum      float64
}

func newMetrics(self identity, started time.Time) *metrics {
	return &metrics{
		labels:   fmt.Sprintf(`version=%q,dc=%q,instance_name=%q`, self.version, self.dc, self.name),
		started:  started,
		requests: map[int]uint64{},
		buckets:  make([]uint64, len(bucketBounds)),
	}
}

func (m *metrics) observe(code int, took time.Duration) {
	seconds := took.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[code]++
	m.count++
	m.sum += seconds
	for i, bound := range bucketBounds {
		if seconds <= bound {
			m.buckets[i]++
		}
	}
}

func (m *metrics) write(w io.Writer, leaked int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP http_requests_total Requests served, by status code.")
	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	for code, n := range m.requests {
		fmt.Fprintf(w, "http_requests_total{code=\"%d\",%s} %d\n", code, m.labels, n)
	}
	fmt.Fprintln(w, "# HELP http_request_duration_seconds Time to serve a request.")
	fmt.Fprintln(w, "# TYPE http_request_duration_seconds histogram")
	for i, bound := range bucketBounds {
		le := strconv.FormatFloat(bound, 'g', -1, 64)
		fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=%q} %d\n", m.labels, le, m.buckets[i])
	}
	fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", m.labels, m.count)
	fmt.Fprintf(w, "http_request_duration_seconds_sum{%s} %g\n", m.labels, m.sum)
	fmt.Fprintf(w, "http_request_duration_seconds_count{%s} %d\n", m.labels, m.count)

	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	fmt.Fprintln(w, "# TYPE go_goroutines gauge")
	fmt.Fprintf(w, "go_goroutines{%s} %d\n", m.labels, runtime.NumGoroutine())
	fmt.Fprintln(w, "# TYPE zeroops_lab_leaked_goroutines gauge")
	fmt.Fprintf(w, "zeroops_lab_leaked_goroutines{%s} %d\n", m.labels, leaked)
	fmt.Fprintln(w, "# TYPE go_memstats_heap_alloc_bytes gauge")
	fmt.Fprintf(w, "go_memstats_heap_alloc_bytes{%s} %d\n", m.labels, mem.HeapAlloc)
	fmt.Fprintln(w, "# TYPE go_gc_duration_seconds summary")
	fmt.Fprintf(w, "go_gc_duration_seconds_sum{%s} %g\n", m.labels, float64(mem.PauseTotalNs)/1e9)
	fmt.Fprintf(w, "go_gc_duration_seconds_count{%s} %d\n", m.labels, mem.NumGC)
	fmt.Fprintln(w, "# HELP process_start_time_seconds When this program started (a restart in place included).")
	fmt.Fprintln(w, "# TYPE process_start_time_seconds gauge")
	fmt.Fprintf(w, "process_start_time_seconds{%s} %.3f\n", m.labels, float64(m.started.UnixMilli())/1000)
	fmt.Fprintln(w, "# TYPE process_resident_memory_bytes gauge")
	fmt.Fprintf(w, "process_resident_memory_bytes{%s} %d\n", m.labels, residentBytes())
}

// residentBytes reads the resident set size from /proc/self/statm (pages).
func residentBytes() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
