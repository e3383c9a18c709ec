package reference

import (
	"encoding/json"
	"strings"
	"testing"
)

// Probes of the faults of faults_password.go, hooked into the probe table
// of faults_test.go like strictMoreProbes, and the clean server's handling
// of Okta's password push (mockidp/okta/WIRE.md §14).

func init() {
	for name, p := range passwordProbes {
		probes[name] = p
	}
	// Both echo every password a write sent, the update answers included.
	alsoBreaks["echo-password"] = append(alsoBreaks["echo-password"], "echo-password-on-update")
	alsoBreaks["echo-password-credential"] = append(alsoBreaks["echo-password-credential"], "echo-password-on-update")
	// A PUT that refuses password refuses the AIW push, and the other way round.
	alsoBreaks["strict-put"] = append(alsoBreaks["strict-put"], "refuse-password-put")
	alsoBreaks["refuse-password-put"] = append(alsoBreaks["refuse-password-put"], "strict-put")
	// The OIN push is a path-less replace.
	alsoBreaks["path-only-patch"] = append(alsoBreaks["path-only-patch"], "refuse-password-patch")
}

const pushedPassword = "Nq4kZ7vB2xLm9TaQ"

// passwordPatch is the OIN push the mock Okta sends ([I] body, §14).
const passwordPatch = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"` + pushedPassword + `"}}]}`

// withPassword returns the user read by GET with password set: the AIW push.
func (ts *tserver) withPassword(t *testing.T, id string) string {
	t.Helper()
	u := ts.do("GET", "/scim/v2/Users/"+id, "").body
	if u == nil {
		u = map[string]any{}
	}
	u["password"] = pushedPassword
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var passwordProbes = map[string]probe{
	"refuse-password-patch": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"pp@x", "")
		r := ts.do("PATCH", "/scim/v2/Users/"+id, passwordPatch)
		return r.code == 200 || r.code == 204
	},
	"refuse-password-put": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"pu@x", "")
		return ts.do("PUT", "/scim/v2/Users/"+id, ts.withPassword(t, id)).code == 200
	},
	"echo-password-on-update": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"pe@x", "")
		a := ts.do("PATCH", "/scim/v2/Users/"+id, passwordPatch)
		b := ts.do("PUT", "/scim/v2/Users/"+id, ts.withPassword(t, id))
		return !strings.Contains(a.raw+b.raw, pushedPassword)
	},
	"password-push-deactivates": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"pd@x", "")
		ts.do("PATCH", "/scim/v2/Users/"+id, passwordPatch)
		ok := ts.do("GET", "/scim/v2/Users/"+id, "").body["active"] == true
		ts.do("PUT", "/scim/v2/Users/"+id, ts.withPassword(t, id))
		return ok && ts.do("GET", "/scim/v2/Users/"+id, "").body["active"] == true
	},
	"password-push-drops-name": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"pn@x", "")
		given := func() any {
			name, _ := ts.do("GET", "/scim/v2/Users/"+id, "").body["name"].(map[string]any)
			return name["givenName"]
		}
		want := given()
		ts.do("PATCH", "/scim/v2/Users/"+id, passwordPatch)
		ok := want != nil && given() == want
		ts.do("PUT", "/scim/v2/Users/"+id, ts.withPassword(t, id))
		return ok && given() == want
	},
}

// TestPasswordPush: the clean server accepts both forms of Okta's push,
// changes nothing else and never shows the password again.
func TestPasswordPush(t *testing.T) {
	ts := newT(t)
	id := ts.createUser("pw@x", "")
	before := ts.do("GET", "/scim/v2/Users/"+id, "").must(t, 200)
	patch := ts.do("PATCH", "/scim/v2/Users/"+id, passwordPatch).must(t, 200)
	put := ts.do("PUT", "/scim/v2/Users/"+id, ts.withPassword(t, id)).must(t, 200)
	after := ts.do("GET", "/scim/v2/Users/"+id, "").must(t, 200)
	list := ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22pw%40x%22", "").must(t, 200)
	for _, r := range []resp{patch, put, after, list} {
		if strings.Contains(r.raw, pushedPassword) || strings.Contains(r.raw, `"password"`) {
			t.Errorf("an answer shows the password: %s", r.raw)
		}
	}
	for _, k := range []string{"userName", "name", "emails", "externalId", "active"} {
		b, _ := json.Marshal(before.body[k])
		a, _ := json.Marshal(after.body[k])
		if string(a) != string(b) {
			t.Errorf("%s changed with the password push: %s -> %s", k, b, a)
		}
	}
	// A password on its own path, as RFC 7644 §3.5.2 allows, is accepted too.
	ts.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"x"}]}`).must(t, 200)
}
