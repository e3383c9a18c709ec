package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
)

// TestRunMappingNamesTheDroppedAttribute is issue 12's done-when: `run
// --mapping enterprise` against a server that drops the enterprise
// extension exits 1, and the terminal and summary.md name the scenario
// and the attribute.
func TestRunMappingNamesTheDroppedAttribute(t *testing.T) {
	base := referenceURL(t, reference.WithFaults("drop-enterprise-extension"))
	out := t.TempDir()
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--url", base, "--out", out, "--mapping", "enterprise", "--features", "attributes")
	if r.code != exitConformance {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, exitConformance, r.stdout, r.stderr)
	}
	const attr = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
	md, _ := os.ReadFile(filepath.Join(out, reports.FileMarkdown))
	for name, text := range map[string]string{"terminal": r.stdout, "summary.md": string(md)} {
		if !strings.Contains(text, "ATR-001") || !strings.Contains(text, attr) {
			t.Errorf("%s does not name ATR-001 and %s:\n%s", name, attr, text)
		}
	}
	// The custom-schema scenario is out of scope: the enterprise preset
	// maps no attribute of the app's own extension.
	if !strings.Contains(r.stdout, "custom schema not tested") {
		t.Errorf("terminal does not say the custom schema is out of scope:\n%s", r.stdout)
	}
}

// TestRunMappingRefusesABadFile: a mapping file with a path the suite
// cannot send is a usage error naming the file and the line.
func TestRunMappingRefusesABadFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mapping.yaml")
	if err := os.WriteFile(file, []byte("title: title\nphone: phoneNumbers.value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runProcess(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "run", "--url", "http://127.0.0.1:1/scim/v2", "--out", t.TempDir(), "--mapping", file)
	if r.code != exitUsage || !strings.Contains(r.stderr, file+" line 2") || !strings.Contains(r.stderr, "multi-valued") {
		t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", r.code, exitUsage, r.stdout, r.stderr)
	}
}
