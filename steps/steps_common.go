package steps

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// registerSteps binds every step sentence of the catalogue to its function.
// One sentence maps to one function named after it.
func registerSteps(sc *godog.ScenarioContext) {
	// Generic answers.
	sc.Step(`^the app answers (\d{3})$`, theAppAnswers)
	sc.Step(`^the app answers (\d{3}) or (\d{3})$`, theAppAnswersOneOf)
	sc.Step(`^the answer is a ListResponse with integer counters$`, theAnswerIsAListResponse)
	sc.Step(`^the answer has totalResults (\d+)$`, theAnswerHasTotalResults)
	sc.Step(`^the answer is a SCIM error with status (\d{3})$`, theAnswerIsASCIMError)
	sc.Step(`^the answer has scimType "([^"]*)"$`, theAnswerHasScimType)
	sc.Step(`^every answer is (\d{3}) with a SCIM error body$`, everyAnswerIsASCIMError)
	sc.Step(`^Okta records the operation as successful$`, oktaRecordsSuccess)
	sc.Step(`^Okta sends (GET|DELETE) "([^"]*)"$`, oktaSendsRequest)
	sc.Step(`^Okta sends (POST|PUT|PATCH) "([^"]*)" with the body:$`, oktaSendsRequestWithBody)
	sc.Step(`^the answer has non-empty values at "([^"]*)"$`, theAnswerHasNonEmptyValues)
	sc.Step(`^the answer lists a resource with (id|name) "([^"]*)"$`, theAnswerListsAResourceWith)

	registerTokenSteps(sc)
	registerUserSteps(sc)
	registerLifecycleSteps(sc)
	registerImportSteps(sc)
	registerErrorSteps(sc)
	registerGroupSteps(sc)
	registerDiscoverySteps(sc)
	registerSpecSteps(sc)
	registerSSOSteps(sc)
	registerStrictSteps(sc)
	registerStrictMoreSteps(sc)
	registerPasswordSteps(sc)
	registerEntitlementSteps(sc)
	registerAttributeSteps(sc)
	registerStrictRFCSteps(sc)
}

// do sends a raw request through the mock Okta client and makes it the answer.
func (w *world) do(ctx context.Context, r okta.Request) *okta.Exchange {
	ex := w.client.Do(ctx, r)
	w.answer = &ex
	return w.answer
}

// setOutcome records an operation's outcome and makes its last exchange the answer.
func (w *world) setOutcome(o okta.Outcome) {
	w.outcome = &o
	if n := len(o.Exchanges); n > 0 {
		ex := o.Exchanges[n-1]
		w.answer = &ex
	} else {
		w.answer = nil
	}
}

func theAppAnswers(ctx context.Context, code int) error {
	w := worldFrom(ctx)
	if w.answer == nil {
		return harnessf("%v", errNoAnswer)
	}
	if w.answer.StatusCode != 0 {
		// A refusal of other credentials proves something only where the
		// right token is accepted.
		if err := w.requireControls([]okta.Exchange{*w.answer}); err != nil {
			return err
		}
	}
	w.rec.about("the app's answer")
	w.checkStatus(w.answer, code)
	return w.rec.err()
}

func theAppAnswersOneOf(ctx context.Context, a, b int) error {
	w := worldFrom(ctx)
	if w.answer == nil {
		return harnessf("%v", errNoAnswer)
	}
	w.checkStatus(w.answer, a, b)
	return w.rec.err()
}

func theAnswerIsAListResponse(ctx context.Context) error {
	w := worldFrom(ctx)
	w.checkListResponse(w.answer)
	return w.rec.err()
}

func theAnswerHasTotalResults(ctx context.Context, n int) error {
	w := worldFrom(ctx)
	if obj := w.objectOf(w.answer); obj != nil {
		obj.Value("totalResults").Number().IsEqual(n)
	}
	return w.rec.err()
}

func theAnswerIsASCIMError(ctx context.Context, status int) error {
	w := worldFrom(ctx)
	w.checkSCIMError(w.answer, status)
	return w.rec.err()
}

func theAnswerHasScimType(ctx context.Context, scimType string) error {
	w := worldFrom(ctx)
	if obj := w.objectOf(w.answer); obj != nil {
		if _, ok := obj.Raw()["scimType"]; !ok {
			w.rec.fail(`the error has no "scimType"`, strconv.Quote(scimType), "missing")
		} else {
			obj.Value("scimType").String().IsEqual(scimType)
		}
	}
	return w.rec.err()
}

func everyAnswerIsASCIMError(ctx context.Context, status int) error {
	w := worldFrom(ctx)
	if len(w.answers) == 0 {
		return harnessf("no probes were sent")
	}
	if err := w.requireControls(w.answers); err != nil {
		return err
	}
	for i := range w.answers {
		ex := &w.answers[i]
		w.rec.about(fmt.Sprintf("%s %s", ex.Method, ex.URL))
		if unanswered(ex) {
			w.rec.noAnswer("no complete HTTP answer (a refusal must be an HTTP answer)", ex.Err)
			continue
		}
		if ex.StatusCode != status {
			w.rec.fail("wrong status", strconv.Itoa(status), statusText(ex))
			continue
		}
		w.rec.about("")
		w.checkSCIMError(ex, status)
	}
	return w.rec.err()
}

// isNoAnswer reports whether err is a transport failure of the mock client
// (timeout, refused, TLS, ...): the target gave no answer to judge.
func isNoAnswer(err error) bool {
	var te *okta.TransportError
	return errors.As(err, &te)
}

func statusText(ex *okta.Exchange) string {
	if ex.StatusCode == 0 {
		return "no answer: " + ex.Err
	}
	if incomplete(ex) {
		return fmt.Sprintf("%d, but the body never arrived complete: %s", ex.StatusCode, ex.Err)
	}
	return fmt.Sprintf("%d %s", ex.StatusCode, short(strings.TrimSpace(string(ex.ResponseBody))))
}

func oktaRecordsSuccess(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.outcome == nil {
		return harnessf("no Okta operation ran before this step")
	}
	if !w.outcome.OK {
		msg := w.outcome.Message
		if msg == "" && w.outcome.Err != nil {
			msg = w.outcome.Err.Error()
		}
		if isNoAnswer(w.outcome.Err) {
			return harnessf("the %s task got no answer to judge: %w", w.outcome.Operation, w.outcome.Err)
		}
		w.rec.fail(fmt.Sprintf("Okta would record the %s task as failed: %s", w.outcome.Operation, msg), "a successful task", "failed task")
	}
	return w.rec.err()
}

func oktaSendsRequest(ctx context.Context, method, path string) error {
	w := worldFrom(ctx)
	w.do(ctx, okta.Request{Method: method, Path: path})
	return nil
}

func oktaSendsRequestWithBody(ctx context.Context, method, path string, body *godog.DocString) error {
	w := worldFrom(ctx)
	w.do(ctx, okta.Request{Method: method, Path: path, Body: []byte(body.Content)})
	return nil
}

func theAnswerHasNonEmptyValues(ctx context.Context, paths string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	for _, p := range strings.Split(paths, ",") {
		p = strings.TrimSpace(p)
		v, ok := lookupPath(m, p)
		if !ok || isEmptyValue(v) {
			w.rec.fail(fmt.Sprintf("%q is missing or empty", p), "a non-empty value", fmt.Sprintf("%v", v))
		}
	}
	return w.rec.err()
}

func theAnswerListsAResourceWith(ctx context.Context, attr, value string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	var got []string
	for _, r := range resources(m) {
		s, _ := r[attr].(string)
		if s == value {
			return w.rec.err()
		}
		got = append(got, s)
	}
	w.rec.fail(fmt.Sprintf("no listed resource has %s %q", attr, value), value, strings.Join(got, ", "))
	return w.rec.err()
}

// probeRequests are the requests of probeEndpoints: one per SCIM endpoint
// and method, on the random id w.probeID. The create, update and group
// bodies are valid, so a server that skips authentication answers 2xx (or
// 404 for the unknown id) instead of 401 and is caught.
func (w *world) probeRequests() []okta.Request {
	if w.probeID == "" {
		w.probeID = randomUUID()
	}
	id := w.probeID
	createUser := mustJSON(map[string]any{
		"schemas": []string{userURN}, "userName": fmt.Sprintf("probe.%s.%s@Example.com", w.cfg.RunID, id[:8]),
		"name": map[string]any{"givenName": "Probe", "familyName": "Unauthenticated"}, "active": true,
	})
	patchUser := mustJSON(map[string]any{"schemas": []string{patchOpURN},
		"Operations": []any{map[string]any{"op": "replace", "value": map[string]any{"active": false}}}})
	group := mustJSON(map[string]any{"schemas": []string{groupURN}, "displayName": "probe " + w.cfg.RunID + " " + id[:8], "members": []any{}})
	return []okta.Request{
		{Method: http.MethodGet, Path: "/Users?startIndex=1&count=2"},
		{Method: http.MethodPost, Path: "/Users", Body: createUser},
		{Method: http.MethodGet, Path: "/Users/" + id},
		{Method: http.MethodPut, Path: "/Users/" + id, Body: createUser},
		{Method: http.MethodPatch, Path: "/Users/" + id, Body: patchUser},
		{Method: http.MethodDelete, Path: "/Users/" + id},
		{Method: http.MethodGet, Path: "/Groups?startIndex=1&count=100"},
		{Method: http.MethodPost, Path: "/Groups", Body: group},
		{Method: http.MethodGet, Path: "/Groups/" + id},
		{Method: http.MethodPut, Path: "/Groups/" + id, Body: group},
		{Method: http.MethodPatch, Path: "/Groups/" + id, Body: patchUser},
		{Method: http.MethodDelete, Path: "/Groups/" + id},
	}
}

// probeEndpoints sends every probe request with the given Authorization
// value (a pointer to "": none at all) and keeps the answers in w.answers.
func (w *world) probeEndpoints(ctx context.Context, auth *string) {
	w.answers = w.answers[:0]
	for _, p := range w.probeRequests() {
		p.Authorization = auth
		ex := w.client.Do(ctx, p)
		if p.Method == http.MethodPost && p.Path == "/Users" {
			w.noteStray(&ex)
		}
		w.answers = append(w.answers, ex)
	}
}

// controlKey names a probed endpoint and method.
func controlKey(method, url string) string { return method + " " + url }

// acceptRightToken is the positive control of a refusal check: r, sent
// with the configured credentials, must get an HTTP answer that is not
// 401 or 403. Bodies of creating requests are replaced by an invalid one
// (no userName / displayName) so the control creates nothing: a 400 shows
// the token was accepted just as well. It returns a harness error naming
// the request when the control does not hold, since a refusal of a wrong
// token would then prove nothing.
func (w *world) acceptRightToken(ctx context.Context, r okta.Request) error {
	r.Authorization = nil
	if r.Method == http.MethodPost {
		schema := userURN
		if strings.HasPrefix(r.Path, "/Groups") {
			schema = groupURN
		}
		r.Body = mustJSON(map[string]any{"schemas": []string{schema}})
	}
	ex := w.client.Do(ctx, r)
	if w.accepted == nil {
		w.accepted = map[string]bool{}
	}
	switch {
	case ex.StatusCode == 0:
		return harnessf("positive control failed: %s %s with the right token got no answer (%s); a refusal would prove nothing", ex.Method, ex.URL, ex.Err)
	case ex.StatusCode == http.StatusUnauthorized || ex.StatusCode == http.StatusForbidden:
		return harnessf("positive control failed: %s %s with the right token answered %d; a refusal of a wrong token would prove nothing", ex.Method, ex.URL, ex.StatusCode)
	}
	w.accepted[controlKey(ex.Method, ex.URL)] = true
	return nil
}

// rightAuthorization is the Authorization value of the configured
// credentials, as the mock client sends it (mockidp/okta/WIRE.md §2.2).
func (w *world) rightAuthorization() string {
	cr := w.cfg.Credentials
	switch cr.Mode {
	case okta.AuthHeader:
		return cr.Token
	case okta.AuthBasic:
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(cr.Username+":"+cr.Password))
	}
	return "Bearer " + cr.Token
}

// requireControls returns a harness error unless every exchange in exs
// that was sent with other credentials than the configured ones (a refusal
// probe) had its positive control (acceptRightToken) earlier in the
// scenario.
func (w *world) requireControls(exs []okta.Exchange) error {
	right := w.rightAuthorization()
	for _, ex := range exs {
		if ex.RequestHeader.Get("Authorization") == right {
			continue
		}
		if !w.accepted[controlKey(ex.Method, ex.URL)] {
			return harnessf("no positive control for %s %s: the right token must be shown accepted there before a refusal proves anything", ex.Method, ex.URL)
		}
	}
	return nil
}
