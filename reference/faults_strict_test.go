package reference

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Probes of the strict-tier faults (faults_strict.go), hooked into the
// probe table of faults_test.go: each checks one RFC rule on a fresh
// server and must fail under its fault only.

func init() {
	for name, p := range strictProbes {
		probes[name] = p
	}
	// Overlaps: the same answers seen by a strict probe.
	alsoBreaks["dates-not-xsd"] = []string{"dates-without-timezone"}
	alsoBreaks["error-status-number"] = []string{"html-errors"}
	alsoBreaks["html-errors"] = append(alsoBreaks["html-errors"], "error-status-number")
	alsoBreaks["path-only-patch"] = append(alsoBreaks["path-only-patch"], "remove-without-path-ok")
	alsoBreaks["lookup-miss-404"] = append(alsoBreaks["lookup-miss-404"], "filter-ignores-not", "filter-ignores-value-path")
}

func filterPath(f string) string {
	return "/scim/v2/Users?filter=" + strings.ReplaceAll(url.QueryEscape(f), "+", "%20")
}

var zoned = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

var strictProbes = map[string]probe{
	"json-content-type-201": func(t *testing.T, ts *tserver, p string) bool {
		return strings.HasPrefix(ts.do("POST", "/scim/v2/Users", oktaUser(p+"ct@x", "")).hdr.Get("Content-Type"), "application/scim+json")
	},
	"no-location-header": func(t *testing.T, ts *tserver, p string) bool {
		r := ts.do("POST", "/scim/v2/Users", oktaUser(p+"loc@x", ""))
		meta, _ := r.body["meta"].(map[string]any)
		return r.hdr.Get("Location") != "" && r.hdr.Get("Location") == meta["location"]
	},
	"dates-not-xsd": func(t *testing.T, ts *tserver, p string) bool {
		meta, _ := ts.do("POST", "/scim/v2/Users", oktaUser(p+"dx@x", "")).body["meta"].(map[string]any)
		s, _ := meta["created"].(string)
		return strings.Contains(s, "T")
	},
	"dates-without-timezone": func(t *testing.T, ts *tserver, p string) bool {
		meta, _ := ts.do("POST", "/scim/v2/Users", oktaUser(p+"tz@x", "")).body["meta"].(map[string]any)
		s, _ := meta["lastModified"].(string)
		return zoned.MatchString(s)
	},
	"error-status-number": func(t *testing.T, ts *tserver, p string) bool {
		_, ok := ts.do("GET", "/scim/v2/Users/9c2f1e2a-7d55-4a8e-b0d2-3f1b5b0e2a11", "").body["status"].(string)
		return ok
	},
	"not-found-invalid-syntax": func(t *testing.T, ts *tserver, p string) bool {
		_, has := ts.do("GET", "/scim/v2/Users/9c2f1e2a-7d55-4a8e-b0d2-3f1b5b0e2a11", "").body["scimType"]
		return !has
	},
	"filter-operator-case-sensitive": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"op@x", "")
		return num(ts.do("GET", filterPath(`userName EQ "`+p+`op@x"`), "").body["totalResults"]) == 1
	},
	"filter-attribute-case-sensitive": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"at@x", "")
		return num(ts.do("GET", filterPath(`USERNAME eq "`+p+`at@x"`), "").body["totalResults"]) == 1
	},
	"filter-ignores-not": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"not@x", "")
		r := ts.do("GET", filterPath(`userName eq "`+p+`not@x" and not (userName eq "`+p+`not@x")`), "")
		return r.code == 200 && num(r.body["totalResults"]) == 0
	},
	"filter-ignores-value-path": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"vp@x", "")
		r := ts.do("GET", filterPath(`userName eq "`+p+`vp@x" and emails[type eq "home"]`), "")
		return r.code == 200 && num(r.body["totalResults"]) == 0
	},
	"count-zero-ignored": func(t *testing.T, ts *tserver, p string) bool {
		ts.createUser(p+"c0@x", "")
		r := ts.do("GET", "/scim/v2/Users?count=0", "")
		return num(r.body["totalResults"]) >= 1 && len(resources(r.body)) == 0
	},
	"attributes-ignored": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"attr@x", "")
		r := ts.do("GET", "/scim/v2/Users/"+id+"?attributes=userName", "")
		_, hasName := r.body["name"]
		return r.str("id") == id && !hasName
	},
	"excluded-attributes-ignored": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"ex@x", "")
		r := ts.do("GET", "/scim/v2/Users/"+id+"?excludedAttributes=emails", "")
		_, hasEmails := r.body["emails"]
		return r.str("id") == id && !hasEmails
	},
	"client-meta-created": func(t *testing.T, ts *tserver, p string) bool {
		body := strings.Replace(oktaUser(p+"ro@x", ""), `{`, `{"meta":{"created":"2001-01-01T00:00:00Z"},`, 1)
		meta, _ := ts.do("POST", "/scim/v2/Users", body).body["meta"].(map[string]any)
		return meta != nil && meta["created"] != "2001-01-01T00:00:00Z"
	},
	"remove-without-path-ok": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"rm@x", "")
		r := ts.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}`)
		return r.code == 400 && r.str("scimType") == "noTarget"
	},
	"replace-no-match-adds": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"nt@x", "")
		r := ts.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"home\"].value","value":"h@x"}]}`)
		return r.code == 400 && r.str("scimType") == "noTarget"
	},
	"patch-200-partial": func(t *testing.T, ts *tserver, p string) bool {
		id := ts.createUser(p+"pp@x", "")
		r := ts.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"D"}]}`)
		return r.code == 204 || (r.code == 200 && r.str("id") == id && r.str("displayName") == "D")
	},
}
