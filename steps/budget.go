package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
)

// stopKind says why a run stopped starting scenarios.
type stopKind int

const (
	stopDeadline stopKind = iota + 1
	stopInterrupted
	stopTargetGone
)

// stopReason is why the run stopped early: notRun is the reason of every
// scenario not started since, inFlight prefixes the failure of a step cut
// short by the stop.
type stopReason struct {
	kind     stopKind
	notRun   string
	inFlight string
}

func (s *stopReason) Error() string { return s.notRun }

// cutShort is the cause of the steps' context once the run stopped: a
// step that meets it was started and then cut short, unlike a scenario
// the stop kept from starting (*stopReason).
type cutShort struct{ r *stopReason }

func (c *cutShort) Error() string { return "the step was cut short" }

// runState watches one run: the run budget (Config.Deadline), the caller's
// cancellation (an interrupt), consecutive transport failures (a dead or
// stuck target) and rate limits that never end. Once it stops, no new
// scenario starts; steps in flight get a short grace (none when the target
// is gone) before their context ends.
type runState struct {
	cfg         *Config
	parent      context.Context
	stepCtx     context.Context
	cancelSteps context.CancelCauseFunc
	stopTimer   *time.Timer
	stopWatch   func() bool

	mu           sync.Mutex
	stop         *stopReason
	failures     int    // consecutive transport failures
	lastAnswered string // scenario that last got an HTTP answer
	probing      bool
	// rateLimited is set once a request used up its 429 attempts and
	// Okta's credentials test got 429 too: from then on a 429 is final.
	rateLimited bool
}

// newRunState starts watching parent and the deadline. close must be called.
func newRunState(parent context.Context, cfg *Config) *runState {
	rs := &runState{cfg: cfg, parent: parent}
	// Steps run on a context detached from parent's cancellation, so an
	// interrupt lets the current request finish (or time out within the
	// grace) instead of turning it into a failure.
	rs.stepCtx, rs.cancelSteps = context.WithCancelCause(context.WithoutCancel(parent))
	rs.stopWatch = context.AfterFunc(parent, func() {
		rs.halt(&stopReason{kind: stopInterrupted, notRun: "not run (interrupted)", inFlight: "interrupted"}, cfg.Grace)
	})
	rs.stopTimer = time.AfterFunc(cfg.Deadline, func() {
		rs.halt(&stopReason{kind: stopDeadline, notRun: fmt.Sprintf("not run (deadline: the run budget of %s was used up)", cfg.Deadline),
			inFlight: fmt.Sprintf("cut short by the run deadline (%s)", cfg.Deadline)}, cfg.Grace)
	})
	return rs
}

func (rs *runState) close() {
	rs.stopWatch()
	rs.stopTimer.Stop()
	rs.cancelSteps(context.Canceled)
}

// halt stops the run for r (the first reason wins) and ends the steps'
// context after grace.
func (rs *runState) halt(r *stopReason, grace time.Duration) {
	rs.mu.Lock()
	if rs.stop != nil {
		rs.mu.Unlock()
		return
	}
	rs.stop = r
	rs.mu.Unlock()
	if p := rs.cfg.Progress; p != nil {
		fmt.Fprintf(p, "stopping (%s): no further scenario starts; the rest are reported as %q\n",
			reports.RedactText(reports.SafeText(r.inFlight), rs.cfg.secrets()...), reports.RedactText(reports.SafeText(r.notRun), rs.cfg.secrets()...))
	}
	if grace <= 0 {
		rs.cancelSteps(&cutShort{r})
		return
	}
	time.AfterFunc(grace, func() { rs.cancelSteps(&cutShort{r}) })
}

// stopped returns why the run stopped, or nil.
func (rs *runState) stopped() *stopReason {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.stop
}

// cleanupContext is the context of a scenario's cleanup: the steps'
// context while the run goes on; once it stopped, a fresh short-lived one,
// so the users a run created are deactivated even after an interrupt. It
// returns nil when the target is gone (cleanup would only wait out timeouts).
func (rs *runState) cleanupContext() (context.Context, context.CancelFunc) {
	stop := rs.stopped()
	switch {
	case stop == nil:
		return context.WithTimeout(rs.stepCtx, 2*rs.cfg.Timeout)
	case stop.kind == stopTargetGone:
		return nil, nil
	}
	return context.WithTimeout(context.WithoutCancel(rs.parent), rs.cfg.CleanupTimeout)
}

// observer returns the okta.Config.Observe hook of scenario id's client.
func (rs *runState) observer(id string) func(okta.Exchange) {
	return func(ex okta.Exchange) {
		switch {
		case noAnswer(ex):
			rs.mu.Lock()
			rs.failures++
			n := rs.failures
			rs.mu.Unlock()
			if n >= rs.cfg.MaxTransportFailures {
				rs.maybeProbe(id, false)
			}
		case ex.StatusCode != 0:
			rs.mu.Lock()
			rs.failures, rs.lastAnswered = 0, id
			rs.mu.Unlock()
			if ex.StatusCode == http.StatusTooManyRequests && ex.Attempt >= rs.cfg.Retry.MaxAttempts {
				rs.maybeProbe(id, true)
			}
		}
	}
}

// noAnswer reports whether ex got no complete answer: a timeout, a refused
// or reset connection, also after the status line (a target that drips
// its body byte by byte never finishes an answer).
func noAnswer(ex okta.Exchange) bool {
	var te *okta.TransportError
	return errors.As(ex.Error, &te) && (te.Kind == okta.KindTimeout || te.Kind == okta.KindRefused || te.Kind == okta.KindNetwork)
}

// maybeProbe sends Okta's Test API Credentials request once, with a short
// timeout and no 429 retry. After transport failures, it stops the run
// when the target does not answer. After a request used up its 429
// attempts, a 429 to the probe too means the app rate-limits every
// request: Okta would pause provisioning, so scenarios started from then
// on take a 429 as final instead of waiting again (each still judges its
// own answers). Only one probe runs at a time.
func (rs *runState) maybeProbe(id string, rateLimited bool) {
	rs.mu.Lock()
	if rs.probing || rs.stop != nil || rateLimited && rs.rateLimited {
		rs.mu.Unlock()
		return
	}
	rs.probing = true
	rs.mu.Unlock()
	defer func() {
		rs.mu.Lock()
		rs.probing = false
		rs.mu.Unlock()
	}()
	pcfg := *rs.cfg
	pcfg.Timeout = rs.cfg.ProbeTimeout
	pcfg.Retry.MaxAttempts = 1
	pcfg.observe, pcfg.Retry.OnWait = nil, nil
	client, err := newClient(&pcfg)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(rs.stepCtx, rs.cfg.ProbeTimeout+time.Second)
	defer cancel()
	ex := client.Do(ctx, okta.Request{Path: "/Users?startIndex=1&count=2"})
	if ctx.Err() != nil && rs.stopped() != nil {
		return // stopped for another reason meanwhile
	}
	switch {
	case rateLimited && ex.StatusCode == http.StatusTooManyRequests:
		rs.mu.Lock()
		rs.rateLimited = true
		rs.mu.Unlock()
		if p := rs.cfg.Progress; p != nil {
			fmt.Fprintf(p, "the app rate-limits every request (%s got 429 %d times in a row, and so did Okta's credentials test): Okta would pause provisioning; from now on a 429 is final\n",
				id, rs.cfg.Retry.MaxAttempts)
		}
	case !rateLimited && (ex.StatusCode == 0 || noAnswer(ex)):
		after := rs.lastAnsweredScenario()
		rs.halt(&stopReason{kind: stopTargetGone,
			notRun:   fmt.Sprintf("target stopped answering after %s: %d requests in a row got no complete answer, and neither did Okta's credentials test (%s)", after, rs.cfg.MaxTransportFailures, ex.Err),
			inFlight: "target stopped answering after " + after}, 0)
	case ex.StatusCode != 0:
		rs.mu.Lock()
		rs.failures = 0
		rs.mu.Unlock()
	}
}

// isRateLimited reports whether the app was found to rate-limit every request.
func (rs *runState) isRateLimited() bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.rateLimited
}

func (rs *runState) lastAnsweredScenario() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.lastAnswered == "" {
		return "the pre-flight check"
	}
	return rs.lastAnswered
}

// progressWait returns the okta RetryPolicy.OnWait hook of scenario id:
// one progress line per wait after a 429.
func (rs *runState) progressWait(id string) func(okta.RetryWait) {
	return func(w okta.RetryWait) {
		p := rs.cfg.Progress
		if p == nil {
			return
		}
		ra := w.RetryAfter
		if ra == "" {
			ra = "none"
		}
		line := fmt.Sprintf("%s: rate-limited by the app (429, Retry-After %s): waiting %s, attempt %d of %d",
			id, ra, w.Wait, w.Attempt, w.MaxAttempts)
		fmt.Fprintln(p, reports.RedactText(reports.SafeText(line), rs.cfg.secrets()...))
	}
}
