package steps_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/internal/selftarget"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// runSuite runs cfg and fails the test when the suite could not run.
func runSuite(t *testing.T, cfg steps.Config) *reports.Run {
	t.Helper()
	run, err := steps.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// scenarios returns the scenarios of run by ID.
func scenarios(run *reports.Run) map[string]reports.Scenario {
	out := map[string]reports.Scenario{}
	for _, f := range run.Features {
		for _, s := range f.Scenarios {
			out[s.ID] = s
		}
	}
	return out
}

// TestTokenThatIsACommonWordPasses: checks see the real bytes. With the
// token "scim", which occurs in every SCIM URN, a conformant server passes
// every in-scope scenario (redaction at capture used to turn
// "urn:ietf:params:scim:..." into "<redacted>" and fail 32 scenarios), and
// the token still appears nowhere in the written run.
func TestTokenThatIsACommonWordPasses(t *testing.T) {
	tg, err := selftarget.Start(selftarget.Options{Token: "scim"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
	cfg.Credentials.Token = "scim"
	cfg.SSO = tg.SSO
	run := runSuite(t, cfg)
	st := byStatus(run)
	if len(st[reports.StatusFail])+len(st[reports.StatusError])+len(st[reports.StatusSkip]) > 0 {
		t.Fatalf("token \"scim\" broke scenarios:%s (skipped %v)", describeFailures(run), st[reports.StatusSkip])
	}
	if got := run.Totals.Verdict(); got != reports.VerdictPass {
		t.Fatalf("verdict %s", got)
	}
	for _, s := range scenarios(run) {
		for _, step := range s.Steps {
			for _, ex := range step.Exchanges {
				if a := ex.RequestHeaders.Get("Authorization"); strings.Contains(a, "Bearer scim") {
					t.Fatalf("%s: the token is in the written run: %q", s.ID, a)
				}
			}
		}
	}
}

// TestScopeIsDeclared: without --groups, SSO and a revoked token, the
// scenarios needing them do not run; they are listed as not in scope with
// the capability's note, even under --tier required, and the run passes
// without a single skip. Run.Scope names every capability.
func TestScopeIsDeclared(t *testing.T) {
	tg := startTarget(t, nil)
	cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
	cfg.Selection = steps.Selection{Tier: "required"}
	cfg.PasswordSync = false // suiteConfig declares it
	cfg.Entitlements = false
	cfg.Mapping = nil // nothing declared
	run := runSuite(t, cfg)
	st := byStatus(run)
	if len(st[reports.StatusSkip])+len(st[reports.StatusFail])+len(st[reports.StatusError]) > 0 {
		t.Fatalf("statuses %v:%s", st, describeFailures(run))
	}
	sc := scenarios(run)
	for id, want := range map[string]string{
		"SSO-001":  "SSO not tested: no --saml-acs given",
		"SSO-012":  "SSO not tested: no --saml-acs given; SP-initiated sign-in not tested: no --saml-login-url given",
		"AUTH-006": "token revocation not tested: no --revoked-token-file given",
		"GRP-001":  "Group Push not tested: no --groups given",
		"PWD-001":  "password sync not tested: no --password-sync given",
		"ENT-001":  "entitlements not tested: no --entitlements given",
		"ATR-004":  "attribute mappings not tested: no --mapping given; custom schema not tested: no --mapping row under the app's own schema extension given",
	} {
		s, ok := sc[id]
		if !ok || s.Status != reports.StatusNotInScope || s.Reason != want {
			t.Errorf("%s: listed %v, status %q, reason %q; want not-in-scope %q", id, ok, s.Status, s.Reason, want)
		}
	}
	if s := sc["USR-001"]; s.Status != reports.StatusPass {
		t.Errorf("USR-001 %s", s.Status)
	}
	if run.Totals.NotInScope == 0 || run.Totals.Verdict() != reports.VerdictPass {
		t.Errorf("totals %+v verdict %s", run.Totals, run.Totals.Verdict())
	}
	if len(run.Scope) != 9 { // groups, sso, revoked-token, saml-login, strict, password-sync, attributes, custom-schema, entitlements
		t.Fatalf("scope %+v", run.Scope)
	}
	for _, c := range run.Scope {
		if c.Declared || c.Flag == "" || !strings.Contains(c.Note, "not tested") {
			t.Errorf("capability %+v", c)
		}
	}

	// Declared, the same scenarios run and are required.
	cfg.Selection = steps.Selection{Tier: "required", Groups: true}
	cfg.SSO = tg.SSO
	cfg.RevokedToken = revokedToken(t, tg.BaseURL, tg.Server)
	cfg.Selection.Tags = "@SSO-011,@AUTH-006,@GRP-001"
	sc = scenarios(runSuite(t, cfg))
	for _, id := range []string{"SSO-011", "AUTH-006", "GRP-001"} {
		if s := sc[id]; s.Status != reports.StatusPass || s.Tier != "required" {
			t.Errorf("%s declared: status %q tier %q (%s)", id, s.Status, s.Tier, s.Reason)
		}
	}
}

// TestStepsCarryKeywordAndLine: the collector fills Step.Keyword and
// Step.Line from the Gherkin source, Background steps included.
func TestStepsCarryKeywordAndLine(t *testing.T) {
	tg := startTarget(t, nil)
	cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
	cfg.SSO = tg.SSO
	cfg.Selection.Tags = "@SSO-004"
	s := scenarios(runSuite(t, cfg))["SSO-004"]
	var got []string
	for _, st := range s.Steps {
		if st.Line == 0 {
			t.Errorf("step %q has no line", st.Text)
		}
		got = append(got, st.Keyword)
	}
	if strings.Join(got, ",") != "Given,Given,And,When,Then" {
		t.Errorf("keywords %v", got)
	}
}

// hangOn serves base, except that requests for which hang returns true
// get no answer until the client gives up.
func hangOn(t *testing.T, base string, hang func(*http.Request) bool) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hang(r) {
			// A request with an unread body does not see the client leave.
			select {
			case <-r.Context().Done():
			case <-stop:
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv.URL + u.Path
}

// TestNoAnswerIsNeverARefusal: a target that answers the right token but
// never answers a wrong one proves nothing: AUTH-003 and AUTH-007 are
// errors (they used to pass), and so is the verdict.
func TestNoAnswerIsNeverARefusal(t *testing.T) {
	tg := startTarget(t, nil)
	base := hangOn(t, tg.BaseURL, func(r *http.Request) bool {
		return r.Header.Get("Authorization") != "Bearer "+selfTestToken
	})
	cfg := suiteConfig(base, okta.ProfileOIN)
	cfg.Timeout = 150 * time.Millisecond
	cfg.Selection.Tags = "@AUTH-003,@AUTH-004,@AUTH-007"
	run := runSuite(t, cfg)
	for id, s := range scenarios(run) {
		if s.Status != reports.StatusError {
			t.Errorf("%s: %s (%s), want error", id, s.Status, s.Reason)
		}
	}
	if run.Totals.Verdict() != reports.VerdictError {
		t.Errorf("verdict %s", run.Totals.Verdict())
	}

	// A target that refuses every request, the right token too, fails the
	// positive control: error, not a pass of "refuses a wrong token".
	refuseAll := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"no"}`))
	}))
	t.Cleanup(refuseAll.Close)
	cfg.BaseURL = refuseAll.URL + "/scim/v2"
	cfg.Selection.Tags = "@AUTH-002,@AUTH-003,@AUTH-005"
	for id, s := range scenarios(runSuite(t, cfg)) {
		if s.Status != reports.StatusError || !strings.Contains(s.Reason, "positive control failed") {
			t.Errorf("refuse-all %s: %s (%s), want error from the positive control", id, s.Status, s.Reason)
		}
	}
}

// TestSSORefusalsNeedAWorkingSignIn: with the ACS URL on a closed port, or
// on an SP that refuses everyone, or trusting another IdP, no refusal
// scenario passes: each is an error naming the failed positive control.
func TestSSORefusalsNeedAWorkingSignIn(t *testing.T) {
	tg := startTarget(t, nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String() + "/sso/acs"
	l.Close()
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	t.Cleanup(refuse.Close)
	other, err := selftarget.Start(selftarget.Options{Token: selfTestToken, IdP: mustOtherIdP(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	for name, acs := range map[string]string{"dead SP": dead, "refuse-everything SP": refuse.URL + "/sso/acs", "SP trusting another issuer": other.SSO.SP.ACSURL} {
		t.Run(name, func(t *testing.T) {
			sso := *tg.SSO
			sso.SP.ACSURL = acs
			cfg := suiteConfig(tg.BaseURL, okta.ProfileOIN)
			cfg.SSO = &sso
			cfg.Timeout = 2 * time.Second
			cfg.Selection.Tags = "@SSO-002,@SSO-003,@SSO-004,@SSO-005,@SSO-006,@SSO-007,@SSO-008,@SSO-009,@SSO-010,@SSO-011,@SSO-012,@SSO-013"
			run := runSuite(t, cfg)
			for id, s := range scenarios(run) {
				if s.Status != reports.StatusError || !strings.Contains(s.Reason, "positive control failed") {
					t.Errorf("%s: %s (%s), want error from the positive control", id, s.Status, s.Reason)
				}
			}
			if run.Totals.Verdict() != reports.VerdictError {
				t.Errorf("verdict %s", run.Totals.Verdict())
			}
		})
	}
}

// mustOtherIdP is an IdP with its own key and issuer, for an SP that
// trusts someone else than the IdP the suite signs with.
func mustOtherIdP(t *testing.T) *samlidp.IdP {
	t.Helper()
	idp, err := samlidp.NewIdP(samlidp.IdPConfig{SSOURL: "http://127.0.0.1/other-idp/sso"})
	if err != nil {
		t.Fatal(err)
	}
	return idp
}
