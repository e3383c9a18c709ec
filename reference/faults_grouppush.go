package reference

import (
	"net/http"
	"strings"
)

// Faults of Group Push beyond the core group scenarios (issue 12): several
// operations in one membership PATCH, renames of groups with members, the
// AIW full PUT and Okta's group import. Each names the server bug it
// imitates.

func groupPut(r *http.Request) bool { return is(r, http.MethodPut, "Groups", true) }

func unfilteredGroupList(r *http.Request) bool {
	return is(r, http.MethodGet, "Groups", false) && !r.URL.Query().Has("filter")
}

// isMemberFilterRemove reports whether op is Okta's remove of one member,
// path members[value eq "..."] (mockidp/okta/WIRE.md §9.1).
func isMemberFilterRemove(op map[string]any) bool {
	return opKind(op) == "remove" && strings.HasPrefix(strings.ToLower(opPath(op)), "members[")
}

// rewriteOps serves r with the group PATCH operations fn returns in place
// of the ones sent; fn returning nil changes nothing.
func rewriteOps(fn func(f *faultLayer, r *http.Request, ops []map[string]any) []map[string]any) decorator {
	return answer(groupPatch, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		body := f.jsonBody(r)
		if body == nil {
			next.ServeHTTP(w, r)
			return
		}
		if ops := fn(f, r, patchOps(body)); ops != nil {
			setPatchOps(body, ops)
			setBody(r, mustJSON(body))
		}
		next.ServeHTTP(w, r)
	})
}

// currentGroup reads the group r addresses, nil when it cannot.
func currentGroup(next http.Handler, r *http.Request) map[string]any {
	c := peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath))
	if c.status != http.StatusOK {
		return nil
	}
	return c.object()
}

// memberValues returns the member values of a group resource or body.
func memberValues(group map[string]any) []string {
	list, _ := group["members"].([]any)
	var out []string
	for _, el := range list {
		if m, ok := el.(map[string]any); ok {
			if v, _ := m["value"].(string); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

func init() {
	register(map[string]decorator{
		// A server that stops at the first remove it handles (a loop
		// that returns after the first matching operation).
		"group-remove-first-only": rewriteOps(func(_ *faultLayer, _ *http.Request, ops []map[string]any) []map[string]any {
			var kept []map[string]any
			removes := 0
			for _, op := range ops {
				if isMemberFilterRemove(op) {
					if removes++; removes > 1 {
						continue
					}
				}
				kept = append(kept, op)
			}
			if removes < 2 {
				return nil
			}
			return kept
		}),
		// A server that dispatches a group PATCH on its first operation:
		// "remove members" requests never add.
		"group-patch-first-kind-only": rewriteOps(func(_ *faultLayer, _ *http.Request, ops []map[string]any) []map[string]any {
			if len(ops) < 2 {
				return nil
			}
			var kept []map[string]any
			for _, op := range ops {
				if opKind(op) == opKind(ops[0]) {
					kept = append(kept, op)
				}
			}
			return kept
		}),
		// A server that handles a path-less replace changing displayName
		// by rebuilding the group from the value object, so the members
		// (not in it) are lost; an equal name is a no-op.
		"group-rename-drops-members": answer(groupPatch, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			ops := patchOps(body)
			renames := false
			for _, op := range ops {
				v, ok := op["value"].(map[string]any)
				if !ok || opKind(op) != "replace" || opPath(op) != "" {
					continue
				}
				if name, ok := v["displayName"].(string); ok {
					if cur := currentGroup(next, r); cur != nil && str(cur, "displayName") != name && len(memberValues(cur)) > 0 {
						renames = true
					}
				}
			}
			if renames {
				setPatchOps(body, append(ops, map[string]any{"op": "remove", "path": "members"}))
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		// A server that treats PUT /Groups/{id} as a merge: listed members
		// are added, absent ones stay.
		"group-put-merges-members": answer(groupPut, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			cur := currentGroup(next, r)
			if body == nil || cur == nil {
				next.ServeHTTP(w, r)
				return
			}
			listed := map[string]bool{}
			for _, v := range memberValues(body) {
				listed[v] = true
			}
			members, _ := body["members"].([]any)
			for _, v := range memberValues(cur) {
				if !listed[v] {
					members = append(members, map[string]any{"value": v})
				}
			}
			body["members"] = members
			setBody(r, mustJSON(body))
			next.ServeHTTP(w, r)
		}),
		// A server whose group PUT updates members only.
		"group-put-ignores-displayname": answer(groupPut, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			body := f.jsonBody(r)
			if cur := currentGroup(next, r); body != nil && cur != nil {
				body["displayName"] = cur["displayName"]
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		// A server that lists groups through an inner join on their
		// memberships (empty groups vanish) but counts the groups table.
		"group-list-skips-empty": rewrite(unfilteredGroupList, func(_ *http.Request, c *captured) {
			m := c.object()
			if m == nil || c.status != http.StatusOK {
				return
			}
			var kept []any
			for _, g := range resources(m) {
				if len(memberValues(g)) > 0 {
					kept = append(kept, g)
				}
			}
			if kept == nil {
				kept = []any{}
			}
			m["Resources"] = kept
			m["itemsPerPage"] = len(kept)
			c.setObject(m)
		}),
	})
}
