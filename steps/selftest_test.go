package steps_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/internal/selftarget"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

const selfTestToken = "selftest-token-3f9c2a7e5b1d"

// startTarget starts the built-in target (reference server + SAML SP) with
// reference options and SSO faults, and returns it.
func startTarget(t testing.TB, opts []reference.Option, ssoFaults ...string) *selftarget.Target {
	t.Helper()
	return startTargetWith(t, selftarget.Options{Reference: opts, SSOFaults: ssoFaults})
}

// startTargetWith starts the built-in target with o (the token is the
// self-test's) and closes it when the test ends.
func startTargetWith(t testing.TB, o selftarget.Options) *selftarget.Target {
	t.Helper()
	o.Token = selfTestToken
	tg, err := selftarget.Start(o)
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
	mapping, err := okta.LoadMapping("reference")
	if err != nil {
		panic(err) // a built-in preset
	}
	return steps.Config{
		Mapping:     mapping,
		BaseURL:     base,
		Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: selfTestToken},
		Profile:     profile,
		Timeout:     10 * time.Second,
		Selection:   steps.Selection{Tier: "all", Groups: true},
		ToolVersion: "selftest",
		// Password sync needs nothing of the target: declared, so its scenarios run.
		PasswordSync: true,
		// Entitlements: the reference offers /Roles and /Licenses.
		Entitlements: true,
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
