package main

import (
	"strings"
	"testing"

	"github.com/scimconform/scimconform/reference"
)

// TestRunEntitlements: --entitlements puts the entitlement scenarios in
// scope. Against the reference server they pass (exit 0); against a server
// that silently drops unknown entitlement values the run exits 1 and names
// the scenario that caught it; without the flag they are not in scope and
// the run says why.
func TestRunEntitlements(t *testing.T) {
	env := []string{"SCIMCONFORM_TOKEN=" + cliTestToken}
	t.Run("clean", func(t *testing.T) {
		out := t.TempDir()
		r := runProcess(t, env, "run", "--url", referenceURL(t), "--out", out, "--entitlements", "--tags", "@entitlements")
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		if run := readRunJSON(t, out); run.Totals.Passed != 4 || run.Totals.NotInScope != 0 {
			t.Errorf("totals %+v, want 4 passed", run.Totals)
		}
	})
	t.Run("faulty", func(t *testing.T) {
		base := referenceURL(t, reference.WithFaults("accept-unknown-entitlement"))
		r := runProcess(t, env, "run", "--url", base, "--out", t.TempDir(), "--entitlements", "--tags", "@entitlements")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stdout, "ENT-004") || !strings.Contains(r.stdout, "did not refuse an entitlement it does not offer") {
			t.Errorf("the failing scenario ENT-004 and its reason are not named:\n%s", r.stdout)
		}
	})
	t.Run("undeclared", func(t *testing.T) {
		out := t.TempDir()
		r := runProcess(t, env, "run", "--url", referenceURL(t), "--out", out, "--tags", "@entitlements")
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		if run := readRunJSON(t, out); run.Totals.NotInScope != 4 || run.Totals.Passed != 0 {
			t.Errorf("totals %+v, want 4 not in scope", run.Totals)
		}
		if !strings.Contains(r.stdout, "entitlements not tested: no --entitlements given") {
			t.Errorf("the terminal does not say why the entitlement scenarios did not run:\n%s", r.stdout)
		}
	})
}
