package steps_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/internal/selftarget"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reference/sso"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

const selfTestToken = "selftest-token-3f9c2a7e5b1d"

// startTarget starts the built-in target (reference server + SAML SP) with
// reference options and SSO faults, and returns it.
func startTarget(t testing.TB, opts []reference.Option, ssoFaults ...string) *selftarget.Target {
	t.Helper()
	tg, err := selftarget.Start(selftarget.Options{Token: selfTestToken, Reference: opts, SSOFaults: ssoFaults})
	if err != nil {
		t.Fatalf("start target: %v", err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// revokedToken creates a token, uses it once (as Okta would have, before
// the admin revoked it) and revokes it.
func revokedToken(t testing.TB, base string, srv *reference.Server) string {
	t.Helper()
	ctx := context.Background()
	secret, info, err := srv.Tokens().Create(ctx, "to be revoked")
	if err != nil {
		t.Fatal(err)
	}
	c, err := okta.New(okta.Config{BaseURL: base, Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: secret}})
	if err != nil {
		t.Fatal(err)
	}
	if ex := c.Do(ctx, okta.Request{Method: "GET", Path: "/Users?startIndex=1&count=1"}); ex.StatusCode != 200 {
		t.Fatalf("new token refused before revocation: %d %s", ex.StatusCode, ex.Err)
	}
	if err := srv.Tokens().Revoke(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	return secret
}

func suiteConfig(base string, profile okta.Profile) steps.Config {
	return steps.Config{
		BaseURL:     base,
		Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: selfTestToken},
		Profile:     profile,
		Timeout:     10 * time.Second,
		Selection:   steps.Selection{Tier: "all", Groups: true},
		ToolVersion: "selftest",
	}
}

// byStatus groups scenario IDs of run by status.
func byStatus(run *reports.Run) map[reports.Status][]string {
	out := map[reports.Status][]string{}
	for _, f := range run.Features {
		for _, s := range f.Scenarios {
			out[s.Status] = append(out[s.Status], s.ID)
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func describeFailures(run *reports.Run) string {
	var b strings.Builder
	for _, f := range run.Features {
		for _, s := range f.Scenarios {
			if s.Status == reports.StatusFail || s.Status == reports.StatusError {
				fmt.Fprintf(&b, "\n  %s %s: %s", s.Status, s.ID, s.Reason)
			}
		}
	}
	return b.String()
}

// TestSuitePassesAgainstReference is the first half of "test the tester":
// every scenario passes against the reference server, in both client
// profiles and with both auth header forms.
func TestSuitePassesAgainstReference(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile okta.Profile
		mode    okta.AuthMode
		plus    bool
		conc    int
	}{
		{"oin-bearer", okta.ProfileOIN, okta.AuthBearer, false, 1},
		{"aiw-bearer-plus", okta.ProfileAIW, okta.AuthBearer, true, 1},
		{"oin-header", okta.ProfileOIN, okta.AuthHeader, false, 1},
		{"oin-concurrent", okta.ProfileOIN, okta.AuthBearer, false, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := startTarget(t, []reference.Option{reference.WithBareTokenAuth(tc.mode == okta.AuthHeader)})
			revoked := revokedToken(t, tg.BaseURL, tg.Server)
			cfg := suiteConfig(tg.BaseURL, tc.profile)
			cfg.SSO = tg.SSO
			cfg.Credentials.Mode = tc.mode
			cfg.PlusForSpace = tc.plus
			cfg.Concurrency = tc.conc
			cfg.RevokedToken = revoked
			cfg.Cleanup = true
			if err := steps.Preflight(context.Background(), cfg); err != nil {
				t.Fatalf("preflight: %v", err)
			}
			start := time.Now()
			run, err := steps.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			st := byStatus(run)
			t.Logf("%d scenarios in %v: %d pass, %d fail, %d error, %d skip", run.Totals.Scenarios, time.Since(start).Round(time.Millisecond),
				len(st[reports.StatusPass]), len(st[reports.StatusFail]), len(st[reports.StatusError]), len(st[reports.StatusSkip]))
			if len(st[reports.StatusFail])+len(st[reports.StatusError]) > 0 {
				t.Fatalf("scenarios failed against the reference server:%s", describeFailures(run))
			}
			if len(st[reports.StatusSkip]) > 0 {
				t.Fatalf("scenarios skipped against the reference server: %v", st[reports.StatusSkip])
			}
			all, _ := steps.Catalog()
			if run.Totals.Scenarios != len(all) {
				t.Fatalf("ran %d scenarios, catalogue has %d", run.Totals.Scenarios, len(all))
			}
		})
	}
}

// faultBreaks declares, for every fault the reference server can inject,
// exactly which scenarios it must make fail (OIN profile, all scenarios,
// group push declared). The self-test enforces both directions: these fail,
// nothing else does. Every @required scenario must appear at least once.
var faultBreaks = map[string][]string{
	"accept-any-token":                {"AUTH-003", "AUTH-004", "AUTH-005", "AUTH-006", "SPEC-011"},
	"auth-skip-patch":                 {"AUTH-002", "AUTH-003", "AUTH-006"},
	"bad-json-500":                    {"ERR-002", "ERR-003"},
	"case-sensitive-filter":           {"USR-004"},
	"counters-as-strings":             {"AUTH-001", "DSC-002", "DSC-003", "GRP-001", "GRP-002", "GRP-003", "GRP-004", "GRP-005", "GRP-006", "IMP-001", "IMP-002", "IMP-003", "IMP-004", "SPEC-001", "SPEC-002", "SPEC-003", "SPEC-004", "SPEC-005", "SPEC-006", "SPEC-007", "SPEC-008", "SPEC-009", "SPEC-010", "SPEC-011", "SPEC-012", "SSO-001", "SSO-002", "SSO-004", "SSO-005", "SSO-006", "SSO-007", "SSO-008", "SSO-009", "SSO-010", "SSO-011", "SSO-012", "SSO-013", "USR-001", "USR-002", "USR-003", "USR-004", "USR-005", "USR-006", "USR-007", "USR-008", "USR-009", "USR-010", "USR-011", "USR-012", "USR-013"},
	"create-200":                      {"SPEC-006", "SPEC-007", "SPEC-008", "SPEC-009", "SPEC-011", "USR-002", "USR-006"},
	"create-empty-body":               {"GRP-001", "GRP-002", "GRP-003", "GRP-004", "GRP-005", "IMP-001", "IMP-002", "IMP-003", "IMP-004", "SPEC-001", "SPEC-002", "SPEC-003", "SPEC-004", "SPEC-005", "SPEC-006", "SPEC-007", "SPEC-008", "SPEC-009", "SPEC-010", "SPEC-011", "SPEC-012", "SSO-001", "SSO-002", "SSO-004", "SSO-005", "SSO-006", "SSO-007", "SSO-008", "SSO-009", "SSO-010", "SSO-011", "SSO-012", "SSO-013", "USR-002", "USR-003", "USR-004", "USR-005", "USR-006", "USR-007", "USR-008", "USR-009", "USR-010", "USR-011", "USR-012", "USR-013"},
	"discovery-writable":              {"DSC-004"},
	"echo-password":                   {"USR-006", "USR-008"},
	"echo-token":                      {"AUTH-007"},
	"externalid-unique":               {"USR-013"},
	"filter-hides-inactive":           {"SSO-002", "USR-011", "USR-012"},
	"group-create-200":                {"GRP-001"},
	"group-delete-noop":               {"GRP-006"},
	"group-patch-add-ignored":         {"GRP-001", "GRP-002", "GRP-003"},
	"group-remove-filter-unsupported": {"GRP-003"},
	"group-rename-rejects-id":         {"GRP-002", "GRP-003", "GRP-004"},
	"group-replace-appends":           {"GRP-005"},
	"html-errors":                     {"ERR-001", "ERR-005", "SPEC-004", "SPEC-012"},
	"ignore-deactivation":             {"SSO-002", "USR-010", "USR-011", "USR-013"},
	"ignore-revocation":               {"AUTH-006"},
	"inactive-404":                    {"SPEC-002", "USR-010", "USR-013"},
	"invalid-filter-500":              {"ERR-004"},
	"items-per-page-requested":        {"IMP-002", "IMP-003"},
	"lookup-miss-404":                 {"SPEC-003", "SPEC-005", "USR-001"},
	"lowercase-username":              {"SPEC-006", "SPEC-007", "USR-002", "USR-003"},
	"malformed-id-400":                {"ERR-001", "SPEC-004", "SPEC-012"},
	"no-discovery":                    {"DSC-001", "DSC-002", "DSC-003"},
	"no-uniqueness":                   {"SPEC-008", "USR-005"},
	"past-end-400":                    {"IMP-003"},
	"path-only-patch":                 {"GRP-002", "GRP-003", "GRP-004", "SSO-002", "USR-010", "USR-011", "USR-012", "USR-013"},
	"plain-text-401":                  {"AUTH-002", "AUTH-003", "AUTH-004", "AUTH-005", "AUTH-006", "SPEC-011"},
	"put-ignores-name":                {"USR-007"},
	"silent-email-ignore":             {"USR-009"},
	"sso-ignore-audience":             {"SSO-010"},
	"sso-ignore-deactivation":         {"SSO-002"},
	"sso-ignore-expiry":               {"SSO-008", "SSO-009"},
	"sso-naive-wrapping":              {"SSO-007"},
	"sso-no-replay-check":             {"SSO-013"},
	"sso-sign-in-unknown":             {"SSO-003"},
	"sso-skip-signature":              {"SSO-004", "SSO-005", "SSO-006"},
	"strict-put":                      {"USR-007", "USR-008", "USR-009", "USR-012"},
	"zero-based-paging":               {"IMP-001", "SSO-002", "USR-004", "USR-011", "USR-012", "USR-013"},
}

// TestEveryFaultBreaksExactlyItsScenarios is the second half of "test the
// tester": each injected fault makes the scenarios it names fail and no
// others, so every scenario is shown to be able to fail.
func TestEveryFaultBreaksExactlyItsScenarios(t *testing.T) {
	if raceEnabled {
		// ~45 suite runs take minutes under the race detector; the race-free
		// part of `make test` runs this matrix (see Makefile), and the
		// race-enabled run covers the same code in the passing suite above.
		t.Skip("the fault matrix runs in `make test` without -race (the race run covers the suite code in TestSuitePassesAgainstReference)")
	}
	faults := allFaults()
	if len(faults) == 0 {
		t.Fatal("no faults to inject")
	}
	observed := map[string][]string{}
	for _, name := range faults {
		name := name
		t.Run(name, func(t *testing.T) {
			var tg *selftarget.Target
			if strings.HasPrefix(name, "sso-") {
				tg = startTarget(t, nil, name)
			} else {
				tg = startTarget(t, []reference.Option{reference.WithFaults(name)})
			}
			cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
			cfg.SSO = tg.SSO
			cfg.RevokedToken = revokedToken(t, tg.BaseURL, tg.Server)
			run, err := steps.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			st := byStatus(run)
			if len(st[reports.StatusError]) > 0 {
				t.Errorf("harness errors under fault %s:%s", name, describeFailures(run))
			}
			got := append(append([]string{}, st[reports.StatusFail]...), st[reports.StatusError]...)
			sort.Strings(got)
			observed[name] = got
			want, declared := faultBreaks[name]
			if !declared {
				t.Errorf("fault %s is not declared in faultBreaks; it broke %v", name, got)
				return
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("fault %s broke %v, want %v%s", name, got, want, describeFailures(run))
			}
		})
	}
	if os.Getenv("SCIMCONFORM_PRINT_FAULT_MATRIX") != "" {
		names := make([]string, 0, len(observed))
		for n := range observed {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("\t%q: {%s},\n", n, quoteAll(observed[n]))
		}
	}
}

func quoteAll(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}

// TestEveryRequiredScenarioHasAFault makes sure a new @required scenario
// cannot land without a fault that proves it can fail.
func TestEveryRequiredScenarioHasAFault(t *testing.T) {
	all, err := steps.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	known := map[string]bool{}
	for _, f := range allFaults() {
		known[f] = true
	}
	for name, ids := range faultBreaks {
		if !known[name] {
			t.Errorf("faultBreaks names %q, which neither reference.Faults() nor sso.Faults() offers", name)
		}
		for _, id := range ids {
			covered[id] = true
		}
	}
	for _, s := range all {
		if s.Tier == "required" && !covered[s.ID] {
			t.Errorf("required scenario %s (%s) is broken by no fault: add a fault to reference/ and declare it in faultBreaks", s.ID, s.Title)
		}
	}
}

// allFaults lists the reference server's SCIM faults and its SAML SP's faults.
func allFaults() []string {
	var names []string
	for _, f := range reference.Faults() {
		names = append(names, f.Name)
	}
	for _, f := range sso.Faults() {
		names = append(names, f.Name)
	}
	return names
}

// BenchmarkSuiteAgainstReference measures one full run of the catalogue
// against the in-process reference server (OIN profile, all scenarios).
func BenchmarkSuiteAgainstReference(b *testing.B) {
	tg := startTarget(b, nil)
	cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
	cfg.SSO = tg.SSO
	for i := 0; i < b.N; i++ {
		run, err := steps.Run(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if run.Totals.Failed+run.Totals.Errored > 0 {
			b.Fatalf("failures:%s", describeFailures(run))
		}
	}
}
