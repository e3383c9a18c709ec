package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// groupOp starts a group operation, checking the feature and the group.
func (c *Client) groupOp(name string, g *Group, needLink bool) (*op, bool) {
	o := c.begin(name)
	if !c.cfg.Features.PushGroups {
		o.failErr(fmt.Errorf("%w: Push Groups is off", ErrFeatureDisabled))
		return o, false
	}
	if g == nil || g.Name == "" {
		o.failErr(errors.New("group needs a Name"))
		return o, false
	}
	if g.ID == "" {
		g.ID = NewGroupID()
	}
	if needLink && g.SCIMID == "" {
		o.failErr(fmt.Errorf("%w: %s", ErrGroupNotPushed, g.Name))
		return o, false
	}
	return o, true
}

func (c *Client) groupPath(g *Group) string { return "/Groups/" + url.PathEscape(g.SCIMID) }

// memberValues renders members as Okta does (mockidp/okta/WIRE.md §9.1): value = the
// SCIM user id, display = the Okta username. Members without a SCIM id are
// skipped (not assigned to the app ⇒ not pushed, §9.1 rules).
func memberValues(o *op, ms []*Assignment) []object {
	out := []object{}
	for _, a := range ms {
		if a == nil || a.SCIMID == "" || a.Person == nil {
			o.note("member without an assignment skipped (Okta pushes only assigned users)")
			continue
		}
		out = append(out, object{{"value", a.SCIMID}, {"display", a.Person.Login}})
	}
	return out
}

func patchOp(ops ...object) []byte {
	b, _ := json.Marshal(object{{"schemas", []string{SchemaPatchOp}}, {"Operations", ops}})
	return b
}

// PushGroup pushes a group (mockidp/okta/WIRE.md §9.1, §13): GET
// /Groups?filter=displayName eq "<Name>"&startIndex=1&count=100; when not
// found POST /Groups {"schemas","displayName","members":[]} and then push
// the members — OIN: PATCH add at members (only when there are members);
// AIW: GET /Groups/{id} then full PUT (also for an empty group, ROSTR).
// When found, Okta links the existing group and [I] pushes the full
// membership (OIN: PATCH replace members; AIW: GET + PUT). Sets g.SCIMID.
// Needs Features.PushGroups; a missing g.ID gets a new "00g…" id.
func (c *Client) PushGroup(ctx context.Context, g *Group) Outcome {
	o, ok := c.groupOp("push-group", g, false)
	if !ok {
		return o.out
	}
	found, ok := o.lookup(ctx, "/Groups", "displayName", g.Name)
	if !ok {
		return o.out
	}
	if found != nil {
		id, _ := found["id"].(string)
		if id == "" {
			o.fail("Errors reported by remote server: the group found by displayName has no id")
			return o.out
		}
		g.SCIMID = id
		c.storeGroup(g)
		o.note("linked existing group %s", id)
		c.pushAll(ctx, o, g, true)
		return o.out
	}
	body, _ := json.Marshal(object{{"schemas", []string{SchemaGroup}}, {"displayName", g.Name}, {"members", []any{}}})
	ex, ok := o.do(ctx, Request{Method: http.MethodPost, Path: "/Groups", Body: body})
	if !ok || !o.expect(ex, http.StatusCreated, http.StatusOK) {
		return o.out
	}
	if ex.StatusCode == http.StatusOK {
		o.note("POST /Groups answered 200 instead of 201 (mockidp/okta/WIRE.md §9.1 expects 201)")
	}
	res, err := decodeObject(ex.ResponseBody)
	id, _ := res["id"].(string)
	if err != nil || id == "" {
		o.fail("Create new group returned empty group.") // [I] by analogy with §2.4
		return o.out
	}
	g.SCIMID = id
	c.storeGroup(g)
	if c.cfg.Profile == ProfileOIN {
		if ms := memberValues(o, g.Members); len(ms) > 0 {
			c.patchGroup(ctx, o, g, object{{"op", "add"}, {"path", "members"}, {"value", ms}})
		}
		return o.out
	}
	c.pushAll(ctx, o, g, true)
	return o.out
}

func (c *Client) storeGroup(g *Group) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.groups[g.ID] = g
}

// pushAll pushes the full membership: OIN PATCH replace at members; AIW
// (optionally GET first) full PUT (mockidp/okta/WIRE.md §9.1).
func (c *Client) pushAll(ctx context.Context, o *op, g *Group, aiwGet bool) bool {
	if c.cfg.Profile == ProfileOIN {
		return c.patchGroup(ctx, o, g, object{{"op", "replace"}, {"path", "members"}, {"value", memberValues(o, g.Members)}})
	}
	if aiwGet {
		ex, ok := o.do(ctx, Request{Path: c.groupPath(g)})
		if !ok || !o.expect(ex, http.StatusOK) {
			return false
		}
	}
	body, _ := json.Marshal(object{{"schemas", []string{SchemaGroup}}, {"displayName", g.Name}, {"members", memberValues(o, g.Members)}})
	ex, ok := o.do(ctx, Request{Method: http.MethodPut, Path: c.groupPath(g), Body: body})
	// [I] 204 accepted as for PATCH.
	return ok && o.expect(ex, http.StatusOK, http.StatusNoContent)
}

// patchGroup sends one PatchOp to /Groups/{id}; 200 or 204 succeed (§9.1).
func (c *Client) patchGroup(ctx context.Context, o *op, g *Group, ops ...object) bool {
	ex, ok := o.do(ctx, Request{Method: http.MethodPatch, Path: c.groupPath(g), Body: patchOp(ops...)})
	return ok && o.expect(ex, http.StatusOK, http.StatusNoContent)
}

// renameOp is the OIN rename body (mockidp/okta/WIRE.md §9.1 [D] SCIM20): replace
// without path, value carrying id and displayName.
func renameOp(g *Group) object {
	return object{{"op", "replace"}, {"value", object{{"id", g.SCIMID}, {"displayName", g.Name}}}}
}

// UpdateGroupMembers changes a pushed group's membership: add and remove
// are applied to g.Members, then OIN sends the rename PATCH (id +
// displayName, "also sent with every membership update", §9.1) followed by
// a PATCH with one remove op per removed member (path members[value eq
// "<id>"]) and one add op with all added members (§9.1 OLDREF order); [I]
// the two PATCHes are separate requests. AIW sends a full PUT /Groups/{id}.
func (c *Client) UpdateGroupMembers(ctx context.Context, g *Group, add, remove []*Assignment) Outcome {
	o, ok := c.groupOp("update-group-members", g, true)
	if !ok {
		return o.out
	}
	g.Members = applyMembers(g.Members, add, remove)
	if c.cfg.Profile == ProfileAIW {
		c.pushAll(ctx, o, g, false)
		return o.out
	}
	if !c.patchGroup(ctx, o, g, renameOp(g)) {
		return o.out
	}
	var ops []object
	for _, a := range remove {
		if a == nil || a.SCIMID == "" {
			continue
		}
		ops = append(ops, object{{"op", "remove"}, {"path", fmt.Sprintf("members[value eq %s]", quote(a.SCIMID))}})
	}
	if ms := memberValues(o, add); len(ms) > 0 {
		ops = append(ops, object{{"op", "add"}, {"path", "members"}, {"value", ms}})
	}
	if len(ops) > 0 {
		c.patchGroup(ctx, o, g, ops...)
	}
	return o.out
}

func applyMembers(cur, add, remove []*Assignment) []*Assignment {
	gone := map[*Assignment]bool{}
	for _, a := range remove {
		gone[a] = true
	}
	var out []*Assignment
	have := map[*Assignment]bool{}
	for _, a := range cur {
		if !gone[a] && !have[a] {
			out = append(out, a)
			have[a] = true
		}
	}
	for _, a := range add {
		if a != nil && !have[a] && !gone[a] {
			out = append(out, a)
			have[a] = true
		}
	}
	return out
}

// PushNow is "Push Now" (mockidp/okta/WIRE.md §9.1, PLAN C9316): a full membership
// overwrite. OIN: PATCH replace at members with the complete list (also
// empty); AIW: full PUT /Groups/{id}.
func (c *Client) PushNow(ctx context.Context, g *Group) Outcome {
	o, ok := c.groupOp("push-now", g, true)
	if !ok {
		return o.out
	}
	c.pushAll(ctx, o, g, false)
	return o.out
}

// RenameGroup sets g.Name to newName and pushes it: OIN PATCH replace
// {id, displayName} without path (mockidp/okta/WIRE.md §9.1); AIW full PUT.
func (c *Client) RenameGroup(ctx context.Context, g *Group, newName string) Outcome {
	o, ok := c.groupOp("rename-group", g, true)
	if !ok {
		return o.out
	}
	g.Name = newName
	if c.cfg.Profile == ProfileAIW {
		c.pushAll(ctx, o, g, false)
		return o.out
	}
	c.patchGroup(ctx, o, g, renameOp(g))
	return o.out
}

// UnlinkAndDeleteGroup is Push Groups › Unlink › "Delete the group in the
// target app" (mockidp/okta/WIRE.md §9.1): DELETE /Groups/{id}, 204 expected ([I]
// 200 accepted). On success g.SCIMID is cleared and Okta forgets the group.
func (c *Client) UnlinkAndDeleteGroup(ctx context.Context, g *Group) Outcome {
	o, ok := c.groupOp("unlink-delete-group", g, true)
	if !ok {
		return o.out
	}
	ex, ok := o.do(ctx, Request{Method: http.MethodDelete, Path: c.groupPath(g)})
	if !ok || !o.expect(ex, http.StatusNoContent, http.StatusOK) {
		return o.out
	}
	g.SCIMID = ""
	c.mu.Lock()
	delete(c.groups, g.ID)
	c.mu.Unlock()
	return o.out
}

// PushedGroup returns the group Okta has pushed with Okta group id id.
func (c *Client) PushedGroup(id string) (*Group, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g, ok := c.groups[id]
	return g, ok
}
