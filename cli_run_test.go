package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/steps"
)

const cliTestToken = "cli-test-token-8d1e6b2f0a"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the scimconform binary once per test process, so the CLI
// is tested as users run it: a separate process with real exit codes.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "scimconform-cli-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "scimconform")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		// Built as make build builds it (see the Makefile's TAGS).
		out, err := exec.Command("go", "build", "-tags", "nomsgpack", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, binPath)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" && buildErr == nil {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// referenceURL starts an in-process reference server with opts.
func referenceURL(t *testing.T, opts ...reference.Option) string {
	t.Helper()
	srv, err := reference.New(append([]reference.Option{reference.WithToken(cliTestToken)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	return hs.URL + reference.BasePath
}

type procResult struct {
	code           int
	stdout, stderr string
}

func runProcess(t *testing.T, env []string, args ...string) procResult {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return procResult{code, so.String(), se.String()}
}

func TestRunProcessPassesAgainstReference(t *testing.T) {
	base := referenceURL(t)
	out := t.TempDir()
	// No SAML SP and no revoked token declared: those scenarios are not in
	// scope (TestRunSSOAgainstAnotherSP runs the SSO ones), every format
	// says so, and the in-scope required scenarios decide the exit code.
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--url", base, "--out", out, "--groups", "--tier", "required")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	run := readRunJSON(t, out)
	if want := needingUndeclared(t, "groups"); run.Totals.NotInScope != want || run.Totals.RequiredSkipped != 0 {
		t.Errorf("totals %+v, want %d not in scope (SSO, revoked token, strict tier)", run.Totals, want)
	}
	for _, f := range []string{"summary.md", "junit.xml", "report.html", "cucumber.json", "results.json"} {
		if b, _ := os.ReadFile(filepath.Join(out, f)); !bytes.Contains(b, []byte("SSO not tested: no --saml-acs given")) {
			t.Errorf("%s does not state that SSO is out of scope", f)
		}
	}
	if !strings.Contains(r.stdout, "SSO not tested: no --saml-acs given") {
		t.Errorf("terminal does not state that SSO is out of scope:\n%s", r.stdout)
	}
	for _, f := range []string{"results.json", "junit.xml", "cucumber.json", "report.html", "summary.md", "transcript.har"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Errorf("missing %s: %v", f, err)
			continue
		}
		if bytes.Contains(b, []byte(cliTestToken)) {
			t.Errorf("%s contains the SCIM token", f)
		}
	}
	if strings.Contains(r.stdout+r.stderr, cliTestToken) {
		t.Error("terminal output contains the SCIM token")
	}
}

func TestRunProcessExitsOneOnAConformanceFailure(t *testing.T) {
	base := referenceURL(t, reference.WithFaults("case-sensitive-filter"))
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--url", base, "--out", t.TempDir(), "--tags", "@users")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "USR-004") {
		t.Errorf("the failing scenario USR-004 is not named:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "GET ") || !strings.Contains(r.stdout, "/Users?filter=") {
		t.Errorf("the offending exchange is not shown:\n%s", r.stdout)
	}
}

func TestRunProcessPreflight(t *testing.T) {
	base := referenceURL(t)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"unreachable", []string{"SCIMCONFORM_TOKEN=x"}, []string{"run", "--url", "http://127.0.0.1:1/scim/v2"}, "connection refused"},
		{"bad token", []string{"SCIMCONFORM_TOKEN=wrong"}, []string{"run", "--url", base}, "refused the credentials"},
		{"wrong base path", []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, []string{"run", "--url", strings.TrimSuffix(base, "/scim/v2")}, "/scim/v2"},
		{"no token", []string{"SCIMCONFORM_TOKEN="}, []string{"run", "--url", base}, "SCIMCONFORM_TOKEN"},
		{"no url", []string{"SCIMCONFORM_TOKEN=x", "SCIMCONFORM_URL="}, []string{"run"}, "--url"},
		{"bad tier", []string{"SCIMCONFORM_TOKEN=x"}, []string{"run", "--url", base, "--tier", "some"}, "--tier"},
		{"bad tags", []string{"SCIMCONFORM_TOKEN=x"}, []string{"run", "--url", base, "--tags", "(@a"}, "tag expression"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runProcess(t, tc.env, append(tc.args, "--out", t.TempDir())...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("stderr does not mention %q:\n%s", tc.want, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, cliTestToken) {
				t.Fatal("output contains the token")
			}
		})
	}
}

func TestRunProcessTagsSelectScenarios(t *testing.T) {
	base := referenceURL(t)
	out := t.TempDir()
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--url", base, "--out", out, "--tags", "@USR-001,@ERR-001")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "[2/2]") || strings.Contains(r.stdout, "[3/") {
		t.Fatalf("expected exactly 2 scenarios:\n%s", r.stdout)
	}
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Totals struct{ Scenarios int } `json:"totals"`
	}
	if err := json.Unmarshal(b, &res); err != nil || res.Totals.Scenarios != 2 {
		t.Fatalf("results.json totals %+v (%v)", res.Totals, err)
	}
}

func TestRunProcessConfigPrecedence(t *testing.T) {
	base := referenceURL(t)
	cfgFile := filepath.Join(t.TempDir(), "scimconform.yaml")
	// The YAML names a wrong URL and tags; env overrides the URL, a flag the tags.
	if err := os.WriteFile(cfgFile, []byte("url: http://127.0.0.1:1/scim/v2\ntags: \"@nothing-matches\"\ntier: required\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken, "SCIMCONFORM_URL=" + base},
		"run", "--config", cfgFile, "--tags", "@USR-001", "--out", t.TempDir())
	if r.code != 0 || !strings.Contains(r.stdout, "[1/1]") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if err := os.WriteFile(cfgFile, []byte("token: abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--config", cfgFile, "--url", base)
	if r.code != 2 || !strings.Contains(r.stderr, "secrets") {
		t.Fatalf("a token in the YAML file must be refused: exit %d\n%s", r.code, r.stderr)
	}
}

func TestListJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := runCLI(&cliEnv{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, []string{"list", "--format", "json"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var list []struct {
		ID, Title string
		Tags      []string
	}
	if err := json.Unmarshal(out.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) < 40 || list[0].ID == "" || list[0].Title == "" || len(list[0].Tags) == 0 {
		t.Fatalf("list json: %d entries, first %+v", len(list), list[0])
	}
	out.Reset()
	if code := runCLI(&cliEnv{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, []string{"list", "--tier", "required", "--tags", "@discovery,@SPEC-001"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	// SPEC-001 is required; the discovery scenarios are optional.
	if !strings.Contains(out.String(), "SPEC-001") || strings.Contains(out.String(), "DSC-001") {
		t.Fatalf("list --tier required --tags @discovery,@SPEC-001:\n%s", out.String())
	}
}

// TestRunTLSOptions checks pre-flight over TLS: an untrusted certificate
// is a clear exit 2 with a hint, and --ca-file or --insecure let the run go on.
func TestRunTLSOptions(t *testing.T) {
	srv, err := reference.New(reference.WithToken(cliTestToken))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewTLSServer(srv)
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	base := hs.URL + reference.BasePath
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(so, se *bytes.Buffer) *cliEnv {
		return &cliEnv{stdout: so, stderr: se, stdin: strings.NewReader(""), getenv: func(k string) string {
			if k == "SCIMCONFORM_TOKEN" {
				return cliTestToken
			}
			return ""
		}}
	}
	for _, tc := range []struct {
		name  string
		extra []string
		code  int
		want  string
	}{
		{"untrusted", nil, exitUsage, "--ca-file"},
		{"ca-file", []string{"--ca-file", caFile}, exitOK, "1 passed"},
		{"insecure", []string{"--insecure"}, exitOK, "1 passed"},
		{"bad ca-file", []string{"--ca-file", filepath.Join(t.TempDir(), "missing.pem")}, exitUsage, "--ca-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var so, se bytes.Buffer
			args := append([]string{"run", "--url", base, "--tags", "@USR-001", "--out", t.TempDir()}, tc.extra...)
			code := runCLI(env(&so, &se), args)
			if code != tc.code || !strings.Contains(so.String()+se.String(), tc.want) {
				t.Fatalf("exit %d (want %d), output lacks %q\nstdout:\n%s\nstderr:\n%s", code, tc.code, tc.want, so.String(), se.String())
			}
		})
	}
}

// needingUndeclared counts the catalogue's scenarios that need a capability
// other than the declared ones.
func needingUndeclared(t *testing.T, declared ...string) int {
	t.Helper()
	all, err := steps.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range all {
		for _, need := range s.Needs {
			if !slices.Contains(declared, need) {
				n++
				break
			}
		}
	}
	return n
}
