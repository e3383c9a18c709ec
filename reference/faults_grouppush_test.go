package reference

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Probes of the faults in faults_grouppush.go, added to the shared probe
// table (faults_test.go) so that TestFaultsBreakExactlyTheirBehaviour
// covers them.
func init() {
	for name, p := range groupPushProbes {
		probes[name] = p
	}
	// A server that ignores every member add also ignores the add after a
	// remove; one that rewrites each remove to the last member also gets
	// a two-member remove wrong.
	alsoBreaks["group-patch-add-ignored"] = append(alsoBreaks["group-patch-add-ignored"], "group-patch-first-kind-only")
	alsoBreaks["group-remove-wrong-member"] = append(alsoBreaks["group-remove-wrong-member"], "group-remove-first-only")
}

func groupMembers(ts *tserver, gid string) string {
	got := memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)
	slices.Sort(got)
	return strings.Join(got, ",")
}

var groupPushProbes = map[string]probe{
	"group-remove-first-only": func(t *testing.T, ts *tserver, p string) bool {
		a, b, c := ts.createUser(p+"a@x", ""), ts.createUser(p+"b@x", ""), ts.createUser(p+"c@x", "")
		gid := ts.createGroup(p+"g", a, b, c)
		body := fmt.Sprintf(`{"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"},{"op":"remove","path":"members[value eq \"%s\"]"}]}`, a, c)
		if r := ts.do("PATCH", "/scim/v2/Groups/"+gid, body); r.code >= 300 {
			return true // refused outright: group-remove-filter-unsupported's behaviour
		}
		return groupMembers(ts, gid) == b
	},
	"group-patch-first-kind-only": func(t *testing.T, ts *tserver, p string) bool {
		a, b := ts.createUser(p+"a@x", ""), ts.createUser(p+"b@x", "")
		gid := ts.createGroup(p+"g", a)
		body := fmt.Sprintf(`{"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"},{"op":"add","path":"members","value":[{"value":%q}]}]}`, a, b)
		if r := ts.do("PATCH", "/scim/v2/Groups/"+gid, body); r.code >= 300 {
			return true
		}
		return groupMembers(ts, gid) == b
	},
	"group-rename-drops-members": func(t *testing.T, ts *tserver, p string) bool {
		a, b := ts.createUser(p+"a@x", ""), ts.createUser(p+"b@x", "")
		gid := ts.createGroup(p+"g", a, b)
		body := fmt.Sprintf(`{"Operations":[{"op":"replace","value":{"id":%q,"displayName":%q}}]}`, gid, p+"h")
		if r := ts.do("PATCH", "/scim/v2/Groups/"+gid, body); r.code >= 300 {
			return true // refused outright: path-only-patch or group-rename-rejects-id
		}
		want := []string{a, b}
		slices.Sort(want)
		return groupMembers(ts, gid) == strings.Join(want, ",")
	},
	"group-put-merges-members": func(t *testing.T, ts *tserver, p string) bool {
		a, b := ts.createUser(p+"a@x", ""), ts.createUser(p+"b@x", "")
		gid := ts.createGroup(p+"g", a, b)
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":%q,"members":[{"value":%q}]}`, p+"g", b)
		return ts.do("PUT", "/scim/v2/Groups/"+gid, body).code == 200 && groupMembers(ts, gid) == b
	},
	"group-put-ignores-displayname": func(t *testing.T, ts *tserver, p string) bool {
		gid := ts.createGroup(p + "g")
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":%q,"members":[]}`, p+"h")
		return ts.do("PUT", "/scim/v2/Groups/"+gid, body).code == 200 && ts.do("GET", "/scim/v2/Groups/"+gid, "").str("displayName") == p+"h"
	},
	"group-list-skips-empty": func(t *testing.T, ts *tserver, p string) bool {
		gid := ts.createGroup(p + "empty")
		for start := 1; start < 10000; start += 100 {
			r := ts.do("GET", fmt.Sprintf("/scim/v2/Groups?startIndex=%d&count=100", start), "")
			for _, g := range resources(r.body) {
				if g["id"] == gid {
					return true
				}
			}
			if r.code != 200 || float64(start+100) > num(r.body["totalResults"]) {
				return false
			}
		}
		return false
	},
}
