package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Steps of the later RFC strict-tier scenarios: PATCH op case, required
// attributes and value paths (features/strict_patch), the attribute
// operators (strict_filters), deleted members (strict_groups), and in
// steps_strict_versioning.go versioning, sorting and the advertised
// features. Their sentences say "a SCIM client", never "Okta".

func registerStrictRFCSteps(sc *godog.ScenarioContext) {
	sc.Step(`^a SCIM client deletes the user "([^"]*)"$`, aSCIMClientDeletesTheUser)
	sc.Step(`^a SCIM client patches the group "([^"]*)" with:$`, aSCIMClientPatchesTheGroup)
	sc.Step(`^a SCIM client creates the user "([^"]*)" with the enterprise employeeNumber "([^"]*)" and department "([^"]*)"$`, aSCIMClientCreatesWithEnterprise)

	sc.Step(`^the user "([^"]*)" read back has displayName "([^"]*)", or the app refused the PATCH with 400$`, theUserHasDisplayNameOrRefused)
	sc.Step(`^the user "([^"]*)" read back still has her userName$`, theUserStillHasUserName)
	sc.Step(`^the user "([^"]*)" read back has exactly one "([^"]*)" email, "([^"]*)", and her work email unchanged$`, theUserHasOneEmailOfType)
	sc.Step(`^each of these filters lists what the table says, or is refused with 400 invalidFilter and a detail:$`, eachFilterListsWhatTheTableSays)
	sc.Step(`^the group "([^"]*)" read back lists "([^"]*)" and no longer lists "([^"]*)"$`, theGroupListsAndNoLonger)
	sc.Step(`^the answer and the user read back carry the enterprise data and its URN in "schemas", as /ResourceTypes offers it$`, theEnterpriseDataIsKept)
	sc.Step(`^the answer's "schemas" is the User schema alone$`, theSchemasAreTheUserSchemaAlone)
	registerStrictVersioningSteps(sc)
}

func aSCIMClientDeletesTheUser(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	id, err := w.scimID(alias)
	if err != nil {
		return harnessf("%w", err)
	}
	w.do(ctx, okta.Request{Method: "DELETE", Path: "/Users/" + url.PathEscape(id)})
	return nil
}

// readBack reads alias's user by id, outside the scenario's answer; it
// returns nil after recording why it could not.
func (w *world) readBack(ctx context.Context, alias string) (map[string]any, error) {
	id, err := w.scimID(alias)
	if err != nil {
		return nil, harnessf("%w", err)
	}
	ex := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/Users/" + url.PathEscape(id)})
	if unanswered(&ex) {
		return nil, harnessf("reading %q back got no complete HTTP answer: %v", alias, ex.Err)
	}
	if ex.StatusCode != 200 {
		w.rec.fail(fmt.Sprintf("reading %q back answered %s", alias, statusText(&ex)), "200 with the user", statusText(&ex))
		return nil, w.rec.err()
	}
	m := w.decodeObject(&ex)
	if m == nil {
		return nil, w.rec.err()
	}
	return m, nil
}

func theUserHasDisplayNameOrRefused(ctx context.Context, alias, want string) error {
	w := worldFrom(ctx)
	if w.answerOf(w.answer) == nil {
		return w.rec.err()
	}
	switch st := w.answer.StatusCode; {
	case st == 400:
		w.checkSCIMError(w.answer, 400)
		return w.rec.err()
	case st != 200 && st != 204:
		w.rec.fail(fmt.Sprintf("%s %s answered an unexpected status", w.answer.Method, w.answer.URL), "200 or 204 (applied), or 400 (refused)", statusText(w.answer))
		return w.rec.err()
	}
	status := w.answer.StatusCode
	m, err := w.readBack(ctx, alias)
	if m == nil {
		return err
	}
	if got, _ := m["displayName"].(string); got != want {
		w.rec.fail(fmt.Sprintf("the PATCH answered %d but did not apply the operation (an op in another letter case was skipped)", status), fmt.Sprintf("displayName %q", want), fmt.Sprintf("%#v", m["displayName"]))
	}
	return w.rec.err()
}

func theUserStillHasUserName(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m, err := w.readBack(ctx, alias)
	if m == nil {
		return err
	}
	if got, _ := m["userName"].(string); !strings.EqualFold(got, w.person(alias).Login) {
		w.rec.fail("the refused PATCH changed the user: userName is gone or different", w.person(alias).Login, fmt.Sprintf("%#v", m["userName"]))
	}
	return w.rec.err()
}

func theUserHasOneEmailOfType(ctx context.Context, alias, typ, want string) error {
	w := worldFrom(ctx)
	m, err := w.readBack(ctx, alias)
	if m == nil {
		return err
	}
	list, _ := m["emails"].([]any)
	var of []string
	work := ""
	for _, el := range list {
		e, _ := el.(map[string]any)
		t, _ := e["type"].(string)
		v, _ := e["value"].(string)
		switch {
		case strings.EqualFold(t, typ):
			of = append(of, v)
		case strings.EqualFold(t, "work"):
			work = v
		}
	}
	if len(of) != 1 || !strings.EqualFold(of[0], want) {
		w.rec.fail(fmt.Sprintf("after the replace, %q has %d emails of type %q", alias, len(of), typ), fmt.Sprintf("exactly one, %q", want), fmt.Sprintf("%q", of))
	}
	if login := w.person(alias).Login; !strings.EqualFold(work, login) {
		w.rec.fail("the replace through emails[type eq \""+typ+"\"] changed the work email too", login, fmt.Sprintf("%q", work))
	}
	return w.rec.err()
}

// filterPlaceholder is <Ada>, <Ada:start>, <Ada:end> or <Ada:middle>: the
// person's userName, without its last three, first three, or first and
// last three characters (still unique to the person in the run).
func (w *world) filterPlaceholder(ref string) string {
	alias, part, _ := strings.Cut(strings.Trim(ref, "<>"), ":")
	login := w.person(alias).Login
	if len(login) < 8 {
		return login // too short to cut: the placeholder stands for the whole userName
	}
	switch part {
	case "start":
		return login[:len(login)-3]
	case "end":
		return login[3:]
	case "middle":
		return login[3 : len(login)-3]
	}
	return login
}

// eachFilterListsWhatTheTableSays runs every filter of the table and
// checks its result: "nobody", or exactly the one person named. A 400
// invalidFilter SCIM error with a detail is an honest refusal.
func eachFilterListsWhatTheTableSays(ctx context.Context, table *godog.Table) error {
	w := worldFrom(ctx)
	if len(table.Rows) < 2 {
		return harnessf("the table has no filters")
	}
	for _, row := range table.Rows[1:] {
		if len(row.Cells) != 2 {
			return harnessf("a table row needs a filter and what it lists")
		}
		f := filterRef.ReplaceAllStringFunc(row.Cells[0].Value, w.filterPlaceholder)
		lists := strings.TrimSpace(row.Cells[1].Value)
		q := strings.ReplaceAll(url.QueryEscape(f), "+", "%20")
		ex := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/Users?filter=" + q})
		if unanswered(&ex) {
			w.rec.noAnswer(fmt.Sprintf("filter %s got no complete HTTP answer", f), ex.Err)
			continue
		}
		if ex.StatusCode == 400 {
			m := w.decodeObject(&ex)
			st, _ := m["scimType"].(string)
			d, _ := m["detail"].(string)
			if st != "invalidFilter" || strings.TrimSpace(d) == "" {
				w.rec.fail(fmt.Sprintf("filter %s was refused without scimType invalidFilter and a detail", f), `400 {"scimType":"invalidFilter","detail":"..."}`, short(string(ex.ResponseBody)))
			}
			continue
		}
		m := w.checkListResponse(&ex)
		if m == nil {
			continue
		}
		var names []string
		for _, r := range resources(m) {
			s, _ := r["userName"].(string)
			names = append(names, s)
		}
		total, _ := m["totalResults"].(float64)
		switch {
		case lists == "nobody" && (total != 0 || len(names) != 0):
			w.rec.fail(fmt.Sprintf("filter %s: wrong results", f), "nobody", fmt.Sprintf("totalResults %v: %s", m["totalResults"], short(strings.Join(names, ", "))))
		case lists != "nobody" && (total != 1 || len(names) != 1 || !strings.EqualFold(names[0], w.person(lists).Login)):
			w.rec.fail(fmt.Sprintf("filter %s: wrong results", f), "exactly "+w.person(lists).Login, fmt.Sprintf("totalResults %v: %s", m["totalResults"], short(strings.Join(names, ", "))))
		}
	}
	return w.rec.err()
}

// filterRef is a placeholder of filterPlaceholder.
var filterRef = regexp.MustCompile(`<[A-Z][a-z]+(:(start|end|middle))?>`)

func theGroupListsAndNoLonger(ctx context.Context, alias, kept, gone string) error {
	w := worldFrom(ctx)
	g := w.group(alias)
	if g.SCIMID == "" {
		return harnessf("Okta has no app group id for %q (the push did not link a group)", alias)
	}
	keptID, err := w.scimID(kept)
	if err != nil {
		return harnessf("%w", err)
	}
	goneID, err := w.scimID(gone)
	if err != nil {
		return harnessf("%w", err)
	}
	ex := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/Groups/" + url.PathEscape(g.SCIMID)})
	if ex.StatusCode != 200 {
		return harnessf("reading the group %q back answered %s (see GRP-001)", alias, statusText(&ex))
	}
	m := w.decodeObject(&ex)
	if m == nil {
		return w.rec.err()
	}
	has := map[string]bool{}
	list, _ := m["members"].([]any)
	for _, el := range list {
		o, _ := el.(map[string]any)
		v, _ := o["value"].(string)
		has[v] = true
	}
	if !has[keptID] {
		return harnessf("the group no longer lists %q either (see GRP-001): nothing shows the deleted member was singled out", kept)
	}
	if has[goneID] {
		w.rec.fail(fmt.Sprintf("the group still lists the deleted user %q as a member", gone), "members without "+goneID, fmt.Sprintf("%d members, %s among them", len(list), goneID))
	}
	return w.rec.err()
}

// idRef is a placeholder <id of Ada> in a request body: the person's SCIM id.
var idRef = regexp.MustCompile(`<id of ([A-Z][a-z]+)>`)

func aSCIMClientPatchesTheGroup(ctx context.Context, alias string, body *godog.DocString) error {
	w := worldFrom(ctx)
	g := w.group(alias)
	if g.SCIMID == "" {
		return harnessf("Okta has no app group id for %q (the push did not link a group)", alias)
	}
	var missing error
	b := idRef.ReplaceAllStringFunc(body.Content, func(m string) string {
		id, err := w.scimID(idRef.FindStringSubmatch(m)[1])
		if err != nil {
			missing = err
		}
		return id
	})
	if missing != nil {
		return harnessf("%w", missing)
	}
	w.do(ctx, okta.Request{Method: "PATCH", Path: "/Groups/" + url.PathEscape(g.SCIMID), Body: []byte(b)})
	return nil
}

func aSCIMClientCreatesWithEnterprise(ctx context.Context, alias, number, department string) error {
	return worldFrom(ctx).strictCreate(ctx, alias, map[string]any{
		"schemas":     []string{userURN, enterpriseURN},
		enterpriseURN: map[string]any{"employeeNumber": number, "department": department},
	})
}

// enterpriseURN is the enterprise User extension (RFC 7643 §4.3).
const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// offersEnterprise reports whether /ResourceTypes lists the enterprise
// extension for the User resource type.
func (w *world) offersEnterprise(ctx context.Context) (bool, error) {
	ex := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/ResourceTypes"})
	if ex.StatusCode != 200 {
		return false, harnessf("GET /ResourceTypes answered %s: cannot tell whether the app offers the enterprise extension", statusText(&ex))
	}
	m, err := ex.JSON()
	if err != nil {
		return false, harnessf("GET /ResourceTypes: %w", err)
	}
	for _, rt := range resources(m) {
		if name, _ := rt["name"].(string); name != "User" {
			continue
		}
		exts, _ := rt["schemaExtensions"].([]any)
		for _, e := range exts {
			if o, _ := e.(map[string]any); strings.EqualFold(fmt.Sprint(o["schema"]), enterpriseURN) {
				return true, nil
			}
		}
	}
	return false, nil
}

// theEnterpriseDataIsKept checks the 201 answer and a read-back for the
// enterprise attributes the create sent.
func theEnterpriseDataIsKept(ctx context.Context) error {
	w := worldFrom(ctx)
	m, id := w.createdUser()
	if m == nil || id == "" {
		return w.rec.err()
	}
	offered, err := w.offersEnterprise(ctx)
	if err != nil || !offered {
		// An app that does not offer the extension may ignore its data.
		return err
	}
	var sent map[string]any
	if err := json.Unmarshal(w.answer.RequestBody, &sent); err != nil {
		return harnessf("the create request body: %w", err)
	}
	want, _ := sent[enterpriseURN].(map[string]any)
	back := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/Users/" + url.PathEscape(id)})
	if back.StatusCode != 200 {
		return harnessf("reading the created user back answered %s", statusText(&back))
	}
	bm := w.decodeObject(&back)
	if bm == nil {
		return w.rec.err()
	}
	for what, doc := range map[string]map[string]any{"the 201 answer": m, "the user read back": bm} {
		got, _ := doc[enterpriseURN].(map[string]any)
		for k, v := range want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				w.rec.fail(fmt.Sprintf("%s lacks the enterprise %s the create sent, although /ResourceTypes offers the extension", what, k), fmt.Sprintf("%q", v), fmt.Sprintf("%#v", got[k]))
			}
		}
		if !containsString(doc["schemas"], enterpriseURN) {
			w.rec.fail(fmt.Sprintf("%s carries enterprise data but its \"schemas\" lacks the extension URN", what), enterpriseURN, short(fmt.Sprint(doc["schemas"])))
		}
	}
	return w.rec.err()
}

func theSchemasAreTheUserSchemaAlone(ctx context.Context) error {
	w := worldFrom(ctx)
	m, _ := w.createdUser()
	if m == nil {
		return w.rec.err()
	}
	list, _ := m["schemas"].([]any)
	for k := range m {
		if strings.HasPrefix(strings.ToLower(k), "urn:") {
			return harnessf("the created user carries extension data (%s): nothing shows an empty extension is left out", k)
		}
	}
	if len(list) != 1 || !containsString(m["schemas"], userURN) {
		w.rec.fail("the user carries no extension data, but \"schemas\" lists more than the User schema", `["`+userURN+`"]`, short(fmt.Sprint(m["schemas"])))
	}
	return w.rec.err()
}
