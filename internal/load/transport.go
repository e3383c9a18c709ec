package load

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// meter is the RoundTripper every load request goes through: it applies
// the --rate limit, then times the request and records its status in the
// current phase's recorder. The mock Okta client above it does the rest
// (headers, auth, Okta's 429 policy).
type meter struct {
	next    http.RoundTripper
	limiter *rate.Limiter // nil: unlimited
	now     func() time.Time
	rec     atomic.Pointer[recorder]
}

func (m *meter) RoundTrip(req *http.Request) (*http.Response, error) {
	if m.limiter != nil {
		if err := m.limiter.Wait(req.Context()); err != nil {
			return nil, fmt.Errorf("rate limit: %w", err)
		}
	}
	start := m.now()
	resp, err := m.next.RoundTrip(req)
	if rec := m.rec.Load(); rec != nil {
		end := m.now()
		if err != nil {
			rec.add(end, end.Sub(start), 0)
		} else {
			// Latency is to the response header; the body is small and read
			// by the client right after.
			rec.add(end, end.Sub(start), resp.StatusCode)
			if resp.StatusCode >= 500 {
				rec.note5xx(fmt.Sprintf("%s %s -> %s", req.Method, req.URL.Path, resp.Status))
			}
		}
	}
	return resp, err
}

// sleep429 wraps the 429 wait of the client so that waits are counted in
// the current phase; capped bounds each wait (0: Okta's waits, uncapped).
func (m *meter) sleep429(capped time.Duration) func(ctx context.Context, d time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		if capped > 0 && d > capped {
			d = capped
		}
		if rec := m.rec.Load(); rec != nil {
			rec.wait(d)
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
}

// newTransport returns the base transport: the given client's transport
// (TLS settings) or a clone of the default one, with enough idle
// connections per host for every worker to keep its own.
func newTransport(hc *http.Client, workers int) http.RoundTripper {
	var tr *http.Transport
	if hc != nil && hc.Transport != nil {
		t, ok := hc.Transport.(*http.Transport)
		if !ok {
			return hc.Transport
		}
		tr = t.Clone()
	} else {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	tr.MaxIdleConns = max(100, 2*workers)
	tr.MaxIdleConnsPerHost = 2 * workers
	return tr
}
