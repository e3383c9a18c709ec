package reports

import (
	"bytes"
	"strings"
	"testing"
)

// TestOptionalFailuresAfterRequired: an optional failure listed first in
// the catalogue comes after the required failures in every format that
// lists failures.
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
		if f == FormatJUnit || f == FormatCucumber || f == FormatJSON || f == FormatHAR {
			continue // catalogue order by design: one suite per feature
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
