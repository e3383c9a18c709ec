package steps_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// These tests run the suite against hostile targets on 127.0.0.1. Each
// answers Okta's credentials test (the pre-flight probe) correctly, then
// misbehaves; the run must end in bounded time with every scenario
// accounted for and a message a user understands.

const hostileToken = "hostile-token-8d2f6a1c9e"

const okList = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`

// lockedBuffer is a Progress writer safe for concurrent scenarios.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// isProbe reports whether r is Okta's Test API Credentials request.
func isProbe(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users") && r.URL.RawQuery == "startIndex=1&count=2"
}

// firstProbeThen answers the first request (the pre-flight probe) with an
// empty ListResponse and every later one with h.
func firstProbeThen(h http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 && isProbe(r) {
			w.Header().Set("Content-Type", "application/scim+json")
			fmt.Fprint(w, okList)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func hostileConfig(base string) steps.Config {
	return steps.Config{
		BaseURL:     base + "/scim/v2",
		Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: hostileToken},
		Timeout:     300 * time.Millisecond,
		Selection:   steps.Selection{Tier: "all", Groups: true},
		ToolVersion: "hostile-test",
	}
}

// runHostile runs the pre-flight and the suite, and checks that every
// selected scenario is in the report.
func runHostile(t *testing.T, cfg steps.Config) (*reports.Run, time.Duration) {
	t.Helper()
	if err := steps.Preflight(context.Background(), cfg); err != nil {
		t.Fatalf("pre-flight: %v", err)
	}
	start := time.Now()
	run, err := steps.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start)
	all, _ := steps.Catalog()
	if cfg.Selection.Tags == "" && run.Totals.Scenarios != len(all) {
		t.Fatalf("%d scenarios reported, the catalogue has %d", run.Totals.Scenarios, len(all))
	}
	return run, wall
}

// TestDeadTargetEndsTheRunFast: a target that dies after the pre-flight
// (connections refused) and one that hangs after it (accepts, never
// answers) end the run within seconds: after a few requests without an
// answer the harness probes once and the remaining scenarios are errors
// "target stopped answering after ...", never failures.
func TestDeadTargetEndsTheRunFast(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) (string, func())
	}{
		{"dies", func(t *testing.T) (string, func()) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/scim+json")
				fmt.Fprint(w, okList)
			}))
			return srv.URL, srv.Close // closed after the pre-flight
		}},
		{"hangs", func(t *testing.T) (string, func()) {
			done := make(chan struct{})
			srv := httptest.NewServer(firstProbeThen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body) // the server notices a closed connection only once the body is read
				select {
				case <-r.Context().Done():
				case <-done:
				}
			})))
			t.Cleanup(func() { close(done); srv.Close() })
			return srv.URL, func() {}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, afterPreflight := tc.start(t)
			cfg := hostileConfig(base)
			if err := steps.Preflight(context.Background(), cfg); err != nil {
				t.Fatalf("pre-flight: %v", err)
			}
			afterPreflight()
			progress := &lockedBuffer{}
			cfg.Progress = progress
			start := time.Now()
			run, err := steps.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			wall := time.Since(start)
			all, _ := steps.Catalog()
			t.Logf("%s: %d scenarios in %v, totals %+v", tc.name, run.Totals.Scenarios, wall.Round(time.Millisecond), run.Totals)
			if run.Totals.Scenarios != len(all) || run.Totals.Passed != 0 || run.Totals.Failed != 0 {
				t.Fatalf("totals %+v for %d scenarios: every in-scope scenario should be an error", run.Totals, len(all))
			}
			// 120 scenarios × 300 ms each would be 36 s; fail-fast needs ~4
			// timeouts. The bound leaves room for a loaded 2-core machine.
			if wall > 15*time.Second {
				t.Fatalf("the run took %v against a dead target", wall)
			}
			stoppedBy := 0
			for _, s := range scenarios(run) {
				if s.Status == reports.StatusError && strings.Contains(s.Reason, "target stopped answering after the pre-flight check") {
					stoppedBy++
				}
			}
			if stoppedBy < run.Totals.Errored-4 || !run.Partial || !strings.Contains(run.StopReason, "target stopped answering") {
				t.Fatalf("%d of %d errors say the target stopped answering; partial=%v %q", stoppedBy, run.Totals.Errored, run.Partial, run.StopReason)
			}
			if run.Totals.Verdict() != reports.VerdictError || !strings.Contains(progress.String(), "stopping (target stopped answering after the pre-flight check): no further scenario starts") {
				t.Fatalf("verdict %s, progress:\n%s", run.Totals.Verdict(), progress)
			}
		})
	}
}

// TestSlowTargetGetsItsFullTimeouts: a target that answers every request
// after 250 ms with a 300 ms timeout is slow, not gone: nothing is cut
// short and the scenarios pass.
func TestSlowTargetGetsItsFullTimeouts(t *testing.T) {
	tg := startTarget(t, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond)
		tg.Server.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg := suiteConfig(srv.URL+reference.BasePath, okta.ProfileOIN)
	cfg.Timeout = 2 * time.Second
	cfg.Selection.Tags = "@USR-001,@USR-004"
	run, err := steps.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if run.Totals.Verdict() != reports.VerdictPass || run.Partial {
		t.Fatalf("slow target: %s partial=%v%s", run.Totals.Verdict(), run.Partial, describeFailures(run))
	}
}

// TestDeadlineBoundsTheRun: a target that answers the credentials test but
// lets every other request time out is not "gone"; the run budget ends
// the run: the remaining scenarios are errors "not run (deadline...)".
func TestDeadlineBoundsTheRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isProbe(r) {
			w.Header().Set("Content-Type", "application/scim+json")
			fmt.Fprint(w, okList)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body) // the server notices a closed connection only once the body is read
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	cfg := hostileConfig(srv.URL)
	cfg.Deadline = 2 * time.Second
	run, wall := runHostile(t, cfg)
	t.Logf("deadline 2s: wall %v, totals %+v", wall.Round(time.Millisecond), run.Totals)
	// Deadline plus grace plus writing up; without the deadline the run
	// would wait out a timeout per scenario. Room for a loaded machine.
	if wall > 10*time.Second {
		t.Fatalf("the run took %v with a 2s deadline", wall)
	}
	notRun := 0
	for _, s := range scenarios(run) {
		if s.Status == reports.StatusError && strings.HasPrefix(s.Reason, "not run (deadline") {
			notRun++
		}
	}
	if notRun == 0 {
		for _, s := range scenarios(run) {
			t.Logf("%s %s: %s", s.ID, s.Status, s.Reason)
		}
	}
	if notRun == 0 || !run.Partial || run.Totals.Verdict() != reports.VerdictError || run.Totals.Failed != 0 {
		t.Fatalf("%d scenarios not run (deadline), partial=%v, totals %+v", notRun, run.Partial, run.Totals)
	}
}

// TestAlwaysRateLimited: an app answering 429 Retry-After: 3600 to every
// request after the pre-flight gets capped waits (5 s by default, shown
// as progress lines); once a request used up its 10 attempts and Okta's
// credentials test is rate-limited too, later scenarios take a 429 as
// final, so the run ends within minutes (not hours) with the verdict fail
// and every failure naming the rate limit.
func TestAlwaysRateLimited(t *testing.T) {
	srv := httptest.NewServer(firstProbeThen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})))
	t.Cleanup(srv.Close)
	cfg := hostileConfig(srv.URL)
	var slept atomic.Int64
	cfg.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		if d != steps.DefaultMaxRetryWait {
			return fmt.Errorf("asked to wait %v, want the cap %v", d, steps.DefaultMaxRetryWait)
		}
		slept.Add(int64(d))
		return nil
	}
	progress := &lockedBuffer{}
	cfg.Progress = progress
	run, wall := runHostile(t, cfg)
	t.Logf("always 429: wall %v, would have waited %v, totals %+v", wall.Round(time.Millisecond), time.Duration(slept.Load()), run.Totals)
	if run.Totals.Verdict() != reports.VerdictFail || run.Totals.Errored != 0 {
		t.Fatalf("verdict %s, totals %+v%s", run.Totals.Verdict(), run.Totals, describeFailures(run))
	}
	if time.Duration(slept.Load()) > 5*time.Minute {
		t.Fatalf("would have waited %v against an always-429 app", time.Duration(slept.Load()))
	}
	for _, s := range scenarios(run) {
		if s.Status == reports.StatusFail && !strings.HasPrefix(s.Reason, "the app rate-limits every request; Okta would pause provisioning: ") {
			t.Errorf("%s: failure reason %q does not name the rate limit", s.ID, s.Reason)
		}
	}
	if !strings.Contains(progress.String(), "rate-limited by the app (429, Retry-After 3600): waiting 5s, attempt 2 of 10") ||
		!strings.Contains(progress.String(), "the app rate-limits every request") {
		t.Fatalf("no wait progress line:\n%s", progress)
	}
}

// TestHugeAnswersAreBounded: a target answering 200 MB to every request
// after the pre-flight: each answer is cut at 4 MiB with a message naming
// --max-body, the report keeps at most 64 KiB per body, and the heap stays
// small.
func TestHugeAnswersAreBounded(t *testing.T) {
	chunk := bytes.Repeat([]byte("x"), 256<<10)
	srv := httptest.NewServer(firstProbeThen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		for sent := 0; sent < 200<<20 && r.Context().Err() == nil; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})))
	t.Cleanup(srv.Close)
	cfg := hostileConfig(srv.URL)
	cfg.Timeout = 5 * time.Second
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	run, wall := runHostile(t, cfg)
	close(stop)
	report, _ := json.Marshal(run)
	maxBody, messages := 0, 0
	for _, s := range scenarios(run) {
		for _, st := range s.Steps {
			for _, ex := range st.Exchanges {
				maxBody = max(maxBody, len(ex.ResponseBody))
				if strings.Contains(ex.Error, "the answer exceeded 4 MiB; raise --max-body") {
					messages++
				}
			}
		}
	}
	t.Logf("200 MB answers: wall %v, peak heap in use %.1f MiB, results JSON %.1f MiB, largest recorded body %d bytes, %d exchanges naming --max-body, totals %+v",
		wall.Round(time.Millisecond), float64(peak.Load())/(1<<20), float64(len(report))/(1<<20), maxBody, messages, run.Totals)
	if maxBody > steps.DefaultMaxRecordedBody || messages == 0 {
		t.Fatalf("largest recorded body %d, %d messages naming --max-body", maxBody, messages)
	}
	if len(report) > 50<<20 || peak.Load() > 300<<20 {
		t.Fatalf("results JSON %d bytes, peak heap %d", len(report), peak.Load())
	}
}

// TestEscapesInServerTextAreNeutralised: error details carrying ANSI/OSC
// sequences, NUL, CR and bidi overrides reach neither the progress lines
// nor the scenario reasons raw.
func TestEscapesInServerTextAreNeutralised(t *testing.T) {
	evil := "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\r\x00 \u202egnp.exe"
	srv := httptest.NewServer(firstProbeThen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusBadRequest)
		b, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"}, "status": "400", "detail": evil})
		w.Write(b)
	})))
	t.Cleanup(srv.Close)
	cfg := hostileConfig(srv.URL)
	progress := &lockedBuffer{}
	cfg.Progress = progress
	run, _ := runHostile(t, cfg)
	raw := func(s string) bool { return strings.ContainsAny(s, "\x1b\x00\r\x07\u202e") }
	if raw(progress.String()) {
		t.Fatalf("raw control characters in the progress output: %q", progress)
	}
	quoted := 0
	for _, s := range scenarios(run) {
		if raw(s.Reason) {
			t.Fatalf("%s: raw control characters in the reason %q", s.ID, s.Reason)
		}
		for _, st := range s.Steps {
			if raw(st.Reason) || st.Failure != nil && (raw(st.Failure.Message) || raw(st.Failure.Expected) || raw(st.Failure.Actual)) {
				t.Fatalf("%s: raw control characters in step %q: %+v", s.ID, st.Text, st.Failure)
			}
		}
		if strings.Contains(s.Reason, `\x1b]0;pwned`) {
			quoted++
		}
	}
	if quoted == 0 {
		t.Fatalf("no reason quotes the server's detail (escaped); the test proves nothing:\n%s", progress)
	}
}

// TestRateLimitedEveryFourthRequestPasses: a target that answers every
// fourth request 429 Retry-After: 1 is ridden out as Okta does, in users,
// groups, imports and probes.
func TestRateLimitedEveryFourthRequestPasses(t *testing.T) {
	tg := startTarget(t, nil)
	for _, id := range []string{"GRP-001", "GRP-003", "USR-004", "USR-007", "USR-010", "IMP-001"} {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1)%4 == 0 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			tg.Server.ServeHTTP(w, r)
		}))
		cfg := suiteConfig(srv.URL+reference.BasePath, okta.ProfileOIN)
		cfg.Selection.Tags = "@" + id
		var waits []time.Duration
		cfg.Retry.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
		run, err := steps.Run(context.Background(), cfg)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		n429 := 0
		for _, s := range scenarios(run) {
			for _, st := range s.Steps {
				for _, ex := range st.Exchanges {
					if ex.StatusCode == http.StatusTooManyRequests {
						n429++
					}
				}
			}
		}
		t.Logf("%s: %d requests, %d answered 429, waits %v", id, n.Load(), n429, waits)
		if run.Totals.Scenarios != 1 || n429 == 0 || len(waits) == 0 {
			t.Errorf("%s: %d scenarios ran, %d 429s seen, %d waits: the test did not exercise the retry", id, run.Totals.Scenarios, n429, len(waits))
		}
		if run.Totals.Verdict() != reports.VerdictPass {
			t.Errorf("%s against every-4th-429: %s%s", id, run.Totals.Verdict(), describeFailures(run))
		}
	}
}
