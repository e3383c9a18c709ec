package reports

import (
	"bytes"
	"html"
	"strings"
	"testing"
)

// TestOptionalFailuresAfterRequired: an optional failure listed first in
// the catalogue comes after the required failures in every format that
// lists failures, junit.xml's test cases and cucumber.json's elements
// included.
func TestOptionalFailuresAfterRequired(t *testing.T) {
	fail := func(id, tier string) Scenario {
		return Scenario{ID: id, Title: "scenario " + id, Tier: tier, Status: StatusFail,
			Steps: []Step{{Keyword: "Then ", Text: "it works", Status: StatusFail, Failure: &Failure{Message: "broken " + id}}}}
	}
	r := &Run{SchemaVersion: SchemaVersion, Features: []Feature{{Name: "f", URI: "f.feature",
		Scenarios: []Scenario{fail("OPT-001", "optional"), fail("REQ-001", "required"), fail("OPT-002", "optional"), fail("REQ-002", "required")}}}}
	r.ComputeTotals()
	var term bytes.Buffer
	WriteTerminalSummary(&term, r, "")
	outs := renderAll(t, r)
	outs["terminal"] = term.String()
	for f, out := range outs {
		if f == FormatJSON || f == FormatHAR {
			continue // catalogue order by design: the model, and a HAR page per scenario as run
		}
		last := -1
		for _, id := range []string{"REQ-001", "REQ-002", "OPT-001", "OPT-002"} {
			i := strings.Index(out, id)
			if i < last {
				t.Errorf("%s: %s listed out of order (required failures first)", f, id)
			}
			last = i
		}
	}
}

// TestHTMLFailureMessageOnce: a failure whose scenario reason, step reason
// and step message are the same text shows it once in the scenario body
// (the one-line summary aside).
func TestHTMLFailureMessageOnce(t *testing.T) {
	const msg = "the app answers 500 to Okta's create: a distinctive message"
	r := &Run{SchemaVersion: SchemaVersion, Features: []Feature{{Name: "f", URI: "f.feature", Scenarios: []Scenario{{
		ID: "USR-001", Title: "t", Tier: "required", Status: StatusFail, Reason: msg,
		Steps: []Step{{Keyword: "Then ", Text: "the app answers 201", Status: StatusFail, Reason: msg, Failure: &Failure{Message: msg}}},
	}}}}}
	r.ComputeTotals()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	body := page[strings.Index(page, `class="scenario-body"`):]
	if n := strings.Count(body, msg); n != 1 {
		t.Errorf("the failure message appears %d times in the scenario body, want 1", n)
	}
}

// TestRootCausesGroupBlockedScenarios: scenarios stopped in a Given/When
// step (And after When included) by the same operation are grouped under
// one root cause, largest first; a scenario whose Then failed is not.
func TestRootCausesGroupBlockedScenarios(t *testing.T) {
	create500 := Exchange{Method: "POST", URL: "http://127.0.0.1:1/scim/v2/Users", StatusCode: 500, ResponseBody: `{"detail":"boom"}`}
	get404 := Exchange{Method: "GET", URL: "http://127.0.0.1:1/scim/v2/Users/abc-1", StatusCode: 404}
	blocked := func(id string, kw string, ex Exchange) Scenario {
		return Scenario{ID: id, Title: "s " + id, Tier: "required", Status: StatusFail, Steps: []Step{
			{Keyword: "Given ", Text: "setup", Status: StatusPass},
			{Keyword: kw, Text: "Okta assigns", Status: StatusFail, Failure: &Failure{Message: "precondition failed: assign"}, Exchanges: []Exchange{ex}},
			{Keyword: "Then ", Text: "check", Status: StatusSkip},
		}}
	}
	own := Scenario{ID: "USR-009", Title: "own", Tier: "required", Status: StatusFail, Steps: []Step{
		{Keyword: "When ", Text: "Okta assigns", Status: StatusPass, Exchanges: []Exchange{create500}},
		{Keyword: "Then ", Text: "the app answers 201", Status: StatusFail, Failure: &Failure{Message: "got 500"}},
		{Keyword: "And ", Text: "more", Status: StatusSkip},
	}}
	r := &Run{SchemaVersion: SchemaVersion, Target: Target{BaseURL: "http://127.0.0.1:1/scim/v2"}, Features: []Feature{{Name: "f", URI: "f.feature", Scenarios: []Scenario{
		blocked("GRP-001", "When ", get404), blocked("USR-001", "Given ", create500), own, blocked("USR-002", "And ", create500), blocked("USR-003", "When ", create500),
	}}}}
	r.ComputeTotals()
	if len(r.RootCauses) != 2 {
		t.Fatalf("root causes %+v", r.RootCauses)
	}
	if c := r.RootCauses[0]; c.Text() != "POST /Users answers 500 (blocks 3 scenarios)" || strings.Join(c.Scenarios, ",") != "USR-001,USR-002,USR-003" {
		t.Errorf("first root cause %q %v", c.Text(), c.Scenarios)
	}
	if c := r.RootCauses[1]; c.Key != "GET /Users/{id} answers 404" {
		t.Errorf("second root cause %q", c.Key)
	}
	if sc := findScenario(r, "USR-009"); sc.BlockedBy != "" {
		t.Errorf("a failed Then is blocked by %q", sc.BlockedBy)
	}
	if r.Totals.RequiredFailed != 5 || r.Totals.Verdict() != VerdictFail {
		t.Errorf("blocked scenarios must still fail the verdict: %+v", r.Totals)
	}
	var term bytes.Buffer
	WriteTerminalSummary(&term, r, "")
	outs := renderAll(t, r)
	outs["terminal"] = term.String()
	for f, out := range outs {
		if f == FormatHAR {
			continue
		}
		if !strings.Contains(out, "POST /Users answers 500") {
			t.Errorf("%s does not name the root cause", f)
		}
		if f == FormatJSON || f == FormatJUnit || f == FormatCucumber {
			continue
		}
		if i, j := strings.Index(out, "POST /Users answers 500"), strings.Index(out, "USR-009"); i > j {
			t.Errorf("%s lists the own failure before the root causes", f)
		}
	}
}

// TestRenderedSummaryHasNoVerdict: `report` prints the counts and the
// failures of a passing run but no verdict, pass or otherwise.
func TestRenderedSummaryHasNoVerdict(t *testing.T) {
	r := &Run{SchemaVersion: SchemaVersion, Features: []Feature{{Name: "f", URI: "f", Scenarios: []Scenario{{ID: "USR-001", Title: "t", Tier: "required", Status: StatusPass}}}}}
	r.ComputeTotals()
	var b bytes.Buffer
	WriteRenderedSummary(&b, r, "")
	if out := b.String(); strings.Contains(out, "Verdict") || strings.Contains(strings.ToLower(out), "pass:") || !strings.Contains(out, "1 passed") {
		t.Errorf("rendered summary:\n%s", out)
	}
}
