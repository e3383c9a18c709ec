package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteGitHubAnnotations writes one GitHub Actions workflow command
// "::error title=ID title::reason" per required scenario that failed or
// errored (new ones only when the run fails on new failures only), in the
// order the reports list them, at most maxAnnotations (GitHub shows no
// more per step). Text from the run is escaped so it cannot end the
// command or start another: %, CR and LF are percent-encoded as the
// runner expects, the title's ":" and "," too, and "::" in the message is
// broken up.
func WriteGitHubAnnotations(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write annotations: nil run")
	}
	var b strings.Builder
	n := 0
	for _, ref := range r.ordered() {
		sc := ref.Scenario
		if !sc.isRequired() || (sc.Status != StatusFail && sc.Status != StatusError) {
			continue
		}
		if r.FailOnNewOnly && sc.Regression == RegressionKnown {
			continue
		}
		if n == maxAnnotations {
			break
		}
		n++
		title := sc.ID + " " + oneLine(sc.Title)
		msg := strings.TrimSpace(string(sc.Status) + regressionMark(sc) + ": " + blockedPrefix(sc) + oneLineReason(sc, 300))
		fmt.Fprintf(&b, "::error title=%s::%s\n", ghProperty(title), ghData(msg))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write annotations: %w", err)
	}
	return nil
}

// maxAnnotations is how many error annotations GitHub shows per step.
const maxAnnotations = 10

// ghData escapes a workflow command's message (actions/toolkit escapeData).
func ghData(s string) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	for strings.Contains(s, "::") {
		s = strings.ReplaceAll(s, "::", ": :")
	}
	return s
}

// ghProperty escapes a workflow command property (escapeProperty).
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
