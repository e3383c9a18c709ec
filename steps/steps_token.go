package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func registerTokenSteps(sc *godog.ScenarioContext) {
	sc.Step(`^Okta tests the API credentials$`, oktaTestsTheAPICredentials)
	sc.Step(`^every SCIM endpoint and method is called without an Authorization header$`, everyEndpointWithoutAuthorization)
	sc.Step(`^every SCIM endpoint and method is called with a wrong bearer token$`, everyEndpointWithWrongToken)
	sc.Step(`^every SCIM endpoint and method is called with the revoked token$`, everyEndpointWithRevokedToken)
	sc.Step(`^Okta looks up a user with the Authorization header "([^"]*)"$`, oktaLooksUpWithAuthorization)
	sc.Step(`^Okta looks up a user with each of these Authorization headers:$`, oktaLooksUpWithEachAuthorization)
	sc.Step(`^a revoked SCIM token$`, aRevokedSCIMToken)
	sc.Step(`^no answer contains the presented token$`, noAnswerContainsThePresentedToken)
	sc.Step(`^the right token is accepted on every SCIM endpoint and method$`, theRightTokenIsAcceptedOnEveryEndpoint)
	sc.Step(`^the right token is accepted for the lookup of "([^"]*)"$`, theRightTokenIsAcceptedForTheLookup)
}

func oktaTestsTheAPICredentials(ctx context.Context) error {
	w := worldFrom(ctx)
	o := w.client.TestCredentials(ctx)
	w.setOutcome(o)
	// The Users probe (GET /Users?startIndex=1&count=2) is the answer that matters.
	for i := range o.Exchanges {
		if strings.Contains(o.Exchanges[i].URL, "/Users") {
			ex := o.Exchanges[i]
			w.answer = &ex
			break
		}
	}
	return nil
}

func everyEndpointWithoutAuthorization(ctx context.Context) error {
	w := worldFrom(ctx)
	none := ""
	w.probeEndpoints(ctx, &none)
	return nil
}

func everyEndpointWithWrongToken(ctx context.Context) error {
	w := worldFrom(ctx)
	w.wrongToken = "scimconform-wrong-" + randomHex(12)
	h := "Bearer " + w.wrongToken
	if w.cfg.Credentials.Mode == okta.AuthHeader {
		h = w.wrongToken
	}
	w.probeEndpoints(ctx, &h)
	return nil
}

func everyEndpointWithRevokedToken(ctx context.Context) error {
	w := worldFrom(ctx)
	h := "Bearer " + w.cfg.RevokedToken
	if w.cfg.Credentials.Mode == okta.AuthHeader {
		h = w.cfg.RevokedToken
	}
	w.probeEndpoints(ctx, &h)
	return nil
}

func aRevokedSCIMToken(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.cfg.RevokedToken == "" {
		return harnessf("no revoked token supplied, yet a scenario that needs one ran (it needs @needs-revoked-token)")
	}
	return nil
}

// theRightTokenIsAcceptedOnEveryEndpoint is the positive control of the
// endpoint probes: the same endpoints and methods, with the configured
// credentials, get an HTTP answer that is not 401/403 (unknown ids: 404;
// creates with an invalid body: 400).
func theRightTokenIsAcceptedOnEveryEndpoint(ctx context.Context) error {
	w := worldFrom(ctx)
	for _, r := range w.probeRequests() {
		if err := w.acceptRightToken(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// lookupRequest is Okta's userName lookup of alias.
func (w *world) lookupRequest(alias string) okta.Request {
	return okta.Request{Method: http.MethodGet, Path: "/Users", Query: userNameQuery(w.person(alias).Login)}
}

func theRightTokenIsAcceptedForTheLookup(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	return w.acceptRightToken(ctx, w.lookupRequest(alias))
}

func oktaLooksUpWithAuthorization(ctx context.Context, header string) error {
	w := worldFrom(ctx)
	r := w.lookupRequest("Ada")
	r.Authorization = &header
	w.do(ctx, r)
	return nil
}

func oktaLooksUpWithEachAuthorization(ctx context.Context, table *godog.Table) error {
	w := worldFrom(ctx)
	w.answers = w.answers[:0]
	for _, row := range table.Rows {
		if len(row.Cells) == 0 {
			continue
		}
		h := row.Cells[0].Value
		r := w.lookupRequest("Ada")
		r.Authorization = &h
		w.answers = append(w.answers, w.client.Do(ctx, r))
	}
	return nil
}

func noAnswerContainsThePresentedToken(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.wrongToken == "" || len(w.answers) == 0 {
		return harnessf("no token was presented before this step")
	}
	if err := w.requireControls(w.answers); err != nil {
		return err
	}
	for _, ex := range w.answers {
		if unanswered(&ex) {
			// No answer, or half of one, cannot show that nothing is echoed.
			w.rec.noAnswer(fmt.Sprintf("%s %s got no complete HTTP answer", ex.Method, ex.URL), ex.Err)
			continue
		}
		var leaked []string
		if strings.Contains(string(ex.ResponseBody), w.wrongToken) {
			leaked = append(leaked, "body")
		}
		for k, vs := range ex.ResponseHeader {
			for _, v := range vs {
				if strings.Contains(v, w.wrongToken) {
					leaked = append(leaked, "header "+k)
				}
			}
		}
		if len(leaked) > 0 {
			w.rec.fail(fmt.Sprintf("%s %s echoed the presented token in its %s", ex.Method, ex.URL, strings.Join(leaked, ", ")),
				"no credential in the answer", "the token")
		}
	}
	return w.rec.err()
}

// userNameQuery is Okta's lookup query (mockidp/okta/WIRE.md §4.1): filter, startIndex=1, count=100.
// The client encodes the parameters in Okta's order and space encoding.
func userNameQuery(userName string) url.Values {
	return url.Values{"filter": {okta.UserFilter(userName)}, "startIndex": {"1"}, "count": {"100"}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return strings.Repeat("0", 2*n)
	}
	return hex.EncodeToString(b)
}

func randomUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:])
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v) // only maps of strings, bools and slices reach here
	return b
}
