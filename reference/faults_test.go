package reference

import (
	"context"
	"encoding/json"
	"fmt"
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
	faultCountersAsStrings: func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"cs@x", "")
		r := ts.do("GET", "/scim/v2/Users?startIndex=1&count=2", "")
		_, a := r.body["totalResults"].(float64)
		_, b := r.body["startIndex"].(float64)
		_, c := r.body["itemsPerPage"].(float64)
		return r.code == 200 && a && b && c
	},
	faultAuthSkipPatch: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		gid := ts.createGroup(p + "g")
		return ts.do("PATCH", "/scim/v2/Users/"+id, deactivate, "Authorization:").code == 401 &&
			ts.do("PATCH", "/scim/v2/Groups/"+gid, `{"Operations":[{"op":"replace","path":"displayName","value":"h"}]}`, "Authorization:").code == 401
	},
	faultAcceptAnyToken: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/Users", "", "Authorization: Bearer not-a-token").code == 401
	},
	faultPlainText401: func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users", "", "Authorization:")
		return r.code == 401 && r.body != nil && strings.HasPrefix(r.hdr.Get("Content-Type"), "application/scim+json")
	},
	faultEchoToken: func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users", "", "Authorization: Bearer guessed-secret-42")
		return !strings.Contains(r.raw, "guessed-secret-42")
	},
	faultIgnoreRevocation: func(t *testing.T, ts *tserver, p string) bool {
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
	faultLookupMiss404: func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22nobody%40x%22", "")
		return r.code == 200 && num(r.body["totalResults"]) == 0
	},
	faultCreate200: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/Users", oktaUser(p+"a@x", "")).code == 201
	},
	faultCreateEmptyBody: func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("POST", "/scim/v2/Users", oktaUser(p+"a@x", ""))
		return r.str("id") != "" && r.str("userName") == p+"a@x"
	},
	faultLowercaseUsername: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"Mixed.Case@X", "")
		return ts.do("GET", "/scim/v2/Users/"+id, "").str("userName") == p+"Mixed.Case@X"
	},
	faultCaseSensitiveFilter: func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"Mixed@X", "")
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22"+p+"mixed%40x%22", "")
		return num(r.body["totalResults"]) == 1
	},
	faultNoUniqueness: func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"dup@x", "")
		return ts.do("POST", "/scim/v2/Users", oktaUser(p+"DUP@x", "")).code == 409
	},
	faultEchoPassword: func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("POST", "/scim/v2/Users", oktaUser(p+"a@x", ""))
		g := ts.do("GET", "/scim/v2/Users/"+r.str("id"), "")
		return !strings.Contains(r.raw+g.raw, "1mz050nq") && !strings.Contains(r.raw+g.raw, "password")
	},
	faultPutIgnoresName: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		ts.do("PUT", "/scim/v2/Users/"+id, putBody(p+"a@x", "Changed"))
		g := ts.do("GET", "/scim/v2/Users/"+id, "")
		n, _ := g.body["name"].(map[string]any)
		return n["givenName"] == "Changed" && g.str("displayName") == "Changed User"
	},
	faultStrictPut: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		body := ts.do("GET", "/scim/v2/Users/"+id, "").body // okta-wire §5.1: GET body merged
		body["password"], body["groups"], body["nickName"], body["x-custom"] = "p", []any{}, "Ada", "y"
		b, _ := json.Marshal(body)
		return ts.do("PUT", "/scim/v2/Users/"+id, string(b)).code == 200
	},
	faultSilentEmailIgnore: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		r := ts.do("PUT", "/scim/v2/Users/"+id, putBody(p+"b@x", "Test"))
		return r.code == 400 && r.body["scimType"] == "mutability"
	},
	faultIgnoreDeactivation: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		ts.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","path":"active","value":false}]}`)
		return ts.do("GET", "/scim/v2/Users/"+id, "").body["active"] == false
	},
	faultPathOnlyPatch: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		return ts.do("PATCH", "/scim/v2/Users/"+id, deactivate).code == 200
	},
	faultInactive404: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.postUser(p+"in@x", fmt.Sprintf(`{"userName":"%sin@x","active":false}`, p))
		return ts.do("GET", "/scim/v2/Users/"+id, "").code == 200
	},
	faultFilterHidesInactive: func(t *testing.T, ts *tserver, p string) bool {
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
	faultExternalIDUnique: func(t *testing.T, ts *tserver, p string) bool {
		ts.do("POST", "/scim/v2/Users", fmt.Sprintf(`{"userName":"%sold@x","externalId":"%s00u1","active":false}`, p, p))
		return ts.do("POST", "/scim/v2/Users", oktaUser(p+"new@x", p+"00u1")).code/100 == 2
	},
	faultZeroBasedPaging: func(t *testing.T, ts *tserver, p string) bool {
		first := ts.createUser(p+"a@x", "")
		ts.createUser(p+"b@x", "")
		rs := resources(ts.do("GET", "/scim/v2/Users?filter=userName%20sw%20%22"+p+"%22&startIndex=1&count=1", "").body)
		return len(rs) == 1 && rs[0]["id"] == first
	},
	faultItemsPerPageRequested: func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"a@x", "")
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20sw%20%22"+p+"%22&startIndex=1&count=100", "")
		return num(r.body["itemsPerPage"]) == float64(len(resources(r.body)))
	},
	faultPastEnd400: func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"a@x", "")
		r := ts.do("GET", "/scim/v2/Users?filter=userName%20sw%20%22"+p+"%22&startIndex=101&count=100", "")
		return r.code == 200 && num(r.body["totalResults"]) == 1
	},
	faultMalformedID400: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/Users/010101001010101011001010101011", "").code == 404 &&
			ts.do("GET", "/scim/v2/Groups/00919288221112222", "").code == 404
	},
	faultHTMLErrors: func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Users/2819c223-7f76-453a-919d-413861904646", "")
		return r.code == 404 && r.body != nil && r.body["status"] == "404"
	},
	faultBadJSON500: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/Users", `{"userName":`).code == 400 &&
			ts.do("POST", "/scim/v2/Users", `{"userName":"a","active":"yes"}`).code == 400
	},
	faultInvalidFilter500: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/Users?filter=userName%20eq", "").code == 400
	},
	faultGroupCreate200: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/Groups", `{"displayName":"g","members":[]}`).code == 201
	},
	faultGroupPatchAddIgnored: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		gid := ts.createGroup(p + "g")
		ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, id))
		return len(memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)) == 1
	},
	faultGroupRemoveFilterUnsupp: func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"a@x", "")
		gid := ts.createGroup(p+"g", id)
		r := ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"}]}`, id))
		return r.code == 200 && len(memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)) == 0
	},
	faultGroupRenameRejectsID: func(t *testing.T, ts *tserver, p string) bool {
		gid := ts.createGroup(p + "g")
		return ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"replace","value":{"id":%q,"displayName":"h"}}]}`, gid)).code == 200
	},
	faultGroupReplaceAppends: func(t *testing.T, ts *tserver, p string) bool {
		a := ts.createUser(p+"a@x", "")
		b := ts.createUser(p+"b@x", "")
		gid := ts.createGroup(p+"g", a)
		ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"replace","path":"members","value":[{"value":%q},{"value":%q}]}]}`, b, a))
		got := memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)
		sort.Strings(got)
		want := []string{a, b}
		sort.Strings(want)
		return strings.Join(got, ",") == strings.Join(want, ",")
	},
	faultGroupDeleteNoop: func(t *testing.T, ts *tserver, p string) bool {
		gid := ts.createGroup(p + "g")
		return ts.do("DELETE", "/scim/v2/Groups/"+gid, "").code == 204 && ts.do("GET", "/scim/v2/Groups/"+gid, "").code == 404
	},
	faultNoDiscovery: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("GET", "/scim/v2/ServiceProviderConfig", "").code == 200 &&
			ts.do("GET", "/scim/v2/Schemas", "").code == 200 && ts.do("GET", "/scim/v2/ResourceTypes", "").code == 200
	},
	faultDiscoveryWritable: func(t *testing.T, ts *tserver, p string) bool {
		return ts.do("POST", "/scim/v2/ServiceProviderConfig", `{}`).code == 405 &&
			ts.do("POST", "/scim/v2/Schemas", `{}`).code == 405 && ts.do("POST", "/scim/v2/ResourceTypes", `{}`).code == 405
	},
}

// alsoBreaks lists probes a fault breaks besides its own, where that is
// inherent (accepting any token also accepts revoked ones; a server
// without path-less PATCH cannot do Okta's group rename).
var alsoBreaks = map[string][]string{
	faultAcceptAnyToken: {faultIgnoreRevocation},
	faultPathOnlyPatch:  {faultGroupRenameRejectsID},
	faultInactive404:    {faultIgnoreDeactivation},
}

// TestFaultsBreakExactlyTheirBehaviour runs every probe against a clean
// server (all must pass) and against each fault alone (only the fault's
// own probe and its declared overlaps may fail).
func TestFaultsBreakExactlyTheirBehaviour(t *testing.T) {
	if len(probes) != len(faultCatalogue) {
		t.Fatalf("%d probes for %d faults", len(probes), len(faultCatalogue))
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
		r := newT(t, WithFaults(faultPlainText401)).do("GET", "/scim/v2/Users", "", "Authorization:")
		if r.code != 401 || r.raw != "Unauthorized" || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/plain") {
			t.Fatalf("%d %q %q", r.code, r.hdr.Get("Content-Type"), r.raw)
		}
	})
	t.Run("echo-token", func(t *testing.T) {
		r := newT(t, WithFaults(faultEchoToken)).do("GET", "/scim/v2/Users", "", "Authorization: Bearer abc")
		if r.str("detail") != "invalid token: Bearer abc" {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("html-errors", func(t *testing.T) {
		ts := newT(t, WithFaults(faultHTMLErrors))
		for _, p := range []string{"/scim/v2/Users/nope", "/scim/v2/Nope"} {
			r := ts.do("GET", p, "")
			if r.code != 404 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s", p, r.code, r.hdr.Get("Content-Type"))
			}
		}
	})
	t.Run("bad-json-500", func(t *testing.T) {
		newT(t, WithFaults(faultBadJSON500)).do("POST", "/scim/v2/Users", `{"userName":"a","active":"yes"}`).scimErr(t, 500, "")
	})
	t.Run("counters-as-strings", func(t *testing.T) {
		r := newT(t, WithFaults(faultCountersAsStrings)).do("GET", "/scim/v2/Users", "")
		if r.body["totalResults"] != "0" || r.body["startIndex"] != "1" || r.body["itemsPerPage"] != "0" {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("create-empty-body stores the user", func(t *testing.T) {
		ts := newT(t, WithFaults(faultCreateEmptyBody))
		r := ts.do("POST", "/scim/v2/Users", oktaUser("a@x", ""))
		if r.code != 201 || r.raw != "" {
			t.Fatalf("%d %q", r.code, r.raw)
		}
		if ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22a%40x%22", "").body["totalResults"] != 1.0 {
			t.Fatal("user not stored")
		}
	})
	t.Run("ignore-deactivation answers active false", func(t *testing.T) {
		ts := newT(t, WithFaults(faultIgnoreDeactivation))
		id := ts.createUser("a@x", "")
		if r := ts.do("PATCH", "/scim/v2/Users/"+id, deactivate); r.code != 200 || r.body["active"] != false {
			t.Fatalf("%s", r.raw)
		}
	})
	t.Run("path-only-patch still takes paths", func(t *testing.T) {
		ts := newT(t, WithFaults(faultPathOnlyPatch))
		id := ts.createUser("a@x", "")
		ts.do("PATCH", "/scim/v2/Users/"+id, deactivate).scimErr(t, 400, "invalidPath")
		ts.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","path":"active","value":false}]}`).must(t, 200)
	})
	t.Run("group-patch-add-ignored answers 204", func(t *testing.T) {
		ts := newT(t, WithFaults(faultGroupPatchAddIgnored))
		id := ts.createUser("a@x", "")
		gid := ts.createGroup("g")
		ts.do("PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, id)).must(t, 204)
	})
}
