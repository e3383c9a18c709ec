package reference

import (
	"fmt"
	"testing"
)

// Probes of the faults of faults_entitlements.go, hooked into the probe
// table of faults_test.go.
func init() {
	for name, p := range entitlementProbes {
		probes[name] = p
	}
	// Without discovery endpoints no entitlement type is discoverable either.
	alsoBreaks["no-discovery"] = append(alsoBreaks["no-discovery"], "entitlements-not-discoverable")
}

// userWithGrants is a POST body holding one role and one license.
func userWithGrants(userName, role, license string) string {
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"emails":[{"primary":true,"value":%q,"type":"work"}],"active":true,`+
		`"roles":[{"value":%q,"display":"R"}],"entitlements":[{"value":%q,"display":"L","type":"License"}]}`, userName, userName, role, license)
}

var entitlementProbes = map[string]probe{
	"entitlements-not-discoverable": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/ResourceTypes", "")
		found := 0
		for _, rt := range resources(r.body) {
			if u := str(rt, "schema"); u == oktaRoleURN || u == oktaEntitlementURN {
				found++
			}
		}
		return r.code == 200 && found == 2
	},
	"entitlement-paging-ignores-count": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Roles?count=1&startIndex=1", "")
		return r.code == 200 && num(r.body["itemsPerPage"]) == 1 && len(resources(r.body)) == 1 && num(r.body["totalResults"]) == 3
	},
	"drop-assigned-entitlement": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"grant@x", "")
		put := ts.do("PUT", "/scim/v2/Users/"+id, userWithGrants(p+"grant@x", "role-editor", "license-pro"))
		got := ts.do("GET", "/scim/v2/Users/"+id, "")
		return put.code == 200 && len(got.list("roles")) == 1 && len(got.list("entitlements")) == 1
	},
	"accept-unknown-entitlement": func(t *testing.T, ts *tserver, p string) bool {
		ok := ts.do("POST", "/scim/v2/Users", userWithGrants(p+"known@x", "role-admin", "license-basic")).code/100 == 2
		r := ts.do("POST", "/scim/v2/Users", userWithGrants(p+"unknown@x", "role-root", "license-basic"))
		return ok && r.code == 400 && r.str("scimType") == "invalidValue"
	},
}

func TestEntitlementEndpoints(t *testing.T) {
	ts := newT(t)
	for _, tc := range []struct {
		path              string
		code, total, page int
	}{
		{"/scim/v2/Roles", 200, 3, 3},
		{"/scim/v2/Licenses?startIndex=2&count=1", 200, 3, 1},
		{"/scim/v2/Licenses?startIndex=3&count=5", 200, 3, 1},
		{"/scim/v2/Roles?startIndex=4", 200, 3, 0},
		{"/scim/v2/Roles?count=0", 200, 3, 0},
		{"/scim/v2/Roles?count=x", 400, -1, -1},
		{"/scim/v2/Roles?filter=id%20eq%20%22role-admin%22", 400, -1, -1},
	} {
		r := ts.do("GET", tc.path, "")
		if r.code != tc.code {
			t.Errorf("GET %s = %d %s", tc.path, r.code, r.raw)
			continue
		}
		if tc.total >= 0 && (int(num(r.body["totalResults"])) != tc.total || int(num(r.body["itemsPerPage"])) != tc.page || len(resources(r.body)) != tc.page) {
			t.Errorf("GET %s = %s", tc.path, r.raw)
		}
	}
	if r := ts.do("GET", "/scim/v2/Licenses/license-pro", ""); r.code != 200 || r.str("type") != "License" || r.str("displayName") != "Professional" {
		t.Errorf("GET license = %d %s", r.code, r.raw)
	}
	if r := ts.do("GET", "/scim/v2/Roles/role-root", ""); r.code != 404 || r.str("status") != "404" {
		t.Errorf("GET unknown role = %d %s", r.code, r.raw)
	}
	if r := ts.do("GET", "/scim/v2/Roles", "", "Authorization:"); r.code != 401 {
		t.Errorf("GET /Roles without credentials = %d", r.code)
	}
	if r := ts.do("GET", "/scim/v2/ResourceTypes/License", "", "Authorization:"); r.code != 200 || r.str("endpoint") != "/Licenses" {
		t.Errorf("GET /ResourceTypes/License = %d %s", r.code, r.raw)
	}
	if r := ts.do("GET", "/scim/v2/Schemas/"+oktaRoleURN, "", "Authorization:"); r.code != 200 {
		t.Errorf("GET Role schema = %d %s", r.code, r.raw)
	}
}

func TestUsersHoldOnlyOfferedEntitlements(t *testing.T) {
	ts := newT(t)
	id := ts.createUser("ada@x", "")
	for _, tc := range []struct {
		name, method, path, body string
		code                     int
	}{
		{"known on create", "POST", "/scim/v2/Users", userWithGrants("bob@x", "role-admin", "license-pro"), 201},
		{"unknown role", "POST", "/scim/v2/Users", userWithGrants("cy@x", "role-root", "license-pro"), 400},
		{"unknown license", "PUT", "/scim/v2/Users/" + id, userWithGrants("ada@x", "role-admin", "license-gold"), 400},
		{"role used as license", "PUT", "/scim/v2/Users/" + id, userWithGrants("ada@x", "role-admin", "role-viewer"), 400},
		{"wrong type", "POST", "/scim/v2/Users", `{"userName":"dee@x","entitlements":[{"value":"license-pro","type":"Role"}]}`, 400},
		{"not an array", "POST", "/scim/v2/Users", `{"userName":"eve@x","roles":"role-admin"}`, 400},
		{"item not an object", "POST", "/scim/v2/Users", `{"userName":"fay@x","roles":["role-admin"]}`, 400},
		{"patch add unknown", "PATCH", "/scim/v2/Users/" + id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"roles","value":[{"value":"nope"}]}]}`, 400},
		{"patch add known", "PATCH", "/scim/v2/Users/" + id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"roles","value":[{"value":"role-viewer"}]}]}`, 200},
		{"empty lists", "PUT", "/scim/v2/Users/" + id, `{"userName":"ada@x","emails":[{"primary":true,"value":"ada@x","type":"work"}],"roles":[],"entitlements":[]}`, 200},
	} {
		r := ts.do(tc.method, tc.path, tc.body)
		if r.code != tc.code {
			t.Errorf("%s: %s %s = %d %s, want %d", tc.name, tc.method, tc.path, r.code, r.raw, tc.code)
		}
		if tc.code == 400 && r.str("scimType") != "invalidValue" {
			t.Errorf("%s: scimType %q", tc.name, r.str("scimType"))
		}
	}
}

func (r resp) list(key string) []any {
	l, _ := r.body[key].([]any)
	return l
}
