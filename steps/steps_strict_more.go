package steps

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// More steps of the RFC strict tier: listings with attributes=, empty
// ListResponses, meta.resourceType and meta.version, and the discovery
// documents (features/strict_listing, strict_responses, strict_discovery).

func registerStrictMoreSteps(sc *godog.ScenarioContext) {
	sc.Step(`^a SCIM client lists users with "([^"]*)" and the filter: (.+)$`, aSCIMClientListsUsersWithQueryAndFilter)

	sc.Step(`^no listed user carries a password$`, noListedUserCarriesAPassword)
	sc.Step(`^the answer is an empty ListResponse with "Resources" as an empty array$`, theAnswerIsAnEmptyListWithResources)
	sc.Step(`^meta\.resourceType is "([^"]*)"$`, metaResourceTypeIs)
	sc.Step(`^meta\.version and the ETag header agree with each other and with ServiceProviderConfig's etag\.supported$`, metaVersionAgreesWithETag)
	sc.Step(`^the answer is a ListResponse of resources with the schema "([^"]*)"$`, theAnswerIsAListOfSchema)
	sc.Step(`^every attribute of every schema states type, mutability, returned and uniqueness with RFC values$`, everySchemaAttributeHasCharacteristics)
	sc.Step(`^filter\.supported is true, and a userName filter finds "([^"]*)"$`, filterSupportedAndWorks)
	sc.Step(`^a SCIM client reads the group "([^"]*)"$`, aSCIMClientReadsTheGroup)
	sc.Step(`^every member carries value, \$ref and type "User" naming the user "([^"]*)"$`, everyMemberCarriesRefAndType)
}

func aSCIMClientListsUsersWithQueryAndFilter(ctx context.Context, query, filter string) error {
	w := worldFrom(ctx)
	f := aliasRef.ReplaceAllStringFunc(filter, func(m string) string {
		return w.person(strings.Trim(m, "<>")).Login
	})
	q := strings.ReplaceAll(url.QueryEscape(f), "+", "%20")
	w.do(ctx, okta.Request{Method: "GET", Path: "/Users?" + query + "&filter=" + q})
	return nil
}

// noListedUserCarriesAPassword checks every listed resource for a password
// member at any depth, and the body for any password Okta sent.
func noListedUserCarriesAPassword(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.checkListResponse(w.answer)
	if m == nil {
		return w.rec.err()
	}
	if len(resources(m)) == 0 {
		return harnessf("the listing returned no user: nothing shows the password is left out")
	}
	for i, r := range resources(m) {
		for _, p := range passwordMembers(r, "") {
			w.rec.fail(fmt.Sprintf("Resources[%d] returns a %q attribute although attributes= asked for it (RFC 7643 §4.1.1: returned never)", i, p), "no password attribute", "present at "+p)
		}
	}
	for _, pw := range w.sentPasswords() {
		if strings.Contains(string(w.answer.ResponseBody), pw) {
			w.rec.fail("the listing contains the password Okta sent (RFC 7643 §4.1.1: returned never)", "the value nowhere in the answer", "found in the body: "+short(redactValue(string(w.answer.ResponseBody), pw)))
		}
	}
	return w.rec.err()
}

func theAnswerIsAnEmptyListWithResources(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.checkListResponse(w.answer)
	if m == nil {
		return w.rec.err()
	}
	if total, _ := m["totalResults"].(float64); total != 0 {
		return harnessf("the filter matches no user but totalResults is %v: not an empty answer to judge", m["totalResults"])
	}
	res, present := m["Resources"]
	switch arr, isArr := res.([]any); {
	case !present:
		w.rec.fail(`the empty ListResponse has no "Resources"`, `"Resources": []`, "missing")
	case !isArr:
		w.rec.fail(`the empty ListResponse's "Resources" is not an array`, `"Resources": []`, fmt.Sprintf("%#v", res))
	case len(arr) != 0:
		w.rec.fail(`the empty ListResponse lists resources`, `"Resources": []`, fmt.Sprintf("%d resources", len(arr)))
	}
	return w.rec.err()
}

func metaResourceTypeIs(ctx context.Context, want string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	v, ok := lookupPath(m, "meta.resourceType")
	switch got, _ := v.(string); {
	case !ok:
		w.rec.fail("the answer has no meta.resourceType", fmt.Sprintf("%q", want), "missing")
	case got != want:
		w.rec.fail("meta.resourceType is not the resource type's name (caseExact)", fmt.Sprintf("%q", want), fmt.Sprintf("%#v", v))
	}
	return w.rec.err()
}

// metaVersionAgreesWithETag checks RFC 7643 §3.1 (meta.version equals the
// ETag) and RFC 7644 §3.14 (an advertised etag support sends an ETag).
func metaVersionAgreesWithETag(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	spc := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/ServiceProviderConfig"})
	if spc.StatusCode != 200 {
		return harnessf("GET /ServiceProviderConfig answered %s: no etag.supported to compare with", statusText(&spc))
	}
	sm, err := spc.JSON()
	if err != nil {
		return harnessf("GET /ServiceProviderConfig: %w", err)
	}
	supported, _ := lookupPath(sm, "etag.supported")
	etag := w.answer.ResponseHeader.Get("ETag")
	v, hasVersion := lookupPath(m, "meta.version")
	version, _ := v.(string)
	if supported == true && etag == "" {
		w.rec.fail("ServiceProviderConfig says etag.supported: true, but the answer has no ETag header (RFC 7644 §3.14: MUST)", "an ETag header", "none")
	}
	if hasVersion && version != etag {
		w.rec.fail("meta.version is not the ETag header (RFC 7643 §3.1: must be the same)", fmt.Sprintf("ETag %q", version), fmt.Sprintf("ETag %q", etag))
	}
	// An ETag without meta.version is allowed: RFC 7644 §3.14 only says
	// meta.version SHOULD carry it.
	return w.rec.err()
}

func theAnswerIsAListOfSchema(ctx context.Context, urn string) error {
	w := worldFrom(ctx)
	m := w.checkListResponse(w.answer)
	if m == nil {
		return w.rec.err()
	}
	list := resources(m)
	if len(list) == 0 {
		w.rec.fail(fmt.Sprintf("%s lists no resources", w.answer.URL), "at least one resource", "none")
	}
	for i, r := range list {
		if !containsString(r["schemas"], urn) {
			w.rec.fail(fmt.Sprintf("Resources[%d] lacks its schema", i), urn, short(fmt.Sprint(r["schemas"])))
		}
	}
	return w.rec.err()
}

// rfcCharacteristics are the values RFC 7643 §7 allows for each
// characteristic every attribute definition states.
var rfcCharacteristics = map[string]map[string]bool{
	"type":       {"string": true, "boolean": true, "decimal": true, "integer": true, "dateTime": true, "reference": true, "complex": true, "binary": true},
	"mutability": {"readOnly": true, "readWrite": true, "immutable": true, "writeOnly": true},
	"returned":   {"always": true, "never": true, "default": true, "request": true},
	"uniqueness": {"none": true, "server": true, "global": true},
}

func everySchemaAttributeHasCharacteristics(ctx context.Context) error {
	w := worldFrom(ctx)
	m := w.checkListResponse(w.answer)
	if m == nil {
		return w.rec.err()
	}
	checked := 0
	var walk func(at string, attrs any)
	walk = func(at string, attrs any) {
		list, _ := attrs.([]any)
		for i, el := range list {
			a, _ := el.(map[string]any)
			name, _ := a["name"].(string)
			where := fmt.Sprintf("%s.%s", at, name)
			if name == "" {
				where = fmt.Sprintf("%s[%d]", at, i)
			}
			checked++
			for _, k := range []string{"type", "mutability", "returned", "uniqueness"} {
				s, _ := a[k].(string)
				if !rfcCharacteristics[k][s] {
					w.rec.fail(fmt.Sprintf("the attribute %s does not state its %s with an RFC 7643 §7 value", where, k), k+" of "+keys(rfcCharacteristics[k]), fmt.Sprintf("%#v", a[k]))
				}
			}
			walk(where, a["subAttributes"])
		}
	}
	for _, r := range resources(m) {
		id, _ := r["id"].(string)
		walk(id, r["attributes"])
	}
	if checked == 0 {
		w.rec.fail("/Schemas describes no attribute", "schemas with attributes", "none")
	}
	return w.rec.err()
}

// keys lists a set's members for a message, in a stable order.
func keys(set map[string]bool) string {
	var out []string
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

func filterSupportedAndWorks(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	login := w.person(alias).Login
	q := strings.ReplaceAll(url.QueryEscape(`userName eq "`+login+`"`), "+", "%20")
	lookup := w.client.Do(ctx, okta.Request{Method: "GET", Path: "/Users?filter=" + q})
	lm, err := lookup.JSON()
	if lookup.StatusCode != 200 || err != nil {
		return harnessf("the userName filter answered %s: filters do not work, so filter.supported proves nothing (see USR-004)", statusText(&lookup))
	}
	if total, _ := lm["totalResults"].(float64); total != 1 {
		return harnessf("the userName filter for %q found %v users, not 1: filters do not work (see USR-004)", login, lm["totalResults"])
	}
	if v, _ := lookupPath(m, "filter.supported"); v != true {
		w.rec.fail("ServiceProviderConfig's filter.supported is not true, although the userName filter works", "true", fmt.Sprintf("%#v", v))
	}
	return w.rec.err()
}

func aSCIMClientReadsTheGroup(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	g := w.group(alias)
	if g.SCIMID == "" {
		return harnessf("Okta has no app group id for %q (the push did not link a group)", alias)
	}
	w.do(ctx, okta.Request{Method: "GET", Path: "/Groups/" + url.PathEscape(g.SCIMID)})
	return nil
}

// everyMemberCarriesRefAndType checks RFC 7643 §4.2 members: the one member
// is alias's user, with its id as value, its URI as $ref and type "User".
func everyMemberCarriesRefAndType(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	m := w.decodeObject(w.answer)
	if m == nil {
		return w.rec.err()
	}
	id, err := w.scimID(alias)
	if err != nil {
		return harnessf("%w", err)
	}
	list, _ := m["members"].([]any)
	if len(list) != 1 {
		return harnessf("the group has %d members, not %q alone (see GRP-001): nothing to judge", len(list), alias)
	}
	o, _ := list[0].(map[string]any)
	if v, _ := o["value"].(string); v != id {
		w.rec.fail("members[0].value is not the user's id", id, fmt.Sprintf("%#v", o["value"]))
	}
	ref, _ := o["$ref"].(string)
	u, perr := url.Parse(ref)
	switch {
	case ref == "":
		w.rec.fail(`members[0] has no "$ref"`, ".../Users/"+id, fmt.Sprintf("%#v", o["$ref"]))
	case perr != nil || !u.IsAbs() || !strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/Users/"+id):
		w.rec.fail(`members[0].$ref is not the user's absolute URI`, "https://.../Users/"+id, ref)
	}
	if t, _ := o["type"].(string); t != "User" {
		w.rec.fail(`members[0].type is not "User"`, `"User"`, fmt.Sprintf("%#v", o["type"]))
	}
	return w.rec.err()
}
