package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportsLinkLoadReport: report.html and summary.md link to load.html
// when `scimconform load` wrote one into the same output directory (with
// WriteAll and ReplaceReports alike), and do not when there is none;
// results.json does not carry the link.
func TestReportsLinkLoadReport(t *testing.T) {
	read := func(t *testing.T, path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		name     string
		withLoad bool
		write    func(string, *Run) (Files, error)
	}{
		{"WriteAll with load.html", true, WriteAll},
		{"ReplaceReports with load.html", true, func(d string, r *Run) (Files, error) { return ReplaceReports(d, r, AllFormats...) }},
		{"WriteAll without load.html", false, WriteAll},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.withLoad {
				if err := os.WriteFile(filepath.Join(dir, FileLoadHTML), []byte("<html></html>"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := fixtureRun()
			files, err := tc.write(dir, r)
			if err != nil {
				t.Fatal(err)
			}
			if r.LoadReport != "" {
				t.Errorf("the run given was modified: LoadReport %q", r.LoadReport)
			}
			page, md := read(t, files.HTML), read(t, files.Markdown)
			linked := strings.Contains(page, `<a href="load.html">load.html</a>`)
			mdLinked := strings.Contains(md, "[load.html](load.html)")
			if linked != tc.withLoad || mdLinked != tc.withLoad {
				t.Errorf("load.html present %v: report.html links it %v, summary.md %v", tc.withLoad, linked, mdLinked)
			}
			if strings.Contains(read(t, files.JSON), "load.html") {
				t.Errorf("results.json carries the load report link")
			}
			if _, err := os.Stat(filepath.Join(dir, FileLoadHTML)); tc.withLoad && err != nil {
				t.Errorf("writing the run's reports removed load.html: %v", err)
			}
		})
	}
}
