package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Steps of the RFC strict tier (features/strict_*.feature, ERR-004/005):
// requests a generic SCIM client sends and Okta does not, and checks of
// RFC 7643/7644 rules Okta does not depend on. Their sentences say "a SCIM
// client", never "Okta".

func registerStrictSteps(sc *godog.ScenarioContext) {
	sc.Step(`^a SCIM client creates the user "([^"]*)"$`, aSCIMClientCreatesTheUser)
	sc.Step(`^a SCIM client creates the user "([^"]*)" again$`, aSCIMClientCreatesTheUserAgain)
	sc.Step(`^a SCIM client creates the user "([^"]*)" with "id" "([^"]*)" and meta\.created "([^"]*)"$`, aSCIMClientCreatesTheUserWithReadOnly)
	sc.Step(`^a SCIM client sends (GET|DELETE) "([^"]*)"$`, oktaSendsRequest)
	sc.Step(`^a SCIM client reads a user with an unknown id$`, aSCIMClientReadsAnUnknownUser)
	sc.Step(`^a SCIM client reads "([^"]*)" with "([^"]*)"$`, aSCIMClientReadsWithQuery)
	sc.Step(`^a SCIM client lists users with the filter: (.+)$`, aSCIMClientListsUsersWithTheFilter)
	sc.Step(`^a SCIM client patches "([^"]*)" with:$`, aSCIMClientPatches)

	sc.Step(`^the answer has Content-Type "([^"]*)"$`, theAnswerHasContentType)
	sc.Step(`^the Location header equals meta\.location, an absolute URI ending in the user's id$`, theLocationIsMetaLocation)
	sc.Step(`^meta\.created and meta\.lastModified are xsd:dateTime values with a date and a time$`, metaTimesAreDateTimes)
	sc.Step(`^meta\.created and meta\.lastModified carry a timezone$`, metaTimesCarryATimezone)
	sc.Step(`^the error's "status" is the JSON string "(\d{3})"$`, theErrorStatusIsAJSONString)
	sc.Step(`^the error has no scimType of Table 9$`, theErrorHasNoTable9ScimType)
	sc.Step(`^the answer lists exactly the user "([^"]*)", or refuses the filter with 400 invalidFilter$`, theAnswerListsTheUserOrRefuses)
	sc.Step(`^the answer lists nobody, or refuses the filter with 400 invalidFilter$`, theAnswerListsNobodyOrRefuses)
	sc.Step(`^the answer has totalResults of at least (\d+) and no resources$`, theAnswerHasTotalsOnly)
	sc.Step(`^the answer has "([^"]*)" and "([^"]*)" and no "([^"]*)"(?: and no "([^"]*)")?$`, theAnswerHasAttributesAndNot)
	sc.Step(`^the answer's id is not "([^"]*)" and meta\.created is not "([^"]*)"$`, theAnswerIgnoredReadOnly)
	sc.Step(`^the answer is 200 with the whole user "([^"]*)" with displayName "([^"]*)", or 204$`, theAnswerIsTheWholeUserOr204)
}

// strictUserBody is a plain SCIM create of p, with extra top-level members.
func strictUserBody(p *okta.Person, extra map[string]any) []byte {
	m := map[string]any{
		"schemas":     []string{userURN},
		"userName":    p.Login,
		"name":        map[string]any{"givenName": p.GivenName, "familyName": p.FamilyName},
		"emails":      []any{map[string]any{"primary": true, "value": p.Email, "type": "work"}},
		"displayName": p.GivenName + " " + p.FamilyName,
		"active":      true,
	}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func (w *world) strictCreate(ctx context.Context, alias string, extra map[string]any) error {
	ex := w.do(ctx, okta.Request{Method: "POST", Path: "/Users", Body: strictUserBody(w.person(alias), extra)})
	w.noteStray(ex)
	return nil
}

func aSCIMClientCreatesTheUser(ctx context.Context, alias string) error {
	return worldFrom(ctx).strictCreate(ctx, alias, nil)
}

func aSCIMClientCreatesTheUserAgain(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if _, ok := w.people[alias]; !ok || w.answer == nil || w.answer.StatusCode != 201 {
		return harnessf("the first create of %q did not answer 201 (%s): a duplicate proves nothing", alias, answerText(w.answer))
	}
	return w.strictCreate(ctx, alias, nil)
}

func aSCIMClientCreatesTheUserWithReadOnly(ctx context.Context, alias, id, created string) error {
	return worldFrom(ctx).strictCreate(ctx, alias, map[string]any{"id": id, "meta": map[string]any{"created": created, "resourceType": "User"}})
}

func answerText(ex *okta.Exchange) string {
	if ex == nil {
		return "no request"
	}
	return statusText(ex)
}

func aSCIMClientReadsAnUnknownUser(ctx context.Context) error {
	w := worldFrom(ctx)
	w.do(ctx, okta.Request{Method: "GET", Path: "/Users/" + randomUUID()})
	return nil
}

func aSCIMClientReadsWithQuery(ctx context.Context, alias, query string) error {
	w := worldFrom(ctx)
	id, err := w.scimID(alias)
	if err != nil {
		return harnessf("%w", err)
	}
	w.do(ctx, okta.Request{Method: "GET", Path: "/Users/" + url.PathEscape(id) + query})
	return nil
}

// aliasRef is a placeholder such as <Ada> in a filter: the person's userName.
var aliasRef = regexp.MustCompile(`<([A-Z][a-z]+)>`)

func aSCIMClientListsUsersWithTheFilter(ctx context.Context, filter string) error {
	w := worldFrom(ctx)
	f := aliasRef.ReplaceAllStringFunc(filter, func(m string) string {
		return w.person(strings.Trim(m, "<>")).Login
	})
	q := strings.ReplaceAll(url.QueryEscape(f), "+", "%20")
	w.do(ctx, okta.Request{Method: "GET", Path: "/Users?filter=" + q})
	return nil
}

func aSCIMClientPatches(ctx context.Context, alias string, body *godog.DocString) error {
	w := worldFrom(ctx)
	id, err := w.scimID(alias)
	if err != nil {
		return harnessf("%w", err)
	}
	w.do(ctx, okta.Request{Method: "PATCH", Path: "/Users/" + url.PathEscape(id), Body: []byte(body.Content)})
	return nil
}

func theAnswerHasContentType(ctx context.Context, want string) error {
	w := worldFrom(ctx)
	if w.answerOf(w.answer) == nil {
		return w.rec.err()
	}
	ct := w.answer.ResponseHeader.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != want {
		w.rec.fail(fmt.Sprintf("%s %s answered %d with the wrong Content-Type", w.answer.Method, w.answer.URL, w.answer.StatusCode), want, fmt.Sprintf("%q", ct))
	}
	return w.rec.err()
}

// createdUser decodes the answer as the created user and returns it with its id.
func (w *world) createdUser() (map[string]any, string) {
	m := w.decodeObject(w.answer)
	if m == nil {
		return nil, ""
	}
	id, _ := m["id"].(string)
	if id == "" {
		w.rec.fail("the created user has no id", "a non-empty id", fmt.Sprint(m["id"]))
	}
	return m, id
}

func theLocationIsMetaLocation(ctx context.Context) error {
	w := worldFrom(ctx)
	m, id := w.createdUser()
	if m == nil {
		return w.rec.err()
	}
	loc, _ := lookupPath(m, "meta.location")
	metaLoc, _ := loc.(string)
	header := w.answer.ResponseHeader.Get("Location")
	switch {
	case header == "":
		w.rec.fail("the 201 answer has no Location header", "Location: "+metaLoc, "none")
	case header != metaLoc:
		w.rec.fail("the Location header differs from meta.location", metaLoc, header)
	}
	u, err := url.Parse(metaLoc)
	if err != nil || !u.IsAbs() || u.Host == "" {
		w.rec.fail("meta.location is not an absolute URI", "an absolute URI such as https://app.example.com/scim/v2/Users/"+id, fmt.Sprintf("%q", metaLoc))
	} else if id != "" && !strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/"+id) && !strings.HasSuffix(u.EscapedPath(), "/"+url.PathEscape(id)) {
		w.rec.fail("meta.location does not name the new user's id", ".../Users/"+id, metaLoc)
	}
	return w.rec.err()
}

// xsdDateTime is an xsd:dateTime: a date, "T", a time, optional fraction
// and an optional timezone (Z or ±hh:mm).
var xsdDateTime = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)

var xsdTimezone = regexp.MustCompile(`(Z|[+-]\d{2}:\d{2})$`)

// metaTimes returns meta.created and meta.lastModified of the answer,
// recording a failure for each that is missing or not a string.
func (w *world) metaTimes() map[string]string {
	m, _ := w.createdUser()
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for _, k := range []string{"created", "lastModified"} {
		v, ok := lookupPath(m, "meta."+k)
		s, isStr := v.(string)
		if !ok || !isStr {
			w.rec.fail(fmt.Sprintf("meta.%s is missing or not a string", k), "an xsd:dateTime string such as 2008-01-23T04:56:22Z", fmt.Sprintf("%#v", v))
			continue
		}
		out[k] = s
	}
	return out
}

func metaTimesAreDateTimes(ctx context.Context) error {
	w := worldFrom(ctx)
	for _, k := range []string{"created", "lastModified"} {
		s, ok := w.metaTimes()[k]
		if !ok {
			continue
		}
		if !xsdDateTime.MatchString(s) {
			w.rec.fail(fmt.Sprintf("meta.%s is not an xsd:dateTime with a date and a time", k), "e.g. 2008-01-23T04:56:22Z", fmt.Sprintf("%q", s))
		}
	}
	return w.rec.err()
}

func metaTimesCarryATimezone(ctx context.Context) error {
	w := worldFrom(ctx)
	for k, s := range w.metaTimes() {
		if !xsdDateTime.MatchString(s) {
			w.rec.fail(fmt.Sprintf("meta.%s is not an xsd:dateTime", k), "e.g. 2008-01-23T04:56:22Z", fmt.Sprintf("%q", s))
			continue
		}
		if !xsdTimezone.MatchString(s) {
			w.rec.fail(fmt.Sprintf("meta.%s has no timezone", k), s+"Z (UTC) or an offset such as +02:00", fmt.Sprintf("%q", s))
		} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			w.rec.fail(fmt.Sprintf("meta.%s is not a valid time", k), "a valid date and time", fmt.Sprintf("%q (%v)", s, err))
		}
	}
	return w.rec.err()
}

func theErrorStatusIsAJSONString(ctx context.Context, want string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	switch v := m["status"].(type) {
	case string:
		if v != want {
			w.rec.fail(`the error's "status" is the wrong string`, fmt.Sprintf("%q", want), fmt.Sprintf("%q", v))
		}
	case nil:
		w.rec.fail(`the error has no "status"`, fmt.Sprintf("%q", want), "missing")
	default:
		w.rec.fail(`the error's "status" is not a JSON string`, fmt.Sprintf("%q", want), fmt.Sprintf("%v (a JSON %T)", v, v))
	}
	return w.rec.err()
}

// table9 are the scimType values of RFC 7644 §3.12 Table 9 (400 and 409 answers).
var table9 = map[string]bool{"invalidFilter": true, "tooMany": true, "uniqueness": true, "mutability": true, "invalidSyntax": true,
	"invalidPath": true, "noTarget": true, "invalidValue": true, "invalidVers": true, "sensitive": true}

func theErrorHasNoTable9ScimType(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	if st, _ := m["scimType"].(string); table9[st] {
		w.rec.fail(fmt.Sprintf("a %d error carries scimType %q, which Table 9 gives 400/409 errors", w.answer.StatusCode, st), "no scimType", fmt.Sprintf("%q", st))
	}
	return w.rec.err()
}

// refusedFilter reports whether the answer is a 400 invalidFilter SCIM
// error: an honest refusal of a valid filter the app does not support.
func (w *world) refusedFilter() bool {
	if w.answer == nil || w.answer.StatusCode != 400 {
		return false
	}
	m := w.decodeObject(w.answer)
	if m == nil {
		return false
	}
	st, _ := m["scimType"].(string)
	return st == "invalidFilter"
}

func theAnswerListsTheUserOrRefuses(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if w.refusedFilter() {
		w.checkSCIMError(w.answer, 400)
		return w.rec.err()
	}
	_ = w.rec.err() // a refusal check's notes are not failures
	return theAnswerListsExactlyTheUser(ctx, alias)
}

func theAnswerListsNobodyOrRefuses(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.refusedFilter() {
		w.checkSCIMError(w.answer, 400)
		return w.rec.err()
	}
	_ = w.rec.err()
	w.checkStatus(w.answer, 200)
	if m := w.checkListResponse(w.answer); m != nil {
		if total, _ := m["totalResults"].(float64); total != 0 || len(resources(m)) != 0 {
			var names []string
			for _, r := range resources(m) {
				s, _ := r["userName"].(string)
				names = append(names, s)
			}
			w.rec.fail("the filter matches no user, but the app listed some (wrong results)", "totalResults 0 and no resources",
				fmt.Sprintf("totalResults %v: %s", m["totalResults"], strings.Join(names, ", ")))
		}
	}
	return w.rec.err()
}

func theAnswerHasTotalsOnly(ctx context.Context, min int) error {
	w := worldFrom(ctx)
	m := w.checkListResponse(w.answer)
	if m == nil {
		return w.rec.err()
	}
	if total, _ := m["totalResults"].(float64); total < float64(min) {
		w.rec.fail("totalResults does not count the users the run created", fmt.Sprintf("at least %d", min), fmt.Sprint(m["totalResults"]))
	}
	if n := len(resources(m)); n > 0 {
		w.rec.fail("count=0 asks for no resources, but the app returned some", "no Resources (or an empty array)", fmt.Sprintf("%d resources", n))
	}
	return w.rec.err()
}

func theAnswerHasAttributesAndNot(ctx context.Context, has1, has2, not1, not2 string) error {
	w := worldFrom(ctx)
	if w.answer == nil {
		return harnessf("%v", errNoAnswer)
	}
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	absent := []string{not1}
	if not2 != "" {
		absent = append(absent, not2)
	}
	// Positive control: the same resource read without the parameter has
	// every attribute that must be missing, so a missing one proves the
	// parameter was honoured.
	plainURL, _, _ := strings.Cut(w.answer.URL, "?")
	plain := w.client.Do(ctx, okta.Request{Method: "GET", Path: strings.TrimPrefix(plainURL, w.cfg.BaseURL)})
	if plain.StatusCode != 200 {
		return harnessf("the plain read %s answered %s: no control for the attribute selection", plainURL, statusText(&plain))
	}
	pm, err := plain.JSON()
	if err != nil {
		return harnessf("the plain read %s: %w", plainURL, err)
	}
	for _, a := range absent {
		if isEmptyValue(pm[a]) {
			return harnessf("the plain read of the user has no %q: its absence would prove nothing", a)
		}
	}
	for _, a := range []string{has1, has2} {
		if isEmptyValue(m[a]) {
			w.rec.fail(fmt.Sprintf("the answer lacks %q", a), fmt.Sprintf("%q (returned \"always\" or requested)", a), "missing")
		}
	}
	for _, a := range absent {
		if _, ok := m[a]; ok {
			w.rec.fail(fmt.Sprintf("the answer has %q, which the query left out", a), "no "+a, short(fmt.Sprint(m[a])))
		}
	}
	return w.rec.err()
}

func theAnswerIgnoredReadOnly(ctx context.Context, id, created string) error {
	w := worldFrom(ctx)
	m, got := w.createdUser()
	if m == nil {
		return w.rec.err()
	}
	if got == id {
		w.rec.fail("the app took the client's id (id is readOnly: the server issues it)", "an id the server chose", got)
	}
	if c, _ := lookupPath(m, "meta.created"); c == created {
		w.rec.fail("the app took the client's meta.created (readOnly)", "the time the app created the user", created)
	}
	return w.rec.err()
}

func theAnswerIsTheWholeUserOr204(ctx context.Context, alias, displayName string) error {
	w := worldFrom(ctx)
	if w.answerOf(w.answer) == nil {
		return w.rec.err()
	}
	switch w.answer.StatusCode {
	case 204:
		return nil
	case 200:
	default:
		w.rec.fail(fmt.Sprintf("%s %s answered an unexpected status", w.answer.Method, w.answer.URL), "200 or 204", statusText(w.answer))
		return w.rec.err()
	}
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	id, err := w.scimID(alias)
	if err != nil {
		return harnessf("%w", err)
	}
	p := w.person(alias)
	if got, _ := m["id"].(string); got != id {
		w.rec.fail("the 200 answer is not the whole resource: wrong or missing id", id, fmt.Sprint(m["id"]))
	}
	if !containsString(m["schemas"], userURN) {
		w.rec.fail("the 200 answer is not the whole resource: schemas lacks the User schema", userURN, short(fmt.Sprint(m["schemas"])))
	}
	if got, _ := m["userName"].(string); !strings.EqualFold(got, p.Login) {
		w.rec.fail("the 200 answer is not the whole resource: userName missing or wrong", p.Login, fmt.Sprint(m["userName"]))
	}
	if got, _ := m["displayName"].(string); got != displayName {
		w.rec.fail("the 200 answer does not show the change", displayName, fmt.Sprint(m["displayName"]))
	}
	return w.rec.err()
}
