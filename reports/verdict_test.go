package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestVerdictText(t *testing.T) {
	tests := []struct {
		name string
		t    Totals
		want string
	}{
		{"pass", Totals{Scenarios: 3, Passed: 3}, "pass: every in-scope required scenario passed"},
		{"pass with optional failing", Totals{Scenarios: 3, Passed: 2, Failed: 1}, "pass: every in-scope required scenario passed (1 optional failed)"},
		{"pass with nothing run", Totals{Scenarios: 2, NotInScope: 2}, "pass: every in-scope required scenario passed (no scenario ran)"},
		{"fail", Totals{Scenarios: 3, Passed: 1, Failed: 2, RequiredFailed: 2}, "fail (2 required failed)"},
		{"error", Totals{Scenarios: 3, Passed: 1, Errored: 1, Skipped: 1, RequiredErrored: 1, RequiredSkipped: 1},
			"error (1 errored, 1 required skipped: the run proves nothing about them)"},
		{"required skipped only", Totals{Scenarios: 2, Passed: 1, Skipped: 1, RequiredSkipped: 1},
			"error (1 required skipped: the run proves nothing about them)"},
		{"optional skip is no error", Totals{Scenarios: 2, Passed: 1, Skipped: 1}, "pass: every in-scope required scenario passed"},
		{"fail and error", Totals{Scenarios: 4, Passed: 1, Failed: 2, Errored: 1, RequiredFailed: 2},
			"fail (2 required failed); also error (1 errored: the run proves nothing about them)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.VerdictText(); got != tt.want {
				t.Errorf("VerdictText() = %q, want %q", got, tt.want)
			}
			if !strings.HasPrefix(tt.t.VerdictText(), string(tt.t.Verdict())) {
				t.Errorf("text %q does not start with the verdict %q", tt.t.VerdictText(), tt.t.Verdict())
			}
		})
	}
}

// TestEveryFormatStatesVerdictAndScope writes a run whose only required
// scenario was skipped (in scope) and whose SSO capability was not
// declared: no format may claim a pass, and every format names the scope.
func TestEveryFormatStatesVerdictAndScope(t *testing.T) {
	r := fixtureRun()
	// Only passes, a required skip and a not-in-scope scenario are left.
	r.Features[0].Scenarios[1].Status = StatusSkip
	r.Features[0].Scenarios[1].Reason = "the app did not advertise PATCH"
	r.Features[2].Scenarios[0].Status = StatusPass
	r.ComputeTotals()
	if v := r.Totals.Verdict(); v != VerdictError {
		t.Fatalf("verdict %s, want error (a required scenario was skipped)", v)
	}
	const verdict = "error (1 required skipped: the run proves nothing about them)"
	const scope = "SSO not tested: no --saml-acs given"
	writers := map[string]func(*bytes.Buffer) error{
		FileJSON:     func(b *bytes.Buffer) error { return WriteJSON(b, r) },
		FileJUnit:    func(b *bytes.Buffer) error { return WriteJUnit(b, r) },
		FileCucumber: func(b *bytes.Buffer) error { return WriteCucumber(b, r) },
		FileHTML:     func(b *bytes.Buffer) error { return WriteHTML(b, r) },
		FileMarkdown: func(b *bytes.Buffer) error { return WriteMarkdown(b, r) },
		"terminal":   func(b *bytes.Buffer) error { WriteTerminalSummary(b, r, ""); return nil },
	}
	for name, write := range writers {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := b.String()
		if !strings.Contains(out, verdict) {
			t.Errorf("%s does not state the verdict %q", name, verdict)
		}
		if !strings.Contains(out, scope) {
			t.Errorf("%s does not state the scope %q", name, scope)
		}
		for _, claim := range []string{"all required scenarios passed", "every required scenario passed", "every in-scope required scenario passed", "PASS:"} {
			if strings.Contains(out, claim) {
				t.Errorf("%s claims %q although the verdict is error", name, claim)
			}
		}
	}
}
