package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
)

// readResults reads the results.json in dir, with the verdict fields.
func readResults(t *testing.T, dir string) (reports.Run, string, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.FileJSON))
	if err != nil {
		t.Fatal(err)
	}
	var run reports.Run
	var v struct{ Verdict, VerdictText string }
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return run, v.Verdict, v.VerdictText
}

// TestRunExitCodeIsTheVerdict runs the required tier without SAML flags:
// whatever the SSO scenarios become (skipped: the run proves nothing about
// them; not in scope: not counted), the exit code is the verdict's, and
// summary.md and the terminal state that verdict and never a pass unless
// the verdict is pass.
func TestRunExitCodeIsTheVerdict(t *testing.T) {
	base := referenceURL(t)
	out := t.TempDir()
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--url", base, "--out", out, "--tier", "required", "--features", "token,sso")
	run, verdict, text := readResults(t, out)
	want := map[string]int{"pass": 0, "fail": 1, "error": 2}[verdict]
	if verdict == "" || r.code != want {
		t.Fatalf("exit %d, verdict %q (want exit %d)\n%s\n%s", r.code, verdict, want, r.stdout, r.stderr)
	}
	if run.Totals.RequiredSkipped > 0 && verdict != "error" {
		t.Errorf("required scenarios skipped but verdict %s", verdict)
	}
	md, _ := os.ReadFile(filepath.Join(out, reports.FileMarkdown))
	if !strings.Contains(string(md), text) || !strings.Contains(r.stdout, "Verdict: "+text) {
		t.Errorf("summary.md or terminal does not state the verdict %q:\n%s\n%s", text, md, r.stdout)
	}
	if verdict != "pass" && (strings.Contains(string(md), "pass:") || strings.Contains(r.stdout, "Verdict: pass")) {
		t.Errorf("a %s run claims a pass:\n%s", verdict, md)
	}
}

// TestRunExitCodes drives the run function with targets that end in each
// verdict: a conformant server (0), a server with a conformance defect
// (1), a server with a defect whose run also errors (1, and the summary
// says both), and a target whose errors prove nothing (2).
func TestRunExitCodes(t *testing.T) {
	env := func(so, se *bytes.Buffer) *cliEnv {
		return &cliEnv{stdout: so, stderr: se, stdin: strings.NewReader(""), getenv: func(k string) string {
			if k == "SCIMCONFORM_TOKEN" {
				return cliTestToken
			}
			return ""
		}}
	}
	for _, tc := range []struct {
		name   string
		faults []string
		tags   string
		code   int
		want   string
	}{
		{"pass", nil, "@USR-001", exitOK, "Verdict: pass"},
		{"fail", []string{"case-sensitive-filter"}, "@USR-004", exitConformance, "Verdict: fail (1 required failed)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := referenceURL(t, reference.WithFaults(tc.faults...))
			var so, se bytes.Buffer
			code := runCLI(env(&so, &se), []string{"run", "--url", base, "--tags", tc.tags, "--out", t.TempDir()})
			if code != tc.code || !strings.Contains(so.String(), tc.want) {
				t.Fatalf("exit %d (want %d), output lacks %q\n%s\n%s", code, tc.code, tc.want, so.String(), se.String())
			}
		})
	}
}

// TestRunNoStaleVerdict: a green run into a directory, then a run with a
// wrong token into the same directory: exit 2, and summary.md, junit.xml
// and results.json show the failed pre-flight (with the probe exchange and
// the hint), not the earlier pass; files of formats the second run does
// not write are gone.
func TestRunNoStaleVerdict(t *testing.T) {
	base := referenceURL(t)
	out := t.TempDir()
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--url", base, "--out", out, "--tags", "@USR-001")
	if r.code != 0 {
		t.Fatalf("green run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runProcess(t, []string{"SCIMCONFORM_TOKEN=wrong-token-0123456789"}, "run", "--url", base, "--out", out, "--tags", "@USR-001", "--formats", "json,junit,md")
	if r.code != 2 {
		t.Fatalf("wrong token: exit %d, want 2\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	run, verdict, _ := readResults(t, out)
	if verdict != "error" || run.Features[0].Scenarios[0].ID != "PRE-FLIGHT" {
		t.Fatalf("results.json verdict %q, scenarios %+v", verdict, run.Features)
	}
	sc := run.Features[0].Scenarios[0]
	if !strings.Contains(sc.Reason, "refused the credentials") || !strings.Contains(sc.Reason, "hint:") {
		t.Errorf("pre-flight reason %q lacks the cause or the hint", sc.Reason)
	}
	exs := sc.Steps[0].Exchanges
	if len(exs) == 0 || exs[len(exs)-1].StatusCode != 401 || !strings.Contains(exs[len(exs)-1].URL, "/Users") {
		t.Errorf("the probe exchange is not in the report: %+v", exs)
	}
	for _, ex := range exs {
		if got := strings.Join(ex.RequestHeaders["Authorization"], ""); got != "Bearer "+reports.Redacted {
			t.Errorf("probe Authorization %q, want it redacted", got)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, reports.FileMarkdown))
	junit, _ := os.ReadFile(filepath.Join(out, reports.FileJUnit))
	if strings.Contains(string(md), "pass:") || !strings.Contains(string(md), "PRE-FLIGHT") {
		t.Errorf("summary.md is stale or lacks the pre-flight:\n%s", md)
	}
	if !strings.Contains(string(junit), `errors="1"`) || !strings.Contains(string(junit), "PRE-FLIGHT") {
		t.Errorf("junit.xml is stale or lacks the pre-flight:\n%s", junit)
	}
	for _, gone := range []string{reports.FileHTML, reports.FileCucumber, reports.FileHAR} {
		if _, err := os.Stat(filepath.Join(out, gone)); err == nil {
			t.Errorf("%s of the earlier run is still in --out", gone)
		}
	}
	all, _ := os.ReadDir(out)
	for _, e := range all {
		b, _ := os.ReadFile(filepath.Join(out, e.Name()))
		if bytes.Contains(b, []byte("wrong-token-0123456789")) {
			t.Errorf("%s contains the token", e.Name())
		}
	}
}

// TestRunShortToken: a one-character or digit token warns, pre-flight and
// the run work, and the reports keep SCIM URNs and titles intact.
func TestRunShortToken(t *testing.T) {
	for _, tok := range []string{"x", "1", "scim"} {
		t.Run(tok, func(t *testing.T) {
			srv, err := reference.New(reference.WithToken(tok))
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			t.Cleanup(func() { hs.Close(); _ = srv.Close() })
			out := t.TempDir()
			r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + tok}, "run", "--url", hs.URL+reference.BasePath, "--out", out, "--tags", "@USR-001,@USR-002")
			if !strings.Contains(r.stderr, "warning:") || !strings.Contains(r.stderr, "shorter than 16") {
				t.Errorf("no warning for a %d-character token:\n%s", len(tok), r.stderr)
			}
			b, _ := os.ReadFile(filepath.Join(out, reports.FileJSON))
			if bytes.Contains(b, []byte(`"Bearer `+tok+`"`)) {
				t.Errorf("results.json holds the token in an Authorization header")
			}
			// Checks must see the real bytes: a redaction before the checks
			// (with its own marker) would break them for a short token.
			if strings.Contains(r.stdout, "<redacted>") || bytes.Contains(b, []byte("<redacted>")) || strings.Contains(r.stderr, "not with a SCIM ListResponse") {
				t.Fatalf("token %q was redacted before the checks saw the answers (exit %d)", tok, r.code)
			}
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if !bytes.Contains(b, []byte("urn:ietf:params:scim:")) || bytes.Contains(b, []byte("params:[REDACTED]")) {
				t.Errorf("results.json lost its SCIM URNs")
			}
		})
	}
}

// TestVerdictExit pins the exit code table of the README: failures win
// over errors, an in-scope required skip is an error.
func TestVerdictExit(t *testing.T) {
	code := func(err error) int {
		if err == nil {
			return exitOK
		}
		var ee *exitError
		if !errors.As(err, &ee) {
			t.Fatalf("not an exit error: %v", err)
		}
		return ee.code
	}
	for _, tc := range []struct {
		name string
		t    reports.Totals
		want int
	}{
		{"all passed", reports.Totals{Scenarios: 2, Passed: 2}, 0},
		{"optional failed", reports.Totals{Scenarios: 2, Passed: 1, Failed: 1}, 0},
		{"not in scope only", reports.Totals{Scenarios: 2, Passed: 1, NotInScope: 1}, 0},
		{"required failed", reports.Totals{Scenarios: 2, Passed: 1, Failed: 1, RequiredFailed: 1}, 1},
		{"errored", reports.Totals{Scenarios: 2, Passed: 1, Errored: 1}, 2},
		{"required skipped", reports.Totals{Scenarios: 2, Passed: 1, Skipped: 1, RequiredSkipped: 1}, 2},
		{"failed and errored", reports.Totals{Scenarios: 3, Passed: 1, Failed: 1, Errored: 1, RequiredFailed: 1}, 1},
	} {
		if got := code(verdictExit(tc.t)); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestRunErrorsExitTwo: a target that passes pre-flight and then stops
// answering proves nothing: the scenarios error and the run exits 2.
func TestRunErrorsExitTwo(t *testing.T) {
	var calls atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 && r.URL.Path == "/scim/v2/Users" {
			w.Header().Set("Content-Type", "application/scim+json")
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	t.Cleanup(hs.Close)
	out := t.TempDir()
	var so, se bytes.Buffer
	env := &cliEnv{stdout: &so, stderr: &se, stdin: strings.NewReader(""), getenv: func(k string) string {
		if k == "SCIMCONFORM_TOKEN" {
			return cliTestToken
		}
		return ""
	}}
	code := runCLI(env, []string{"run", "--url", hs.URL + "/scim/v2", "--tags", "@USR-003", "--out", out, "--max-retry-wait", "1ms"})
	_, verdict, _ := readResults(t, out)
	if verdict == "fail" && strings.Contains(so.String(), "precondition failed") {
		t.Fatalf("a dead target in a setup step was judged a failure, not an error (exit %d)", code)
	}
	if code != exitHarness || verdict != "error" {
		t.Fatalf("exit %d, verdict %q; want 2 and error\n%s\n%s", code, verdict, so.String(), se.String())
	}
}

// TestRunEndsWithoutStaleReport: after a green run, a run that ends early
// (interrupted before pre-flight, or with nothing selected) leaves no
// earlier verdict in --out: its own report (partial when interrupted).
func TestRunEndsWithoutStaleReport(t *testing.T) {
	base := referenceURL(t)
	env := func(so, se *bytes.Buffer) *cliEnv {
		return &cliEnv{stdout: so, stderr: se, stdin: strings.NewReader(""), getenv: func(k string) string {
			if k == "SCIMCONFORM_TOKEN" {
				return cliTestToken
			}
			return ""
		}}
	}
	green := func(t *testing.T) string {
		out := t.TempDir()
		var so, se bytes.Buffer
		if code := runCLI(env(&so, &se), []string{"run", "--url", base, "--tags", "@USR-001", "--out", out}); code != 0 {
			t.Fatalf("green run: exit %d\n%s\n%s", code, so.String(), se.String())
		}
		return out
	}
	t.Run("interrupted", func(t *testing.T) {
		out := green(t)
		var so, se bytes.Buffer
		root := newRootCmd(env(&so, &se))
		root.SetArgs([]string{"run", "--url", base, "--tags", "@USR-001", "--out", out})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := root.ExecuteContext(ctx)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitInterrupted || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("err %v, want an interrupted exit %d", err, exitInterrupted)
		}
		// --out holds the partial report of this run, not the green one.
		run, verdict, _ := readResults(t, out)
		if verdict != "error" || !run.Partial || !strings.Contains(run.StopReason, "interrupted") || run.Features[0].Scenarios[0].ID != "PRE-FLIGHT" {
			t.Errorf("results.json after an interrupt: verdict %q, partial %v %q, %+v", verdict, run.Partial, run.StopReason, run.Features)
		}
	})
	t.Run("nothing selected", func(t *testing.T) {
		out := green(t)
		var so, se bytes.Buffer
		code := runCLI(env(&so, &se), []string{"run", "--url", base, "--tags", "@NOPE-999", "--out", out})
		if code != exitHarness {
			t.Fatalf("exit %d, want 2\n%s\n%s", code, so.String(), se.String())
		}
		run, verdict, _ := readResults(t, out)
		if verdict != "error" || run.Features[0].Scenarios[0].ID != "SUITE" || !strings.Contains(run.Features[0].Scenarios[0].Reason, "no scenario matches") {
			t.Errorf("results.json: verdict %q, %+v", verdict, run.Features)
		}
	})
}
