package load

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reference"
)

const testToken = "load-test-token-0123456789abcdef"

// startTarget serves the in-memory reference server on 127.0.0.1, wrapped
// by wrap when not nil, and returns its SCIM base URL.
func startTarget(t testing.TB, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	srv, err := reference.New(reference.WithToken(testToken))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL + reference.BasePath
}

func testConfig(url string, users int, ops ...Op) Config {
	return Config{
		Client:      okta.Config{BaseURL: url, Credentials: okta.Credentials{Token: testToken}, Timeout: 10 * time.Second},
		Users:       users,
		Ops:         ops,
		Concurrency: 4,
		Overlap:     25,
	}
}

func run(t *testing.T, cfg Config) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func TestReferencePasses(t *testing.T) {
	url := startTarget(t, nil)
	res := run(t, testConfig(url, 200, AllOps...))
	if res.Verdict != VerdictPass {
		t.Fatalf("verdict %s, reasons:\n%s", res.Verdict, strings.Join(res.Reasons, "\n"))
	}
	if len(res.Phases) != len(AllOps) {
		t.Fatalf("%d phases, want %d", len(res.Phases), len(AllOps))
	}
	for _, p := range res.Phases {
		if !p.Verification.OK || p.Verification.Listed < 200 {
			t.Errorf("%s: verification %+v", p.Name, p.Verification)
		}
		if p.Stats.Requests == 0 || p.Stats.Status["500"] != 0 {
			t.Errorf("%s: stats %+v", p.Name, p.Stats)
		}
		t.Logf("%s: %d tasks, %d requests, %.0f req/s, p99 %.1fms", p.Name, p.Tasks, p.Stats.Requests, p.Stats.Throughput, p.Stats.Latency.P99)
	}
}
