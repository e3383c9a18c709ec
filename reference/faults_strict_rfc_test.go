package reference

import (
	"strings"
	"testing"
)

// Probes of the faults of faults_strict_rfc.go, hooked into the probe
// table of faults_test.go like strictMoreProbes.

func init() {
	for name, p := range strictRFCProbes {
		probes[name] = p
	}
	// Overlaps: the same answers seen by these probes.
	alsoBreaks["no-discovery"] = append(alsoBreaks["no-discovery"], "spc-bulk-supported")
	alsoBreaks["listing-order-rotates"] = append(alsoBreaks["listing-order-rotates"], "sort-ignored")
	alsoBreaks["get-omits-emails"] = append(alsoBreaks["get-omits-emails"], "value-path-replace-appends")
	alsoBreaks["create-empty-body"] = append(alsoBreaks["create-empty-body"], "enterprise-dropped-from-201")
	alsoBreaks["version-without-etag"] = append(alsoBreaks["version-without-etag"], "if-match-ignored", "if-none-match-ignored")
	// It refuses every PATCH that sets a password, the path form included.
	alsoBreaks["refuse-password-patch"] = append(alsoBreaks["refuse-password-patch"], "change-password-path-refused")
}

func patchBody(ops string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + ops + `]}`
}

// listedNames are the userNames of a ListResponse.
func listedNames(r resp) []string {
	var out []string
	for _, u := range resources(r.body) {
		out = append(out, str(u, "userName"))
	}
	return out
}

var strictRFCProbes = map[string]probe{
	"patch-op-case-skipped": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"op@x", "")
		ts.do("PATCH", "/scim/v2/Users/"+id, patchBody(`{"op":"Replace","path":"displayName","value":"Upper"}`))
		return ts.do("GET", "/scim/v2/Users/"+id, "").str("displayName") == "Upper"
	},
	"remove-required-ok": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"req@x", "")
		return ts.do("PATCH", "/scim/v2/Users/"+id, patchBody(`{"op":"remove","path":"userName"}`)).code == 400
	},
	"value-path-replace-appends": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"vp@x", "")
		ts.do("PATCH", "/scim/v2/Users/"+id, patchBody(`{"op":"add","path":"emails","value":[{"type":"other","value":"a@x"}]}`))
		ts.do("PATCH", "/scim/v2/Users/"+id, patchBody(`{"op":"replace","path":"emails[type eq \"other\"].value","value":"b@x"}`))
		list, _ := ts.do("GET", "/scim/v2/Users/"+id, "").body["emails"].([]any)
		n := 0
		for _, el := range list {
			if m, _ := el.(map[string]any); str(m, "type") == "other" && str(m, "value") == "b@x" {
				n++
			}
		}
		return n == 1 && len(list) == 2
	},
	"filter-sw-as-co": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"sw@x", "")
		return len(resources(ts.do("GET", filterPath(`userName sw "w@x"`), "").body)) == 0 &&
			len(resources(ts.do("GET", filterPath(`userName sw "`+p+`sw"`), "").body)) == 1
	},
	"filter-sub-attribute-ignored": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"sa1@x", "")
		ts.createUser(p+"sa2@x", "")
		names := listedNames(ts.do("GET", filterPath(`emails.value eq "`+p+`sa1@x"`), ""))
		return len(names) == 1 && strings.EqualFold(names[0], p+"sa1@x")
	},
	"filter-meta-ignored": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"meta@x", "")
		return len(resources(ts.do("GET", filterPath(`userName eq "`+p+`meta@x" and meta.lastModified lt "2011-05-13T04:42:34Z"`), "").body)) == 0
	},
	"if-match-ignored": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"im@x", "")
		tag := ts.do("GET", "/scim/v2/Users/"+id, "").hdr.Get("ETag")
		ok := ts.do("PATCH", "/scim/v2/Users/"+id, patchBody(`{"op":"replace","path":"displayName","value":"One"}`), "If-Match: "+tag).code
		stale := ts.do("PATCH", "/scim/v2/Users/"+id, patchBody(`{"op":"replace","path":"displayName","value":"Two"}`), "If-Match: "+tag).code
		return tag != "" && ok == 200 && stale == 412
	},
	"if-none-match-ignored": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"inm@x", "")
		tag := ts.do("GET", "/scim/v2/Users/"+id, "").hdr.Get("ETag")
		r := ts.do("GET", "/scim/v2/Users/"+id, "", "If-None-Match: "+tag)
		return tag != "" && r.code == 304 && r.raw == ""
	},
	"sort-ignored": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"sort-b@x", "")
		ts.createUser(p+"sort-a@x", "")
		names := listedNames(ts.do("GET", "/scim/v2/Users?sortBy=userName&sortOrder=descending&count=1000", ""))
		for i := 1; i < len(names); i++ {
			if strings.ToLower(names[i-1]) < strings.ToLower(names[i]) {
				return false
			}
		}
		return len(names) >= 2
	},
	"spc-bulk-supported": func(t *testing.T, ts *tserver, p string) bool {
		b, _ := ts.do("GET", "/scim/v2/ServiceProviderConfig", "").body["bulk"].(map[string]any)
		return b["supported"] == false
	},
	"change-password-path-refused": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"cp@x", "")
		r := ts.do("PATCH", "/scim/v2/Users/"+id, patchBody(`{"op":"replace","path":"password","value":"Pw-123456"}`))
		return r.code == 200 || r.code == 204
	},
	"deleted-user-stays-member": func(t *testing.T, ts *tserver, p string) bool {
		a := ts.createUser(p+"gm-a@x", "")
		b := ts.createUser(p+"gm-b@x", "")
		gid := ts.createGroup(p+"gm", a, b)
		ts.do("DELETE", "/scim/v2/Users/"+a, "").must(t, 204)
		ids := memberIDs(ts.do("GET", "/scim/v2/Groups/"+gid, "").body)
		return len(ids) == 1 && ids[0] == b
	},
	"enterprise-dropped-from-201": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("POST", "/scim/v2/Users", `{"schemas":["`+userURN+`","`+enterpriseURN+`"],"userName":"`+p+`ent@x","`+enterpriseURN+`":{"employeeNumber":"7"}}`)
		ext, _ := r.body[enterpriseURN].(map[string]any)
		return ext["employeeNumber"] == "7"
	},
	"schemas-list-every-extension": func(t *testing.T, ts *tserver, p string) bool {
		list, _ := ts.do("POST", "/scim/v2/Users", oktaUser(p+"sch@x", "")).body["schemas"].([]any)
		return len(list) == 1 && list[0] == userURN
	},
	"member-value-mutable": func(t *testing.T, ts *tserver, p string) bool {
		a := ts.createUser(p+"imm-a@x", "")
		c := ts.createUser(p+"imm-c@x", "")
		gid := ts.createGroup(p+"imm", a)
		r := ts.do("PATCH", "/scim/v2/Groups/"+gid, patchBody(`{"op":"replace","path":"members[value eq \"`+a+`\"].value","value":"`+c+`"}`))
		return r.code == 400 && r.str("scimType") == "mutability"
	},
}
