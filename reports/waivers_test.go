package reports

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"
)

var waiverDay = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// waivedRun is the fixture run without its errored scenario (so a waived
// failure can decide the verdict) with ws applied on waiverDay.
func waivedRun(t *testing.T, ws []Waiver, strict bool) *Run {
	t.Helper()
	r := fixtureRun()
	for fi := range r.Features {
		kept := r.Features[fi].Scenarios[:0]
		for _, sc := range r.Features[fi].Scenarios {
			if sc.Status != StatusError {
				kept = append(kept, sc)
			}
		}
		r.Features[fi].Scenarios = kept
	}
	r.ApplyWaivers(ws, waiverDay, strict)
	r.ComputeTotals()
	return r
}

func findScenario(r *Run, id string) *Scenario {
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			if sc := &r.Features[fi].Scenarios[si]; sc.ID == id {
				return sc
			}
		}
	}
	return nil
}

func TestParseWaivers(t *testing.T) {
	good := `waivers:
  - id: USR-002
    reason: "PATCH deactivation lands in release 4.2 (JIRA-123)"
    expires: 2026-12-31
    match: answers 400
  - id: USR-003
    reason: rename via PUT not yet
    expires: "2027-01-15"
    url: http://127.0.0.1:8080/scim/v2
`
	ws, err := ParseWaivers(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Expires != "2026-12-31" || ws[0].Match != "answers 400" || ws[1].URL == "" {
		t.Fatalf("parsed %+v", ws)
	}
	list, err := ParseWaivers(strings.NewReader("- id: USR-002\n  reason: r\n  expires: 2026-12-31\n"))
	if err != nil || len(list) != 1 {
		t.Fatalf("a bare list: %v %v", list, err)
	}
	for name, bad := range map[string]string{
		"no expiry":     "- id: USR-002\n  reason: r\n",
		"no reason":     "- id: USR-002\n  expires: 2026-12-31\n",
		"no id":         "- reason: r\n  expires: 2026-12-31\n",
		"bad date":      "- id: USR-002\n  reason: r\n  expires: next week\n",
		"unknown key":   "- id: USR-002\n  reason: r\n  expires: 2026-12-31\n  until: x\n",
		"duplicate":     "- id: USR-002\n  reason: r\n  expires: 2026-12-31\n- id: USR-002\n  reason: s\n  expires: 2026-12-31\n",
		"not yaml list": "waivers: 3\n",
	} {
		if _, err := ParseWaivers(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestWaiverTurnsFailureIntoWaived: the only failure, waived, is shown as
// waived (never passed) with its reason in every format, and the verdict
// is pass.
func TestWaiverTurnsFailureIntoWaived(t *testing.T) {
	reason := "deactivation fix ships in 4.2 (JIRA-123)"
	r := waivedRun(t, []Waiver{{ID: "USR-002", Reason: reason, Expires: "2026-12-31", Match: "answers 400"}}, false)
	sc := findScenario(r, "USR-002")
	if sc.Status != StatusWaived || sc.Waiver == nil {
		t.Fatalf("USR-002 status %s, waiver %v", sc.Status, sc.Waiver)
	}
	if r.Totals.Waived != 1 || r.Totals.Failed != 0 || r.Totals.Passed != 2 {
		t.Errorf("totals %+v", r.Totals)
	}
	if v := r.Totals.Verdict(); v != VerdictPass {
		t.Errorf("verdict %s, want pass (only a waived failure)", v)
	}
	if len(r.StaleWaivers) != 0 {
		t.Errorf("stale: %v", r.StaleWaivers)
	}
	for f, out := range renderAll(t, r) {
		if f == FormatHAR { // a transcript: exchanges only
			continue
		}
		if !strings.Contains(out, reason) {
			t.Errorf("%s does not show the waiver's reason", f)
		}
	}
	var term bytes.Buffer
	WriteTerminalSummary(&term, r, "")
	if !strings.Contains(term.String(), "WAIVED USR-002") || !strings.Contains(term.String(), reason) {
		t.Errorf("terminal:\n%s", term.String())
	}
	// Applying again (report --from) gives the same run; no waivers undoes it.
	r.ApplyWaivers([]Waiver{{ID: "USR-002", Reason: reason, Expires: "2026-12-31"}}, waiverDay, false)
	if sc.Status != StatusWaived {
		t.Errorf("reapplied: %s", sc.Status)
	}
	r.ApplyWaivers(nil, waiverDay, false)
	r.ComputeTotals()
	if sc.Status != StatusFail || r.Totals.Verdict() != VerdictFail {
		t.Errorf("undone: %s %s", sc.Status, r.Totals.Verdict())
	}
}

// TestStaleWaivers: expired, now passing and failing for another reason
// are each reported as stale in every format; the expired waiver's failure
// counts again; with strict, stale waivers fail the verdict.
func TestStaleWaivers(t *testing.T) {
	ws := []Waiver{
		{ID: "USR-002", Reason: "old ticket", Expires: "2026-11-30"},
		{ID: "USR-001", Reason: "was broken", Expires: "2027-01-01"},
		{ID: "USR-003", Reason: "other target", Expires: "2027-01-01", URL: "https://elsewhere.example/scim"},
		{ID: "SSO-001", Reason: "not run", Expires: "2027-01-01"},
	}
	r := waivedRun(t, ws, false)
	if sc := findScenario(r, "USR-002"); sc.Status != StatusFail {
		t.Errorf("expired waiver still waives: %s", sc.Status)
	}
	if len(r.StaleWaivers) != 2 {
		t.Fatalf("stale = %+v, want USR-002 (expired) and USR-001 (passes)", r.StaleWaivers)
	}
	if !strings.Contains(r.StaleWaivers[0].Why, "expired on 2026-11-30") || !strings.Contains(r.StaleWaivers[1].Why, "now passes") {
		t.Errorf("why: %+v", r.StaleWaivers)
	}
	for f, out := range renderAll(t, r) {
		if f == FormatHAR {
			continue
		}
		if !strings.Contains(out, "stale waiver USR-001") && !(f == FormatJSON && strings.Contains(out, `"why": "scenario USR-001 now passes"`)) {
			t.Errorf("%s does not report the stale waiver", f)
		}
	}

	other := waivedRun(t, []Waiver{{ID: "USR-002", Reason: "a 409", Expires: "2027-01-01", Match: "answers 409"}}, true)
	if sc := findScenario(other, "USR-002"); sc.Status != StatusFail {
		t.Errorf("a waiver matching another message waives: %s", sc.Status)
	}
	if len(other.StaleWaivers) != 1 || !strings.Contains(other.StaleWaivers[0].Why, "another reason") {
		t.Errorf("stale: %+v", other.StaleWaivers)
	}

	strict := waivedRun(t, []Waiver{
		{ID: "USR-002", Reason: "known", Expires: "2027-01-01"},
		{ID: "USR-001", Reason: "was broken", Expires: "2027-01-01"},
	}, true)
	if strict.Totals.StrictStale != 1 || strict.Totals.Verdict() != VerdictFail {
		t.Errorf("strict: totals %+v verdict %s", strict.Totals, strict.Totals.Verdict())
	}
	if !strings.Contains(strict.Totals.VerdictText(), "stale waiver") {
		t.Errorf("verdict text %q", strict.Totals.VerdictText())
	}
	lax := waivedRun(t, []Waiver{
		{ID: "USR-002", Reason: "known", Expires: "2027-01-01"},
		{ID: "USR-001", Reason: "was broken", Expires: "2027-01-01"},
	}, false)
	if lax.Totals.Verdict() != VerdictPass {
		t.Errorf("not strict: verdict %s", lax.Totals.Verdict())
	}
}

// TestWaivedRoundTripsThroughJSON: results.json keeps the waiver, so
// report --from renders it again.
func TestWaivedRoundTripsThroughJSON(t *testing.T) {
	r := waivedRun(t, []Waiver{{ID: "USR-002", Reason: "known", Expires: "2027-01-01"}, {ID: "USR-001", Reason: "x", Expires: "2027-01-01"}}, true)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	back.ComputeTotals()
	if findScenario(back, "USR-002").Waiver == nil || len(back.StaleWaivers) != 1 || back.Totals != r.Totals {
		t.Errorf("round trip lost waivers: %+v", back.Totals)
	}
}

// renderAll writes every format of r into strings.
func renderAll(t *testing.T, r *Run) map[Format]string {
	t.Helper()
	out := map[Format]string{}
	for _, spec := range formatTable {
		var b bytes.Buffer
		if err := spec.write(&b, r); err != nil {
			t.Fatalf("%s: %v", spec.format, err)
		}
		s := b.String()
		if spec.format == FormatHTML {
			s = html.UnescapeString(s)
		}
		out[spec.format] = s
	}
	return out
}
