package reference

import (
	"net/http"
	"strings"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Faults of mapped attributes and of the custom schema Okta's Import User
// Schema reads (features/attributes.feature, mockidp/okta/WIRE.md §15).

func init() {
	// The server's own extension is a schema it supports (refuse-unknown-schema).
	knownResourceSchema[strings.ToLower(schema.ReferenceURN)] = true
	register(map[string]decorator{
		"drop-enterprise-extension": rewrite(usersRequest, func(_ *http.Request, c *captured) {
			eachAnsweredUser(c, func(u map[string]any) {
				delete(u, schema.EnterpriseURN)
				if !listsSchema(u["schemas"], schema.EnterpriseURN) {
					list, _ := u["schemas"].([]any)
					u["schemas"] = append(list, schema.EnterpriseURN)
				}
			})
		}),
		"keep-some-attributes": answer(userWrite, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			if body := f.jsonBody(r); body != nil {
				if ext, ok := body[schema.EnterpriseURN].(map[string]any); ok {
					delete(ext, "costCenter")
				}
				for _, op := range patchOps(body) {
					if v, ok := op["value"].(map[string]any); ok {
						if ext, ok := v[schema.EnterpriseURN].(map[string]any); ok {
							delete(ext, "costCenter")
						}
					}
				}
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"ignore-extension-update": answer(putUserRequest, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			cur := peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath)).object()
			if body != nil && cur != nil {
				for _, urn := range []string{schema.EnterpriseURN, schema.ReferenceURN} {
					old, _ := cur[urn].(map[string]any)
					ext, _ := body[urn].(map[string]any)
					for k, v := range old {
						if _, sent := ext[k]; sent {
							ext[k] = v
						}
					}
				}
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"ignore-attribute-removal": answer(putUserRequest, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			cur := peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath)).object()
			if body != nil && cur != nil {
				for _, k := range []string{"id", "meta", "schemas", "groups", "password"} {
					delete(cur, k)
				}
				keepOmitted(body, cur)
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"undescribed-custom-attribute": rewriteDiscovery("Schemas", func(d map[string]any) {
			if id, _ := d["id"].(string); id == schema.ReferenceURN {
				d["attributes"] = withoutAttribute(d["attributes"], "deskLocation")
			}
		}),
		"unlisted-custom-extension": rewriteDiscovery("ResourceTypes", func(d map[string]any) {
			exts, _ := d["schemaExtensions"].([]any)
			var keep []any
			for _, e := range exts {
				if o, _ := e.(map[string]any); o == nil || o["schema"] != schema.ReferenceURN {
					keep = append(keep, e)
				}
			}
			if exts != nil {
				d["schemaExtensions"] = keep
			}
		}),
	})
}

// rewriteDiscovery rewrites each document of a successful GET /<endpoint>
// or /<endpoint>/{id} answer (a ListResponse or one document) with fn.
func rewriteDiscovery(endpoint string, fn func(doc map[string]any)) decorator {
	return rewrite(func(r *http.Request) bool {
		res, _, ok := route(r)
		return ok && r.Method == http.MethodGet && res == endpoint
	}, func(_ *http.Request, c *captured) {
		m := c.object()
		if m == nil || c.status != http.StatusOK {
			return
		}
		_, isList := m["Resources"]
		docs := []map[string]any{m}
		if isList {
			docs = resources(m)
		}
		for _, d := range docs {
			fn(d)
		}
		if isList {
			setResources(m, docs, 0)
		}
		c.setObject(m)
	})
}

// usersRequest matches every request on /Users and /Users/{id}.
func usersRequest(r *http.Request) bool {
	res, _, ok := route(r)
	return ok && res == "Users"
}

// putUserRequest matches PUT /Users/{id}.
func putUserRequest(r *http.Request) bool { return is(r, http.MethodPut, "Users", true) }

// eachAnsweredUser applies fn to the user of an answer, or to each user of a
// ListResponse, and rewrites the answer.
func eachAnsweredUser(c *captured, fn func(map[string]any)) {
	m := c.object()
	if m == nil || c.status >= 300 {
		return
	}
	if _, isList := m["Resources"]; isList {
		rs := resources(m)
		for _, u := range rs {
			fn(u)
		}
		setResources(m, rs, 0)
	} else if _, isUser := m["userName"]; isUser {
		fn(m)
	}
	c.setObject(m)
}

func listsSchema(v any, want string) bool {
	list, _ := v.([]any)
	for _, x := range list {
		if s, _ := x.(string); s == want {
			return true
		}
	}
	return false
}

// keepOmitted copies into body every key of cur that body lacks, and does
// the same inside objects both have: a PUT that leaves an attribute out
// then keeps its stored value.
func keepOmitted(body, cur map[string]any) {
	for k, v := range cur {
		bv, sent := body[k]
		if !sent {
			body[k] = v
			continue
		}
		if bo, ok := bv.(map[string]any); ok {
			if co, ok := v.(map[string]any); ok {
				keepOmitted(bo, co)
			}
		}
	}
}

// withoutAttribute returns the attribute definitions of v except the one named name.
func withoutAttribute(v any, name string) []any {
	list, _ := v.([]any)
	out := []any{}
	for _, el := range list {
		if o, _ := el.(map[string]any); o != nil && o["name"] == name {
			continue
		}
		out = append(out, el)
	}
	return out
}
