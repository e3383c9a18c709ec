package reports

// The values of Scenario.Regression.
const (
	// RegressionNew marks a failure the baseline run did not have.
	RegressionNew = "new"
	// RegressionKnown marks a failure the baseline run had too.
	RegressionKnown = "known"
)

// failed reports whether s is a failure a baseline can know: fail or waived.
func failed(s Status) bool { return s == StatusFail || s == StatusWaived }

// MarkBaseline compares r with base, an earlier run: each failing or
// waived scenario of r gets Regression RegressionKnown when base has the
// same scenario ID failing or waived too, else RegressionNew; other
// scenarios get none. name (the baseline's path) is kept in r.Baseline.
// With failOnNew, known required failures stop counting for the verdict
// (Totals.KnownFailed); call ComputeTotals afterwards.
func (r *Run) MarkBaseline(base *Run, name string, failOnNew bool) {
	if r == nil || base == nil {
		return
	}
	was := map[string]bool{}
	for _, f := range base.Features {
		for _, sc := range f.Scenarios {
			if failed(sc.Status) {
				was[sc.ID] = true
			}
		}
	}
	r.Baseline, r.FailOnNewOnly = name, failOnNew
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			sc.Regression = ""
			if !failed(sc.Status) {
				continue
			}
			sc.Regression = RegressionNew
			if was[sc.ID] {
				sc.Regression = RegressionKnown
			}
		}
	}
}

// regressionMark is " [new]" or " [known]" for a scenario compared with a
// baseline, else "".
func regressionMark(sc *Scenario) string {
	if sc.Regression == "" {
		return ""
	}
	return " [" + sc.Regression + "]"
}
