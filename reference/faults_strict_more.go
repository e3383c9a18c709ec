package reference

import (
	"net/http"
	"strings"
)

// More faults of the RFC strict tier (internal/faults, "---- strict ----"):
// listings with attributes=, empty ListResponses, meta.resourceType and
// meta.version, and the discovery documents.

// storedHash is what a projection that copies the stored row returns for
// the password: its bcrypt hash (never the password itself, which the
// reference server does not keep).
const storedHash = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"

func init() {
	register(map[string]decorator{
		"listing-returns-password": rewrite(func(r *http.Request) bool {
			return is(r, http.MethodGet, "Users", false) && strings.Contains(strings.ToLower(r.URL.Query().Get("attributes")), "password")
		}, func(_ *http.Request, c *captured) {
			m := c.object()
			if m == nil || c.status != http.StatusOK {
				return
			}
			for _, u := range resources(m) {
				u["password"] = storedHash
			}
			c.setObject(m)
		}),
		"empty-list-without-resources": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "Users", false) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK && m["totalResults"] == float64(0) {
				delete(m, "Resources")
				c.setObject(m)
			}
		}),
		"resource-type-plural": rewrite(isCreateUser, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusCreated {
				if meta, ok := m["meta"].(map[string]any); ok {
					meta["resourceType"] = "Users"
					c.setObject(m)
				}
			}
		}),
		"version-without-etag": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "Users", true) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK {
				if meta, ok := m["meta"].(map[string]any); ok {
					meta["version"] = `W/"1"`
					c.header.Del("ETag")
					c.setObject(m)
				}
			}
		}),
		"schemas-bare-array": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "Schemas", false) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK {
				c.body.Reset()
				c.body.Write(mustJSON(m["Resources"]))
			}
		}),
		"schema-attrs-omit-defaults": rewrite(func(r *http.Request) bool {
			res, _, ok := route(r)
			return ok && r.Method == http.MethodGet && res == "Schemas"
		}, func(_ *http.Request, c *captured) {
			m := c.object()
			if m == nil || c.status != http.StatusOK {
				return
			}
			docs := resources(m)
			if len(docs) == 0 {
				docs = []map[string]any{m}
			}
			for _, d := range docs {
				omitDefaults(d["attributes"])
			}
			c.setObject(m)
		}),
		"members-without-ref": rewrite(func(r *http.Request) bool {
			res, _, ok := route(r)
			return ok && res == "Groups"
		}, func(_ *http.Request, c *captured) {
			m := c.object()
			if m == nil {
				return
			}
			docs := resources(m)
			if len(docs) == 0 {
				docs = []map[string]any{m}
			}
			for _, d := range docs {
				list, _ := d["members"].([]any)
				for _, el := range list {
					if mm, ok := el.(map[string]any); ok {
						delete(mm, "$ref")
						delete(mm, "type")
					}
				}
			}
			c.setObject(m)
		}),
		"spc-filter-unsupported": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "ServiceProviderConfig", false) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil {
				if f, ok := m["filter"].(map[string]any); ok {
					f["supported"] = false
					c.setObject(m)
				}
			}
		}),
	})
}

// omitDefaults drops the characteristics of attribute definitions that
// equal RFC 7643 §2.2's defaults, as a struct with omitempty would.
func omitDefaults(attrs any) {
	list, _ := attrs.([]any)
	defaults := map[string]string{"type": "string", "mutability": "readWrite", "returned": "default", "uniqueness": "none"}
	for _, el := range list {
		a, ok := el.(map[string]any)
		if !ok {
			continue
		}
		for k, v := range defaults {
			if a[k] == v {
				delete(a, k)
			}
		}
		omitDefaults(a["subAttributes"])
	}
}
