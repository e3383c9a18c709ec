package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jsonRun is a Run as results.json holds it: the run, then the verdict
// its totals support, so a reader of the file need not re-derive it.
type jsonRun struct {
	Run
	Verdict     Verdict `json:"verdict"`
	VerdictText string  `json:"verdictText"`
	// StrictGrades is Run.StrictGrades: absent when the strict tier was
	// not in scope.
	StrictGrades []StrictGrade `json:"strictGrades,omitempty"`
}

// WriteJSON writes r as results.json: indented JSON in the schema described
// in SCHEMA.md, with the verdict (Totals.Verdict), its text
// (Totals.VerdictText) and, when the strict tier was in scope, the grade
// per area (Run.StrictGrades, "strictGrades") after the run's fields. An empty SchemaVersion is
// written as SchemaVersion; r itself is not modified.
func WriteJSON(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write results.json: nil run")
	}
	t := r.totals()
	c := jsonRun{Run: *r, Verdict: t.Verdict(), VerdictText: t.VerdictText(), StrictGrades: r.StrictGrades()}
	if c.SchemaVersion == "" {
		c.SchemaVersion = SchemaVersion
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		return fmt.Errorf("write results.json: %w", err)
	}
	return nil
}

// ReadJSON reads a results.json written by WriteJSON. It accepts any minor
// version of the major version this package writes (unknown fields are
// ignored) and rejects a missing or different major schemaVersion with an
// error that names both versions.
func ReadJSON(rd io.Reader) (*Run, error) {
	var r Run
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("read results.json: not a scimconform results file: %w", err)
	}
	want := schemaMajor(SchemaVersion)
	if r.SchemaVersion == "" {
		return nil, fmt.Errorf("read results.json: no schemaVersion field; this scimconform reads schema %d.x", want)
	}
	got := schemaMajor(r.SchemaVersion)
	if got != want {
		return nil, fmt.Errorf("read results.json: schemaVersion %q is not supported; this scimconform reads schema %d.x (use the scimconform version that wrote the file)", r.SchemaVersion, want)
	}
	return &r, nil
}

// schemaMajor is the major part of a "MAJOR.MINOR" version, or -1.
func schemaMajor(v string) int {
	major, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(v), "v"), ".")
	n, err := strconv.Atoi(major)
	if err != nil || n < 0 {
		return -1
	}
	return n
}
