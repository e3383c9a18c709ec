package steps

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/mockidp/samlidp"
)

// SSOConfig configures the SAML sign-in scenarios (features/sso.feature):
// the mock IdP the app trusts, the app's service provider, and what
// "signed in" looks like there.
type SSOConfig struct {
	// IdP is the mock Okta IdP whose metadata the app trusts. Required.
	IdP *samlidp.IdP
	// SP names the app's entity ID (the audience) and ACS URL. Required.
	SP samlidp.SP
	// Success decides from the ACS answer whether a sign-in succeeded.
	Success samlidp.SuccessCheck
	// LoginURL starts an SP-initiated sign-in (a redirect to the IdP with a
	// SAMLRequest). Optional: without it SSO-012 is skipped.
	LoginURL string
	// HTTPClient carries TLS settings; optional.
	HTTPClient *http.Client
}

// ssoState is one scenario's browser: a cookie jar and the last sign-in.
type ssoState struct {
	client   *http.Client
	response string // the last SAMLResponse posted (for the replay check)
	signedIn bool
	reason   string
	status   int
	// noAnswer is the transport error of the last post ("" when the ACS answered).
	noAnswer string
	// controlled is set once a valid sign-in was accepted in this
	// scenario: only then does a refusal prove anything.
	controlled bool
}

func (s *ssoState) close() {
	if s != nil && s.client != nil {
		s.client.CloseIdleConnections()
	}
}

// attackPhrases maps the sentence fragments of sso.feature to attacks.
var attackPhrases = map[string]samlidp.Attack{
	"unsigned":                             samlidp.Unsigned,
	"signed with another key":              samlidp.ForeignKey,
	"expired":                              samlidp.Expired,
	"not yet valid":                        samlidp.NotYetValid,
	"addressed to another audience":        samlidp.WrongAudience,
	"addressed to another recipient":       samlidp.WrongRecipient,
	"modified after signing":               samlidp.Tampered,
	"wrapped around an unsigned assertion": samlidp.SignatureWrapping,
	"issued by another identity provider":  samlidp.WrongIssuer,
}

func registerSSOSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the app trusts Okta as its SAML identity provider$`, theAppTrustsOkta)
	sc.Step(`^"([^"]*)" signs in through Okta$`, signsInThroughOkta)
	sc.Step(`^"([^"]*)" has signed in through Okta$`, hasSignedInThroughOkta)
	sc.Step(`^"([^"]*)" is signed in to the app$`, isSignedInToTheApp)
	sc.Step(`^a valid sign-in for "([^"]*)" is accepted$`, aValidSignInIsAccepted)
	sc.Step(`^the app refuses the sign-in$`, theAppRefusesTheSignIn)
	sc.Step(`^a sign-in response for "([^"]*)" that is (unsigned|signed with another key|expired|not yet valid|addressed to another audience|addressed to another recipient|issued by another identity provider) is posted to the app$`, aHostileSignInIsPosted)
	sc.Step(`^the sign-in response for "([^"]*)" is (modified after signing|wrapped around an unsigned assertion) (?:to name|for) "([^"]*)" and posted to the app$`, aRetargetedSignInIsPosted)
	sc.Step(`^the same sign-in response is posted to the app again$`, theSameSignInIsPostedAgain)
	sc.Step(`^the app starts a sign-in for "([^"]*)" and Okta answers a different request$`, oktaAnswersADifferentRequest)
}

func theAppTrustsOkta(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.cfg.SSO == nil || w.cfg.SSO.IdP == nil {
		// Unreachable through Run: without SSO the scenario is not in scope.
		return harnessf("no SAML service provider configured, yet an SSO scenario ran (it needs @needs-sso)")
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: w.cfg.Timeout}
	if hc := w.cfg.SSO.HTTPClient; hc != nil {
		c.Transport = hc.Transport
	}
	w.sso = &ssoState{client: c}
	return nil
}

func (w *world) samlUser(alias string) samlidp.User {
	p := w.person(alias)
	return samlidp.User{Email: p.Email, FirstName: p.GivenName, LastName: p.FamilyName}
}

// post sends a SAMLResponse to the ACS with a fresh session, records the
// exchange for the report (with the response itself redacted: it is a
// bearer credential) and evaluates the success condition.
func (w *world) post(ctx context.Context, samlResponse string) error {
	if w.sso == nil {
		return harnessf("SSO state missing: the Background step must run first")
	}
	jar, _ := cookiejar.New(nil)
	w.sso.client.Jar = jar
	w.sso.response = samlResponse
	start := time.Now()
	resp, err := samlidp.SignIn(ctx, w.sso.client, w.cfg.SSO.SP.ACSURL, samlResponse)
	ex := okta.Exchange{
		StartedAt: start, Method: http.MethodPost, URL: w.cfg.SSO.SP.ACSURL, Attempt: 1,
		RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		RequestBody:   []byte(fmt.Sprintf("SAMLResponse=<redacted: %d bytes of base64>", len(samlResponse))),
	}
	if err != nil {
		ex.Err = err.Error()
		ex.Duration = time.Since(start)
		w.extra = append(w.extra, ex)
		w.sso.signedIn, w.sso.reason, w.sso.status, w.sso.noAnswer = false, err.Error(), 0, err.Error()
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	ex.Duration = time.Since(start)
	ex.StatusCode = resp.StatusCode
	ex.ResponseHeader = redactCookies(resp.Header)
	ex.ResponseBody = body
	w.extra = append(w.extra, ex)
	w.sso.status, w.sso.noAnswer = resp.StatusCode, ""
	w.sso.signedIn, w.sso.reason = w.cfg.SSO.Success.Evaluate(resp)
	return nil
}

// controlFailed is the harness error of a positive control that did not
// hold: without it a refusal proves nothing.
func (w *world) controlFailed(alias string) error {
	why := w.sso.reason
	if w.sso.noAnswer != "" {
		why = "no answer: " + w.sso.noAnswer
	} else if w.sso.status != 0 {
		why = fmt.Sprintf("status %d: %s", w.sso.status, why)
	}
	return harnessf("positive control failed: a valid assertion for %q was not accepted (%s); a refusal would prove nothing", alias, why)
}

// aValidSignInIsAccepted is the positive control of every refusal
// scenario: in the same configuration, a valid assertion for an assigned
// person signs in (with a fresh cookie jar). If it does not, the scenario
// is an error: the app (or its configuration, e.g. the IdP issuer it
// trusts) refuses everything, and a refusal would prove nothing.
func aValidSignInIsAccepted(ctx context.Context, alias string) error {
	if err := signsInThroughOkta(ctx, alias); err != nil {
		return err
	}
	w := worldFrom(ctx)
	if !w.sso.signedIn {
		return w.controlFailed(alias)
	}
	w.sso.controlled = true
	return nil
}

// redactCookies hides session cookie values: they would let a reader of
// the report act as the signed-in user.
func redactCookies(h http.Header) http.Header {
	out := h.Clone()
	for i, c := range out.Values("Set-Cookie") {
		if eq := strings.IndexByte(c, '='); eq > 0 {
			end := strings.IndexByte(c, ';')
			if end < 0 {
				end = len(c)
			}
			out["Set-Cookie"][i] = c[:eq+1] + "<redacted>" + c[end:]
		}
	}
	return out
}

func (w *world) respond(alias string, opts ...samlidp.ResponseOption) (string, error) {
	r, err := w.cfg.SSO.IdP.Response(w.cfg.SSO.SP, w.samlUser(alias), opts...)
	if err != nil {
		return "", harnessf("mock IdP: %v", err)
	}
	return r, nil
}

func signsInThroughOkta(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	r, err := w.respond(alias)
	if err != nil {
		return err
	}
	return w.post(ctx, r)
}

func hasSignedInThroughOkta(ctx context.Context, alias string) error {
	if err := signsInThroughOkta(ctx, alias); err != nil {
		return err
	}
	w := worldFrom(ctx)
	if !w.sso.signedIn {
		return w.controlFailed(alias)
	}
	w.sso.controlled = true
	return nil
}

func isSignedInToTheApp(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if w.sso == nil {
		return harnessf("no sign-in was attempted")
	}
	if !w.sso.signedIn {
		w.rec.fail(fmt.Sprintf("%q was not signed in to the app", alias), "signed in", w.sso.reason)
	}
	return w.rec.err()
}

func theAppRefusesTheSignIn(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.sso == nil {
		return harnessf("no sign-in was attempted")
	}
	if !w.sso.controlled {
		return harnessf("no positive control in this scenario: a valid sign-in must be accepted before a refusal proves anything")
	}
	switch {
	case w.sso.signedIn:
		w.rec.fail("the app signed the person in", "a refused sign-in", fmt.Sprintf("signed in (status %d)", w.sso.status))
	case w.sso.noAnswer != "":
		return harnessf("the app's ACS gave no answer (%s): a refusal must be an HTTP answer", w.sso.noAnswer)
	case w.sso.status >= 500:
		w.rec.fail("the app refused with a server error instead of a clear 4xx", "a 4xx refusal", fmt.Sprint(w.sso.status))
	}
	return w.rec.err()
}

func aHostileSignInIsPosted(ctx context.Context, alias, phrase string) error {
	w := worldFrom(ctx)
	r, err := w.respond(alias, samlidp.WithAttack(attackPhrases[phrase]))
	if err != nil {
		return err
	}
	return w.post(ctx, r)
}

func aRetargetedSignInIsPosted(ctx context.Context, alias, phrase, target string) error {
	w := worldFrom(ctx)
	r, err := w.respond(alias, samlidp.WithAttack(attackPhrases[phrase]), samlidp.WithTarget(w.samlUser(target)))
	if err != nil {
		return err
	}
	return w.post(ctx, r)
}

func theSameSignInIsPostedAgain(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.sso == nil || w.sso.response == "" {
		return harnessf("no earlier sign-in response to replay")
	}
	return w.post(ctx, w.sso.response)
}

func oktaAnswersADifferentRequest(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if w.cfg.SSO.LoginURL == "" {
		return harnessf("no SP-initiated login URL configured, yet SSO-012 ran (it needs @needs-saml-login)")
	}
	// Start the SP-initiated flow so that the app has an outstanding request,
	// then answer with an InResponseTo it never issued.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.cfg.SSO.LoginURL, nil)
	if err != nil {
		return harnessf("login URL: %v", err)
	}
	noRedirect := *w.sso.client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		w.rec.fail("the app's login URL did not answer", "a redirect to the IdP", err.Error())
		return w.rec.err()
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if _, err := samlidp.AuthnRequestFromURL(loc); err != nil {
		w.rec.fail("the app's login URL did not redirect to the IdP with a SAMLRequest", "a redirect with SAMLRequest", fmt.Sprintf("%d Location %q", resp.StatusCode, redactQuery(loc)))
		return w.rec.err()
	}
	r, err := w.respond(alias, samlidp.WithAttack(samlidp.WrongInResponseTo))
	if err != nil {
		return err
	}
	return w.post(ctx, r)
}

func redactQuery(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return "<unparsable>"
	}
	u.RawQuery = ""
	return u.String()
}
