package reports

import (
	"bytes"
	"strings"
	"testing"
)

// TestGitHubAnnotations: one ::error per failing or errored required
// scenario, none for optional or passing ones; server text with newlines,
// "::" and "%" cannot start another workflow command or end the title.
func TestGitHubAnnotations(t *testing.T) {
	hostile := "boom\n::add-mask::x\r\n::set-output name=a::b %0A done"
	r := &Run{SchemaVersion: SchemaVersion, Features: []Feature{{Name: "f", URI: "f.feature", Scenarios: []Scenario{
		{ID: "USR-001", Title: "a, b: c", Tier: "required", Status: StatusFail, Steps: []Step{{Keyword: "Then ", Text: "x", Status: StatusFail, Failure: &Failure{Message: hostile}}}},
		{ID: "USR-002", Title: "optional one", Tier: "optional", Status: StatusFail, Reason: "opt"},
		{ID: "USR-003", Title: "passes", Tier: "required", Status: StatusPass},
		{ID: "AUTH-001", Title: "no answer", Tier: "required", Status: StatusError, Reason: "harness error"},
	}}}}
	r.ComputeTotals()
	var b bytes.Buffer
	if err := WriteGitHubAnnotations(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("annotations:\n%s", b.String())
	}
	if want := "::error title=USR-001 a%2C b%3A c::fail: "; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first = %q, want prefix %q", lines[0], want)
	}
	for _, l := range lines {
		if strings.Count(l, "::") != 2 || strings.ContainsAny(l, "\r") {
			t.Errorf("annotation can inject a command: %q", l)
		}
	}
	if !strings.Contains(lines[0], "%250A") {
		t.Errorf("%% not escaped: %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "::error title=AUTH-001 no answer::error: harness error") {
		t.Errorf("second = %q", lines[1])
	}
}
