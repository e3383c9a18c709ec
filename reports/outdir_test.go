package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplaceReportsLeavesOneRun: a passing run with every format, then a
// failing run with two formats, into the same directory: afterwards only
// the second run's files are there, and files that are not reports stay.
func TestReplaceReportsLeavesOneRun(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	green := fixtureRun()
	for fi := range green.Features {
		for si := range green.Features[fi].Scenarios {
			green.Features[fi].Scenarios[si].Status = StatusPass
		}
	}
	green.ComputeTotals()
	if _, err := ReplaceReports(dir, green, AllFormats...); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, FileMarkdown)); !strings.Contains(string(b), "pass: every in-scope required scenario passed") {
		t.Fatalf("first run's summary.md does not pass:\n%s", b)
	}
	files, err := ReplaceReports(dir, fixtureRun(), FormatMarkdown, FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	if len(files.Paths()) != 2 {
		t.Errorf("files %v, want 2", files.Paths())
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != "notes.txt,results.json,summary.md" {
		t.Errorf("dir holds %s, want notes.txt,results.json,summary.md", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, FileMarkdown))
	if strings.Contains(string(b), "pass:") || !strings.Contains(string(b), "fail (1 required failed)") {
		t.Errorf("summary.md is not the second run's:\n%s", b)
	}
}

func TestClearReports(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteAll(dir, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, stagingPrefix+"123"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := ClearReports(dir); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
	if err := ClearReports(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("missing dir: %v", err)
	}
}
