package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteTerminalSummary prints the end-of-run summary for a terminal: the
// counts, a line per capability not in scope, each failing or errored
// scenario (and each skipped required one) with a one-line reason (expected
// vs actual where the check compared values) and, for a failure at its own
// checks, the catalogue's "How to fix" hint (Scenario.Fix), the strict
// tier's grade per area when it was in scope (Run.StrictGrades), the verdict line
// (Totals.VerdictText) and the path of report.html when htmlPath is not
// empty. A partial run says so above the verdict line (Run.PartialNote).
// Control characters in the text are escaped (SafeText). Write errors are
// ignored: the
// summary is a courtesy, the files are the evidence.
func WriteTerminalSummary(w io.Writer, r *Run, htmlPath string) {
	if r == nil {
		return
	}
	writeSummary(w, r, htmlPath, "Verdict: "+r.totals().VerdictText())
}

// WriteRenderedSummary is WriteTerminalSummary for a run rendered again
// from its results.json (`scimconform report`): the same counts and
// failures, but no verdict line: rendering proves nothing, and the verdict
// of the run was the exit code of `scimconform run` (and the files'
// verdict field).
func WriteRenderedSummary(w io.Writer, r *Run, htmlPath string) {
	if r == nil {
		return
	}
	when := ""
	if !r.StartedAt.IsZero() {
		when = " of " + r.StartedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	writeSummary(w, r, htmlPath, "Rendered the run"+when+"; report does not re-run or judge it (the run's verdict is in the files and was the exit code of run)")
}

// terminalBlockedLines caps the scenario lines under each root cause; the
// rest are listed by ID.
const terminalBlockedLines = 5

func writeSummary(w io.Writer, r *Run, htmlPath, verdictLine string) {
	t := r.totals()
	var b strings.Builder
	fmt.Fprintf(&b, "%d scenarios: %d passed, %d failed, %d errored, %d skipped, %d not in scope", t.Scenarios, t.Passed, t.Failed, t.Errored, t.Skipped, t.NotInScope)
	if t.Waived > 0 {
		fmt.Fprintf(&b, ", %d waived", t.Waived)
	}
	if d := runDuration(r); d > 0 {
		fmt.Fprintf(&b, " in %s", d.Round(1e7))
	}
	b.WriteString("\n")
	for _, n := range r.ScopeNotes() {
		fmt.Fprintf(&b, "Not in scope: %s\n", n)
	}
	if r.Baseline != "" {
		fmt.Fprintf(&b, "Compared with baseline %s%s\n", r.Baseline, map[bool]string{true: " (only new required failures fail the run)"}[r.FailOnNewOnly])
	}
	var failing []scenarioRef
	width := 0
	for _, ref := range r.ordered() {
		if notPassing(ref.Scenario) {
			width = max(width, len(ref.Scenario.ID))
			if ref.Scenario.BlockedBy == "" {
				failing = append(failing, ref)
			}
		}
	}
	line := func(sc *Scenario) string {
		tier := ""
		if sc.isRequired() {
			tier = " [" + r.tierLabel(sc) + "]"
		}
		return fmt.Sprintf("%-5s %-*s %s%s%s: %s", strings.ToUpper(string(sc.Status)), width, sc.ID, oneLine(sc.Title), tier, regressionMark(sc), oneLineReason(sc, 160))
	}
	if len(r.RootCauses) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", rootCausesHeading(r))
		byID := r.scenariosByID()
		for _, c := range r.RootCauses {
			fmt.Fprintf(&b, "  %s\n", c.Text())
			if c.Exchange != "" {
				fmt.Fprintf(&b, "    ↳ %s\n", c.Exchange)
			}
			for i, id := range c.Scenarios {
				if i == terminalBlockedLines {
					fmt.Fprintf(&b, "    … and %d more: %s\n", len(c.Scenarios)-i, strings.Join(c.Scenarios[i:], " "))
					break
				}
				if sc := byID[id]; sc != nil {
					fmt.Fprintf(&b, "    %s\n", line(sc))
				}
			}
		}
	}
	if len(failing) > 0 {
		if len(r.RootCauses) > 0 {
			b.WriteString("\nNot passing at their own checks:\n")
		} else {
			b.WriteString("\nNot passing:\n")
		}
		for _, ref := range failing {
			sc := ref.Scenario
			fmt.Fprintf(&b, "  %s\n", line(sc))
			if ex := offendingExchange(sc); ex != nil {
				fmt.Fprintf(&b, "  %-5s %-*s ↳ %s\n", "", width, "", exchangeLine(ex, 160))
			}
			if fix := sc.fixHint(); fix != "" {
				fmt.Fprintf(&b, "  %-5s %-*s How to fix: %s\n", "", width, "", fix)
			}
		}
	}
	if grades := r.StrictGrades(); len(grades) > 0 {
		b.WriteString("\nStrict tier (RFC 7643/7644) per area:\n")
		for _, g := range grades {
			fmt.Fprintf(&b, "  %s\n", g.Text())
		}
	}
	var waived []*Scenario
	for _, ref := range r.ordered() {
		if ref.Scenario.Status == StatusWaived {
			waived = append(waived, ref.Scenario)
		}
	}
	if len(waived) > 0 {
		b.WriteString("\nWaived (known failures, not passes):\n")
		for _, sc := range waived {
			fmt.Fprintf(&b, "  WAIVED %s %s: %s; failure: %s\n", sc.ID, oneLine(sc.Title), waiverText(sc.Waiver), oneLineReason(sc, 160))
		}
	}
	if len(r.StaleWaivers) > 0 {
		b.WriteString("\nStale waivers (remove or renew them):\n")
		for _, sw := range r.StaleWaivers {
			fmt.Fprintf(&b, "  %s\n", staleText(sw))
		}
	}
	b.WriteString("\n")
	if n := r.PartialNote(); n != "" {
		b.WriteString(n + "\n")
	}
	b.WriteString(verdictLine + "\n")
	if htmlPath != "" {
		fmt.Fprintf(&b, "Report: %s\n", htmlPath)
	}
	// Titles, reasons and exchange excerpts carry server text: no control
	// sequence reaches the terminal.
	_, _ = io.WriteString(w, SafeText(b.String()))
}

// notPassing reports whether sc is one a reader must act on: it failed or
// errored, or it is required and was skipped (so the run proves nothing
// about it).
func notPassing(sc *Scenario) bool {
	switch sc.Status {
	case StatusPass, StatusNotInScope:
		return false
	case StatusSkip:
		return sc.isRequired()
	}
	return true
}

// offendingExchange returns the last exchange of the first step of sc that
// did not pass, or nil when that step made no request.
func offendingExchange(sc *Scenario) *Exchange {
	for i := range sc.Steps {
		st := &sc.Steps[i]
		if st.Status == StatusFail || st.Status == StatusError {
			if n := len(st.Exchanges); n > 0 {
				return &st.Exchanges[n-1]
			}
			// An assertion step looks at the answer of the step before it.
			for j := i - 1; j >= 0; j-- {
				if n := len(sc.Steps[j].Exchanges); n > 0 {
					return &sc.Steps[j].Exchanges[n-1]
				}
			}
			return nil
		}
	}
	return nil
}

// exchangeLine renders ex as "METHOD URL → STATUS body-excerpt" in at most
// max runes of body.
func exchangeLine(ex *Exchange, max int) string {
	if ex.StatusCode == 0 {
		return fmt.Sprintf("%s %s → no answer: %s", ex.Method, ex.URL, oneLine(ex.Error))
	}
	body := oneLine(ex.ResponseBody)
	if r := []rune(body); len(r) > max {
		body = string(r[:max]) + "…"
	}
	line := fmt.Sprintf("%s %s → %d %s", ex.Method, ex.URL, ex.StatusCode, body)
	if n := ex.CutNote(); n != "" {
		line += " (" + n + ")"
	}
	return line
}
