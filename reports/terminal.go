package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteTerminalSummary prints the end-of-run summary for a terminal: the
// counts, each failing or errored scenario's ID with a one-line reason
// (expected vs actual where the check compared values), and the path of
// report.html when htmlPath is not empty. Write errors are ignored: the
// summary is a courtesy, the files are the evidence.
func WriteTerminalSummary(w io.Writer, r *Run, htmlPath string) {
	if r == nil {
		return
	}
	t := r.totals()
	var b strings.Builder
	fmt.Fprintf(&b, "%d scenarios: %d passed, %d failed, %d errored, %d skipped", t.Scenarios, t.Passed, t.Failed, t.Errored, t.Skipped)
	if d := runDuration(r); d > 0 {
		fmt.Fprintf(&b, " in %s", d.Round(1e7))
	}
	b.WriteString("\n")
	var failing []scenarioRef
	for _, ref := range r.ordered() {
		if s := ref.Scenario.Status; s != StatusPass && s != StatusSkip {
			failing = append(failing, ref)
		}
	}
	if len(failing) > 0 {
		width := 0
		for _, ref := range failing {
			width = max(width, len(ref.Scenario.ID))
		}
		b.WriteString("\nNot passing:\n")
		for _, ref := range failing {
			sc := ref.Scenario
			tier := ""
			if sc.isRequired() {
				tier = " [required]"
			}
			fmt.Fprintf(&b, "  %-5s %-*s %s%s: %s\n", strings.ToUpper(string(sc.Status)), width, sc.ID, oneLine(sc.Title), tier, oneLineReason(sc, 160))
		}
	}
	b.WriteString("\n")
	switch {
	case t.RequiredFailed > 0:
		fmt.Fprintf(&b, "FAIL: %d required scenario(s) not passing.\n", t.RequiredFailed)
	case t.Failed+t.Errored > 0:
		b.WriteString("PASS: every required scenario passed (optional scenarios failing).\n")
	default:
		b.WriteString("PASS: every selected scenario passed or was skipped.\n")
	}
	if htmlPath != "" {
		fmt.Fprintf(&b, "Report: %s\n", htmlPath)
	}
	_, _ = io.WriteString(w, b.String())
}
