package main

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
)

// cliRun runs the CLI in-process with the test token in the environment.
func cliRun(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var so, se bytes.Buffer
	env := &cliEnv{stdout: &so, stderr: &se, stdin: strings.NewReader(""), getenv: func(k string) string {
		if k == "SCIMCONFORM_TOKEN" {
			return cliTestToken
		}
		return ""
	}}
	code := runCLI(env, args)
	return code, so.String() + se.String()
}

func failingIDs(r *reports.Run) []string {
	var out []string
	for _, f := range r.Features {
		for _, sc := range f.Scenarios {
			if sc.Status == reports.StatusFail {
				out = append(out, sc.ID)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestRunWaivers: against a server whose filter is case-sensitive, a
// waiver for the failing scenario turns the run into exit 0 with the
// scenario waived; an expired waiver is reported as stale and the run
// fails; --waivers-strict fails a run with a waiver for a passing scenario.
func TestRunWaivers(t *testing.T) {
	base := referenceURL(t, reference.WithFaults("case-sensitive-filter"))
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "- id: USR-004\n  reason: case-insensitive filter ships in 4.2 (JIRA-77)\n  expires: 2999-01-01\n")
	out := t.TempDir()
	code, text := cliRun(t, "run", "--url", base, "--tags", "@USR-004", "--out", out, "--waivers", good)
	if code != exitOK || !strings.Contains(text, "WAIVED USR-004") || !strings.Contains(text, "JIRA-77") {
		t.Fatalf("waived run: exit %d\n%s", code, text)
	}
	run, verdict, _ := readResults(t, out)
	if verdict != "pass" || run.Totals.Waived != 1 || run.Features[0].Scenarios[0].Waiver == nil {
		t.Errorf("results.json: verdict %s totals %+v", verdict, run.Totals)
	}
	md, _ := os.ReadFile(filepath.Join(out, reports.FileMarkdown))
	if !strings.Contains(string(md), "JIRA-77") {
		t.Errorf("summary.md lacks the waiver:\n%s", md)
	}

	expired := write("old.yaml", "- id: USR-004\n  reason: old\n  expires: 2001-01-01\n")
	code, text = cliRun(t, "run", "--url", base, "--tags", "@USR-004", "--out", t.TempDir(), "--waivers", expired)
	if code != exitConformance || !strings.Contains(text, "stale waiver USR-004") || !strings.Contains(text, "expired on 2001-01-01") {
		t.Errorf("expired waiver: exit %d\n%s", code, text)
	}

	passing := write("pass.yaml", "- id: USR-001\n  reason: was broken\n  expires: 2999-01-01\n")
	code, text = cliRun(t, "run", "--url", base, "--tags", "@USR-001", "--out", t.TempDir(), "--waivers", passing)
	if code != exitOK || !strings.Contains(text, "now passes") {
		t.Errorf("stale, not strict: exit %d\n%s", code, text)
	}
	code, text = cliRun(t, "run", "--url", base, "--tags", "@USR-001", "--out", t.TempDir(), "--waivers", passing, "--waivers-strict")
	if code != exitConformance || !strings.Contains(text, "stale waiver") {
		t.Errorf("strict: exit %d\n%s", code, text)
	}

	// report --from applies waivers to a run made without them.
	plain := t.TempDir()
	if code, text := cliRun(t, "run", "--url", base, "--tags", "@USR-004", "--out", plain); code != exitConformance {
		t.Fatalf("plain run: exit %d\n%s", code, text)
	}
	code, text = cliRun(t, "report", "--from", filepath.Join(plain, reports.FileJSON), "--waivers", good)
	if code != exitOK || !strings.Contains(text, "WAIVED USR-004") || strings.Contains(text, "Verdict:") {
		t.Errorf("report --waivers: exit %d\n%s", code, text)
	}
	if code, text := cliRun(t, "run", "--url", base, "--tags", "@USR-004", "--out", t.TempDir(), "--waivers", write("bad.yaml", "- id: USR-004\n  reason: r\n")); code != exitUsage || !strings.Contains(text, "expires is required") {
		t.Errorf("a waiver without expiry: exit %d\n%s", code, text)
	}
}

// TestBaselineAndDiff makes two real runs (a conformant reference, then one
// whose filter is case-sensitive): report diff lists exactly the scenarios
// that fail in the second; run --baseline marks them new, and with
// --fail-on new a failure already in the baseline does not fail the run.
func TestBaselineAndDiff(t *testing.T) {
	tags := "@users"
	oldDir, newDir := t.TempDir(), t.TempDir()
	if code, text := cliRun(t, "run", "--url", referenceURL(t), "--tags", tags, "--out", oldDir); code != exitOK {
		t.Fatalf("old run: exit %d\n%s", code, text)
	}
	faulty := referenceURL(t, reference.WithFaults("case-sensitive-filter"))
	code, text := cliRun(t, "run", "--url", faulty, "--tags", tags, "--out", newDir, "--baseline", filepath.Join(oldDir, reports.FileJSON))
	if code != exitConformance {
		t.Fatalf("new run: exit %d\n%s", code, text)
	}
	newRun, _, _ := readResults(t, newDir)
	broken := failingIDs(&newRun)
	if len(broken) == 0 {
		t.Fatal("the fault broke nothing")
	}
	for _, f := range newRun.Features {
		for _, sc := range f.Scenarios {
			if sc.Status == reports.StatusFail && sc.Regression != reports.RegressionNew {
				t.Errorf("%s regression %q, want new", sc.ID, sc.Regression)
			}
		}
	}
	if !strings.Contains(text, "[new]") {
		t.Errorf("terminal does not mark new failures:\n%s", text)
	}

	md := filepath.Join(t.TempDir(), "diff.md")
	code, text = cliRun(t, "report", "diff", oldDir, filepath.Join(newDir, reports.FileJSON), "--md", md)
	if code != exitOK {
		t.Fatalf("diff: exit %d\n%s", code, text)
	}
	oldRun, _, _ := readResults(t, oldDir)
	d := reports.CompareRuns(&oldRun, &newRun)
	var got []string
	for _, e := range d.NewlyFailing {
		got = append(got, e.ID)
	}
	if strings.Join(got, ",") != strings.Join(broken, ",") || len(d.NewlyPassing)+len(d.ChangedReason)+len(d.ChangedStatus)+len(d.Added)+len(d.Removed) != 0 {
		t.Errorf("diff = %+v, want exactly newly failing %v", d, broken)
	}
	for _, id := range broken {
		if !strings.Contains(text, id) {
			t.Errorf("terminal diff lacks %s:\n%s", id, text)
		}
	}
	mdText, _ := os.ReadFile(md)
	if !strings.Contains(string(mdText), "### Newly failing ("+strconv.Itoa(len(broken))+")") {
		t.Errorf("markdown diff:\n%s", mdText)
	}
	// Reversed: the same scenarios are newly passing.
	rev := reports.CompareRuns(&newRun, &oldRun)
	if len(rev.NewlyPassing) != len(broken) || len(rev.NewlyFailing) != 0 {
		t.Errorf("reverse diff = %+v", rev)
	}

	// The same fault again, against the faulty run as baseline: known, and
	// --fail-on new passes.
	code, text = cliRun(t, "run", "--url", faulty, "--tags", tags, "--out", t.TempDir(), "--baseline", newDir, "--fail-on", "new")
	if code != exitOK || !strings.Contains(text, "[known]") {
		t.Errorf("--fail-on new with only known failures: exit %d\n%s", code, text)
	}
	code, _ = cliRun(t, "run", "--url", faulty, "--tags", tags, "--out", t.TempDir(), "--baseline", newDir)
	if code != exitConformance {
		t.Errorf("default --fail-on any: exit %d, want 1", code)
	}
	if code, text := cliRun(t, "run", "--url", faulty, "--tags", tags, "--out", t.TempDir(), "--fail-on", "new"); code != exitUsage || !strings.Contains(text, "needs --baseline") {
		t.Errorf("--fail-on new without baseline: exit %d\n%s", code, text)
	}
}

// TestRunRejectsNonsenseSettings: a typo in --features, --concurrency 0
// and --timeout 0 are usage errors, not silently smaller or hanging runs.
func TestRunRejectsNonsenseSettings(t *testing.T) {
	base := referenceURL(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--features", "token,grups"}, "unknown area grups"},
		{[]string{"--concurrency", "0"}, "--concurrency 0"},
		{[]string{"--timeout", "0"}, "--timeout 0s"},
	} {
		code, text := cliRun(t, append([]string{"run", "--url", base, "--out", t.TempDir()}, tc.args...)...)
		if code != exitUsage || !strings.Contains(text, tc.want) {
			t.Errorf("%v: exit %d, want 2 with %q\n%s", tc.args, code, tc.want, text)
		}
	}
}

// TestRunRedactsURLPassword: a URL with user info is refused before any
// request (Okta never sends credentials in the URL, and the mock client
// would not either), and the password it carried is printed nowhere, on
// the terminal or in the report folder.
func TestRunRedactsURLPassword(t *testing.T) {
	for _, base := range []string{
		strings.Replace(referenceURL(t), "http://", "http://okta:hunter2-url-password@", 1),
		"http://okta:hunter2-url-password@127.0.0.1:1/scim/v2",
	} {
		out := t.TempDir()
		code, text := cliRun(t, "run", "--url", base, "--out", out)
		if code != exitHarness || !strings.Contains(text, "must not carry credentials") || strings.Contains(text, "hunter2-url-password") {
			t.Errorf("run --url with user info: exit %d, output shows the password or no reason:\n%s", code, text)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*"))
		for _, f := range files {
			if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("hunter2-url-password")) {
				t.Errorf("%s holds the URL password", f)
			}
		}
	}
}

// TestReportEvidence: report --evidence of a real run writes one zip whose
// files do not hold the SCIM token, with a manifest.
func TestReportEvidence(t *testing.T) {
	out := t.TempDir()
	if code, text := cliRun(t, "run", "--url", referenceURL(t, reference.WithFaults("echo-token")), "--tags", "@token", "--out", out); code == exitUsage {
		t.Fatalf("run: exit %d\n%s", code, text)
	}
	zipPath := filepath.Join(t.TempDir(), "evidence.zip")
	code, text := cliRun(t, "report", "--from", filepath.Join(out, reports.FileJSON), "--out", t.TempDir(), "--evidence", zipPath)
	if code != exitOK || !strings.Contains(text, "wrote "+zipPath) {
		t.Fatalf("report --evidence: exit %d\n%s", code, text)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	seen := map[string]bool{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		seen[f.Name] = true
		if bytes.Contains(body, []byte(cliTestToken)) {
			t.Errorf("%s in the evidence holds the token", f.Name)
		}
	}
	for _, want := range []string{reports.FileJSON, reports.FileHTML, reports.FileHAR, reports.FileJUnit, reports.EvidenceCatalog, reports.EvidenceManifest} {
		if !seen[want] {
			t.Errorf("evidence lacks %s", want)
		}
	}
}

// TestRootCausesOfARealRun: against a reference server whose POST /Users
// answers 500, the scenarios stopped in their setup are grouped under
// "POST /Users answers 500", listed before the scenarios whose own Then
// failed, and they still fail the run.
func TestRootCausesOfARealRun(t *testing.T) {
	srv, err := reference.New(reference.WithToken(cliTestToken))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Users") {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"database down"}`)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	out := t.TempDir()
	code, text := cliRun(t, "run", "--url", hs.URL+reference.BasePath, "--tags", "@users,@lifecycle", "--out", out)
	if code != exitConformance {
		t.Fatalf("exit %d, want 1 (blocked scenarios are failures)\n%s", code, text)
	}
	run, _, _ := readResults(t, out)
	keyword := false
	for _, f := range run.Features {
		for _, sc := range f.Scenarios {
			for _, st := range sc.Steps {
				keyword = keyword || strings.TrimSpace(st.Keyword) != ""
			}
		}
	}
	if !keyword {
		t.Fatal("the run's steps carry no Gherkin keyword: root causes cannot tell setup steps from Then steps")
	}
	if len(run.RootCauses) == 0 || run.RootCauses[0].Key != "POST /Users answers 500" || len(run.RootCauses[0].Scenarios) < 2 {
		t.Fatalf("root causes %+v", run.RootCauses)
	}
	head := "POST /Users answers 500 (blocks " + strconv.Itoa(len(run.RootCauses[0].Scenarios)) + " scenarios)"
	i := strings.Index(text, head)
	if i < 0 {
		t.Fatalf("terminal lacks %q:\n%s", head, text)
	}
	if j := strings.Index(text, "Not passing at their own checks"); j >= 0 && j < i {
		t.Errorf("own failures listed before the root causes:\n%s", text)
	}
	md, _ := os.ReadFile(filepath.Join(out, reports.FileMarkdown))
	if !strings.Contains(string(md), head) {
		t.Errorf("summary.md lacks the root cause:\n%s", md)
	}
}
