package reference

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/scimconform/scimconform/internal/faults"
)

func TestUserLifecycleOkta(t *testing.T) {
	ts := newT(t)
	// mockidp/okta/WIRE.md §4.1: lookup first, 200 with totalResults 0 and Resources [].
	r := ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100", "").must(t, 200)
	if r.raw == "" || !strings.Contains(r.raw, `"Resources":[]`) || r.body["totalResults"] != 0.0 || r.body["itemsPerPage"] != 0.0 || r.body["startIndex"] != 1.0 {
		t.Fatalf("empty lookup: %s", r.raw)
	}
	r = ts.do("POST", "/scim/v2/Users", oktaUser("Test.User@okta.local", "00ujl29u0le5T6Aj10h7")).must(t, 201)
	id := r.str("id")
	if !uuidRe.MatchString(id) {
		t.Fatalf("id %q is not a UUID", id)
	}
	if r.str("userName") != "Test.User@okta.local" || r.body["active"] != true || r.body["password"] != nil || r.body["groups"] != nil {
		t.Fatalf("created: %s", r.raw)
	}
	meta := r.body["meta"].(map[string]any)
	if meta["resourceType"] != "User" || meta["location"] != "http://example.com/scim/v2/Users/"+id || r.hdr.Get("Location") != meta["location"] {
		t.Fatalf("meta %v, Location %q", meta, r.hdr.Get("Location"))
	}
	if ct := r.hdr.Get("Content-Type"); ct != "application/scim+json; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	// Case-insensitive lookup finds it, with + as space (mockidp/okta/WIRE.md §2.3, §11 #2, #15).
	r = ts.do("GET", "/scim/v2/Users?filter=userName+eq+%22TEST.USER%40OKTA.LOCAL%22&startIndex=1&count=100", "").must(t, 200)
	if r.body["totalResults"] != 1.0 || resources(r.body)[0]["id"] != id {
		t.Fatalf("lookup: %s", r.raw)
	}
	// Duplicate in another case: 409 uniqueness.
	ts.do("POST", "/scim/v2/Users", oktaUser("test.user@OKTA.local", "00uother")).scimErr(t, 409, "uniqueness")
	// Deactivate the Okta way, then it stays visible (mockidp/okta/WIRE.md §6, §7.2).
	r = ts.do("PATCH", "/scim/v2/Users/"+id, deactivate).must(t, 200)
	if r.body["active"] != false {
		t.Fatalf("after deactivate: %s", r.raw)
	}
	r = ts.do("GET", "/scim/v2/Users/"+id, "").must(t, 200)
	if r.body["active"] != false {
		t.Fatalf("get inactive: %s", r.raw)
	}
	r = ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22", "").must(t, 200)
	if r.body["totalResults"] != 1.0 {
		t.Fatalf("filter must find inactive users: %s", r.raw)
	}
	// Reactivate with PATCH path form.
	r = ts.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":true}]}`).must(t, 200)
	if r.body["active"] != true {
		t.Fatalf("reactivate: %s", r.raw)
	}
	// mockidp/okta/WIRE.md §5.1: PUT is the GET body merged with changes, incl. id, meta, groups, password.
	get := ts.do("GET", "/scim/v2/Users/"+id, "").must(t, 200)
	body := get.body
	body["name"] = map[string]any{"givenName": "Another", "middleName": "Excited", "familyName": "User"}
	body["groups"] = []any{}
	body["password"] = "x"
	body["emails"] = []any{map[string]any{"primary": true, "value": "Test.User@okta.local", "type": "work", "display": "Test.User@okta.local"}}
	body["customThing"] = "ignored"
	b, _ := json.Marshal(body)
	r = ts.do("PUT", "/scim/v2/Users/"+id, string(b)).must(t, 200)
	if r.body["name"].(map[string]any)["middleName"] != "Excited" || r.body["customThing"] != nil || r.body["password"] != nil {
		t.Fatalf("put: %s", r.raw)
	}
	if v := r.body["meta"].(map[string]any)["version"]; v != `W/"4"` {
		t.Fatalf("version %v", v)
	}
	// DELETE 204 then 404.
	ts.do("DELETE", "/scim/v2/Users/"+id, "").must(t, 204)
	ts.do("GET", "/scim/v2/Users/"+id, "").scimErr(t, 404, "")
	ts.do("DELETE", "/scim/v2/Users/"+id, "").scimErr(t, 404, "")
}

func TestEmailPolicy(t *testing.T) {
	rename := func(ts *tserver, id, newName string) resp {
		body := ts.do("GET", "/scim/v2/Users/"+id, "").body
		body["userName"] = newName
		body["emails"] = []any{map[string]any{"primary": true, "value": newName, "type": "work"}}
		b, _ := json.Marshal(body)
		return ts.do("PUT", "/scim/v2/Users/"+id, string(b))
	}
	t.Run("immutable", func(t *testing.T) {
		ts := newT(t)
		id := ts.createUser("ada@example.com", "00uAda")
		r := rename(ts, id, "ada.lovelace@example.com")
		r.scimErr(t, 400, "mutability")
		if !strings.Contains(r.str("detail"), "unassign") {
			t.Errorf("detail not actionable: %s", r.str("detail"))
		}
		// A case-only change is applied, not refused: Okta links by a
		// case-insensitive lookup and PUTs its own casing.
		if got := rename(ts, id, "ADA@example.com").must(t, 200).str("userName"); got != "ADA@example.com" {
			t.Errorf("case-only rename stored %q", got)
		}
		ts.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@example.com"}]}`).scimErr(t, 400, "mutability")
		ts.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","value":{"userName":"new@example.com"}}]}`).scimErr(t, 400, "mutability")
		rename(ts, id, "ada@example.com").must(t, 200) // same value = no change
		// mockidp/okta/WIRE.md §7: unassign (deactivate), then reassign with the new email and the same externalId.
		ts.do("PATCH", "/scim/v2/Users/"+id, deactivate).must(t, 200)
		newID := ts.createUser("ada.lovelace@example.com", "00uAda")
		if newID == id {
			t.Fatal("reassign reused the old id")
		}
		if r := ts.do("GET", "/scim/v2/Users/"+id, "").must(t, 200); r.body["active"] != false {
			t.Fatalf("old user: %s", r.raw)
		}
		// Same externalId as an ACTIVE user: 409.
		ts.do("POST", "/scim/v2/Users", oktaUser("third@example.com", "00uAda")).scimErr(t, 409, "uniqueness")
	})
	t.Run("mutable", func(t *testing.T) {
		ts := newT(t, WithEmailPolicy(EmailMutable))
		id := ts.createUser("ada@example.com", "00uAda")
		ts.createUser("taken@example.com", "00uT")
		r := rename(ts, id, "ada.lovelace@example.com").must(t, 200)
		if r.str("userName") != "ada.lovelace@example.com" {
			t.Fatalf("rename: %s", r.raw)
		}
		rename(ts, id, "TAKEN@example.com").scimErr(t, 409, "uniqueness")
	})
	if _, err := New(WithEmailPolicy("sometimes")); err == nil {
		t.Fatal("invalid policy accepted")
	}
}

func TestGroupsOkta(t *testing.T) {
	ts := newT(t)
	u1 := ts.createUser("u1@example.com", "00u1")
	u2 := ts.createUser("u2@example.com", "00u2")
	u3 := ts.createUser("u3@example.com", "00u3")
	// mockidp/okta/WIRE.md §9: lookup, create, read.
	r := ts.do("GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100", "").must(t, 200)
	if r.body["totalResults"] != 0.0 {
		t.Fatalf("lookup: %s", r.raw)
	}
	r = ts.do("POST", "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}`).must(t, 201)
	gid := r.str("id")
	if r.body["meta"].(map[string]any)["resourceType"] != "Group" || r.hdr.Get("Location") == "" {
		t.Fatalf("create group: %s", r.raw)
	}
	r = ts.do("GET", "/scim/v2/Groups?filter=displayName%20eq%20%22test%20scimv2%22", "").must(t, 200)
	if r.body["totalResults"] != 1.0 {
		t.Fatalf("displayName lookup: %s", r.raw)
	}
	// Rename with {id, displayName}: an equal id is accepted; another id is not.
	r = ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":%q,"displayName":"Renamed"}}]}`, gid)).must(t, 200)
	if r.str("displayName") != "Renamed" {
		t.Fatalf("rename: %s", r.raw)
	}
	ts.do("PATCH", "/scim/v2/Groups/"+gid, `{"Operations":[{"op":"replace","value":{"id":"00000000-0000-4000-8000-000000000000","displayName":"X"}}]}`).scimErr(t, 400, "mutability")
	// add is idempotent.
	add := fmt.Sprintf(`{"Operations":[{"op":"add","path":"members","value":[{"value":%q,"display":"u1"},{"value":%q}]}]}`, u1, u2)
	ts.do("PATCH", "/scim/v2/Groups/"+gid, add).must(t, 200)
	r = ts.do("PATCH", "/scim/v2/Groups/"+gid, add).must(t, 200)
	if got := memberIDs(r.body); len(got) != 2 {
		t.Fatalf("members after double add: %v", got)
	}
	// remove members[value eq "x"] + add in one request.
	r = ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"},{"op":"add","path":"members","value":[{"value":%q}]}]}`, u1, u3)).must(t, 200)
	if got := strings.Join(memberIDs(r.body), ","); got != u2+","+u3 {
		t.Fatalf("members %s", got)
	}
	// replace members.
	r = ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"replace","path":"members","value":[{"value":%q}]}]}`, u1)).must(t, 200)
	if got := strings.Join(memberIDs(r.body), ","); got != u1 {
		t.Fatalf("replace members: %s", got)
	}
	// Unknown member id: 400 invalidValue.
	ts.do("PATCH", "/scim/v2/Groups/"+gid, `{"Operations":[{"op":"add","path":"members","value":[{"value":"nope"}]}]}`).scimErr(t, 400, "invalidValue")
	// excludedAttributes=members.
	r = ts.do("GET", "/scim/v2/Groups/"+gid+"?excludedAttributes=members", "").must(t, 200)
	if _, has := r.body["members"]; has || r.str("displayName") != "Renamed" {
		t.Fatalf("excludedAttributes: %s", r.raw)
	}
	r = ts.do("GET", "/scim/v2/Groups?excludedAttributes=members", "").must(t, 200)
	if _, has := resources(r.body)[0]["members"]; has {
		t.Fatalf("list excludedAttributes: %s", r.raw)
	}
	// PUT full (AIW).
	r = ts.do("PUT", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":%q,"displayName":"Put","members":[{"value":%q,"display":"u2@example.com"},{"value":%q}]}`, gid, u2, u3)).must(t, 200)
	if r.str("displayName") != "Put" || len(memberIDs(r.body)) != 2 {
		t.Fatalf("put: %s", r.raw)
	}
	ts.do("PUT", "/scim/v2/Groups/"+gid, `{"displayName":""}`).scimErr(t, 400, "invalidValue")
	ts.do("POST", "/scim/v2/Groups", `{"members":[]}`).scimErr(t, 400, "invalidValue")
	// Deleting a user removes it from the group; the group stays editable.
	ts.do("DELETE", "/scim/v2/Users/"+u2, "").must(t, 204)
	r = ts.do("PATCH", "/scim/v2/Groups/"+gid, `{"Operations":[{"op":"replace","path":"displayName","value":"After"}]}`).must(t, 200)
	if got := strings.Join(memberIDs(r.body), ","); got != u3 {
		t.Fatalf("members after user delete: %s", got)
	}
	ts.do("DELETE", "/scim/v2/Groups/"+gid, "").must(t, 204)
	ts.do("GET", "/scim/v2/Groups/"+gid, "").scimErr(t, 404, "")
}

func TestPaging(t *testing.T) {
	ts := newT(t)
	var ids []string
	for i := range 5 {
		ids = append(ids, ts.createUser(fmt.Sprintf("user%d@example.com", i), ""))
	}
	cases := []struct {
		q                 string
		total, start, per float64
		first             string
	}{
		{"", 5, 1, 5, ids[0]},
		{"?startIndex=1&count=2", 5, 1, 2, ids[0]},
		{"?startIndex=3&count=2", 5, 3, 2, ids[2]},
		{"?startIndex=5&count=100", 5, 5, 1, ids[4]},
		{"?startIndex=101&count=100", 5, 101, 0, ""}, // mockidp/okta/WIRE.md §8 QA probe
		{"?startIndex=0&count=1", 5, 1, 1, ids[0]},
		{"?startIndex=-4", 5, 1, 5, ids[0]},
		{"?count=0", 5, 1, 0, ""},
		{"?count=-3", 5, 1, 0, ""},
		{"?filter=userName%20sw%20%22user%22&startIndex=2&count=2", 5, 2, 2, ids[1]},
	}
	for _, c := range cases {
		r := ts.do("GET", "/scim/v2/Users"+c.q, "").must(t, 200)
		if r.body["totalResults"] != c.total || r.body["startIndex"] != c.start || r.body["itemsPerPage"] != c.per {
			t.Errorf("%s: %v %v %v", c.q, r.body["totalResults"], r.body["startIndex"], r.body["itemsPerPage"])
		}
		rs := resources(r.body)
		if _, ok := r.body["Resources"].([]any); !ok {
			t.Errorf("%s: Resources missing or null", c.q)
		}
		if c.first != "" && (len(rs) == 0 || rs[0]["id"] != c.first) {
			t.Errorf("%s: first %v, want %s", c.q, rs, c.first)
		}
	}
}

func TestCountCappedAtMaxResults(t *testing.T) {
	ts := newT(t)
	var users []string
	for i := range MaxResults + 5 {
		users = append(users, fmt.Sprintf(`{"userName":"bulk%03d"}`, i))
	}
	for _, u := range users {
		ts.do("POST", "/scim/v2/Users", u).must(t, 201)
	}
	r := ts.do("GET", "/scim/v2/Users?count=1000", "").must(t, 200)
	if r.body["itemsPerPage"] != float64(MaxResults) || r.body["totalResults"] != float64(MaxResults+5) {
		t.Fatalf("cap: %v %v", r.body["itemsPerPage"], r.body["totalResults"])
	}
	spc := ts.do("GET", "/scim/v2/ServiceProviderConfig", "").must(t, 200)
	if spc.body["filter"].(map[string]any)["maxResults"] != float64(MaxResults) {
		t.Fatalf("advertised maxResults: %s", spc.raw)
	}
}

func TestDiscovery(t *testing.T) {
	ts := newT(t)
	r := ts.do("GET", "/scim/v2/ServiceProviderConfig", "").must(t, 200)
	for k, want := range map[string]bool{"patch": true, "filter": true, "bulk": false, "changePassword": true, "sort": true, "etag": true} {
		if r.body[k].(map[string]any)["supported"] != want {
			t.Errorf("%s.supported != %v", k, want)
		}
	}
	if !strings.Contains(r.raw, "oauthbearertoken") {
		t.Error("no oauthbearertoken scheme")
	}
	r = ts.do("GET", "/scim/v2/Schemas", "").must(t, 200)
	// User, EnterpriseUser, Group and Okta's Role and Entitlement (entitlements.go), and the
	// reference server's own User extension.
	if r.body["totalResults"] != 6.0 || !strings.Contains(r.raw, `"caseExact"`) || !strings.Contains(r.raw, `"uniqueness":"server"`) {
		t.Fatalf("schemas: %.300s", r.raw)
	}
	r = ts.do("GET", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "").must(t, 200)
	if r.str("name") != "User" {
		t.Fatalf("schema by id: %.200s", r.raw)
	}
	ts.do("GET", "/scim/v2/Schemas/urn:nope", "").scimErr(t, 404, "")
	r = ts.do("GET", "/scim/v2/ResourceTypes", "").must(t, 200)
	if r.body["totalResults"] != 4.0 { // User, Group, Role, License
		t.Fatalf("resource types: %s", r.raw)
	}
	r = ts.do("GET", "/scim/v2/ResourceTypes/Group", "").must(t, 200)
	if r.str("endpoint") != "/Groups" {
		t.Fatalf("resource type: %s", r.raw)
	}
	ts.do("GET", "/scim/v2/ResourceTypes/Widget", "").scimErr(t, 404, "")
}

func TestFiltersOverHTTP(t *testing.T) {
	ts := newT(t)
	a := ts.createUser("Ada@Example.com", "00uA")
	b := ts.createUser("bob@example.com", "00uB")
	ts.do("PATCH", "/scim/v2/Users/"+b, deactivate).must(t, 200)
	cases := map[string][]string{
		`externalId eq "00uA"`:                             {a},
		`externalId eq "00ua"`:                             nil,
		`active eq false`:                                  {b},
		`emails.value co "example"`:                        {a, b},
		`emails[type eq "work" and value sw "BOB"]`:        {b},
		`userName eq "ada@example.com" or active eq false`: {a, b},
		`not (userName eq "ada@example.com")`:              {b},
		`meta.lastModified gt "2000-01-01T00:00:00Z"`:      {a, b},
		`name.givenName eq "test"`:                         {a, b},
		`displayName eq "TEST USER"`:                       {a, b},
		`id eq "` + a + `"`:                                {a},
	}
	for f, want := range cases {
		r := ts.do("GET", "/scim/v2/Users?filter="+strings.ReplaceAll(urlq(f), " ", "%20"), "").must(t, 200)
		var got []string
		for _, res := range resources(r.body) {
			got = append(got, res["id"].(string))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: got %v want %v", f, got, want)
		}
	}
}

func urlq(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", "#", "%23", `"`, "%22")
	return r.Replace(s)
}

func TestConcurrentWriters(t *testing.T) {
	ts := newT(t)
	gid := ts.createGroup("All")
	var wg sync.WaitGroup
	ids := make([]string, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ts.do("POST", "/scim/v2/Users", fmt.Sprintf(`{"userName":"c%d@example.com"}`, i))
			if r.code != 201 {
				t.Errorf("create: %d %s", r.code, r.raw)
				return
			}
			ids[i] = r.str("id")
			r = ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, ids[i]))
			if r.code != 200 {
				t.Errorf("add member: %d %s", r.code, r.raw)
			}
		}()
	}
	wg.Wait()
	r := ts.do("GET", "/scim/v2/Groups/"+gid, "").must(t, 200)
	if n := len(memberIDs(r.body)); n != 16 {
		t.Fatalf("%d members after 16 concurrent adds (lost update)", n)
	}
}

func TestRecoveryAnswers500(t *testing.T) {
	ts := newT(t, WithHandler("/boom/", func(UserDirectory) (http.Handler, error) {
		return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), nil
	}))
	ts.do("GET", "/boom/x", "").scimErr(t, 500, "")
}

func TestWithHandlerAndDirectory(t *testing.T) {
	var dir UserDirectory
	ts := newT(t, WithHandler("/saml/", func(d UserDirectory) (http.Handler, error) {
		dir = d
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, ok, err := d.UserByUserName(r.Context(), r.URL.Query().Get("u"))
			if err != nil || !ok {
				http.Error(w, "no", http.StatusForbidden)
				return
			}
			fmt.Fprintf(w, "%s %s %s %v %s", u.UserName, u.Email, u.GivenName, u.Active, r.URL.Path)
		}), nil
	}))
	ts.createUser("Ada@Example.com", "")
	r := ts.do("GET", "/saml/acs?u=ADA@example.COM", "", "Authorization:").must(t, 200)
	if r.raw != "Ada@Example.com Ada@Example.com Test true /saml/acs" {
		t.Fatalf("mounted handler: %q", r.raw)
	}
	ts.do("GET", "/saml/acs?u=nobody", "", "Authorization:").must(t, 403)
	if dir == nil {
		t.Fatal("build not called")
	}
	if _, err := New(WithHandler("/scim/v2/x", func(UserDirectory) (http.Handler, error) { return http.NotFoundHandler(), nil })); err == nil {
		t.Fatal("mount inside the SCIM base path accepted")
	}
}

func TestUnknownFault(t *testing.T) {
	if _, err := New(WithFaults("no-such-fault")); err == nil {
		t.Fatal("unknown fault accepted")
	}
	fs := Faults()
	if len(fs) == 0 || len(fs) != len(faults.OfKind(faults.SCIM)) {
		t.Fatalf("%d faults offered, the catalogue has %d SCIM faults", len(fs), len(faults.OfKind(faults.SCIM)))
	}
	for i := 1; i < len(fs); i++ {
		if fs[i-1].Name >= fs[i].Name || fs[i].Description == "" {
			t.Fatalf("catalogue not sorted or undocumented at %s", fs[i].Name)
		}
	}
}
