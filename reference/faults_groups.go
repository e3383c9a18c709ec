package reference

import (
	"fmt"
	"net/http"
	"strings"
)

// Faults of Group Push and of the discovery endpoints.

func groupPatch(r *http.Request) bool { return is(r, http.MethodPatch, "Groups", true) }

func isMembersPath(p string) bool { return strings.EqualFold(strings.TrimSpace(p), "members") }

// discoveryEndpoints are the RFC 7644 §4 endpoints.
var discoveryEndpoints = map[string]bool{"ServiceProviderConfig": true, "Schemas": true, "ResourceTypes": true}

func discovery(r *http.Request) bool {
	res, _, ok := route(r)
	return ok && discoveryEndpoints[res]
}

func init() {
	register(map[string]decorator{
		"group-create-200": rewrite(func(r *http.Request) bool { return is(r, http.MethodPost, "Groups", false) }, func(_ *http.Request, c *captured) {
			if c.status == http.StatusCreated {
				c.status = http.StatusOK
			}
		}),
		"group-patch-add-ignored": answer(groupPatch, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			var kept []map[string]any
			ops := patchOps(body)
			for _, op := range ops {
				if !(opKind(op) == "add" && isMembersPath(opPath(op))) {
					kept = append(kept, op)
				}
			}
			if len(kept) == len(ops) {
				next.ServeHTTP(w, r)
				return
			}
			var c *captured
			if len(kept) == 0 {
				c = peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath))
			} else {
				setPatchOps(body, kept)
				setBody(r, mustJSON(body))
				c = capture(next, r)
			}
			if c.status != http.StatusOK {
				c.writeTo(w)
				return
			}
			w.WriteHeader(http.StatusNoContent) // acknowledged, the add never happened
		}),
		"group-remove-filter-unsupported": refuse(groupPatch, func(f *faultLayer, r *http.Request) (int, string, string) {
			for i, op := range patchOps(f.jsonBody(r)) {
				if opKind(op) == "remove" && strings.Contains(opPath(op), "[") {
					return http.StatusBadRequest, "invalidPath", fmt.Sprintf("Operations[%d]: filtered paths are not supported", i)
				}
			}
			return 0, "", ""
		}),
		"group-remove-wrong-member": answer(groupPatch, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			ops := patchOps(body)
			last, changed := "", false
			for _, op := range ops {
				if opKind(op) != "remove" || !strings.HasPrefix(strings.ToLower(opPath(op)), "members[") {
					continue
				}
				if last == "" {
					last = lastMember(peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath)).object())
				}
				if last != "" {
					op["path"] = fmt.Sprintf("members[value eq %q]", last)
					changed = true
				}
			}
			if changed {
				setPatchOps(body, ops)
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"group-rename-rejects-id": refuse(groupPatch, func(f *faultLayer, r *http.Request) (int, string, string) {
			for i, op := range patchOps(f.jsonBody(r)) {
				if m, ok := op["value"].(map[string]any); ok && opKind(op) == "replace" && opPath(op) == "" {
					for k := range m {
						if strings.EqualFold(k, "id") {
							return http.StatusBadRequest, "mutability", fmt.Sprintf("Operations[%d]: id is readOnly", i)
						}
					}
				}
			}
			return 0, "", ""
		}),
		"group-replace-appends": answer(groupPatch, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			if body := f.jsonBody(r); body != nil {
				ops := patchOps(body)
				for _, op := range ops {
					if opKind(op) == "replace" && isMembersPath(opPath(op)) {
						op["op"] = "add"
					}
				}
				setPatchOps(body, ops)
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"group-delete-noop": answer(func(r *http.Request) bool { return is(r, http.MethodDelete, "Groups", true) },
			func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
				if c := peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath)); c.status != http.StatusOK {
					c.writeTo(w)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			}),
		"no-discovery": answer(discovery, func(_ *faultLayer, _ http.Handler, w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "", "no such endpoint: "+r.URL.Path)
		}),
		"discovery-writable": answer(func(r *http.Request) bool { return discovery(r) && r.Method == http.MethodPost },
			func(f *faultLayer, _ http.Handler, w http.ResponseWriter, r *http.Request) {
				body := f.jsonBody(r)
				if body == nil {
					body = map[string]any{}
				}
				body["schemas"] = []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}
				w.Header().Set("Content-Type", scimMedia)
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write(mustJSON(body))
			}),
	})
}

// lastMember is the value of the last member of a group resource, or "".
func lastMember(group map[string]any) string {
	members, _ := group["members"].([]any)
	if len(members) == 0 {
		return ""
	}
	m, _ := members[len(members)-1].(map[string]any)
	v, _ := m["value"].(string)
	return v
}
