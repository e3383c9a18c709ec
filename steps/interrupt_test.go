package steps_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// cancelAfter is a Progress writer that cancels the run after n finished
// scenarios (as Ctrl-C would mid-run).
type cancelAfter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
	lines  []string
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		c.lines = append(c.lines, l)
		if strings.HasPrefix(l, "[") {
			if c.n--; c.n == 0 {
				c.cancel()
			}
		}
	}
	return len(p), nil
}

// TestInterruptLeavesNoActiveUser: cancelling the run's context mid-run
// (what the CLI does on SIGINT) starts no further scenario, lets the
// current one finish or stop briefly, marks the rest errors "not run
// (interrupted)" rather than failures, returns a partial run, and still
// deactivates every user the run created on the reference server.
func TestInterruptLeavesNoActiveUser(t *testing.T) {
	tg := startTarget(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
	cfg.RunID = fmt.Sprintf("intr%d", time.Now().UnixNano()%100000)
	// Scenarios that create users, the cancel lands inside the third.
	cfg.Selection.Tags = "@USR-002,@USR-003,@USR-007,@USR-010,@GRP-001,@SPEC-006,@USR-013"
	pw := &cancelAfter{n: 2, cancel: cancel}
	cfg.Progress = pw
	start := time.Now()
	run, err := steps.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("interrupted run: %v, totals %+v", time.Since(start).Round(time.Millisecond), run.Totals)
	if !run.Partial || run.StopReason != "not run (interrupted)" {
		t.Fatalf("partial=%v stop reason %q", run.Partial, run.StopReason)
	}
	notRun := 0
	for _, s := range scenarios(run) {
		switch {
		case s.Status == reports.StatusFail:
			t.Errorf("%s: FAIL %q after an interrupt", s.ID, s.Reason)
		case s.Status == reports.StatusError && s.Reason == "not run (interrupted)":
			notRun++
		}
	}
	if run.Totals.Scenarios != 7 || notRun < 3 || run.Totals.Verdict() != reports.VerdictError {
		t.Fatalf("%d scenarios, %d not run (interrupted), verdict %s", run.Totals.Scenarios, notRun, run.Totals.Verdict())
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
