package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

func validPerson(p *Person) error {
	if p == nil || p.ID == "" || p.Login == "" {
		return errors.New("person needs ID and Login")
	}
	return nil
}

// Assign is assigning the person to the app (mockidp/okta/WIRE.md §4.1, §13):
// GET /Users?filter=userName eq "<Login>"&startIndex=1&count=100; when not
// found (200 with totalResults 0, or 404) POST /Users with Okta's body
// (§4.2); when found, link to the first resource, then for an inactive user
// reactivate it (OIN: PATCH {"active":true}; AIW: GET + PUT active:true,
// §6) and sync the profile (GET /Users/{id} + PUT merged, §5.1, when
// UpdateAttributes is enabled). [I] §13: on OIN the PATCH comes before the
// profile PUT. Assigning an already assigned person sends nothing and
// returns the existing assignment. The assignment is returned (and kept)
// whenever the server gave Okta an id, even when a later step failed.
func (c *Client) Assign(ctx context.Context, p *Person) (*Assignment, Outcome) {
	o := c.begin("assign")
	a := c.assign(ctx, o, p)
	return a, o.out
}

func (c *Client) assign(ctx context.Context, o *op, p *Person) *Assignment {
	if err := validPerson(p); err != nil {
		o.failErr(err)
		return nil
	}
	if a, ok := c.Assignment(p.ID); ok {
		o.note("person %s is already assigned (SCIM id %s); Okta sends nothing", p.ID, a.SCIMID)
		return a
	}
	found, ok := o.lookup(ctx, "/Users", "userName", p.Login)
	if !ok {
		return nil
	}
	if found == nil {
		return c.create(ctx, o, p)
	}
	id, _ := found["id"].(string)
	if id == "" {
		o.fail("Errors reported by remote server: the user found by userName has no id")
		return nil
	}
	// §4.1 step 3: Okta stores the returned id as the app user's External ID.
	inactive := found["active"] == false
	a := &Assignment{Person: p, SCIMID: id, Active: !inactive, LastResource: found}
	c.mu.Lock()
	c.assignments[p.ID] = a
	c.mu.Unlock()
	if inactive {
		o.note("linked to inactive user %s; reactivating", id)
	}
	switch {
	case c.cfg.Profile == ProfileOIN:
		if inactive {
			if !c.patchActive(ctx, o, a, true) {
				return a
			}
		}
		if c.cfg.Features.UpdateAttributes {
			c.syncProfile(ctx, o, a, true, true)
		}
	default: // AIW: one GET + PUT both reactivates and syncs (§6, §13).
		if inactive || c.cfg.Features.UpdateAttributes {
			c.syncProfile(ctx, o, a, c.cfg.Features.UpdateAttributes, true)
		}
	}
	return a
}

// lookup runs Okta's filter lookup (mockidp/okta/WIRE.md §4.1, §9.1) and returns the
// first resource, or nil when none. 200 + totalResults 0 and 404 both mean
// "not found" (§4.1 SCIM20).
func (o *op) lookup(ctx context.Context, collection, attr, value string) (map[string]any, bool) {
	filter := attr + " eq " + quote(value)
	q := o.c.encodeQuery([]queryParam{{"filter", filter}, {"startIndex", "1"}, {"count", "100"}})
	ex, ok := o.do(ctx, Request{Path: collection + "?" + q})
	if !ok {
		return nil, false
	}
	if ex.StatusCode == http.StatusNotFound {
		o.note("lookup answered 404; Okta accepts it as not found (mockidp/okta/WIRE.md §4.1)")
		return nil, true
	}
	if !o.expect(ex, http.StatusOK) {
		return nil, false
	}
	res, total, err := parseList(ex.ResponseBody)
	if err != nil {
		o.fail(fmt.Sprintf("GET %s?filter: %v", collection, err))
		return nil, false
	}
	if total == 0 || len(res) == 0 {
		return nil, true
	}
	if len(res) > 1 {
		o.note("lookup returned %d resources; Okta links the first", len(res))
	}
	if got, _ := res[0][attr].(string); !strings.EqualFold(got, value) {
		// A server that ignores the filter makes Okta link a stranger [I].
		o.note("lookup for %s %q returned %s %q; Okta links it anyway", attr, value, attr, got)
	}
	return res[0], true
}

// createBody is Okta's POST /Users body, mockidp/okta/WIRE.md §4.2 [D] SCIM20, in
// Okta's key order. The password is a random 8-character placeholder.
func (c *Client) createBody(p *Person) ([]byte, error) {
	password := randomString(8, lowerDigit)
	c.addSecret(password)
	c.mu.Lock()
	c.passwords = append(c.passwords, password)
	c.mu.Unlock()
	schemas := []string{SchemaUser}
	name := object{{"givenName", p.GivenName}}
	if p.MiddleName != "" {
		name = append(name, member{"middleName", p.MiddleName})
	}
	name = append(name, member{"familyName", p.FamilyName})
	// §4.2 ROSTR, §15.2: mapped attributes, and their extension URNs in schemas.
	schemas, name, mapped := c.mappedCreate(p, schemas, name)
	body := object{
		{"schemas", schemas},
		{"userName", p.Login},
		{"name", name},
		{"emails", []object{{{"primary", true}, {"value", p.Email}, {"type", "work"}}}},
		{"displayName", p.displayName()},
		{"locale", p.locale()},
		{"externalId", p.ID},
	}
	for _, m := range mapped {
		body = body.set(m.k, m.v)
	}
	for _, k := range sortedKeys(p.SCIMAttributes) {
		body = body.set(k, p.SCIMAttributes[k])
	}
	body = body.set("groups", []any{})
	body = body.set("password", password)
	body = body.set("active", true)
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("create body for %s: %w", p.ID, err)
	}
	return b, nil
}

// create POSTs the user (mockidp/okta/WIRE.md §4.2, §4.3).
func (c *Client) create(ctx context.Context, o *op, p *Person) *Assignment {
	if !c.cfg.Features.Create {
		o.failErr(fmt.Errorf("%w: Create Users is off; Okta does not create %s", ErrFeatureDisabled, p.Login))
		return nil
	}
	body, err := c.createBody(p)
	if err != nil {
		o.failErr(err)
		return nil
	}
	ex, ok := o.do(ctx, Request{Method: http.MethodPost, Path: "/Users", Body: body})
	if !ok || !o.expect(ex, http.StatusCreated, http.StatusOK) {
		return nil
	}
	if ex.StatusCode == http.StatusOK {
		// [I] §4.3: undocumented whether Okta accepts 200; we accept and note it.
		o.note("POST /Users answered 200 instead of 201 (mockidp/okta/WIRE.md §4.3: Okta's handling undocumented; SPEC test #6 requires 201)")
	}
	res, err := decodeObject(ex.ResponseBody)
	id, _ := res["id"].(string)
	if err != nil || id == "" {
		// §2.4 [D] SCIM20 (an answer without id is [I] treated the same).
		o.fail("Create new user returned empty user.")
		return nil
	}
	a := &Assignment{Person: p, SCIMID: id, Active: res["active"] != false, LastResource: res}
	c.mu.Lock()
	c.assignments[p.ID] = a
	c.mu.Unlock()
	return a
}

func (c *Client) userPath(id string) string { return "/Users/" + url.PathEscape(id) }

// activePatch is Okta's path-less PatchOp (mockidp/okta/WIRE.md §6 [D] SCIM20; the
// reactivation form with true is [O] keycloak-scim-server PR 97).
func activePatch(active bool) []byte {
	b, _ := json.Marshal(object{
		{"schemas", []string{SchemaPatchOp}},
		{"Operations", []object{{{"op", "replace"}, {"value", object{{"active", active}}}}}},
	})
	return b
}

// patchActive sends the OIN (de)activation PATCH; 200 or 204 succeed (§6).
func (c *Client) patchActive(ctx context.Context, o *op, a *Assignment, active bool) bool {
	ex, ok := o.do(ctx, Request{Method: http.MethodPatch, Path: c.userPath(a.SCIMID), Body: activePatch(active)})
	if !ok || !o.expect(ex, http.StatusOK, http.StatusNoContent) {
		return false
	}
	a.Active = active
	if res, err := decodeObject(ex.ResponseBody); err == nil {
		a.LastResource = res
	}
	return true
}

// syncProfile is GET /Users/{id} then PUT of the server's resource merged
// with Okta's values (mockidp/okta/WIRE.md §5.1): when applyProfile, Okta's mapped
// attributes overwrite the server's; active is always set; everything else
// (id, meta, unknown attributes, even a wrongly returned ListResponse, §11
// #12) is echoed back unchanged.
func (c *Client) syncProfile(ctx context.Context, o *op, a *Assignment, applyProfile, active bool) bool {
	path := c.userPath(a.SCIMID)
	ex, ok := o.do(ctx, Request{Path: path})
	if !ok || !o.expect(ex, http.StatusOK) {
		return false
	}
	res, err := decodeObject(ex.ResponseBody)
	if err != nil {
		o.fail(fmt.Sprintf("GET %s: %v", path, err))
		return false
	}
	if applyProfile {
		mergeProfile(res, a.Person)
		c.mergeMapped(res, a.Person)
	}
	res["active"] = active
	body, err := json.Marshal(res)
	if err != nil {
		o.failErr(fmt.Errorf("PUT body for %s: %w", path, err))
		return false
	}
	ex, ok = o.do(ctx, Request{Method: http.MethodPut, Path: path, Body: body})
	// [I] RFC 7644 §3.5.1 says 200; 204 is accepted like for PATCH (§6).
	if !ok || !o.expect(ex, http.StatusOK, http.StatusNoContent) {
		return false
	}
	a.Active = active
	a.LastResource = res
	if put, err := decodeObject(ex.ResponseBody); err == nil {
		a.LastResource = put
	}
	return true
}

// mergeProfile overwrites Okta's mapped attributes in the server's
// resource (mockidp/okta/WIRE.md §5.1). [I] Mapped: userName, name.givenName,
// name.familyName, name.middleName (when set), the primary email's value
// (other keys of that email such as display are kept; a work/primary email
// is added when none exists), displayName, locale and Person.SCIMAttributes;
// the caller merges the mapped attributes (mergeMapped).
// externalId is left as the server has it (the SCIM20 PUT sample has none).
func mergeProfile(res map[string]any, p *Person) {
	res["userName"] = p.Login
	name, _ := res["name"].(map[string]any)
	if name == nil {
		name = map[string]any{}
	}
	name["givenName"] = p.GivenName
	name["familyName"] = p.FamilyName
	if p.MiddleName != "" {
		name["middleName"] = p.MiddleName
	}
	res["name"] = name
	emails, _ := res["emails"].([]any)
	replaced := false
	for _, e := range emails {
		em, ok := e.(map[string]any)
		if ok && em["primary"] == true {
			em["value"] = p.Email
			replaced = true
			break
		}
	}
	if !replaced {
		emails = append([]any{map[string]any{"primary": true, "value": p.Email, "type": "work"}}, emails...)
	}
	res["emails"] = emails
	res["displayName"] = p.displayName()
	res["locale"] = p.locale()
	for k, v := range p.SCIMAttributes {
		res[k] = v
	}
}

// UpdateProfile pushes the person's current fields (after the caller
// changed them): GET /Users/{id} then PUT merged (mockidp/okta/WIRE.md §5.1; both
// profiles, §1 SCIM20: profile updates are PUT). It fails with
// ErrNotAssigned when the person is not assigned and with
// ErrFeatureDisabled when UpdateAttributes is off.
func (c *Client) UpdateProfile(ctx context.Context, p *Person) Outcome {
	o := c.begin("update-profile")
	if err := validPerson(p); err != nil {
		o.failErr(err)
		return o.out
	}
	a, ok := c.Assignment(p.ID)
	if !ok {
		o.failErr(fmt.Errorf("%w: %s", ErrNotAssigned, p.ID))
		return o.out
	}
	if !c.cfg.Features.UpdateAttributes {
		o.failErr(fmt.Errorf("%w: Update User Attributes is off", ErrFeatureDisabled))
		return o.out
	}
	a.Person = p
	c.syncProfile(ctx, o, a, true, a.Active)
	return o.out
}

// Unassign removes the person's assignment (mockidp/okta/WIRE.md §6, §7.1): OIN
// sends PATCH /Users/{id} with the path-less replace {"active":false}; AIW
// sends GET /Users/{id} then PUT of that resource with active:false. Okta
// then forgets the link; [I] on failure the link is kept so the caller can
// retry. With Deactivate off nothing is sent and the link is forgotten.
func (c *Client) Unassign(ctx context.Context, p *Person) Outcome {
	o := c.begin("unassign")
	c.unassign(ctx, o, p)
	return o.out
}

func (c *Client) unassign(ctx context.Context, o *op, p *Person) bool {
	if err := validPerson(p); err != nil {
		o.failErr(err)
		return false
	}
	a, ok := c.Assignment(p.ID)
	if !ok {
		o.failErr(fmt.Errorf("%w: %s", ErrNotAssigned, p.ID))
		return false
	}
	if c.cfg.Features.Deactivate {
		var done bool
		if c.cfg.Profile == ProfileOIN {
			done = c.patchActive(ctx, o, a, false)
		} else {
			done = c.syncProfile(ctx, o, a, false, false)
		}
		if !done {
			return false
		}
	} else {
		o.note("Deactivate Users is off: Okta removes the assignment without telling the app")
	}
	c.mu.Lock()
	delete(c.assignments, p.ID)
	c.mu.Unlock()
	return true
}

// ChangePrimaryEmail changes a person's primary email the way Apollo
// requires (mockidp/okta/WIRE.md §7, APOLLO): Unassign, set Email (and Login, when
// Login equalled the old email or is empty) to newEmail, then Assign, which
// looks up the new userName and POSTs with the same externalId when not
// found (§7.1). The returned outcome covers all three steps.
func (c *Client) ChangePrimaryEmail(ctx context.Context, p *Person, newEmail string) (*Assignment, Outcome) {
	o := c.begin("change-primary-email")
	if !c.unassign(ctx, o, p) {
		return nil, o.out
	}
	if p.Login == "" || strings.EqualFold(p.Login, p.Email) {
		p.Login = newEmail
	}
	p.Email = newEmail
	a := c.assign(ctx, o, p)
	return a, o.out
}
