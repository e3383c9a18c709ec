package reference

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// probe checks one behaviour on a fresh server and reports whether it is
// correct. Each fault must break its own probe and no other, except the
// overlaps declared in alsoBreaks.
type probe func(t *testing.T, ts *tserver, p string) bool

func putBody(userName, given string) string {
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"name":{"givenName":%q,"familyName":"User"},"emails":[{"primary":true,"value":%q,"type":"work"}],"displayName":%q,"active":true}`, userName, given, userName, given+" User")
}

var probes = map[string]probe{
	"counters-as-strings": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"cs@x", "")
		r := ts.do("GET", "/scim/v2/Users?startIndex=1&count=2", "")
		_, a := r.body["totalResults"].(float64)
		_, b := r.body["startIndex"].(float64)
		_, c := r.body["itemsPerPage"].(float64)
		return r.code == 200 && a && b && c
	},
	"auth-skip-patch": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		gid := ts.createGroup(p + "g")
		return ts.do("PATCH", "/scim/v2/Users/"+id, deactivate, "Authorization:").code == 401 &&
			ts.do("PATCH", "/scim/v2/Groups/"+gid, `{"Operations":[{"op":"replace","path":"displayName","value":"h"}]}`, "Authorization:").code == 401
	},
	"accept-any-token": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/Users", "", "Authorization: Bearer not-a-token").code == 401
	},
	"plain-text-401": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users", "", "Authorization:")
		return r.code == 401 && r.body != nil && strings.HasPrefix(r.hdr.Get("Content-Type"), "application/scim+json")
	},
	"echo-token": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users", "", "Authorization: Bearer guessed-secret-42")
		return !strings.Contains(r.raw, "guessed-secret-42")
	},
	"ignore-revocation": func(t *testing.T, ts *tserver, p string) bool {
		ctx := context.Background()
		secret, info, err := ts.s.Tokens().Create(ctx, "p")
		if err != nil {
			t.Fatal(err)
		}
		ok := ts.do("GET", "/scim/v2/Users", "", "Authorization: Bearer "+secret).code == 200
		if err := ts.s.Tokens().Revoke(ctx, info.ID); err != nil {
			t.Fatal(err)
		}
		return ok && ts.do("GET", "/scim/v2/Users", "", "Authorization: Bearer "+secret).code == 401
	},
	"lookup-miss-404": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22nobody%40x%22", "")
		return r.code == 200 && num(r.body["totalResults"]) == 0
	},
	"create-200": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/Users", oktaUser(p+"a@x", "")).code == 201
	},
	"create-empty-body": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("POST", "/scim/v2/Users", oktaUser(p+"a@x", ""))
		return r.str("id") != "" && r.str("userName") == p+"a@x"
	},
	"lowercase-username": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"Mixed.Case@X", "")
		return ts.do("GET", "/scim/v2/Users/"+id, "").str("userName") == p+"Mixed.Case@X"
	},
	"case-sensitive-filter": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"Mixed@X", "")
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22"+p+"mixed%40x%22", "")
		return num(r.body["totalResults"]) == 1
	},
	"no-uniqueness": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"dup@x", "")
		return ts.do("POST", "/scim/v2/Users", oktaUser(p+"DUP@x", "")).code == 409
	},
	"echo-password": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("POST", "/scim/v2/Users", oktaUser(p+"a@x", ""))
		g := ts.do("GET", "/scim/v2/Users/"+r.str("id"), "")
		return !strings.Contains(r.raw+g.raw, "1mz050nq") && !strings.Contains(r.raw+g.raw, "password")
	},
	"put-ignores-name": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		ts.do("PUT", "/scim/v2/Users/"+id, putBody(p+"a@x", "Changed"))
		g := ts.do("GET", "/scim/v2/Users/"+id, "")
		n, _ := g.body["name"].(map[string]any)
		return n["givenName"] == "Changed" && g.str("displayName") == "Changed User"
	},
	"strict-put": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		body := ts.do("GET", "/scim/v2/Users/"+id, "").body // mockidp/okta/WIRE.md §5.1: GET body merged
		body["password"], body["groups"], body["nickName"], body["x-custom"] = "p", []any{}, "Ada", "y"
		b, _ := json.Marshal(body)
		return ts.do("PUT", "/scim/v2/Users/"+id, string(b)).code == 200
	},
	"silent-email-ignore": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		r := ts.do("PUT", "/scim/v2/Users/"+id, putBody(p+"b@x", "Test"))
		return r.code == 400 && r.body["scimType"] == "mutability"
	},
	"ignore-deactivation": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		ts.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","path":"active","value":false}]}`)
		return ts.do("GET", "/scim/v2/Users/"+id, "").body["active"] == false
	},
	"path-only-patch": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		return ts.do("PATCH", "/scim/v2/Users/"+id, deactivate).code == 200
	},
	"inactive-404": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.postUser(p+"in@x", fmt.Sprintf(`{"userName":"%sin@x","active":false}`, p))
		return ts.do("GET", "/scim/v2/Users/"+id, "").code == 200
	},
	"filter-hides-inactive": func(t *testing.T, ts *tserver, p string) bool {
		ts.do("POST", "/scim/v2/Users", fmt.Sprintf(`{"userName":"%sin@x","active":false}`, p))
		var id string
		for _, res := range resources(ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22"+p+"in%40x%22", "").body) {
			id, _ = res["id"].(string)
		}
		found := false
		for _, res := range resources(ts.do("GET", "/scim/v2/Users?filter=active%20eq%20false&count=200", "").body) {
			found = found || (id != "" && res["id"] == id)
		}
		return num(ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22"+p+"in%40x%22", "").body["totalResults"]) == 1 && found
	},
	"externalid-unique": func(t *testing.T, ts *tserver, p string) bool {
		ts.do("POST", "/scim/v2/Users", fmt.Sprintf(`{"userName":"%sold@x","externalId":"%s00u1","active":false}`, p, p))
		return ts.do("POST", "/scim/v2/Users", oktaUser(p+"new@x", p+"00u1")).code/100 == 2
	},
	"zero-based-paging": func(t *testing.T, ts *tserver, p string) bool {
		// Two users, so that listing-order-rotates (declared to break this
		// probe too) cannot pass it when this probe runs first.
		ts.createUser(p+"a@x", "")
		ts.createUser(p+"b@x", "")
		first := resources(ts.do("GET", "/scim/v2/Users?count=1", "").body)
		rs := resources(ts.do("GET", "/scim/v2/Users?startIndex=1&count=1", "").body)
		return len(rs) == 1 && len(first) == 1 && rs[0]["id"] == first[0]["id"]
	},
	"listing-order-rotates": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"a@x", "")
		ts.createUser(p+"b@x", "")
		ids := func() string {
			var out []string
			for _, r := range resources(ts.do("GET", "/scim/v2/Users?startIndex=1&count=200", "").body) {
				out = append(out, fmt.Sprint(r["id"]))
			}
			return strings.Join(out, ",")
		}
		return ids() == ids()
	},
	"case-sensitive-lookup-404": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"Mixed@X", "")
		return ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22"+p+"mixed%40x%22", "").code == 200
	},
	"get-omits-emails": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		_, has := ts.do("GET", "/scim/v2/Users/"+id, "").body["emails"]
		return has
	},
	"refuse-unknown-schema": func(t *testing.T, ts *tserver, p string) bool {
		body := strings.Replace(oktaUser(p+"ext@x", ""), `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`,
			`"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:params:scim:schemas:extension:unknown:2.0:User"]`, 1)
		c := ts.do("POST", "/scim/v2/Users", body).code
		return c == 201 || c == 200 // create-200 answers 200: that one is not this fault
	},
	"conflict-wrong-scimtype": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"dup@x", "")
		r := ts.do("POST", "/scim/v2/Users", oktaUser(p+"dup@x", ""))
		return r.code == 409 && r.str("scimType") == "uniqueness"
	},
	"echo-password-credential": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("POST", "/scim/v2/Users", oktaUser(p+"a@x", ""))
		g := ts.do("GET", "/scim/v2/Users/"+r.str("id"), "")
		return !strings.Contains(r.raw+g.raw, "credential")
	},
	"ignore-reactivation": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.postUser(p+"re@x", fmt.Sprintf(`{"userName":"%sre@x","active":false}`, p))
		ts.do("PUT", "/scim/v2/Users/"+id, putBody(p+"re@x", "Re"))
		return ts.do("GET", "/scim/v2/Users/"+id, "").body["active"] == true
	},
	"ignore-reactivation-patch": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.postUser(p+"rp@x", fmt.Sprintf(`{"userName":"%srp@x","active":false}`, p))
		ts.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","path":"active","value":true}]}`)
		return ts.do("GET", "/scim/v2/Users/"+id, "").body["active"] == true
	},
	"group-remove-wrong-member": func(t *testing.T, ts *tserver, p string) bool {
		a := ts.createUser(p+"a@x", "")
		b := ts.createUser(p+"b@x", "")
		c := ts.createUser(p+"c@x", "")
		gid := ts.createGroup(p+"g", a, b, c)
		if r := ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"}]}`, b)); r.code >= 300 {
			return true // refused outright: group-remove-filter-unsupported's behaviour, not this one
		}
		got := memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)
		return len(got) == 2 && slices.Contains(got, a) && slices.Contains(got, c)
	},
	"items-per-page-requested": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"a@x", "")
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20sw%20%22"+p+"%22&startIndex=1&count=100", "")
		return num(r.body["itemsPerPage"]) == float64(len(resources(r.body)))
	},
	"past-end-400": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"a@x", "")
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20sw%20%22"+p+"%22&startIndex=101&count=100", "")
		return r.code == 200 && num(r.body["totalResults"]) == 1
	},
	"malformed-id-400": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/Users/010101001010101011001010101011", "").code == 404 &&
			ts.do("GET", "/scim/v2/Groups/00919288221112222", "").code == 404
	},
	"html-errors": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users/2819c223-7f76-453a-919d-413861904646", "")
		return r.code == 404 && r.body != nil && r.body["status"] == "404"
	},
	"bad-json-500": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/Users", `{"userName":`).code == 400 &&
			ts.do("POST", "/scim/v2/Users", `{"userName":"a","active":"yes"}`).code == 400
	},
	"invalid-filter-500": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/Users?filter=userName%20eq", "").code == 400
	},
	"group-create-200": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/Groups", `{"displayName":"g","members":[]}`).code == 201
	},
	"group-patch-add-ignored": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		gid := ts.createGroup(p + "g")
		ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, id))
		return len(memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)) == 1
	},
	"group-remove-filter-unsupported": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		gid := ts.createGroup(p+"g", id)
		r := ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"}]}`, id))
		return r.code == 200 && len(memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)) == 0
	},
	"group-rename-rejects-id": func(t *testing.T, ts *tserver, p string) bool {
		gid := ts.createGroup(p + "g")
		return ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"replace","value":{"id":%q,"displayName":"h"}}]}`, gid)).code == 200
	},
	"group-replace-appends": func(t *testing.T, ts *tserver, p string) bool {
		a := ts.createUser(p+"a@x", "")
		b := ts.createUser(p+"b@x", "")
		gid := ts.createGroup(p+"g", a)
		ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"replace","path":"members","value":[{"value":%q}]}]}`, b))
		got := memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)
		return strings.Join(got, ",") == b
	},
	"group-delete-noop": func(t *testing.T, ts *tserver, p string) bool {
		gid := ts.createGroup(p + "g")
		return ts.do("DELETE", "/scim/v2/Groups/"+gid, "").code == 204 && ts.do("GET", "/scim/v2/Groups/"+gid, "").code == 404
	},
	"no-discovery": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/ServiceProviderConfig", "").code == 200 &&
			ts.do("GET", "/scim/v2/Schemas", "").code == 200 && ts.do("GET", "/scim/v2/ResourceTypes", "").code == 200
	},
	"discovery-writable": func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/ServiceProviderConfig", `{}`).code == 405 &&
			ts.do("POST", "/scim/v2/Schemas", `{}`).code == 405 && ts.do("POST", "/scim/v2/ResourceTypes", `{}`).code == 405
	},
}

// alsoBreaks lists probes a fault breaks besides its own, where that is
// inherent (accepting any token also accepts revoked ones; a server
// without path-less PATCH cannot do Okta's group rename).
var alsoBreaks = map[string][]string{
	"accept-any-token":          {"ignore-revocation"},
	"case-sensitive-lookup-404": {"case-sensitive-filter"},
	"listing-order-rotates":     {"zero-based-paging"},
	"no-uniqueness":             {"conflict-wrong-scimtype"},
	"echo-password-credential":  {"echo-password"},
	"ignore-reactivation":       {"ignore-reactivation-patch"},
	"path-only-patch":           {"group-rename-rejects-id"},
	"no-discovery":              {"discovery-writable"},
	"inactive-404":              {"ignore-deactivation"},
}

// suiteOnly are faults without a probe here: hang-on-wrong-token holds
// refused requests until the client gives up, which the suite's self-test
// proves with a short client timeout.
var suiteOnly = map[string]bool{"hang-on-wrong-token": true}

// TestFaultsBreakExactlyTheirBehaviour runs every probe against a clean
// server (all must pass) and against each fault alone (only the fault's
// own probe and its declared overlaps may fail).
func TestFaultsBreakExactlyTheirBehaviour(t *testing.T) {
	for _, f := range Faults() {
		if _, ok := probes[f.Name]; !ok && !suiteOnly[f.Name] {
			t.Errorf("fault %s has no probe", f.Name)
		}
	}
	// One server per fault (a server costs ~50 ms under -race); each probe
	// works on its own names, prefixed with a per-probe string.
	run := func(t *testing.T, fault string) []string {
		var opts []Option
		if fault != "" {
			opts = append(opts, WithFaults(fault))
		}
		ts := newT(t, opts...)
		var failed []string
		i := 0
		for name, p := range probes {
			i++
			if !p(t, ts, fmt.Sprintf("p%02d-", i)) {
				failed = append(failed, name)
			}
		}
		sort.Strings(failed)
		return failed
	}
	if failed := run(t, ""); len(failed) > 0 {
		t.Fatalf("clean server fails probes %v", failed)
	}
	for _, f := range Faults() {
		if suiteOnly[f.Name] {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			want := append([]string{f.Name}, alsoBreaks[f.Name]...)
			sort.Strings(want)
			if got := run(t, f.Name); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("fault %s breaks %v, want %v", f.Name, got, want)
			}
		})
	}
}

// Specific shapes of some faults, beyond pass/fail.
func TestFaultShapes(t *testing.T) {
	t.Run("plain-text-401", func(t *testing.T) {
		r := newT(t, WithFaults("plain-text-401")).do("GET", "/scim/v2/Users", "", "Authorization:")
		if r.code != 401 || r.raw != "Unauthorized" || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/plain") {
			t.Fatalf("%d %q %q", r.code, r.hdr.Get("Content-Type"), r.raw)
		}
	})
	t.Run("echo-token", func(t *testing.T) {
		r := newT(t, WithFaults("echo-token")).do("GET", "/scim/v2/Users", "", "Authorization: Bearer abc")
		if r.str("detail") != "invalid token: Bearer abc" {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("html-errors", func(t *testing.T) {
		ts := newT(t, WithFaults("html-errors"))
		for _, p := range []string{"/scim/v2/Users/nope", "/scim/v2/Nope"} {
			r := ts.do("GET", p, "")
			if r.code != 404 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s", p, r.code, r.hdr.Get("Content-Type"))
			}
		}
	})
	t.Run("bad-json-500", func(t *testing.T) {
		newT(t, WithFaults("bad-json-500")).do("POST", "/scim/v2/Users", `{"userName":"a","active":"yes"}`).scimErr(t, 500, "")
	})
	t.Run("counters-as-strings", func(t *testing.T) {
		r := newT(t, WithFaults("counters-as-strings")).do("GET", "/scim/v2/Users", "")
		if r.body["totalResults"] != "0" || r.body["startIndex"] != "1" || r.body["itemsPerPage"] != "0" {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("create-empty-body stores the user", func(t *testing.T) {
		ts := newT(t, WithFaults("create-empty-body"))
		r := ts.do("POST", "/scim/v2/Users", oktaUser("a@x", ""))
		if _, has := r.body["userName"]; r.code != 201 || r.str("id") == "" || has {
			t.Fatalf("%d %q", r.code, r.raw)
		}
		if ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22a%40x%22", "").body["totalResults"] != 1.0 {
			t.Fatal("user not stored")
		}
	})
	t.Run("ignore-deactivation answers active false", func(t *testing.T) {
		ts := newT(t, WithFaults("ignore-deactivation"))
		id := ts.createUser("a@x", "")
		if r := ts.do("PATCH", "/scim/v2/Users/"+id, deactivate); r.code != 200 || r.body["active"] != false {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("path-only-patch still takes paths", func(t *testing.T) {
		ts := newT(t, WithFaults("path-only-patch"))
		id := ts.createUser("a@x", "")
		ts.do("PATCH", "/scim/v2/Users/"+id, deactivate).scimErr(t, 400, "invalidPath")
		ts.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","path":"active","value":false}]}`).must(t, 200)
	})
	t.Run("group-patch-add-ignored answers 204", func(t *testing.T) {
		ts := newT(t, WithFaults("group-patch-add-ignored"))
		id := ts.createUser("a@x", "")
		gid := ts.createGroup("g")
		ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, id)).must(t, 204)
	})
}
