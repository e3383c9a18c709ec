package reports

import (
	"sort"
	"strings"
	"time"
)

// ComputeTotals fills r.Totals from the scenario statuses. A scenario with
// a status other than pass, fail, error, skip, not-in-scope or waived
// counts as errored, since the harness must always decide. Required means
// tier "required" (or tagged @required). Stale waivers count in
// StrictStale only when r.WaiversStrict; known failures in KnownFailed only
// when r.FailOnNewOnly. It fills each scenario's TierNote from its
// @needs-<name> tags and r.Scope. It also groups blocked scenarios under their root
// causes (Run.RootCauses, Scenario.BlockedBy).
func (r *Run) ComputeTotals() {
	if r == nil {
		return
	}
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			sc.TierNote = r.tierNote(sc)
		}
	}
	t := r.count()
	if r.WaiversStrict {
		t.StrictStale = len(r.StaleWaivers)
	}
	r.Totals = t
	r.computeRootCauses()
}

// count tallies the scenario statuses into Totals (without StrictStale).
// It does not modify r.
func (r *Run) count() Totals {
	var t Totals
	for _, f := range r.Features {
		for _, sc := range f.Scenarios {
			t.Scenarios++
			req := sc.isRequired()
			switch sc.Status {
			case StatusPass:
				t.Passed++
			case StatusFail:
				t.Failed++
				if req {
					t.RequiredFailed++
					if r.FailOnNewOnly && sc.Regression == RegressionKnown {
						t.KnownFailed++
					}
				}
			case StatusWaived:
				t.Waived++
			case StatusSkip:
				t.Skipped++
				if req {
					t.RequiredSkipped++
				}
			case StatusNotInScope:
				t.NotInScope++
			default:
				t.Errored++
				if req {
					t.RequiredErrored++
				}
			}
		}
	}
	return t
}

// Verdict is what a run proves about the target.
type Verdict string

// The verdicts. Pass: every in-scope required scenario passed (or failed
// under a waiver) and nothing errored. Fail: a required scenario failed, so
// the app has a named defect (this wins when the run also had errors: the
// defect is certain), or a waiver is stale under --waivers-strict; with
// --fail-on new only failures not in the baseline count. Error:
// no required scenario failed, but the harness could not decide some
// scenario (an error anywhere, or an in-scope required scenario skipped),
// so the run proves nothing either way.
const (
	VerdictPass  Verdict = "pass"
	VerdictFail  Verdict = "fail"
	VerdictError Verdict = "error"
)

// Verdict returns the verdict these totals support. The CLI maps it to the
// exit code (0 pass, 1 fail, 2 error).
func (t Totals) Verdict() Verdict {
	switch {
	case t.RequiredFailed-t.KnownFailed > 0 || t.StrictStale > 0:
		return VerdictFail
	case t.Errored > 0 || t.RequiredSkipped > 0:
		return VerdictError
	}
	return VerdictPass
}

func (sc *Scenario) isRequired() bool {
	if strings.EqualFold(sc.Tier, "required") {
		return true
	}
	for _, t := range sc.Tags {
		if strings.EqualFold(t, "@required") {
			return true
		}
	}
	return false
}

// statusRank orders statuses as the reports list them: the scenarios a
// reader must act on first.
func statusRank(s Status) int {
	switch s {
	case StatusFail:
		return 0
	case StatusError:
		return 1
	case StatusWaived:
		return 2
	case StatusPass:
		return 3
	case StatusSkip:
		return 4
	case StatusNotInScope:
		return 5
	}
	return 1
}

// scenarioRef is a scenario with the feature it belongs to.
type scenarioRef struct {
	Feature  *Feature
	Scenario *Scenario
}

// ordered returns every scenario of the run, failures first (fail, error,
// waived, pass, skip, not in scope), required before optional within a
// status, and in catalogue order within those.
func (r *Run) ordered() []scenarioRef {
	var out []scenarioRef
	for fi := range r.Features {
		f := &r.Features[fi]
		for si := range f.Scenarios {
			out = append(out, scenarioRef{f, &f.Scenarios[si]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return listsBefore(out[i].Scenario, out[j].Scenario) })
	return out
}

// listsBefore is the order of ordered: a before b when its status ranks
// first, or the status is the same and a is required while b is not.
func listsBefore(a, b *Scenario) bool {
	if ra, rb := statusRank(a.Status), statusRank(b.Status); ra != rb {
		return ra < rb
	}
	return a.isRequired() && !b.isRequired()
}

// orderedScenarios returns f's scenarios in the order of ordered
// (failures first, required before optional within a status, catalogue
// order within those), for the formats that keep features in catalogue
// order but may order a feature's scenarios (junit.xml, cucumber.json).
func (f *Feature) orderedScenarios() []*Scenario {
	out := make([]*Scenario, len(f.Scenarios))
	for i := range f.Scenarios {
		out[i] = &f.Scenarios[i]
	}
	sort.SliceStable(out, func(i, j int) bool { return listsBefore(out[i], out[j]) })
	return out
}

// counts is a pass/fail/error/skip tally for one group (an area, a tier).
type counts struct {
	Name                                           string
	Pass, Fail, Error, Skip, NotInScope, Waived, N int
}

func (c *counts) add(s Status) {
	c.N++
	switch s {
	case StatusPass:
		c.Pass++
	case StatusFail:
		c.Fail++
	case StatusSkip:
		c.Skip++
	case StatusNotInScope:
		c.NotInScope++
	case StatusWaived:
		c.Waived++
	default:
		c.Error++
	}
}

// groupCounts tallies scenarios by the keys key returns (several for a
// scenario with several areas), sorted by name; a scenario with no key is
// counted under "(none)".
func (r *Run) groupCounts(key func(*Scenario) []string) []counts {
	m := map[string]*counts{}
	for _, f := range r.Features {
		for i := range f.Scenarios {
			sc := &f.Scenarios[i]
			keys := key(sc)
			if len(keys) == 0 {
				keys = []string{"(none)"}
			}
			for _, k := range keys {
				c := m[k]
				if c == nil {
					c = &counts{Name: k}
					m[k] = c
				}
				c.add(sc.Status)
			}
		}
	}
	out := make([]counts, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func areasOf(sc *Scenario) []string { return sc.Areas }

func tierOf(sc *Scenario) []string {
	if sc.Tier == "" {
		return nil
	}
	return []string{sc.Tier}
}

// oneLineReason is why a scenario did not pass, on one line of at most max
// runes: the scenario's Reason, else the first failing step's message or
// reason, followed by "expected X, got Y" when the step compared values and
// the text does not already say so.
func oneLineReason(sc *Scenario, max int) string {
	reason := sc.Reason
	st := failingStep(sc)
	if st != nil {
		if reason == "" && st.Failure != nil {
			reason = st.Failure.Message
		}
		if reason == "" {
			reason = st.Reason
		}
		if f := st.Failure; f != nil && (f.Expected != "" || f.Actual != "") && !strings.Contains(strings.ToLower(reason), "expected") {
			ea := "expected " + oneLine(f.Expected) + ", got " + oneLine(f.Actual)
			if reason == "" {
				reason = ea
			} else {
				reason += ": " + ea
			}
		}
	}
	return truncate(oneLine(reason), max)
}

// failingStep is the first step with status fail or error, or nil.
func failingStep(sc *Scenario) *Step {
	for i := range sc.Steps {
		if s := sc.Steps[i].Status; s == StatusFail || s == StatusError {
			return &sc.Steps[i]
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncate(s string, max int) string {
	if max <= 0 {
		return s
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// nonNegSeconds converts milliseconds to seconds, never negative.
func nonNegSeconds(ms float64) float64 {
	if ms < 0 || ms != ms {
		return 0
	}
	return ms / 1000
}

func runDuration(r *Run) time.Duration {
	d := r.FinishedAt.Sub(r.StartedAt)
	if d < 0 || r.StartedAt.IsZero() || r.FinishedAt.IsZero() {
		return 0
	}
	return d
}

// totals is r.Totals, or the totals computed from the scenarios when the
// caller has not called ComputeTotals (Totals is zero but there are
// scenarios). It does not modify r.
func (r *Run) totals() Totals {
	if r.Totals != (Totals{}) {
		return r.Totals
	}
	return r.count()
}
