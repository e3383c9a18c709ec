package reference

import (
	"strings"
	"testing"
)

// Probes of the faults of faults_strict_more.go, hooked into the probe
// table of faults_test.go like strictProbes.

func init() {
	for name, p := range strictMoreProbes {
		probes[name] = p
	}
	// Overlaps: the same answers seen by these probes.
	alsoBreaks["schemas-bare-array"] = []string{"schema-attrs-omit-defaults"}
	alsoBreaks["no-discovery"] = append(alsoBreaks["no-discovery"], "schema-attrs-omit-defaults", "schemas-bare-array", "spc-filter-unsupported")
	alsoBreaks["lookup-miss-404"] = append(alsoBreaks["lookup-miss-404"], "empty-list-without-resources")
	alsoBreaks["echo-password"] = append(alsoBreaks["echo-password"], "listing-returns-password")
}

// attributesDefined reports whether every attribute and sub-attribute of
// a schema's attribute list states type, mutability, returned and uniqueness.
func attributesDefined(attrs any) bool {
	list, _ := attrs.([]any)
	for _, el := range list {
		a, _ := el.(map[string]any)
		for _, k := range []string{"type", "mutability", "returned", "uniqueness"} {
			if s, _ := a[k].(string); s == "" {
				return false
			}
		}
		if !attributesDefined(a["subAttributes"]) {
			return false
		}
	}
	return true
}

var strictMoreProbes = map[string]probe{
	"listing-returns-password": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"pw@x", "")
		r := ts.do("GET", strings.Replace(filterPath(`userName eq "`+p+`pw@x"`), "?", "?attributes=userName,password&", 1), "")
		return r.code == 200 && len(resources(r.body)) == 1 && !strings.Contains(r.raw, `"password"`)
	},
	"empty-list-without-resources": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", filterPath(`userName eq "`+p+`nobody@x"`), "")
		list, ok := r.body["Resources"].([]any)
		return r.code == 200 && ok && len(list) == 0
	},
	"resource-type-plural": func(t *testing.T, ts *tserver, p string) bool {
		meta, _ := ts.do("POST", "/scim/v2/Users", oktaUser(p+"rt@x", "")).body["meta"].(map[string]any)
		return meta["resourceType"] == "User"
	},
	"version-without-etag": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"et@x", "")
		r := ts.do("GET", "/scim/v2/Users/"+id, "")
		meta, _ := r.body["meta"].(map[string]any)
		v, _ := meta["version"].(string)
		return v != "" && r.hdr.Get("ETag") == v
	},
	"schemas-bare-array": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Schemas", "")
		return r.code == 200 && len(resources(r.body)) >= 1
	},
	"schema-attrs-omit-defaults": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("GET", "/scim/v2/Schemas", "")
		for _, s := range resources(r.body) {
			if !attributesDefined(s["attributes"]) {
				return false
			}
		}
		return len(resources(r.body)) >= 1
	},
	"members-without-ref": func(t *testing.T, ts *tserver, p string) bool {
		uid := ts.createUser(p+"mr@x", "")
		r := ts.do("POST", "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"`+p+`g","members":[{"value":"`+uid+`"}]}`)
		list, _ := r.body["members"].([]any)
		if len(list) != 1 {
			return false
		}
		m, _ := list[0].(map[string]any)
		ref, _ := m["$ref"].(string)
		return strings.HasSuffix(ref, "/Users/"+uid) && m["type"] == "User"
	},
	"spc-filter-unsupported": func(t *testing.T, ts *tserver, p string) bool {
		f, _ := ts.do("GET", "/scim/v2/ServiceProviderConfig", "").body["filter"].(map[string]any)
		return f["supported"] == true
	},
}
