package reference

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// FuzzHandler: no request, however malformed, gets a 500 or a non-SCIM
// error body from a server without faults.
func FuzzHandler(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"POST", "/scim/v2/Users", `{"userName":"a","active":"yes"}`},
		{"POST", "/scim/v2/Users", `{"userName":"a","emails":[{"value":1}]}`},
		{"POST", "/scim/v2/Users", `{"userName":"a","name":[]}`},
		{"POST", "/scim/v2/Users", `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"x"}}`},
		{"PATCH", "/scim/v2/Users/ID", `{"Operations":[{"op":"add","path":"emails[type eq \"work\"].value","value":"x"}]}`},
		{"PATCH", "/scim/v2/Users/ID", `{"Operations":[{"op":"replace","value":{"emails":[{"primary":"yes"}]}}]}`},
		{"PATCH", "/scim/v2/Groups/GID", `{"Operations":[{"op":"add","path":"members","value":{"value":"ID"}}]}`},
		{"PATCH", "/scim/v2/Groups/GID", `{"Operations":[{"op":"replace","path":"members[value eq \"ID\"].display","value":"x"}]}`},
		{"PUT", "/scim/v2/Groups/GID", `{"displayName":"g","members":[{"value":"ID","type":"Group"}]}`},
		{"GET", "/scim/v2/Users?filter=emails[type%20eq%20%22work%22]&count=x", ""},
		{"GET", "/scim/v2/Groups?filter=members.value%20eq%20%22ID%22", ""},
		{"GET", "/scim/v2/Users?filter=meta.created%20gt%202&attributes=name.givenName", ""},
		{"DELETE", "/scim/v2/Users/ID", ""},
		// Sorting and immutable member values (strict tier, sorting.go, patch).
		{"GET", "/scim/v2/Users?sortBy=name.familyName&sortOrder=descending&count=2", ""},
		{"GET", "/scim/v2/Users?sortBy=emails&sortOrder=sideways", ""},
		{"GET", "/scim/v2/Groups?sortBy=meta.lastModified&filter=displayName%20sw%20%22f%22", ""},
		{"PATCH", "/scim/v2/Groups/GID", `{"Operations":[{"op":"replace","path":"members[value eq \"ID\"]","value":{"display":"x"}}]}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	ts := newT(f)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") {
			return
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return
		}
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
		default:
			return
		}
		ts.t = t
		id := ts.createUserFresh()
		gid := ts.createGroup("fuzz-"+id[:8], id)
		path = strings.ReplaceAll(strings.ReplaceAll(path, "GID", gid), "ID", id)
		r := ts.do(method, path, body)
		if r.code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, r.code, r.raw)
		}
		if r.code >= 400 {
			var e scimError
			if err := json.Unmarshal([]byte(r.raw), &e); err != nil || e.Status == "" || len(e.Schemas) != 1 {
				t.Fatalf("%s %s: error body %q", method, path, r.raw)
			}
		}
	})
}

func (ts *tserver) createUserFresh() string {
	ts.t.Helper()
	return ts.createUser(newID()+"@fuzz.example", "")
}
