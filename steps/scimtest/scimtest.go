// Package scimtest runs the scimconform suite from a vendor's own Go tests:
// each scenario becomes a subtest of the calling test, so `go test` shows
// which Okta behaviour the SCIM handler breaks, and `go test -run` selects
// scenarios.
//
//	func TestOkta(t *testing.T) {
//		srv := httptest.NewServer(myapp.SCIMHandler())
//		defer srv.Close()
//		scimtest.Run(t, scimtest.Config{URL: srv.URL + "/scim/v2", Token: "test-token-0123456789"})
//	}
//
// It sits beside the CLI in the data flow: it builds a steps.Config, runs
// the pre-flight and the suite once (godog runs one suite per process at a
// time, so Run must not be called from parallel tests), then replays each
// scenario's result as a subtest. It uses only the exported API of steps
// and the reports model, and prints nothing secret: the token is redacted
// from every message.
package scimtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// Config says what to test. URL and Token are required.
type Config struct {
	// URL is the SCIM base URL, e.g. srv.URL + "/scim/v2".
	URL string
	// Token is the bearer token Okta would send.
	Token string
	// Profile is the Okta client profile: "oin" (default) or "aiw".
	Profile string
	// Tags is a godog tag expression narrowing the scenarios, e.g.
	// "@users"; empty runs every scenario (go test -run narrows further).
	Tags string
	// Tier is "required" (only required scenarios) or "" / "all".
	Tier string
	// Groups declares that the app supports Group Push: the group
	// scenarios are in scope and required; otherwise they are skipped as
	// not in scope.
	Groups bool
	// RevokedToken, if set, is a token the app has revoked: the
	// revoked-token scenarios run instead of skipping.
	RevokedToken string
	// HTTPClient, if set, sends the requests (e.g. srv.Client() of a TLS
	// httptest.Server).
	HTTPClient *http.Client
	// Timeout is the per-request timeout; default 60s like Okta.
	Timeout time.Duration
	// ReportDir, if set, receives every report format of the run
	// (results.json, report.html, ...), redacted.
	ReportDir string
}

// Run runs the selected scenarios against cfg.URL and reports each as a
// subtest of t named "ID title" (go test shows spaces as underscores): a
// failed or errored scenario fails its subtest with the failing step,
// expected and actual values and the offending HTTP exchange; a skipped or
// not-in-scope scenario skips with its reason. Scenarios whose subtest name
// the -run flag excludes are not run at all. A failed pre-flight (wrong
// URL, token refused) fails t itself. It returns the run (redacted), or nil
// when the suite did not run.
func Run(t *testing.T, cfg Config) *reports.Run {
	t.Helper()
	run, err := check(t.Context(), cfg, func(id, title string) bool {
		return matchesRunFlag(t.Name(), subtestName(id, title))
	})
	switch {
	case errors.Is(err, errNothing):
		t.Skip("scimtest: no scenario matches Config.Tags/Tier and -run")
		return nil
	case err != nil:
		t.Fatalf("scimtest: %v", err)
		return nil
	}
	if cfg.ReportDir != "" {
		if _, err := reports.WriteAll(cfg.ReportDir, run); err != nil {
			t.Errorf("scimtest: write reports: %v", err)
		}
	}
	for fi := range run.Features {
		for si := range run.Features[fi].Scenarios {
			s := &run.Features[fi].Scenarios[si]
			t.Run(subtestName(s.ID, s.Title), func(t *testing.T) { replay(t, s) })
		}
	}
	return run
}

// Check runs the scenarios cfg selects without a *testing.T and returns
// the run, redacted, with its totals (run.Totals.Verdict() is the
// verdict). It returns an error, with the token redacted, when the
// pre-flight fails, nothing is selected or the suite cannot start.
func Check(ctx context.Context, cfg Config) (*reports.Run, error) {
	return check(ctx, cfg, func(string, string) bool { return true })
}

var errNothing = errors.New("no scenario matches Config.Tags and Config.Tier")

func check(ctx context.Context, cfg Config, keep func(id, title string) bool) (*reports.Run, error) {
	sc := steps.Config{
		BaseURL:     cfg.URL,
		Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: cfg.Token},
		Profile:     okta.Profile(cfg.Profile),
		HTTPClient:  cfg.HTTPClient,
		Timeout:     cfg.Timeout,
		Cleanup:     true,
		Selection:   steps.Selection{Tags: cfg.Tags, Tier: cfg.Tier, Groups: cfg.Groups},
		ToolVersion: "scimtest",

		RevokedToken: cfg.RevokedToken,
	}
	if sc.Profile == "" {
		sc.Profile = okta.ProfileOIN
	}
	if sc.Selection.Tier == "" {
		sc.Selection.Tier = "all"
	}
	all, err := steps.Catalog()
	if err != nil {
		return nil, fmt.Errorf("scenario catalogue: %w", err)
	}
	var ids []string
	for _, s := range sc.Selection.Select(all) {
		if keep(s.ID, s.Title) {
			ids = append(ids, "@"+s.ID)
		}
	}
	if len(ids) == 0 {
		return nil, errNothing
	}
	sc.Selection.Tags = strings.Join(ids, ",")
	redact := func(err error) error { return errors.New(reports.RedactText(err.Error(), cfg.Token, cfg.RevokedToken)) }
	if err := steps.Preflight(ctx, sc); err != nil {
		return nil, redact(err)
	}
	run, err := steps.Run(ctx, sc)
	if err != nil {
		return nil, fmt.Errorf("the suite did not run: %w", redact(err))
	}
	run.Redact(cfg.Token, cfg.RevokedToken)
	run.ComputeTotals()
	return run, nil
}

// subtestName is the name Run gives a scenario's subtest.
func subtestName(id, title string) string { return id + " " + title }

// replay reports one scenario's recorded result through t.
func replay(t *testing.T, s *reports.Scenario) {
	for i := range s.Steps {
		st := &s.Steps[i]
		t.Logf("%-5s %s %s", strings.ToUpper(string(st.Status)), strings.TrimSpace(st.Keyword), st.Text)
	}
	switch s.Status {
	case reports.StatusPass:
	case reports.StatusSkip:
		t.Skipf("skipped: %s", s.Reason)
	case reports.StatusNotInScope:
		t.Skipf("not in scope: %s", s.Reason)
	default:
		t.Error(failureText(s))
	}
}

// failureText describes why s did not pass: status, tier, the failing
// step, its message, expected and actual, and the offending exchange.
func failureText(s *reports.Scenario) string {
	var b strings.Builder
	what := "FAIL (the app behaves unlike Okta expects)"
	if s.Status == reports.StatusError {
		what = "ERROR (the run could not decide: no answer, a timeout or a harness fault)"
	}
	fmt.Fprintf(&b, "%s %s [%s] %s\n", s.ID, s.Title, s.Tier, what)
	var failed *reports.Step
	var ex *reports.Exchange
	for i := range s.Steps {
		st := &s.Steps[i]
		if n := len(st.Exchanges); n > 0 {
			ex = &st.Exchanges[n-1]
		}
		if st.Status == reports.StatusFail || st.Status == reports.StatusError {
			failed = st
			// The first failing answer of this step, if any.
			for j := range st.Exchanges {
				if e := &st.Exchanges[j]; e.StatusCode == 0 || e.StatusCode >= 400 {
					ex = e
					break
				}
			}
			break
		}
	}
	if failed == nil {
		fmt.Fprintf(&b, "  reason: %s\n", s.Reason)
		return b.String()
	}
	fmt.Fprintf(&b, "  step: %s %s\n", strings.TrimSpace(failed.Keyword), failed.Text)
	if f := failed.Failure; f != nil {
		fmt.Fprintf(&b, "  message: %s\n", f.Message)
		if f.Expected != "" || f.Actual != "" {
			fmt.Fprintf(&b, "  expected: %s\n  actual:   %s\n", f.Expected, f.Actual)
		}
	} else if failed.Reason != "" {
		fmt.Fprintf(&b, "  reason: %s\n", failed.Reason)
	}
	if ex != nil {
		if ex.StatusCode == 0 {
			fmt.Fprintf(&b, "  exchange: %s %s → no answer: %s\n", ex.Method, ex.URL, ex.Error)
		} else {
			fmt.Fprintf(&b, "  exchange: %s %s → %d\n", ex.Method, ex.URL, ex.StatusCode)
		}
		if ex.RequestBody != "" {
			fmt.Fprintf(&b, "    request:  %s\n", clip(ex.RequestBody))
		}
		if ex.ResponseBody != "" {
			fmt.Fprintf(&b, "    response: %s\n", clip(ex.ResponseBody))
		}
	}
	return b.String()
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 600 {
		return string(r[:600]) + "…"
	}
	return s
}

// matchesRunFlag reports whether the -test.run pattern could select the
// subtest sub of the test named parent. It errs on the side of running:
// no -run flag, a pattern with fewer levels than the subtest's, or a
// pattern that does not compile selects it (testing then filters itself).
func matchesRunFlag(parent, sub string) bool {
	f := flag.Lookup("test.run")
	if f == nil {
		return true
	}
	return matchesPattern(f.Value.String(), parent, sub)
}

// matchesPattern applies a -run pattern the way testing does: split on
// slashes outside brackets and parentheses, element i matched
// (unanchored) against level i of the name, spaces in names rewritten as
// underscores.
func matchesPattern(pattern, parent, sub string) bool {
	if pattern == "" {
		return true
	}
	elems := splitRegexp(pattern)
	level := strings.Count(parent, "/") + 1 // sub sits at this index
	if level >= len(elems) {
		return true
	}
	re, err := regexp.Compile(elems[level])
	if err != nil {
		return true
	}
	return re.MatchString(rewrite(sub))
}

// rewrite is testing's rewrite of a subtest name: spaces become
// underscores, non-printable runes are quoted.
func rewrite(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isSpace(r):
			b.WriteByte('_')
		case !isPrint(r):
			q := fmt.Sprintf("%q", string(r))
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isPrint(r rune) bool { return unicode.IsPrint(r) }

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// splitRegexp splits a -run pattern on '/' outside [] and (), as testing does.
func splitRegexp(s string) []string {
	var out []string
	cs, cp, start := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			cs++
		case ']':
			if cs--; cs < 0 {
				cs = 0
			}
		case '(':
			if cs == 0 {
				cp++
			}
		case ')':
			if cs == 0 {
				cp--
			}
		case '\\':
			i++
		case '/':
			if cs == 0 && cp == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
