package reference

import (
	"net/http"
	"net/url"
	"strings"
)

// Faults of entitlements (entitlements.go, mockidp/okta/WIRE.md §16).

func init() {
	register(map[string]decorator{
		"entitlements-not-discoverable": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "ResourceTypes", false) },
			func(_ *http.Request, c *captured) {
				m := c.object()
				if m == nil || c.status != http.StatusOK {
					return
				}
				var keep []map[string]any
				for _, rt := range resources(m) {
					if u := str(rt, "schema"); u != oktaRoleURN && u != oktaEntitlementURN {
						keep = append(keep, rt)
					}
				}
				setResources(m, keep, len(resources(m))-len(keep))
				c.setObject(m)
			}),
		"entitlement-paging-ignores-count": answer(entitlementList, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			q.Del("count")
			r.URL.RawQuery = q.Encode()
			next.ServeHTTP(w, r)
		}),
		"drop-assigned-entitlement": answer(userUpdate, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			if body == nil {
				next.ServeHTTP(w, r)
				return
			}
			_, id, _ := route(r)
			if r.Method == http.MethodPut {
				// Keep what the user holds, whatever the update says.
				cur := peek(next, r, "/Users/"+url.PathEscape(id)).object()
				for _, attr := range entitlementAttrs {
					if v, ok := cur[attr]; ok {
						body[attr] = v
					} else {
						delete(body, attr)
					}
				}
				setBody(r, mustJSON(body))
				next.ServeHTTP(w, r)
				return
			}
			var keep []map[string]any
			for _, op := range patchOps(body) {
				if isEntitlementPath(opPath(op)) {
					continue
				}
				if v, ok := op["value"].(map[string]any); ok && opPath(op) == "" {
					for _, attr := range entitlementAttrs {
						delete(v, attr)
					}
				}
				keep = append(keep, op)
			}
			if len(keep) == 0 {
				peek(next, r, "/Users/"+url.PathEscape(id)).writeTo(w)
				return
			}
			setPatchOps(body, keep)
			setBody(r, mustJSON(body))
			next.ServeHTTP(w, r)
		}),
		"accept-unknown-entitlement": answer(userWrite, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			if body == nil {
				next.ServeHTTP(w, r)
				return
			}
			dropUnknown(body)
			for _, op := range patchOps(body) {
				switch v := op["value"].(type) {
				case map[string]any:
					if opPath(op) == "" {
						dropUnknown(v)
					}
				case []any:
					if p := opPath(op); isEntitlementPath(p) {
						op["value"] = knownOnly(strings.ToLower(p), v)
					}
				}
			}
			setBody(r, mustJSON(body))
			next.ServeHTTP(w, r)
		}),
	})
}

var entitlementAttrs = []string{"roles", "entitlements"}

// entitlementList matches GET on an entitlement collection (/Roles, /Licenses).
func entitlementList(r *http.Request) bool {
	for _, t := range entitlementTypes {
		if is(r, http.MethodGet, strings.TrimPrefix(t.endpoint, "/"), false) {
			return true
		}
	}
	return false
}

func isEntitlementPath(p string) bool {
	p = strings.ToLower(p)
	for _, attr := range entitlementAttrs {
		if p == attr || strings.HasPrefix(p, attr+"[") || strings.HasPrefix(p, attr+".") {
			return true
		}
	}
	return false
}

// dropUnknown removes from doc's roles and entitlements every value the
// server does not offer.
func dropUnknown(doc map[string]any) {
	for _, attr := range entitlementAttrs {
		if list, ok := doc[attr].([]any); ok {
			doc[attr] = knownOnly(attr, list)
		}
	}
}

func knownOnly(attr string, list []any) []any {
	out := []any{}
	for _, el := range list {
		m, _ := el.(map[string]any)
		if knownEntitlement(attr, str(m, "value"), str(m, "type")) {
			out = append(out, el)
		}
	}
	return out
}
