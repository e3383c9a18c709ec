package reference

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

const (
	userURN       = schema.UserURN
	enterpriseURN = schema.EnterpriseURN
)

// Faults of the later RFC strict-tier scenarios (internal/faults,
// catalogue_strict_more.go): PATCH op case, required attributes and value
// paths, the attribute operators, versioning, sorting, the advertised
// features and deleted members.

func init() {
	register(map[string]decorator{
		"patch-op-case-skipped": answer(isPatchUser, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			ops := patchOps(body)
			var keep []map[string]any
			for _, op := range ops {
				if o := str(op, "op"); o == strings.ToLower(o) {
					keep = append(keep, op)
				}
			}
			if len(keep) == len(ops) {
				next.ServeHTTP(w, r)
				return
			}
			if len(keep) == 0 {
				// Nothing left to apply: answer as if done, with the user as it is.
				_, id, _ := route(r)
				peek(next, r, "/Users/"+id).writeTo(w)
				return
			}
			setPatchOps(body, keep)
			setBody(r, mustJSON(body))
			next.ServeHTTP(w, r)
		}),
		"remove-required-ok": answer(isPatchUser, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			for _, op := range patchOps(f.jsonBody(r)) {
				if opKind(op) == "remove" && strings.EqualFold(opPath(op), "userName") && authorized(next, r) {
					w.WriteHeader(http.StatusNoContent)
					return
				}
			}
			next.ServeHTTP(w, r)
		}),
		"value-path-replace-appends": answer(isPatchUser, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			ops := patchOps(body)
			changed := false
			for _, op := range ops {
				m := typedValuePath.FindStringSubmatch(opPath(op))
				if opKind(op) != "replace" || m == nil {
					continue
				}
				// Only a filter that matches a value is rewritten: a miss
				// still answers noTarget (PAT-002).
				_, id, _ := route(r)
				if !hasValueOfType(peek(next, r, "/Users/"+id).object(), m[1], m[2]) {
					continue
				}
				op["op"], op["path"] = "add", m[1]
				op["value"] = []any{map[string]any{"type": m[2], "value": op["value"]}}
				changed = true
			}
			if changed {
				setPatchOps(body, ops)
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"filter-sw-as-co": rewriteFilter(func(f string) string {
			return swOp.ReplaceAllString(f, " co ")
		}),
		"filter-sub-attribute-ignored": rewriteFilter(func(f string) string {
			return subValueEq.ReplaceAllString(f, "$1 pr")
		}),
		"filter-meta-ignored": rewriteFilter(func(f string) string {
			return metaTerm.ReplaceAllString(f, "")
		}),
		"if-match-ignored":      dropHeader("If-Match"),
		"if-none-match-ignored": dropHeader("If-None-Match"),
		"sort-ignored":          dropQuery("sortBy"),
		"spc-bulk-supported": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "ServiceProviderConfig", false) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil {
				if b, ok := m["bulk"].(map[string]any); ok {
					b["supported"] = true
					c.setObject(m)
				}
			}
		}),
		// Okta's path-less push ({"value":{"password":…}}) still works.
		"change-password-path-refused": refuse(func(r *http.Request) bool { return is(r, http.MethodPatch, "Users", true) },
			func(f *faultLayer, r *http.Request) (int, string, string) {
				for _, op := range patchOps(f.jsonBody(r)) {
					if strings.EqualFold(opPath(op), "password") {
						return http.StatusBadRequest, "invalidPath", "password cannot be changed"
					}
				}
				return 0, "", ""
			}),
		"deleted-user-stays-member": deletedUserStaysMember,
		"enterprise-dropped-from-201": rewrite(isCreateUser, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusCreated {
				delete(m, enterpriseURN)
				m["schemas"] = []any{userURN}
				c.setObject(m)
			}
		}),
		"schemas-list-every-extension": rewrite(isCreateUser, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusCreated {
				m["schemas"] = []any{userURN, enterpriseURN}
				c.setObject(m)
			}
		}),
		"member-value-mutable": answer(func(r *http.Request) bool { return is(r, http.MethodPatch, "Groups", true) }, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			var out []map[string]any
			for _, op := range patchOps(body) {
				// members[value eq "a"].value = "b" becomes: remove a, add b.
				if m := memberValuePath.FindStringSubmatch(opPath(op)); m != nil && opKind(op) == "replace" {
					out = append(out, map[string]any{"op": "remove", "path": `members[value eq "` + m[1] + `"]`},
						map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": op["value"]}}})
					continue
				}
				out = append(out, op)
			}
			if body != nil {
				setPatchOps(body, out)
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
	})
}

var (
	typedValuePath  = regexp.MustCompile(`^(\w+)\[type eq "([^"]+)"\]\.value$`)
	swOp            = regexp.MustCompile(`(?i) sw `)
	subValueEq      = regexp.MustCompile(`(?i)\b(emails)\.value eq "[^"]*"`)
	metaTerm        = regexp.MustCompile(`(?i)\s+and\s+meta\.\w+\s+\w+\s+"[^"]*"`)
	memberValuePath = regexp.MustCompile(`^members\[value eq "([^"]+)"\]\.value$`)
)

// hasValueOfType reports whether the user doc has a value of the
// multi-valued attribute attr with the given type.
func hasValueOfType(doc map[string]any, attr, typ string) bool {
	list, _ := doc[attr].([]any)
	for _, el := range list {
		if m, _ := el.(map[string]any); strings.EqualFold(str(m, "type"), typ) {
			return true
		}
	}
	return false
}

// dropHeader removes a request header before the server sees it.
func dropHeader(name string) decorator {
	return answer(func(r *http.Request) bool { return r.Header.Get(name) != "" }, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		r.Header.Del(name)
		next.ServeHTTP(w, r)
	})
}

// deletedUserStaysMember remembers the groups a deleted user belonged to
// and keeps listing it in their answers, as a store whose delete does not
// cascade to group members would.
func deletedUserStaysMember(f *faultLayer, next http.Handler) http.Handler {
	var mu sync.Mutex
	kept := map[string][]any{} // group id → members the deletes removed
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, id, ok := route(r)
		switch {
		case ok && r.Method == http.MethodDelete && res == "Users" && id != "":
			q := url.Values{"filter": {`members[value eq "` + id + `"]`}}.Encode()
			before := resources(peek(next, r, "/Groups?"+q).object())
			c := capture(next, r)
			if c.status == http.StatusNoContent {
				mu.Lock()
				for _, g := range before {
					list, _ := g["members"].([]any)
					for _, el := range list {
						if m, _ := el.(map[string]any); str(m, "value") == id {
							kept[str(g, "id")] = append(kept[str(g, "id")], map[string]any{"value": id, "display": m["display"]})
						}
					}
				}
				mu.Unlock()
			}
			c.writeTo(w)
		case ok && r.Method == http.MethodGet && res == "Groups" && id != "":
			c := capture(next, r)
			mu.Lock()
			extra := kept[id]
			mu.Unlock()
			if m := c.object(); m != nil && c.status == http.StatusOK && len(extra) > 0 {
				list, _ := m["members"].([]any)
				m["members"] = append(list, extra...)
				c.setObject(m)
			}
			c.writeTo(w)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
