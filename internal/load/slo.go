package load

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SLO is a service-level objective checked per phase: latency
// percentiles no higher than given, and at most Errors failed tasks,
// 5xx answers and requests without an answer together.
type SLO struct {
	P50, P95, P99, Max time.Duration // 0: not checked
	// Errors is the allowed error count, checked when CheckErrors.
	Errors      int
	CheckErrors bool
	// Text is the SLO as given, for reports.
	Text string
}

// ParseSLO parses "p99=500ms,errors=0" (keys p50, p95, p99, max, errors).
// An empty string is no SLO.
func ParseSLO(s string) (SLO, error) {
	slo := SLO{Text: s}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return slo, fmt.Errorf("--slo %q: want key=value, e.g. p99=500ms,errors=0", f)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if k == "errors" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return slo, fmt.Errorf("--slo errors=%q: want a count", v)
			}
			slo.Errors, slo.CheckErrors = n, true
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return slo, fmt.Errorf("--slo %s=%q: want a duration such as 500ms", k, v)
		}
		switch k {
		case "p50":
			slo.P50 = d
		case "p95":
			slo.P95 = d
		case "p99":
			slo.P99 = d
		case "max":
			slo.Max = d
		default:
			return slo, fmt.Errorf("--slo: unknown key %q (want p50, p95, p99, max, errors)", k)
		}
	}
	return slo, nil
}

// Check returns the objectives the phase missed.
func (s SLO) Check(pr PhaseResult) []string {
	var out []string
	for _, c := range []struct {
		name string
		want time.Duration
		got  float64
	}{{"p50", s.P50, pr.Stats.Latency.P50}, {"p95", s.P95, pr.Stats.Latency.P95}, {"p99", s.P99, pr.Stats.Latency.P99}, {"max", s.Max, pr.Stats.Latency.Max}} {
		if c.want > 0 && c.got > ms(c.want) {
			out = append(out, fmt.Sprintf("%s latency %.1fms > %s", c.name, c.got, c.want))
		}
	}
	if s.CheckErrors {
		if n := pr.errors(); n > s.Errors {
			out = append(out, fmt.Sprintf("errors %d > %d", n, s.Errors))
		}
	}
	return out
}

// errors counts failed tasks, 5xx answers and requests without an answer.
func (pr PhaseResult) errors() int {
	return pr.TasksFailed + pr.Stats.Count5xx() + pr.Stats.TransportErrors
}
