package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
)

// TestRunPasswordSync: with --password-sync the password scenarios are
// required, so a server that refuses Okta's password PATCH (the OIN
// profile, the default) fails the run with exit 1 and the output and
// summary name the scenario; without the flag they are not in scope and
// the same server passes the same selection.
func TestRunPasswordSync(t *testing.T) {
	env := func(so, se *bytes.Buffer) *cliEnv {
		return &cliEnv{stdout: so, stderr: se, stdin: strings.NewReader(""), getenv: func(k string) string {
			if k == "SCIMCONFORM_TOKEN" {
				return cliTestToken
			}
			return ""
		}}
	}
	base := referenceURL(t, reference.WithFaults("refuse-password-patch"))

	out := t.TempDir()
	var so, se bytes.Buffer
	code := runCLI(env(&so, &se), []string{"run", "--url", base, "--tags", "@password", "--password-sync", "--out", out})
	if code != exitConformance {
		t.Fatalf("with --password-sync: exit %d, want %d\n%s\n%s", code, exitConformance, so.String(), se.String())
	}
	if !strings.Contains(so.String(), "PWD-001") {
		t.Errorf("the output does not name PWD-001:\n%s", so.String())
	}
	if md, err := os.ReadFile(filepath.Join(out, reports.FileMarkdown)); err != nil || !strings.Contains(string(md), "PWD-001") {
		t.Errorf("summary.md does not name PWD-001 (%v):\n%s", err, md)
	}
	run, verdict, _ := readResults(t, out)
	if verdict != "fail" {
		t.Errorf("verdict %q, want fail", verdict)
	}
	for _, f := range run.Features {
		for _, sc := range f.Scenarios {
			if strings.HasPrefix(sc.ID, "PWD-") && sc.Status != reports.StatusFail {
				t.Errorf("%s ended %s, want fail (the push is refused)", sc.ID, sc.Status)
			}
		}
	}

	out = t.TempDir()
	so.Reset()
	se.Reset()
	code = runCLI(env(&so, &se), []string{"run", "--url", base, "--tags", "@password,@USR-001", "--out", out})
	if code != exitOK {
		t.Fatalf("without --password-sync: exit %d, want %d\n%s\n%s", code, exitOK, so.String(), se.String())
	}
	run, _, _ = readResults(t, out)
	n := 0
	for _, f := range run.Features {
		for _, sc := range f.Scenarios {
			if strings.HasPrefix(sc.ID, "PWD-") {
				n++
				if sc.Status != reports.StatusNotInScope {
					t.Errorf("%s ended %s without --password-sync, want not-in-scope", sc.ID, sc.Status)
				}
			}
		}
	}
	if n == 0 {
		t.Error("the report lists no PWD scenario")
	}
	if !strings.Contains(so.String(), "password sync not tested: no --password-sync given") {
		t.Errorf("the output does not say password sync is out of scope:\n%s", so.String())
	}
}
