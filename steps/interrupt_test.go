package steps_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// TestInterruptLeavesNoActiveUser: cancelling the run's context mid-run
// (what the CLI does on SIGINT) starts no further scenario, lets the
// current one finish or stop briefly, marks the rest errors "not run
// (interrupted)" rather than failures, returns a partial run, and still
// deactivates every user the run created on the reference server.
func TestInterruptLeavesNoActiveUser(t *testing.T) {
	tg := startTarget(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The interrupt lands right after the target created the third user,
	// inside a scenario; a 1 ms grace cuts that scenario short, so its
	// cleanup must run on a fresh context to deactivate the user.
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if posts.Load() >= 3 {
			time.Sleep(20 * time.Millisecond) // longer than the grace
		}
		tg.Server.ServeHTTP(w, r)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Users") && posts.Add(1) == 3 {
			cancel()
		}
	}))
	t.Cleanup(srv.Close)
	cfg := suiteConfig(srv.URL+reference.BasePath, okta.ProfileOIN)
	cfg.Grace = time.Millisecond
	cfg.RunID = fmt.Sprintf("intr%d", time.Now().UnixNano()%100000)
	// Scenarios that create users, the cancel lands inside the third.
	cfg.Selection.Tags = "@USR-002,@USR-003,@USR-007,@USR-010,@GRP-001,@SPEC-006,@USR-013"
	progress := &lockedBuffer{}
	cfg.Progress = progress
	start := time.Now()
	run, err := steps.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("interrupted run: %v, totals %+v\n%s", time.Since(start).Round(time.Millisecond), run.Totals, progress)
	if !run.Partial || run.StopReason != "not run (interrupted)" {
		t.Fatalf("partial=%v stop reason %q", run.Partial, run.StopReason)
	}
	notRun, cutShort := 0, 0
	for _, s := range scenarios(run) {
		switch {
		case s.Status == reports.StatusFail:
			t.Errorf("%s: FAIL %q after an interrupt", s.ID, s.Reason)
		case s.Status == reports.StatusError && strings.HasPrefix(s.Reason, "interrupted: "):
			cutShort++
		case s.Status == reports.StatusError && s.Reason == "not run (interrupted)":
			notRun++
		}
	}
	if run.Totals.Scenarios != 7 || notRun < 3 || cutShort != 1 || run.Totals.Verdict() != reports.VerdictError {
		t.Fatalf("%d scenarios, %d not run (interrupted), %d cut short, verdict %s%s", run.Totals.Scenarios, notRun, cutShort, run.Totals.Verdict(), describeFailures(run))
	}
	// Every user the run created is inactive on the target.
	c, err := okta.New(okta.Config{BaseURL: tg.BaseURL, Credentials: okta.Credentials{Token: selfTestToken}})
	if err != nil {
		t.Fatal(err)
	}
	ex := c.Do(context.Background(), okta.Request{Path: "/Users?startIndex=1&count=200"})
	list, err := ex.JSON()
	if err != nil {
		t.Fatal(err)
	}
	created := 0
	res, _ := list["Resources"].([]any)
	for _, r := range res {
		u, _ := r.(map[string]any)
		name, _ := u["userName"].(string)
		if !strings.Contains(strings.ToLower(name), strings.ToLower(cfg.RunID)) {
			continue
		}
		created++
		if u["active"] != false {
			t.Errorf("user %s is still active after the interrupted run", name)
		}
	}
	if created == 0 {
		t.Fatalf("the run created no user before the interrupt; the test proves nothing (%d listed)", len(res))
	}
	t.Logf("%d users created, all inactive", created)
}
