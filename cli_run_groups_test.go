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

// TestRunGroupsNamesTheWrongMember is issue 12's done-when for Group Push:
// a run with --groups against a server that removes only one of two
// members Okta removes in one update (OIN: one PATCH with two removes;
// AIW: a PUT treated as a merge) exits 1, and the terminal and summary.md
// name the scenario and the member that stayed.
func TestRunGroupsNamesTheWrongMember(t *testing.T) {
	for _, tc := range []struct {
		profile, fault, member string
	}{
		{"oin", "", ""}, // the control: the same run against the clean server passes
		{"aiw", "", ""},
		{"oin", "group-remove-first-only", `"Grace" is a member but should not be`},
		{"oin", "group-remove-wrong-member", `"Bob" is a member but should not be`},
		{"aiw", "group-put-merges-members", `"Bob" is a member but should not be`},
	} {
		t.Run(tc.profile+"/"+tc.fault, func(t *testing.T) {
			var opts []reference.Option
			if tc.fault != "" {
				opts = append(opts, reference.WithFaults(tc.fault))
			}
			base := referenceURL(t, opts...)
			out := t.TempDir()
			var so, se bytes.Buffer
			env := &cliEnv{stdout: &so, stderr: &se, stdin: strings.NewReader(""), getenv: func(k string) string {
				if k == "SCIMCONFORM_TOKEN" {
					return cliTestToken
				}
				return ""
			}}
			code := runCLI(env, []string{"run", "--url", base, "--profile", tc.profile, "--groups", "--tags", "@GRP-008", "--out", out})
			md, err := os.ReadFile(filepath.Join(out, reports.FileMarkdown))
			if err != nil {
				t.Fatal(err)
			}
			if tc.fault == "" {
				if code != exitOK || !strings.Contains(so.String(), "Verdict: pass") {
					t.Fatalf("clean server: exit %d, want %d\n%s\n%s", code, exitOK, so.String(), se.String())
				}
				return
			}
			if code != exitConformance {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, exitConformance, so.String(), se.String())
			}
			for what, text := range map[string]string{"terminal": so.String(), "summary.md": string(md)} {
				if !strings.Contains(text, "GRP-008") || !strings.Contains(text, tc.member) {
					t.Errorf("%s does not name GRP-008 and %s:\n%s", what, tc.member, text)
				}
			}
		})
	}
}
