package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Steps of password sync (features/password.feature, mockidp/okta/WIRE.md §14).

func registerPasswordSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the app's copy of "([^"]*)" is read before the password push$`, theAppsCopyIsReadBeforeThePasswordPush)
	sc.Step(`^Okta pushes a new password for "([^"]*)"$`, oktaPushesANewPasswordFor)
	sc.Step(`^no answer to the password push contains a password Okta sent$`, noAnswerToThePasswordPushContainsAPassword)
	sc.Step(`^the answer has the userName, name, emails and externalId "([^"]*)" had before the password push$`, theAnswerHasWhatItHadBeforeThePasswordPush)
}

// beforePushKey keys, in the step context, the user as the app showed it
// before the password push.
type beforePushKey struct{}

// beforePush is the app's copy of one person read before the push.
type beforePush struct {
	alias string
	user  map[string]any
}

// keptAttributes are what a password push must leave as it was: Okta
// changes nothing but the password (mockidp/okta/WIRE.md §14).
var keptAttributes = []string{"userName", "name", "emails", "externalId"}

// theAppsCopyIsReadBeforeThePasswordPush reads GET /Users/{id} and keeps
// the answer for the comparison after the push. Anything but a 200 JSON
// user is a failed precondition.
func theAppsCopyIsReadBeforeThePasswordPush(ctx context.Context, alias string) (context.Context, error) {
	w := worldFrom(ctx)
	id, err := w.scimID(alias)
	if err != nil {
		return ctx, err
	}
	ex := w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(id)})
	if unanswered(ex) {
		return ctx, harnessf("precondition: GET %s got no complete answer: %s", ex.URL, ex.Err)
	}
	m := w.decodeObject(ex)
	if ex.StatusCode != http.StatusOK || m == nil {
		_ = w.rec.err() // the precondition's message below says it all
		return ctx, setupFailed(fmt.Sprintf("read %q before the password push", alias), okta.Outcome{Message: fmt.Sprintf("GET %s answered %s", ex.URL, statusText(ex))})
	}
	if u, _ := m["userName"].(string); u == "" {
		return ctx, setupFailed(fmt.Sprintf("read %q before the password push", alias), okta.Outcome{Message: "the user has no userName to compare"})
	}
	return context.WithValue(ctx, beforePushKey{}, &beforePush{alias: alias, user: m}), nil
}

// oktaPushesANewPasswordFor runs Okta's password push (okta.Client.PushPassword):
// OIN PATCH, AIW GET + PUT. Its last exchange becomes the answer.
func oktaPushesANewPasswordFor(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	_, o := w.client.PushPassword(ctx, w.person(alias))
	w.setOutcome(o)
	return nil
}

// noAnswerToThePasswordPushContainsAPassword checks every answer of the
// last password push (the PATCH; or the GET and the PUT) raw, body and
// headers, for every password Okta sent in this scenario (the create
// placeholder and the pushed one), and a JSON body for any non-empty
// "password" member at any depth. RFC 7643 §4.1.1: password is "returned
// never". A 204 without a body returns nothing, and passes.
func noAnswerToThePasswordPushContainsAPassword(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.outcome == nil || w.outcome.Operation != "push-password" {
		return harnessf("no password push ran before this step")
	}
	pws := w.sentPasswords()
	if len(pws) == 0 {
		return harnessf("Okta sent no password in this scenario")
	}
	answered := 0
	for i := range w.outcome.Exchanges {
		ex := &w.outcome.Exchanges[i]
		if ex.StatusCode == 0 {
			continue
		}
		answered++
		w.rec.about(fmt.Sprintf("the answer to %s %s", ex.Method, ex.URL))
		if incomplete(ex) {
			w.rec.noAnswer("the body never arrived complete", ex.Err)
			continue
		}
		w.checkNoPassword(ex, pws)
	}
	if answered == 0 {
		return harnessf("the password push got no HTTP answer to judge")
	}
	return w.rec.err()
}

// checkNoPassword records a failure for each of pws found in ex's body or
// headers, and for each non-empty password member of a JSON body.
func (w *world) checkNoPassword(ex *okta.Exchange, pws []string) {
	for _, pw := range pws {
		if bytes.Contains(ex.ResponseBody, []byte(pw)) {
			w.rec.fail("the answer contains the password Okta sent (RFC 7643 §4.1.1: returned never)", "the value nowhere in the answer", "found in the body: "+short(redactValue(string(ex.ResponseBody), pw)))
		}
		for k, vs := range ex.ResponseHeader {
			for _, v := range vs {
				if strings.Contains(v, pw) {
					w.rec.fail("the answer's header "+k+" contains the password Okta sent", "the value nowhere in the answer", "found in a header")
				}
			}
		}
	}
	var m any
	if len(bytes.TrimSpace(ex.ResponseBody)) > 0 && json.Unmarshal(ex.ResponseBody, &m) == nil {
		for _, p := range passwordMembers(m, "") {
			w.rec.fail(fmt.Sprintf("the answer returns a %q attribute (RFC 7643 §4.1.1: returned never)", p), "no password attribute", "present at "+p)
		}
	}
}

// theAnswerHasWhatItHadBeforeThePasswordPush compares the answer (a read
// after the push) with the copy read before it: userName, name, emails
// (in any order) and externalId must be as they were.
func theAnswerHasWhatItHadBeforeThePasswordPush(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	before, ok := ctx.Value(beforePushKey{}).(*beforePush)
	if !ok || before.alias != alias {
		return harnessf("no copy of %q was read before the password push", alias)
	}
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	for _, k := range keptAttributes {
		was, had := before.user[k]
		is, has := m[k]
		if !had && !has {
			continue
		}
		if !sameValue(k, was, is) {
			w.rec.fail(fmt.Sprintf("%s changed with the password push (Okta changed only the password)", k), describeValue(was, had), describeValue(is, has))
		}
	}
	return w.rec.err()
}

// sameValue compares two decoded JSON values; the elements of emails may
// come back in another order.
func sameValue(attr string, a, b any) bool {
	if attr == "emails" {
		return reflect.DeepEqual(sortedElements(a), sortedElements(b))
	}
	return reflect.DeepEqual(a, b)
}

// sortedElements returns the JSON text of each element of v (an array),
// sorted; a non-array gives its own JSON text.
func sortedElements(v any) []string {
	arr, ok := v.([]any)
	if !ok {
		return []string{string(mustJSON(v))}
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		out[i] = string(mustJSON(e))
	}
	sort.Strings(out)
	return out
}

func describeValue(v any, present bool) string {
	if !present {
		return "missing"
	}
	return short(string(mustJSON(v)))
}
