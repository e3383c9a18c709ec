package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scimconform/scimconform/internal/load"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
)

func loadEnv(token string) (*cliEnv, *bytes.Buffer) {
	var out bytes.Buffer
	return &cliEnv{stdout: &out, stderr: &out, stdin: strings.NewReader(""), getenv: func(k string) string {
		if k == "SCIMCONFORM_TOKEN" {
			return token
		}
		return ""
	}}, &out
}

// TestLoadDemo2000 is the acceptance run of issue 13: the reference server
// passes `load --users 2000` and the reports are written.
func TestLoadDemo2000(t *testing.T) {
	if raceEnabled {
		// 2000 users through every phase take ~30 s under the race
		// detector; `make test` runs this race-free in its second pass
		// (the load engine's concurrency is race-tested in internal/load).
		t.Skip("load --demo --users 2000 runs in `make test` without -race")
	}
	dir := t.TempDir()
	env, out := loadEnv("")
	code := runCLI(env, []string{"load", "--demo", "--users", "2000", "--ops", "assign,update,unassign", "--concurrency", "8", "--out", dir, "--slo", "errors=0"})
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, load.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var res load.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Verdict != load.VerdictPass || len(res.Phases) != 3 {
		t.Fatalf("load.json: verdict %s, %d phases", res.Verdict, len(res.Phases))
	}
	for _, p := range res.Phases {
		if !p.Verification.OK || p.Verification.Listed != 2000 {
			t.Errorf("%s: verification %+v", p.Name, p.Verification)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, load.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte("<svg")) || bytes.Contains(html, []byte("http://cdn")) || bytes.Contains(html, []byte("<script src")) {
		t.Errorf("load.html is not a self-contained page with SVG charts")
	}
	if !strings.Contains(out.String(), "verdict: pass") {
		t.Errorf("no verdict line in:\n%s", out)
	}
}

// TestLoadExitsOneOn5xx: a server that answers 500 to overlapping writes
// fails the run (exit 1), and the token never reaches the output.
func TestLoadExitsOneOn5xx(t *testing.T) {
	const token = "cli-load-token-0123456789abcdef"
	srv, err := reference.New(reference.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	var writes atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			defer writes.Add(-1)
			if writes.Add(1) > 1 {
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = io.WriteString(w, `{"detail":"concurrent write, token `+token+`"}`)
				return
			}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	env, out := loadEnv(token)
	code := runCLI(env, []string{"load", "--url", ts.URL + reference.BasePath, "--users", "100", "--ops", "assign", "--out", dir})
	if code != exitConformance {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	if !strings.Contains(out.String(), "5xx status") {
		t.Errorf("output does not name the 5xx:\n%s", out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, load.JSONFile))
	if strings.Contains(out.String(), token) || bytes.Contains(b, []byte(token)) {
		t.Errorf("token leaked into the output or load.json")
	}
}

func TestLoadUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"load"},
		{"load", "--demo", "--ops", "assign,bogus"},
		{"load", "--demo", "--slo", "p99=fast"},
	} {
		env, out := loadEnv("")
		if code := runCLI(env, args); code != exitUsage {
			t.Errorf("%v: exit %d, want 2:\n%s", args, code, out)
		}
	}
}

// TestLoadAndRunReportsLinkEachOther: in one --out, the run's report.html
// and summary.md link to load.html, and a load written after the run links
// back to report.html.
func TestLoadAndRunReportsLinkEachOther(t *testing.T) {
	dir := t.TempDir()
	loadOnce := func() {
		t.Helper()
		env, out := loadEnv("")
		if code := runCLI(env, []string{"load", "--demo", "--users", "20", "--ops", "assign", "--out", dir}); code != 0 {
			t.Fatalf("load: exit %d:\n%s", code, out)
		}
	}
	loadOnce()
	if code, _, errOut := runReportCLI("--from", writeResults(t), "--out", dir); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	for _, name := range []string{reports.FileHTML, reports.FileMarkdown} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "(load.html)") && !strings.Contains(string(b), `href="load.html"`) {
			t.Errorf("%s does not link to load.html", name)
		}
	}
	loadOnce()
	b, err := os.ReadFile(filepath.Join(dir, load.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `href="report.html"`) {
		t.Errorf("load.html written beside report.html does not link to it")
	}
}
