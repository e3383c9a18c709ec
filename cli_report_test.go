package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/reports"
)

// writeResults writes a small results.json with a failure and an exchange
// and returns its path.
func writeResults(t *testing.T) string {
	t.Helper()
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	run := &reports.Run{
		SchemaVersion: reports.SchemaVersion,
		Tool:          reports.Tool{Name: "scimconform", Version: "test"},
		StartedAt:     start, FinishedAt: start.Add(time.Second),
		Target: reports.Target{BaseURL: "http://127.0.0.1:1/scim/v2", AuthMode: "bearer", Profile: "oin"},
		Features: []reports.Feature{{Name: "Users", URI: "features/users.feature", Scenarios: []reports.Scenario{
			{ID: "USR-001", Title: "create", Tier: "required", Areas: []string{"users"}, Status: reports.StatusPass},
			{ID: "USR-002", Title: "deactivate", Tier: "required", Areas: []string{"users"}, Status: reports.StatusFail,
				Steps: []reports.Step{{Keyword: "When ", Text: "Okta unassigns", Status: reports.StatusFail,
					Failure: &reports.Failure{Message: "status", Expected: "204", Actual: "400"},
					Exchanges: []reports.Exchange{{StartedAt: start, Method: "PATCH", URL: "http://127.0.0.1:1/scim/v2/Users/1",
						RequestHeaders: http.Header{"Authorization": {"Bearer leaked-token-value"}}, StatusCode: 400}}}}},
		}}},
	}
	// Totals deliberately left stale: report recomputes them.
	path := filepath.Join(t.TempDir(), "results.json")
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runReportCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := runCLI(&cliEnv{stdout: &out, stderr: &errb, stdin: strings.NewReader(""), getenv: func(string) string { return "" }}, append([]string{"report"}, args...))
	return code, out.String(), errb.String()
}

func TestCLIReportRerendersAllFormats(t *testing.T) {
	from := writeResults(t)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := runReportCLI("--from", from, "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, name := range []string{reports.FileJSON, reports.FileJUnit, reports.FileCucumber, reports.FileHTML, reports.FileMarkdown, reports.FileHAR} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("missing %s: %v", name, err)
			continue
		}
		if strings.Contains(string(b), "leaked-token-value") {
			t.Errorf("%s contains the Authorization value; report must redact again", name)
		}
	}
	if !strings.Contains(out, filepath.Join(dir, reports.FileHTML)) || !strings.Contains(out, "USR-002") || !strings.Contains(out, "expected 204, got 400") {
		t.Errorf("stdout lacks the report path or the failing scenario:\n%s", out)
	}
	rerun, err := os.Open(filepath.Join(dir, reports.FileJSON))
	if err != nil {
		t.Fatal(err)
	}
	defer rerun.Close()
	r, err := reports.ReadJSON(rerun)
	if err != nil {
		t.Fatal(err)
	}
	if r.Totals.Scenarios != 2 || r.Totals.Failed != 1 || r.Totals.RequiredFailed != 1 {
		t.Errorf("totals not recomputed: %+v", r.Totals)
	}
}

func TestCLIReportSelectedFormats(t *testing.T) {
	from := writeResults(t)
	dir := t.TempDir()
	if code, _, errOut := runReportCLI("--from", from, "--out", dir, "--format", "junit,md"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "junit.xml,summary.md" {
		t.Errorf("wrote %v, want junit.xml and summary.md only", names)
	}
}

func TestCLIReportBadInput(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.json")
	os.WriteFile(garbage, []byte("<html>not json</html>"), 0o644)
	future := filepath.Join(dir, "future.json")
	os.WriteFile(future, []byte(`{"schemaVersion":"2.0","features":[]}`), 0o644)
	missing := filepath.Join(dir, "nope", "results.json")
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no --from", []string{"--out", dir}, "--from is required"},
		{"missing file", []string{"--from", missing, "--out", dir}, "no such file"},
		{"not json", []string{"--from", garbage, "--out", dir}, "not a scimconform results file"},
		{"future major", []string{"--from", future, "--out", dir}, `schemaVersion "2.0" is not supported`},
		{"bad format", []string{"--from", garbage, "--out", dir, "--format", "pdf"}, `unknown report format "pdf"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runReportCLI(tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
		})
	}
}
