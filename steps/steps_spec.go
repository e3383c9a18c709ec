package steps

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// specUser is the random user of Okta's SPEC test Initial Script
// (mockidp/okta/WIRE.md §12.1): given "Runscope"+3 digits, family [A-Z][a-z]{8}[0-9]{3},
// email = given+family+"@atko.com" in mixed case.
type specUser struct {
	given, family, email string
	id                   string
}

func registerSpecSteps(sc *godog.ScenarioContext) {
	sc.Step(`^Okta reads the first listed user by id$`, oktaReadsTheFirstListedUser)
	sc.Step(`^the answer's id is the listed id$`, theAnswersIDIsTheListedID)
	sc.Step(`^a random SPEC test user$`, aRandomSpecTestUser)
	sc.Step(`^the SPEC test looks up the random user$`, theSpecTestLooksUp)
	sc.Step(`^the SPEC test creates the random user$`, theSpecTestCreates)
	sc.Step(`^the answer is the random SPEC test user$`, theAnswerIsTheRandomSpecUser)
	sc.Step(`^the SPEC test has created a random user$`, theSpecTestHasCreated)
	sc.Step(`^the SPEC test reads the random user by id$`, theSpecTestReadsByID)
	sc.Step(`^the SPEC test looks up the random user in upper case$`, theSpecTestLooksUpUpper)
	sc.Step(`^the SPEC test looks up the random user in upper case with the Authorization header "([^"]*)"$`, theSpecTestLooksUpUpperWithAuth)
	sc.Step(`^the answer has an array of Resources when totalResults is not 0$`, theAnswerHasResourcesWhenNotEmpty)
	sc.Step(`^the right token is accepted for the same lookup in upper case$`, theRightTokenIsAcceptedForTheSpecLookup)
}

func randomDigits(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

func aRandomSpecTestUser(ctx context.Context) error {
	w := worldFrom(ctx)
	given := "Runscope" + randomDigits(3)
	// The run ID keeps the family name run-unique, in [A-Z][a-z]+[0-9]{3} form.
	family := strings.ToUpper(w.cfg.RunID[:1]) + strings.ToLower(w.cfg.RunID[1:]) + randomHex(2) + randomDigits(3)
	w.spec = &specUser{given: given, family: family, email: given + family + "@atko.com"}
	return nil
}

// specHeaders are the headers of the SPEC test's requests (mockidp/okta/WIRE.md §12.1).
func specHeaders() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Accept": {"application/scim+json; charset=utf-8"}}
}

func (w *world) specLookup(ctx context.Context, userName string, auth *string) {
	w.do(ctx, specLookupRequest(userName, auth))
}

// specLookupRequest is the SPEC test's lookup (its own encoding, not Okta's).
func specLookupRequest(userName string, auth *string) okta.Request {
	return okta.Request{Method: http.MethodGet,
		Path: "/Users?filter=" + url.QueryEscape(`userName eq "`+userName+`"`), Authorization: auth}
}

// theRightTokenIsAcceptedForTheSpecLookup is SPEC-011's positive control:
// the same upper-case lookup with the right token is not refused.
func theRightTokenIsAcceptedForTheSpecLookup(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.spec == nil {
		return harnessf("no random SPEC user")
	}
	return w.acceptRightToken(ctx, specLookupRequest(strings.ToUpper(w.spec.email), nil))
}

func theSpecTestLooksUp(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.spec == nil {
		return harnessf("no random SPEC user")
	}
	w.specLookup(ctx, w.spec.email, nil)
	return nil
}

func theSpecTestCreates(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.spec == nil {
		return harnessf("no random SPEC user")
	}
	s := w.spec
	body := map[string]any{
		"schemas":     []string{userURN},
		"userName":    s.email,
		"name":        map[string]any{"givenName": s.given, "familyName": s.family},
		"emails":      []any{map[string]any{"primary": true, "value": s.email, "type": "work"}},
		"displayName": s.given + " " + s.family,
		"active":      true,
	}
	ex := w.do(ctx, okta.Request{Method: http.MethodPost, Path: "/Users", Body: mustJSON(body), Header: specHeaders()})
	w.noteStray(ex)
	if ex.StatusCode == http.StatusCreated {
		if m, err := ex.JSON(); err == nil {
			if id, _ := m["id"].(string); id != "" && s.id == "" {
				s.id = id
			}
		}
	}
	return nil
}

func theAnswerIsTheRandomSpecUser(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	s := w.spec
	if id, _ := m["id"].(string); id == "" {
		w.rec.fail(`"id" is empty`, "a non-empty id", fmt.Sprint(m["id"]))
	}
	if u, _ := m["userName"].(string); u != s.email {
		w.rec.fail("userName must equal the mixed-case value sent (SPEC #6)", s.email, fmt.Sprint(m["userName"]))
	}
	if v, _ := lookupPath(m, "name.givenName"); v != s.given {
		w.rec.fail("name.givenName differs", s.given, fmt.Sprint(v))
	}
	if v, _ := lookupPath(m, "name.familyName"); v != s.family {
		w.rec.fail("name.familyName differs", s.family, fmt.Sprint(v))
	}
	if w.answer.Method == http.MethodPost {
		if a, _ := m["active"].(bool); !a {
			w.rec.fail(`"active" must be true`, "true", fmt.Sprint(m["active"]))
		}
		if !containsString(m["schemas"], userURN) {
			w.rec.fail("schemas must contain the core User schema", userURN, short(fmt.Sprint(m["schemas"])))
		}
	}
	return w.rec.err()
}

func theSpecTestHasCreated(ctx context.Context) error {
	if err := aRandomSpecTestUser(ctx); err != nil {
		return err
	}
	if err := theSpecTestCreates(ctx); err != nil {
		return err
	}
	w := worldFrom(ctx)
	if w.answer != nil && unanswered(w.answer) {
		return harnessf("precondition: the SPEC test's create got no complete answer (%s)", w.answer.Err)
	}
	if w.spec.id == "" {
		return &checkError{failures: []failure{{message: "precondition failed: the SPEC test could not create its random user", expected: "201 with an id", actual: statusText(w.answer)}}}
	}
	return nil
}

func theSpecTestReadsByID(ctx context.Context) error {
	w := worldFrom(ctx)
	w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(w.spec.id)})
	return nil
}

func theSpecTestLooksUpUpper(ctx context.Context) error {
	w := worldFrom(ctx)
	w.specLookup(ctx, strings.ToUpper(w.spec.email), nil)
	return nil
}

func theSpecTestLooksUpUpperWithAuth(ctx context.Context, header string) error {
	w := worldFrom(ctx)
	w.specLookup(ctx, strings.ToUpper(w.spec.email), &header)
	return nil
}

func oktaReadsTheFirstListedUser(ctx context.Context) error {
	w := worldFrom(ctx)
	list := w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users?count=1&startIndex=1"})
	m := w.decodeObject(list)
	if m == nil {
		return w.rec.err()
	}
	rs := resources(m)
	if len(rs) == 0 {
		w.rec.fail("precondition failed: GET /Users?count=1&startIndex=1 listed no user", "one user", "none")
		return w.rec.err()
	}
	w.listedID, _ = rs[0]["id"].(string)
	w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(w.listedID)})
	return nil
}

func theAnswersIDIsTheListedID(ctx context.Context) error {
	w := worldFrom(ctx)
	if obj := w.objectOf(w.answer); obj != nil {
		obj.Value("id").IsEqual(w.listedID)
	}
	return w.rec.err()
}

func theAnswerHasResourcesWhenNotEmpty(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	if t, _ := m["totalResults"].(float64); t != 0 {
		if _, ok := m["Resources"].([]any); !ok {
			w.rec.fail(`"Resources" must be an array when totalResults is not 0`, "an array", fmt.Sprintf("%T", m["Resources"]))
		}
	}
	return w.rec.err()
}
