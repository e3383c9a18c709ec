package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func registerUserSteps(sc *godog.ScenarioContext) {
	sc.Step(`^a new person "([^"]*)" in Okta$`, aNewPersonInOkta)
	sc.Step(`^"([^"]*)" is assigned to the app$`, isAssignedToTheApp)
	sc.Step(`^Okta assigns "([^"]*)" to the app$`, oktaAssignsToTheApp)
	sc.Step(`^Okta looks up "([^"]*)" by userName$`, oktaLooksUpByUserName)
	sc.Step(`^Okta looks up "([^"]*)" by userName in (upper|lower) case$`, oktaLooksUpByUserNameInCase)
	sc.Step(`^Okta reads "([^"]*)" from the app$`, oktaReadsFromTheApp)
	sc.Step(`^the answer is the user "([^"]*)" as Okta sent it$`, theAnswerIsTheUserAsOktaSentIt)
	sc.Step(`^the answer lists exactly the user "([^"]*)"$`, theAnswerListsExactlyTheUser)
	sc.Step(`^the listed user has active (true|false)$`, theListedUserHasActive)
	sc.Step(`^the answer has active (true|false)$`, theAnswerHasActive)
	sc.Step(`^Okta creates "([^"]*)" again with the userName in upper case$`, oktaCreatesAgainInUpperCase)
	sc.Step(`^Okta creates "([^"]*)" again with the same userName$`, oktaCreatesAgainSame)
	sc.Step(`^the answer does not contain the password Okta sent$`, theAnswerDoesNotContainThePassword)
	sc.Step(`^the answer has externalId equal to the Okta user id of "([^"]*)"$`, theAnswerHasExternalIDOf)
	sc.Step(`^Okta changes the name of "([^"]*)" to "([^"]*)" "([^"]*)"$`, oktaChangesTheName)
	sc.Step(`^the answer has name\.givenName "([^"]*)" and name\.familyName "([^"]*)"$`, theAnswerHasName)
	sc.Step(`^Okta sends back the user "([^"]*)" as the app returned it, with Okta's password and groups$`, oktaSendsBackTheUserWithServerFields)
}

func aNewPersonInOkta(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	w.person(alias)
	return nil
}

// assign runs Okta's assignment and records its outcome.
func (w *world) assign(ctx context.Context, alias string) okta.Outcome {
	_, o := w.client.Assign(ctx, w.person(alias))
	w.setOutcome(o)
	return o
}

// setupFailed turns a failed precondition into a step failure that names
// it, or into a harness error when the target gave no answer at all.
func setupFailed(what string, o okta.Outcome) error {
	msg := o.Message
	if msg == "" && o.Err != nil {
		msg = o.Err.Error()
	}
	if isNoAnswer(o.Err) {
		return harnessf("precondition %s got no answer: %w", what, o.Err)
	}
	return &checkError{failures: []failure{{message: fmt.Sprintf("precondition failed: %s: %s", what, msg), expected: "a successful Okta task", actual: "failed task"}}}
}

func isAssignedToTheApp(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if o := w.assign(ctx, alias); !o.OK {
		return setupFailed(fmt.Sprintf("assign %q", alias), o)
	}
	return nil
}

func oktaAssignsToTheApp(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	w.assign(ctx, alias)
	return nil
}

func (w *world) lookup(ctx context.Context, userName string) {
	w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users", Query: userNameQuery(userName)})
}

func oktaLooksUpByUserName(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	w.lookup(ctx, w.person(alias).Login)
	return nil
}

func oktaLooksUpByUserNameInCase(ctx context.Context, alias, letterCase string) error {
	w := worldFrom(ctx)
	login := w.person(alias).Login
	if letterCase == "upper" {
		login = strings.ToUpper(login)
	} else {
		login = strings.ToLower(login)
	}
	w.lookup(ctx, login)
	return nil
}

// scimID returns the SCIM id Okta stored for alias, or a harness error.
func (w *world) scimID(alias string) (string, error) {
	p := w.person(alias)
	asg, ok := w.client.Assignment(p.ID)
	if !ok || asg.SCIMID == "" {
		if id := w.previousID[alias]; id != "" {
			return id, nil
		}
		return "", &checkError{failures: []failure{{message: fmt.Sprintf("Okta has no app user id for %q (the assignment did not link a user)", alias), expected: "a SCIM id", actual: "none"}}}
	}
	return asg.SCIMID, nil
}

func oktaReadsFromTheApp(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	id, err := w.scimID(alias)
	if err != nil {
		return err
	}
	w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(id)})
	return nil
}

// checkUserMatches checks that m is the SCIM user Okta created for p:
// a server id, the exact mixed-case userName (Okta SPEC #6), the name,
// the primary work email and active true.
func (w *world) checkUserMatches(m map[string]any, p *okta.Person) {
	if id, _ := m["id"].(string); id == "" {
		w.rec.fail(`the user has no "id" (Okta shows "Create new user returned empty user")`, "a non-empty id", fmt.Sprint(m["id"]))
	}
	if !containsString(m["schemas"], userURN) {
		w.rec.fail("the user lacks the core User schema", userURN, short(fmt.Sprint(m["schemas"])))
	}
	if u, _ := m["userName"].(string); u != p.Login {
		w.rec.fail("userName is not what Okta sent (case must be preserved)", p.Login, fmt.Sprint(m["userName"]))
	}
	if v, _ := lookupPath(m, "name.givenName"); v != p.GivenName {
		w.rec.fail("name.givenName differs", p.GivenName, fmt.Sprint(v))
	}
	if v, _ := lookupPath(m, "name.familyName"); v != p.FamilyName {
		w.rec.fail("name.familyName differs", p.FamilyName, fmt.Sprint(v))
	}
	if e := primaryEmail(m); !strings.EqualFold(e, p.Email) {
		w.rec.fail("the primary email differs", p.Email, e)
	}
	if a, ok := m["active"].(bool); !ok || !a {
		w.rec.fail(`"active" must be the JSON boolean true`, "true", fmt.Sprintf("%#v", m["active"]))
	}
}

// primaryEmail returns the value of the primary email, or of the only email.
func primaryEmail(m map[string]any) string {
	arr, _ := m["emails"].([]any)
	var first string
	for i, e := range arr {
		o, _ := e.(map[string]any)
		v, _ := o["value"].(string)
		if i == 0 {
			first = v
		}
		if p, _ := o["primary"].(bool); p {
			return v
		}
	}
	if len(arr) == 1 {
		return first
	}
	return ""
}

func theAnswerIsTheUserAsOktaSentIt(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if m := w.decodeObject(w.answer); m != nil {
		w.checkUserMatches(m, w.person(alias))
	}
	return w.rec.err()
}

// listedUser checks that the answer lists exactly one user and returns it.
func (w *world) listedUser() map[string]any {
	m := w.checkListResponse(w.answer)
	if m == nil {
		return nil
	}
	rs := resources(m)
	if total, _ := m["totalResults"].(float64); total != 1 || len(rs) != 1 {
		w.rec.fail("the lookup must find exactly one user", "totalResults 1 and one resource", fmt.Sprintf("totalResults %v and %d resources", m["totalResults"], len(rs)))
		if len(rs) == 0 {
			return nil
		}
	}
	return rs[0]
}

func theAnswerListsExactlyTheUser(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	u := w.listedUser()
	if u != nil {
		p := w.person(alias)
		if got, _ := u["userName"].(string); !strings.EqualFold(got, p.Login) {
			w.rec.fail("the lookup returned another user", p.Login, got)
		}
		if asg, ok := w.client.Assignment(p.ID); ok && asg.SCIMID != "" {
			if got, _ := u["id"].(string); got != asg.SCIMID {
				w.rec.fail("the lookup returned another user id", asg.SCIMID, got)
			}
		}
	}
	return w.rec.err()
}

func checkActive(w *world, m map[string]any, want string) {
	a, ok := m["active"].(bool)
	if !ok {
		w.rec.fail(`"active" must be a JSON boolean`, want, fmt.Sprintf("%#v", m["active"]))
		return
	}
	if fmt.Sprint(a) != want {
		w.rec.fail(`"active" has the wrong value`, want, fmt.Sprint(a))
	}
}

func theListedUserHasActive(ctx context.Context, want string) error {
	w := worldFrom(ctx)
	if u := w.listedUser(); u != nil {
		checkActive(w, u, want)
	}
	return w.rec.err()
}

func theAnswerHasActive(ctx context.Context, want string) error {
	w := worldFrom(ctx)
	if m := w.decodeObject(w.answer); m != nil {
		checkActive(w, m, want)
	}
	return w.rec.err()
}

// createAgain POSTs Okta's create body (mockidp/okta/WIRE.md §4.2) for another Okta
// person whose login equals alias's, in the given form.
func (w *world) createAgain(ctx context.Context, alias string, login string) error {
	p := w.person(alias)
	other := *p
	other.ID = okta.NewPersonID()
	other.Login, other.Email = login, login
	body, err := w.client.CreateUserBody(&other)
	if err != nil {
		return harnessf("create body: %v", err)
	}
	w.noteStray(w.do(ctx, okta.Request{Method: http.MethodPost, Path: "/Users", Body: body}))
	return nil
}

func oktaCreatesAgainInUpperCase(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	return w.createAgain(ctx, alias, strings.ToUpper(w.person(alias).Login))
}

func oktaCreatesAgainSame(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	return w.createAgain(ctx, alias, w.person(alias).Login)
}

// sentPasswords are the password values Okta sent in this scenario: the
// create passwords the mock client generated and those of raw PUTs.
func (w *world) sentPasswords() []string {
	return append(w.client.GeneratedPasswords(), w.putPasswords...)
}

// theAnswerDoesNotContainThePassword checks the raw answer (body and
// headers, before any redaction) for every password value Okta sent, under
// any key and at any depth (credential.value, an extension, a note), and
// for any non-empty "password" member at any depth. RFC 7643 §4.1.1:
// password is "returned never".
func theAnswerDoesNotContainThePassword(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	pws := w.sentPasswords()
	if len(pws) == 0 {
		return harnessf("Okta sent no password in this scenario")
	}
	for _, pw := range pws {
		if strings.Contains(string(w.answer.ResponseBody), pw) {
			w.rec.fail("the answer contains the password Okta sent (RFC 7643 §4.1.1: returned never)", "the value nowhere in the answer", "found in the body: "+short(redactValue(string(w.answer.ResponseBody), pw)))
		}
		for k, vs := range w.answer.ResponseHeader {
			for _, v := range vs {
				if strings.Contains(v, pw) {
					w.rec.fail("the answer's header "+k+" contains the password Okta sent", "the value nowhere in the answer", "found in a header")
				}
			}
		}
	}
	for _, p := range passwordMembers(m, "") {
		w.rec.fail(fmt.Sprintf("the answer returns a %q attribute (RFC 7643 §4.1.1: returned never)", p), "no password attribute", "present at "+p)
	}
	return w.rec.err()
}

// redactValue hides v in s, so a failure message can show where a secret
// leaked without repeating it.
func redactValue(s, v string) string { return strings.ReplaceAll(s, v, "<the password>") }

// passwordMembers returns the paths of every non-empty member named
// password (any case) in v, at any depth.
func passwordMembers(v any, at string) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			p := k
			if at != "" {
				p = at + "." + k
			}
			if strings.EqualFold(k, "password") && !isEmptyValue(x) {
				out = append(out, p)
			}
			out = append(out, passwordMembers(x, p)...)
		}
	case []any:
		for i, x := range t {
			out = append(out, passwordMembers(x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return out
}

func theAnswerHasExternalIDOf(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if obj := w.objectOf(w.answer); obj != nil {
		if _, ok := obj.Raw()["externalId"]; !ok {
			w.rec.fail(`the user has no "externalId" (Okta links users by it)`, w.person(alias).ID, "missing")
		} else {
			obj.Value("externalId").String().IsEqual(w.person(alias).ID)
		}
	}
	return w.rec.err()
}

func oktaChangesTheName(ctx context.Context, alias, given, family string) error {
	w := worldFrom(ctx)
	p := w.person(alias)
	p.GivenName, p.FamilyName = given, family
	p.DisplayName = given + " " + family
	w.setOutcome(w.client.UpdateProfile(ctx, p))
	return nil
}

func theAnswerHasName(ctx context.Context, given, family string) error {
	w := worldFrom(ctx)
	if m := w.decodeObject(w.answer); m != nil {
		if v, _ := lookupPath(m, "name.givenName"); v != given {
			w.rec.fail("name.givenName was not updated", given, fmt.Sprint(v))
		}
		if v, _ := lookupPath(m, "name.familyName"); v != family {
			w.rec.fail("name.familyName was not updated", family, fmt.Sprint(v))
		}
	}
	return w.rec.err()
}

// oktaSendsBackTheUserWithServerFields sends Okta's profile-sync PUT the
// way Okta builds it (mockidp/okta/WIRE.md §5.1): the server's own GET answer,
// unchanged (id, meta and anything else it returned), plus Okta's
// "groups": [] and a "password" (the SCIM 2.0 guide PUT sample carries
// groups, the 2018 sample password and groups). Nothing the server did not
// return is added besides those two.
func oktaSendsBackTheUserWithServerFields(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	id, err := w.scimID(alias)
	if err != nil {
		return err
	}
	get := w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(id)})
	if get.StatusCode != http.StatusOK {
		w.checkStatus(get, http.StatusOK)
		return w.rec.err()
	}
	m, err := decodeRaw(get.ResponseBody)
	if err != nil {
		w.rec.fail(fmt.Sprintf("GET %s did not answer a JSON object: %v", get.URL, err), "the user", short(string(get.ResponseBody)))
		return w.rec.err()
	}
	pw := randomHex(6)
	w.putPasswords = append(w.putPasswords, pw)
	m["password"] = pw
	m["groups"] = []any{}
	w.do(ctx, okta.Request{Method: http.MethodPut, Path: "/Users/" + url.PathEscape(id), Body: mustJSON(m)})
	return nil
}

// decodeRaw decodes a JSON object keeping numbers as written, so an echo
// sends back exactly what the server returned.
func decodeRaw(b []byte) (map[string]any, error) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return m, nil
}
