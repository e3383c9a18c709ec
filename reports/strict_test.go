package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"strings"
	"testing"
)

// The fix hints of strictRun, each unique so a test can tell which one a
// format shows.
const (
	fixMust    = "Set Content-Type before WriteHeader <RSP-001>"
	fixShould  = "Sort by a stable key, a map iteration gives no stable order"
	fixBlocked = "BLOCKED-HINT never shown: the scenario's own checks never ran"
	fixErrored = "ERRORED-HINT never shown: an error names no defect"
	fixPassed  = "PASSED-HINT never shown"
)

// strictRun is a run of the strict tier (as the suite writes it with
// --strict, @should scenarios optional): in area responses a MUST failure
// and a pass; in listing a SHOULD failure, a MUST scenario blocked in its
// setup and an errored one; a strict scenario out of scope for another
// capability; and a required default-tier failure with no hint.
func strictRun() *Run {
	strict := func(id, level, area, tier string, st Status, fix string) Scenario {
		sc := Scenario{
			ID: id, Title: "strict " + id, Tier: tier, Areas: []string{area}, Fix: fix, Status: st,
			Tags: []string{"@strict", "@" + area, "@" + id, "@" + level},
		}
		switch st {
		case StatusFail:
			sc.Steps = []Step{{Keyword: "Then ", Text: "the check of " + id, Status: StatusFail, Failure: &Failure{Message: id + " check failed"}}}
		case StatusError:
			sc.Steps = []Step{{Keyword: "When ", Text: "the request of " + id, Status: StatusError, Reason: "connection refused"}}
		case StatusNotInScope:
			sc.Reason = "needs --groups"
		default:
			sc.Steps = []Step{{Keyword: "Then ", Text: "the check of " + id, Status: st}}
		}
		return sc
	}
	blocked := strict("LST-002", "must", "listing", "required", StatusFail, fixBlocked)
	// Failed in its setup: ComputeTotals sets BlockedBy.
	blocked.Steps = []Step{
		{Keyword: "When ", Text: "a SCIM client creates the user", Status: StatusFail, Failure: &Failure{Message: "POST /Users answered 500"},
			Exchanges: []Exchange{{Method: "POST", URL: "http://127.0.0.1:1/scim/v2/Users", StatusCode: 500}}},
		{Keyword: "Then ", Text: "the check of LST-002", Status: StatusSkip},
	}
	grp := strict("GRP-900", "must", "groups", "required", StatusNotInScope, "")
	grp.Tags = append(grp.Tags, "@needs-groups")
	r := &Run{
		SchemaVersion: SchemaVersion, Tool: Tool{Name: "scimconform", Version: "test"},
		Target: Target{BaseURL: "http://127.0.0.1:1/scim/v2"},
		Scope:  []Capability{{Name: "strict", Declared: true, Flag: "--strict", Note: "RFC strict tier"}},
		Features: []Feature{
			{Name: "Users", URI: "features/users.feature", Scenarios: []Scenario{{
				ID: "USR-001", Title: "default-tier failure", Tier: "required", Areas: []string{"users"}, Tags: []string{"@USR-001", "@required"},
				Status: StatusFail, Steps: []Step{{Keyword: "Then ", Text: "the app answers 201", Status: StatusFail, Failure: &Failure{Message: "got 500"}}},
			}}},
			{Name: "Strict responses", URI: "features/strict_responses.feature", Tags: []string{"@strict", "@responses"}, Scenarios: []Scenario{
				strict("RSP-001", "must", "responses", "required", StatusFail, fixMust),
				strict("RSP-002", "must", "responses", "required", StatusPass, fixPassed),
			}},
			{Name: "Strict listing", URI: "features/strict_listing.feature", Tags: []string{"@strict", "@listing"}, Scenarios: []Scenario{
				strict("LST-001", "should", "listing", "optional", StatusFail, fixShould),
				blocked,
				strict("LST-003", "must", "listing", "required", StatusError, fixErrored),
				grp,
			}},
		},
	}
	r.ComputeTotals()
	return r
}

// TestStrictGrades checks the grade per area: MUST and SHOULD failures
// counted by level, errored and blocked-but-failed scenarios where they
// belong, out-of-scope ones left out, and no grades at all for a run whose
// strict scenarios were all out of scope (a default run).
func TestStrictGrades(t *testing.T) {
	got := strictRun().StrictGrades()
	want := []StrictGrade{
		{Area: "listing", Grade: GradeFailsMust, Must: 2, MustFailed: 1, Should: 1, ShouldFailed: 1, Undecided: 1},
		{Area: "responses", Grade: GradeFailsMust, Must: 2, MustFailed: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("StrictGrades = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("grade %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if s := got[0].Text(); s != "listing: fails MUST (MUST 1/2 failed, SHOULD 1/1 failed, 1 undecided)" {
		t.Errorf("Text = %q", s)
	}

	for _, tc := range []struct {
		name  string
		edit  func(*Run)
		grade string
	}{
		{"should only", func(r *Run) { setStatus(r, "RSP-001", StatusPass); setStatus(r, "LST-002", StatusPass) }, GradeFailsShould},
		{"undecided", func(r *Run) {
			setStatus(r, "RSP-001", StatusPass)
			setStatus(r, "LST-002", StatusPass)
			setStatus(r, "LST-001", StatusPass)
		}, GradeUndecided},
		{"waived counts as failed", func(r *Run) {
			setStatus(r, "LST-002", StatusPass)
			setStatus(r, "LST-003", StatusPass)
			setStatus(r, "LST-001", StatusWaived)
		}, GradeFailsShould},
		{"passes", func(r *Run) {
			for _, id := range []string{"LST-001", "LST-002", "LST-003"} {
				setStatus(r, id, StatusPass)
			}
		}, GradePasses},
	} {
		r := strictRun()
		tc.edit(r)
		if g := r.StrictGrades(); len(g) != 2 || g[0].Grade != tc.grade {
			t.Errorf("%s: listing grade = %+v, want %q", tc.name, g, tc.grade)
		}
	}

	def := strictRun()
	for fi := range def.Features {
		for si := range def.Features[fi].Scenarios {
			if sc := &def.Features[fi].Scenarios[si]; sc.strictLevel() != "" {
				sc.Status, sc.Tier, sc.Steps, sc.Reason = StatusNotInScope, "strict", nil, "RFC strict tier not tested: no --strict"
			}
		}
	}
	if g := def.StrictGrades(); g != nil {
		t.Errorf("default run: StrictGrades = %+v, want nil", g)
	}
	for name, out := range writeEvery(t, def) {
		for _, s := range []string{"Strict tier (RFC 7643/7644)", "strictGrades", "strict-grades"} {
			if strings.Contains(out, s) {
				t.Errorf("default run: %s shows %q", name, s)
			}
		}
	}
}

// TestStrictGradesInFormats checks that terminal, summary.md, report.html
// and results.json show the grade of each area of a strict run.
func TestStrictGradesInFormats(t *testing.T) {
	out := writeEvery(t, strictRun())
	for name, want := range map[string][]string{
		"terminal":   {"Strict tier (RFC 7643/7644) per area:\n  listing: fails MUST (MUST 1/2 failed, SHOULD 1/1 failed, 1 undecided)\n  responses: fails MUST (MUST 1/2 failed, SHOULD 0/0 failed)\n"},
		"summary.md": {"### Strict tier (RFC 7643/7644) per area", "| listing | ❌ fails MUST | 1 of 2 | 1 of 1 | 1 |", "| responses | ❌ fails MUST | 1 of 2 | 0 of 0 | 0 |"},
		"report.html": {`<table class="counts" id="strict-grades">`,
			`<tr data-area="listing" data-grade="fails MUST"><td>listing</td><td>fails MUST</td><td class="num">1 of 2</td><td class="num">1 of 1</td><td class="num">1</td></tr>`},
	} {
		for _, w := range want {
			if !strings.Contains(out[name], w) {
				t.Errorf("%s lacks %q:\n%s", name, w, out[name])
			}
		}
	}
	var doc struct {
		StrictGrades []StrictGrade `json:"strictGrades"`
	}
	if err := json.Unmarshal([]byte(out["results.json"]), &doc); err != nil {
		t.Fatal(err)
	}
	if want := strictRun().StrictGrades(); len(doc.StrictGrades) != 2 || doc.StrictGrades[0] != want[0] || doc.StrictGrades[1] != want[1] {
		t.Errorf("results.json strictGrades = %+v, want %+v", doc.StrictGrades, want)
	}
	// ReadJSON ignores the derived field; writing again gives the same.
	r, err := ReadJSON(strings.NewReader(out["results.json"]))
	if err != nil {
		t.Fatal(err)
	}
	if g := r.StrictGrades(); len(g) != 2 || g[0] != doc.StrictGrades[0] {
		t.Errorf("read back: %+v", g)
	}
}

// TestFixHintInEveryFormat checks that each format shows the catalogue's
// hint beside each failure at its own checks (a MUST and a SHOULD
// failure), and never for a pass, an error, a blocked failure, or a
// failure without a hint.
func TestFixHintInEveryFormat(t *testing.T) {
	r := strictRun()
	out := writeEvery(t, r)
	never := []string{fixBlocked, fixErrored, fixPassed}

	// terminal: the hint is the line under the failure's own line.
	term := out["terminal"]
	for id, fix := range map[string]string{"RSP-001": fixMust, "LST-001": fixShould} {
		i := strings.Index(term, "FAIL  "+id)
		if i < 0 {
			t.Fatalf("terminal lacks the failure of %s:\n%s", id, term)
		}
		lines := strings.SplitN(term[i:], "\n", 3)
		if want := "How to fix: " + fix; len(lines) < 2 || !strings.Contains(lines[1], want) {
			t.Errorf("terminal: line after %s = %q, want %q", id, lines[1], want)
		}
	}
	if n := strings.Count(term, "How to fix:"); n != 2 {
		t.Errorf("terminal shows %d hints, want 2:\n%s", n, term)
	}

	// summary.md: a "How to fix" column, the hint in the failure's row, escaped.
	md := out["summary.md"]
	if !strings.Contains(md, "| Reason | How to fix |") {
		t.Errorf("summary.md has no How to fix column:\n%s", md)
	}
	for _, row := range strings.Split(md, "\n") {
		switch {
		case strings.Contains(row, "`RSP-001`"):
			if !strings.HasSuffix(row, "| "+mdText(fixMust)+" |") {
				t.Errorf("summary.md row of RSP-001 = %q", row)
			}
		case strings.Contains(row, "`LST-001`"):
			if !strings.HasSuffix(row, "| "+mdText(fixShould)+" |") {
				t.Errorf("summary.md row of LST-001 = %q", row)
			}
		case strings.Contains(row, "`USR-001`"):
			if !strings.HasSuffix(row, "|  |") {
				t.Errorf("summary.md row of USR-001 (no hint) = %q", row)
			}
		}
	}

	// report.html: div.fix inside the failing scenario's own <li>.
	page := out["report.html"]
	for id, fix := range map[string]string{"RSP-001": fixMust, "LST-001": fixShould} {
		li := htmlScenarioItem(t, page, id)
		if want := `<div class="fix"><b>How to fix:</b> ` + html.EscapeString(fix) + `</div>`; !strings.Contains(li, want) {
			t.Errorf("report.html %s lacks %q:\n%s", id, want, li)
		}
	}
	if n := strings.Count(page, `<div class="fix">`); n != 2 {
		t.Errorf("report.html shows %d hints, want 2", n)
	}

	// junit.xml: the hint in the <failure> text of the failing test case.
	var suites junitSuites
	if err := xml.Unmarshal([]byte(out["junit.xml"]), &suites); err != nil {
		t.Fatal(err)
	}
	hints := 0
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			id, _, _ := strings.Cut(c.Name, " ")
			want := map[string]string{"RSP-001": fixMust, "LST-001": fixShould}[id]
			if c.Failure == nil {
				continue
			}
			has := strings.Contains(c.Failure.Text, "How to fix: ")
			if want != "" && !strings.Contains(c.Failure.Text, "How to fix: "+want) {
				t.Errorf("junit %s failure text lacks the hint:\n%s", id, c.Failure.Text)
			}
			if want == "" && has {
				t.Errorf("junit %s shows a hint:\n%s", id, c.Failure.Text)
			}
			if has {
				hints++
			}
		}
	}
	if hints != 2 {
		t.Errorf("junit shows %d hints, want 2", hints)
	}

	// cucumber.json: the hint in the failing element's description.
	var feats []cukeFeature
	if err := json.Unmarshal([]byte(out["cucumber.json"]), &feats); err != nil {
		t.Fatal(err)
	}
	hints = 0
	for _, f := range feats {
		for _, el := range f.Elements {
			want := map[string]string{"strict RSP-001": fixMust, "strict LST-001": fixShould}[el.Name]
			if want != "" && el.Description != "How to fix: "+want {
				t.Errorf("cucumber %s description = %q", el.Name, el.Description)
			}
			if strings.Contains(el.Description, "How to fix") {
				hints++
			}
		}
	}
	if hints != 2 {
		t.Errorf("cucumber shows %d hints, want 2", hints)
	}

	// results.json keeps every scenario's hint (it is the catalogue's text).
	if !strings.Contains(out["results.json"], `"fix": "`+fixBlocked+`"`) {
		t.Errorf("results.json lacks the fix field")
	}
	for name, text := range out {
		if name == "results.json" {
			continue
		}
		for _, s := range never {
			if strings.Contains(text, s) || strings.Contains(text, html.EscapeString(s)) {
				t.Errorf("%s shows %q", name, s)
			}
		}
	}
}

// writeEvery renders r in every text format, keyed by format name.
func writeEvery(t *testing.T, r *Run) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, write := range map[string]func(io.Writer, *Run) error{
		"results.json": WriteJSON, "junit.xml": WriteJUnit, "cucumber.json": WriteCucumber,
		"report.html": WriteHTML, "summary.md": WriteMarkdown,
		"terminal": func(w io.Writer, r *Run) error { WriteTerminalSummary(w, r, ""); return nil },
	} {
		var b bytes.Buffer
		if err := write(&b, r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.String()
	}
	return out
}

// htmlScenarioItem is the <li> of scenario id in a report.html page.
func htmlScenarioItem(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<li class="scenario" id="scenario-`+id+`"`)
	if i < 0 {
		t.Fatalf("report.html has no scenario %s", id)
	}
	end := strings.Index(page[i:], "\n</li>")
	if end < 0 {
		t.Fatalf("report.html: scenario %s is not closed", id)
	}
	return page[i : i+end]
}

// setStatus gives scenario id of r status st (and a step of that status).
func setStatus(r *Run, id string, st Status) {
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			if sc := &r.Features[fi].Scenarios[si]; sc.ID == id {
				sc.Status, sc.BlockedBy = st, ""
				for i := range sc.Steps {
					sc.Steps[i].Status = st
				}
			}
		}
	}
}
