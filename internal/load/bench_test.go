package load

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// instantHandler answers at once with the smallest bodies the mock Okta
// client accepts: an empty ListResponse to the lookup, 201 with an id to
// the create.
func instantHandler() http.Handler {
	var n atomic.Int64
	list := []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/scim+json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"id":"u`+strconv.FormatInt(n.Add(1), 10)+`","active":true}`)
			return
		}
		_, _ = w.Write(list)
	})
}

// BenchmarkEngineAssign measures the load engine alone: the assign phase
// (lookup + create per user, through the mock Okta client and the meter)
// against a handler that answers at once. It reports requests/s and
// allocations per request (client and loopback server together).
func BenchmarkEngineAssign(b *testing.B) {
	ts := httptest.NewServer(instantHandler())
	defer ts.Close()
	cfg := Config{
		Client:      okta.Config{BaseURL: ts.URL + "/scim/v2", Credentials: okta.Credentials{Token: testToken}},
		Users:       max(b.N, 1),
		Ops:         []Op{OpAssign},
		Concurrency: 16,
	}
	r, err := newRunner(cfg)
	if err != nil {
		b.Fatal(err)
	}
	rec := newRecorder(time.Now())
	r.meter.rec.Store(rec)
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	start := time.Now()
	r.assign(context.Background(), &PhaseResult{}, false)
	el := time.Since(start)
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	n := rec.count()
	if n < 2*cfg.Users {
		b.Fatalf("%d requests for %d users", n, cfg.Users)
	}
	b.ReportMetric(float64(n)/el.Seconds(), "requests/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(n), "allocs/request")
}
