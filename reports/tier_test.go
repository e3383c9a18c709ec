package reports

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"
	"testing"
)

// TestTierNoteNamesDeclaredCapability: a scenario that is required because
// the run declared the capability it needs says so ("required: --groups
// declared") wherever its tier is shown; one whose capability is not
// declared says what would make it required; one that needs nothing shows
// its plain tier.
func TestTierNoteNamesDeclaredCapability(t *testing.T) {
	failing := func(id string, tags ...string) Scenario {
		return Scenario{ID: id, Title: "scenario " + id, Tier: "required", Tags: append([]string{"@" + id}, tags...), Status: StatusFail,
			Steps: []Step{{Keyword: "Then ", Text: "it works", Status: StatusFail, Failure: &Failure{Message: "broken " + id}}}}
	}
	r := &Run{SchemaVersion: SchemaVersion,
		Scope: []Capability{
			{Name: "groups", Declared: true, Flag: "--groups", Note: "Group Push tested: --groups given"},
			{Name: "sso", Declared: false, Flag: "--saml-acs and --saml-audience", Note: "SSO not tested: no --saml-acs given"},
		},
		Features: []Feature{{Name: "f", URI: "f.feature", Scenarios: []Scenario{
			failing("GRP-001", "@required", "@groups", "@needs-groups"),
			failing("USR-001", "@required", "@users"),
			{ID: "SSO-001", Title: "scenario SSO-001", Tier: "required", Tags: []string{"@SSO-001", "@needs-sso"}, Status: StatusNotInScope,
				Reason: "SSO not tested: no --saml-acs given"},
		}}}}
	r.ComputeTotals()
	const declared = "required: --groups declared"
	const undeclared = "required if --saml-acs and --saml-audience declared"

	want := map[string]string{"GRP-001": declared, "USR-001": "", "SSO-001": undeclared}
	for _, sc := range r.Features[0].Scenarios {
		if sc.TierNote != want[sc.ID] {
			t.Errorf("%s: TierNote %q, want %q", sc.ID, sc.TierNote, want[sc.ID])
		}
	}

	var term bytes.Buffer
	WriteTerminalSummary(&term, r, "")
	outs := renderAll(t, r)
	outs["terminal"] = term.String()
	outs[FormatHTML] = html.UnescapeString(outs[FormatHTML])
	for _, f := range []Format{"terminal", FormatMarkdown, FormatHTML, FormatJSON} {
		if !strings.Contains(outs[f], declared) {
			t.Errorf("%s does not show %q for GRP-001", f, declared)
		}
	}
	if !strings.Contains(outs["terminal"], "USR-001 scenario USR-001 [required]") {
		t.Errorf("terminal: USR-001 needs nothing, want its plain tier [required]:\n%s", outs["terminal"])
	}
	for _, f := range []Format{FormatHTML, FormatJSON} {
		if !strings.Contains(outs[f], undeclared) {
			t.Errorf("%s does not show %q for the not-in-scope SSO-001", f, undeclared)
		}
	}

	// results.json carries the note and reads back with it.
	back, err := ReadJSON(strings.NewReader(outs[FormatJSON]))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Features[0].Scenarios[0].TierNote; got != declared {
		t.Errorf("results.json tierNote %q, want %q", got, declared)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(outs[FormatJSON]), &raw); err != nil || raw["schemaVersion"] != SchemaVersion {
		t.Fatalf("results.json: %v, schemaVersion %v", err, raw["schemaVersion"])
	}
	if strings.Count(outs[FormatJSON], `"tierNote"`) != 2 {
		t.Errorf("results.json: want tierNote on the two scenarios that need a capability only:\n%s", outs[FormatJSON])
	}
}

// TestTierNoteWithoutScope: a run that lists no scope (written before
// scopes) still names the capability, declared unless the scenario is not
// in scope.
func TestTierNoteWithoutScope(t *testing.T) {
	r := &Run{}
	in := &Scenario{Tier: "required", Tags: []string{"@needs-groups", "@NEEDS-groups"}, Status: StatusPass}
	if got, want := r.tierNote(in), "required: @needs-groups declared"; got != want {
		t.Errorf("in scope: %q, want %q", got, want)
	}
	out := &Scenario{Tier: "optional", Tags: []string{"@needs-groups"}, Status: StatusNotInScope}
	if got, want := r.tierNote(out), "required if @needs-groups declared"; got != want {
		t.Errorf("not in scope: %q, want %q", got, want)
	}
}
