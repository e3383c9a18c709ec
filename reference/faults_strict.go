package reference

import (
	"net/http"
	"regexp"
	"strings"
)

// Faults of the RFC strict tier (internal/faults, "---- strict ----"):
// each breaks one RFC 7643/7644 rule that Okta does not depend on, so a
// default run stays green and a --strict run fails the rule's scenario.

func init() {
	register(map[string]decorator{
		"json-content-type-201": rewrite(isCreateUser, func(_ *http.Request, c *captured) {
			if c.status == http.StatusCreated {
				c.header.Set("Content-Type", "application/json")
			}
		}),
		"no-location-header": rewrite(isCreateUser, func(_ *http.Request, c *captured) {
			c.header.Del("Location")
		}),
		"dates-not-xsd": rewrite(isCreateUser, func(_ *http.Request, c *captured) {
			rewriteMetaTimes(c, func(s string) string {
				// "2008-01-23T04:56:22Z" as a database prints it: "2008-01-23 04:56:22".
				return strings.Replace(strings.TrimSuffix(naive(s), "Z"), "T", " ", 1)
			})
		}),
		"dates-without-timezone": rewrite(isCreateUser, func(_ *http.Request, c *captured) {
			rewriteMetaTimes(c, naive)
		}),
		"error-status-number": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "Users", true) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusNotFound {
				m["status"] = http.StatusNotFound
				c.setObject(m)
			}
		}),
		"not-found-invalid-syntax": rewrite(anyRequest, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusNotFound {
				m["scimType"] = "invalidSyntax"
				c.setObject(m)
			}
		}),
		"filter-operator-case-sensitive": rewriteFilter(func(f string) string {
			// Only lower-case operators are known: an upper-case one matches nothing.
			return upperOp.ReplaceAllString(f, ` eq "no-such-value-`)
		}),
		"filter-attribute-case-sensitive": rewriteFilter(func(f string) string {
			if strings.Contains(f, "USERNAME") {
				return `userName eq "no-such-user"`
			}
			return f
		}),
		"filter-ignores-not": rewriteFilter(func(f string) string {
			return notOp.ReplaceAllString(f, "(")
		}),
		"filter-ignores-value-path": rewriteFilter(func(f string) string {
			return valuePathTerm.ReplaceAllString(f, "")
		}),
		"count-zero-ignored": answer(func(r *http.Request) bool {
			return is(r, http.MethodGet, "Users", false) && r.URL.Query().Get("count") == "0"
		}, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			q.Del("count")
			r.URL.RawQuery = q.Encode()
			next.ServeHTTP(w, r)
		}),
		"attributes-ignored":          dropQuery("attributes"),
		"excluded-attributes-ignored": dropQuery("excludedAttributes"),
		"client-meta-created": answer(isCreateUser, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			c := capture(next, r)
			meta, _ := body["meta"].(map[string]any)
			if m := c.object(); m != nil && c.status == http.StatusCreated && meta != nil && meta["created"] != nil {
				if mm, ok := m["meta"].(map[string]any); ok {
					mm["created"] = meta["created"]
					c.setObject(m)
				}
			}
			c.writeTo(w)
		}),
		"remove-without-path-ok": answer(isPatchUser, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			for _, op := range patchOps(f.jsonBody(r)) {
				if opKind(op) == "remove" && opPath(op) == "" && authorized(next, r) {
					w.WriteHeader(http.StatusNoContent)
					return
				}
			}
			next.ServeHTTP(w, r)
		}),
		"replace-no-match-adds": answer(isPatchUser, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			ops := patchOps(body)
			changed := false
			for _, op := range ops {
				if opKind(op) == "replace" && strings.Contains(opPath(op), "[") {
					op["op"] = "add"
					changed = true
				}
			}
			if changed {
				setPatchOps(body, ops)
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"patch-200-partial": answer(isPatchUser, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			partial := false
			for _, op := range patchOps(f.jsonBody(r)) {
				partial = partial || opPath(op) == "displayName"
			}
			c := capture(next, r)
			if m := c.object(); partial && m != nil && c.status == http.StatusOK {
				c.setObject(map[string]any{"displayName": m["displayName"]})
			}
			c.writeTo(w)
		}),
	})
}

var (
	upperOp       = regexp.MustCompile(` (EQ|NE|CO|SW|EW|GT|GE|LT|LE) "`)
	notOp         = regexp.MustCompile(`(?i)\bnot\s*\(`)
	valuePathTerm = regexp.MustCompile(`\s+and\s+\w+\[[^\]]*\]`)
	naiveZone     = regexp.MustCompile(`(Z|[+-]\d{2}:\d{2})$`)
)

// naive drops the timezone of an xsd:dateTime.
func naive(s string) string { return naiveZone.ReplaceAllString(s, "") }

func isCreateUser(r *http.Request) bool { return is(r, http.MethodPost, "Users", false) }
func isPatchUser(r *http.Request) bool  { return is(r, http.MethodPatch, "Users", true) }

// rewriteMetaTimes rewrites meta.created and meta.lastModified of a 201.
func rewriteMetaTimes(c *captured, fn func(string) string) {
	m := c.object()
	if m == nil || c.status != http.StatusCreated {
		return
	}
	meta, _ := m["meta"].(map[string]any)
	for _, k := range []string{"created", "lastModified"} {
		if s, ok := meta[k].(string); ok {
			meta[k] = fn(s)
		}
	}
	c.setObject(m)
}

// rewriteFilter rewrites the filter of GET /Users before the server sees it.
func rewriteFilter(fn func(string) string) decorator {
	return answer(filteredList, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("filter", fn(q.Get("filter")))
		r.URL.RawQuery = q.Encode()
		next.ServeHTTP(w, r)
	})
}

// dropQuery removes a query parameter of GET /Users/{id} and GET /Users.
func dropQuery(name string) decorator {
	return answer(func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Query().Has(name) }, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del(name)
		r.URL.RawQuery = q.Encode()
		next.ServeHTTP(w, r)
	})
}
