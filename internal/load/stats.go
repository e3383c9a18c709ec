package load

import (
	"slices"
	"sync"
	"time"
)

// Latency is a set of latency figures in milliseconds.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// Second is one second of a phase's timeline: the requests answered in
// it, their latency and the 429s and errors among them.
type Second struct {
	// T is the second since the phase started (0-based).
	T int `json:"t"`
	// Span is the length of this bucket in seconds: 1, less for the last.
	Span      float64 `json:"span_s"`
	Requests  int     `json:"requests"`
	Latency   Latency `json:"latency"`
	Status5xx int     `json:"status_5xx"`
	Status429 int     `json:"status_429"`
	Errors    int     `json:"transport_errors"`
}

// Stats are the figures of one phase, measured on the wire: every HTTP
// attempt (429 retries included) counts as one request.
type Stats struct {
	Requests    int     `json:"requests"`
	DurationSec float64 `json:"duration_s"`
	Throughput  float64 `json:"requests_per_s"`
	Latency     Latency `json:"latency"`
	// Status counts answers by HTTP status code ("201": 2000).
	Status map[string]int `json:"status"`
	// TransportErrors are requests that got no answer (timeout, refused, reset).
	TransportErrors int `json:"transport_errors"`
	// Waits429 and Wait429Sec are the pauses taken after 429 answers.
	Waits429   int      `json:"waits_429"`
	Wait429Sec float64  `json:"wait_429_s"`
	Timeline   []Second `json:"timeline"`
}

// Count5xx returns the number of answers with a 5xx status.
func (s Stats) Count5xx() int {
	n := 0
	for k, v := range s.Status {
		if len(k) == 3 && k[0] == '5' {
			n += v
		}
	}
	return n
}

// recorder collects one phase's samples; safe for concurrent use.
type recorder struct {
	mu      sync.Mutex
	start   time.Time
	end     time.Time
	samples []sample
	waits   int
	waitDur time.Duration
	// first5xx names the first request answered with a 5xx.
	first5xx string
}

type sample struct {
	at     time.Duration // answer time since start
	lat    time.Duration
	status int // 0: transport error
}

func newRecorder(now time.Time) *recorder {
	return &recorder{start: now, samples: make([]sample, 0, 1024)}
}

func (r *recorder) add(end time.Time, lat time.Duration, status int) {
	r.mu.Lock()
	r.samples = append(r.samples, sample{at: end.Sub(r.start), lat: lat, status: status})
	r.mu.Unlock()
}

func (r *recorder) note5xx(what string) {
	r.mu.Lock()
	if r.first5xx == "" {
		r.first5xx = what
	}
	r.mu.Unlock()
}

func (r *recorder) wait(d time.Duration) {
	r.mu.Lock()
	r.waits++
	r.waitDur += d
	r.mu.Unlock()
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.samples)
}

// stats computes the phase's figures; end is when the phase's work ended.
func (r *recorder) stats(end time.Time) Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := end.Sub(r.start)
	s := Stats{
		Requests:    len(r.samples),
		DurationSec: d.Seconds(),
		Status:      map[string]int{},
		Waits429:    r.waits,
		Wait429Sec:  r.waitDur.Seconds(),
	}
	if d > 0 {
		s.Throughput = float64(len(r.samples)) / d.Seconds()
	}
	all := make([]time.Duration, 0, len(r.samples))
	secs := int(d/time.Second) + 1
	per := make([][]time.Duration, secs)
	s.Timeline = make([]Second, secs)
	for i := range s.Timeline {
		s.Timeline[i].T = i
		s.Timeline[i].Span = min(1, d.Seconds()-float64(i))
	}
	for _, x := range r.samples {
		all = append(all, x.lat)
		i := min(int(x.at/time.Second), secs-1)
		per[i] = append(per[i], x.lat)
		tl := &s.Timeline[i]
		tl.Requests++
		switch {
		case x.status == 0:
			s.TransportErrors++
			tl.Errors++
		default:
			s.Status[statusKey(x.status)]++
			if x.status >= 500 {
				tl.Status5xx++
			}
			if x.status == 429 {
				tl.Status429++
			}
		}
	}
	s.Latency = latency(all)
	for i := range per {
		s.Timeline[i].Latency = latency(per[i])
	}
	return s
}

func statusKey(code int) string {
	b := [3]byte{byte('0' + code/100%10), byte('0' + code/10%10), byte('0' + code%10)}
	return string(b[:])
}

// latency sorts ds in place and returns its nearest-rank percentiles.
func latency(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		i = max(0, min(i, len(ds)-1))
		return ms(ds[i])
	}
	return Latency{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
