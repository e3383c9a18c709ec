package reports

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

func TestJSONRoundTrip(t *testing.T) {
	want := fixtureRun()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&buf)
	if err != nil {
		t.Fatalf("ReadJSON: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		t.Errorf("round trip changed the run:\n%s", firstDiff(string(b), string(a)))
	}
}

func TestReadJSONVersions(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"same major, newer minor, unknown field", `{"schemaVersion":"1.7","futureField":{"x":1},"features":[]}`, ""},
		{"next major", `{"schemaVersion":"2.0","features":[]}`, `schemaVersion "2.0" is not supported; this scimconform reads schema 1.x`},
		{"missing version", `{"features":[]}`, "no schemaVersion field"},
		{"garbage version", `{"schemaVersion":"banana"}`, `schemaVersion "banana" is not supported`},
		{"not json", `<html>`, "not a scimconform results file"},
		{"empty", ``, "not a scimconform results file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.doc))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ReadJSON: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ReadJSON error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestResultsSchema validates written results.json files against
// results.schema.json, and checks that the schema rejects a bad status.
func TestResultsSchema(t *testing.T) {
	abs, err := filepath.Abs("results.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewReferenceLoader("file://" + filepath.ToSlash(abs)))
	if err != nil {
		t.Fatalf("load results.schema.json: %v", err)
	}
	validate := func(doc []byte) []string {
		res, err := schema.Validate(gojsonschema.NewBytesLoader(doc))
		if err != nil {
			t.Fatalf("validate: %v", err)
		}
		var errs []string
		for _, e := range res.Errors() {
			errs = append(errs, e.String())
		}
		return errs
	}
	for name, r := range map[string]*Run{"fixture": fixtureRun(), "big": bigRun(12, 2, 200), "empty": {}} {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		if errs := validate(buf.Bytes()); len(errs) > 0 {
			t.Errorf("%s results.json does not match the schema:\n%s", name, strings.Join(errs, "\n"))
		}
	}
	bad := fixtureRun()
	bad.Features[0].Scenarios[0].Status = "passed"
	var buf bytes.Buffer
	if err := WriteJSON(&buf, bad); err != nil {
		t.Fatal(err)
	}
	if errs := validate(buf.Bytes()); len(errs) == 0 {
		t.Errorf("the schema accepts the status %q", "passed")
	}
}

func TestComputeTotals(t *testing.T) {
	r := fixtureRun()
	r.Totals = Totals{Scenarios: 99}
	r.ComputeTotals()
	want := Totals{Scenarios: 6, Passed: 2, Failed: 1, Errored: 1, Skipped: 1, NotInScope: 1, RequiredFailed: 1, RequiredErrored: 1}
	if r.Totals != want {
		t.Errorf("totals %+v, want %+v", r.Totals, want)
	}
	// An optional failure does not count as required; a tag does.
	r.Features[0].Scenarios[1].Tier = "optional"
	r.Features[0].Scenarios[1].Tags = nil
	r.Features[2].Scenarios[0].Tier = ""
	r.ComputeTotals()
	if r.Totals.RequiredFailed != 0 || r.Totals.RequiredErrored != 1 {
		t.Errorf("RequiredFailed %d, RequiredErrored %d, want 0 and 1 (AUTH-001 by its @required tag)", r.Totals.RequiredFailed, r.Totals.RequiredErrored)
	}
	r.Features[1].Scenarios[0].Status = ""
	r.ComputeTotals()
	if r.Totals.Errored != 2 || r.Totals.Skipped != 0 {
		t.Errorf("a scenario without status should count as errored: %+v", r.Totals)
	}
}
