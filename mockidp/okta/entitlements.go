package okta

// This file: "SCIM 2.0 with entitlements" (Okta Identity Governance,
// mockidp/okta/WIRE.md §16): discovering the entitlement resource types,
// importing their values, and granting them to users.

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Okta's schema URNs for entitlement resource types (mockidp/okta/WIRE.md
// §16 [D]): a ResourceType whose schema is one of these is an entitlement
// type; any other (User, Group) is not.
const (
	SchemaOktaRole        = "urn:okta:scim:schemas:core:1.0:Role"
	SchemaOktaEntitlement = "urn:okta:scim:schemas:core:1.0:Entitlement"
)

// EntitlementType is one entitlement resource type from /ResourceTypes.
type EntitlementType struct {
	// ID and Name are the ResourceType's id and name; Name is what the
	// Governance tab shows and, for Entitlement-schema types, the "type"
	// of the values (§16 [D]).
	ID, Name string
	// Endpoint is where Okta reads the values, e.g. "/Roles".
	Endpoint string
	// Schema is SchemaOktaRole or SchemaOktaEntitlement.
	Schema string
	// Extensions are the schemaExtensions URNs the type lists.
	Extensions []string
}

// IsRole reports whether the type uses Okta's Role schema: its values go
// into the user's "roles"; all others go into "entitlements" (§16 [I]).
func (t EntitlementType) IsRole() bool { return strings.EqualFold(t.Schema, SchemaOktaRole) }

// Discovery is what Okta learnt from /ResourceTypes and /Schemas.
type Discovery struct {
	// Types are the entitlement resource types, in the server's order.
	Types []EntitlementType
	// ResourceTypes are every ResourceType as the server returned it.
	ResourceTypes []map[string]any
	// Schemas are the schemas /Schemas returned, by id; nil when the
	// server answered /Schemas with anything but a ListResponse (§16 [D]:
	// Okta knows the Role, Entitlement and User schemas itself).
	Schemas map[string]map[string]any
}

// DiscoverEntitlements is the first part of enabling provisioning on a
// "SCIM 2.0 with entitlements" app (mockidp/okta/WIRE.md §16 [D]): GET
// /ResourceTypes, then GET /Schemas (both without a query, [I]). It fails
// when /ResourceTypes is not a valid ListResponse, when an entry lacks an
// endpoint, or when /Schemas is unusable and some entitlement type lists
// an extension (only then does Okta need it, §16 [D]). No entitlement type
// at all is not a failure: the app simply offers nothing to govern.
func (c *Client) DiscoverEntitlements(ctx context.Context) (Discovery, Outcome) {
	o := c.begin("discover-entitlements")
	var d Discovery
	ex, ok := o.do(ctx, Request{Path: "/ResourceTypes"})
	if !ok || !o.expect(ex, http.StatusOK) {
		return d, o.out
	}
	rts, _, err := parseList(ex.ResponseBody)
	if err != nil {
		o.fail("GET /ResourceTypes: " + err.Error())
		return d, o.out
	}
	d.ResourceTypes = rts
	needSchemas := false
	for i, rt := range rts {
		urn, _ := rt["schema"].(string)
		if !strings.EqualFold(urn, SchemaOktaRole) && !strings.EqualFold(urn, SchemaOktaEntitlement) {
			continue
		}
		t := EntitlementType{Schema: urn}
		t.ID, _ = rt["id"].(string)
		t.Name, _ = rt["name"].(string)
		t.Endpoint, _ = rt["endpoint"].(string)
		if t.Endpoint == "" || !strings.HasPrefix(t.Endpoint, "/") {
			o.fail(fmt.Sprintf("GET /ResourceTypes: Resources[%d] (%s) has no endpoint path", i, t.Name))
			return d, o.out
		}
		exts, _ := rt["schemaExtensions"].([]any)
		for _, e := range exts {
			if m, ok := e.(map[string]any); ok {
				if u, _ := m["schema"].(string); u != "" {
					t.Extensions = append(t.Extensions, u)
					needSchemas = true
				}
			}
		}
		d.Types = append(d.Types, t)
	}
	ex, ok = o.do(ctx, Request{Path: "/Schemas"})
	if !ok {
		return d, o.out
	}
	if ex.StatusCode == http.StatusOK {
		if list, _, err := parseList(ex.ResponseBody); err == nil {
			d.Schemas = map[string]map[string]any{}
			for _, s := range list {
				if id, _ := s["id"].(string); id != "" {
					d.Schemas[id] = s
				}
			}
		}
	}
	if d.Schemas == nil {
		if needSchemas {
			o.fail(fmt.Sprintf("GET /Schemas answered %s; the entitlement types list extensions Okta cannot read", statusLine(ex)))
			return d, o.out
		}
		o.note("GET /Schemas answered %s; Okta knows the Role and Entitlement schemas itself (mockidp/okta/WIRE.md §16)", statusLine(ex))
	}
	o.note("%d entitlement types discovered", len(d.Types))
	return d, o.out
}

func statusLine(ex Exchange) string {
	if ex.StatusCode == 0 {
		return "nothing"
	}
	return strconv.Itoa(ex.StatusCode)
}

// Entitlement is one value of an entitlement type.
type Entitlement struct {
	// Type is the entitlement type it belongs to.
	Type EntitlementType
	// ID is the value's id: what a user attribute carries as "value".
	ID string
	// DisplayName is what the Governance tab shows.
	DisplayName string
	// Resource is the value as the server returned it.
	Resource map[string]any
}

// Page is one page of a list as Okta read it.
type Page struct {
	// StartIndex and Count are what Okta asked for.
	StartIndex, Count int
	// TotalResults and ItemsPerPage are the server's counters (0 when absent).
	TotalResults, ItemsPerPage int
	// Resources is how many resources the page held.
	Resources int
	// Exchange is the page's HTTP exchange.
	Exchange Exchange
}

// EntitlementImport is the import of one entitlement type.
type EntitlementImport struct {
	// Type is the imported type.
	Type EntitlementType
	// Probe is the first request, GET {endpoint}?count=1&startIndex=1,
	// exactly as Okta's entitlements test sends it (§16 [T] ENT).
	Probe Page
	// Pages are the pages of the import proper, in order.
	Pages []Page
	// Values are every value the pages returned, in order (duplicates
	// included: the caller judges them).
	Values []Entitlement
}

// DefaultEntitlementPageSize is the page size of Okta's entitlement import
// ([I] §16: like the user import, §8).
const DefaultEntitlementPageSize = 100

// ImportEntitlements reads every value of t (mockidp/okta/WIRE.md §16):
// first GET {endpoint}?count=1&startIndex=1 (Okta's entitlements test
// [T] ENT), then GET {endpoint}?startIndex=1&count=pageSize, startIndex
// advancing by pageSize until it passes totalResults ([I] like the user
// import, §8). pageSize ≤ 0 means DefaultEntitlementPageSize. It fails on
// an answer that is not a valid ListResponse, on an empty page before
// totalResults is reached, and after 1,000 pages. Values without an id are
// kept (with ID "") for the caller to judge.
func (c *Client) ImportEntitlements(ctx context.Context, t EntitlementType, pageSize int) (EntitlementImport, Outcome) {
	o := c.begin("import-entitlements")
	imp := EntitlementImport{Type: t}
	if pageSize <= 0 {
		pageSize = DefaultEntitlementPageSize
	}
	probe, _, ok := o.entitlementPage(ctx, t, []queryParam{{"count", "1"}, {"startIndex", "1"}}, 1, 1)
	if !ok {
		return imp, o.out
	}
	imp.Probe = probe
	start := 1
	for page := 0; ; page++ {
		if page >= maxImportPages {
			o.fail(fmt.Sprintf("import of %s stopped after %d pages: totalResults never reached", t.Endpoint, maxImportPages))
			return imp, o.out
		}
		n := strconv.Itoa(pageSize)
		p, res, ok := o.entitlementPage(ctx, t, []queryParam{{"startIndex", strconv.Itoa(start)}, {"count", n}}, start, pageSize)
		if !ok {
			return imp, o.out
		}
		imp.Pages = append(imp.Pages, p)
		for _, r := range res {
			e := Entitlement{Type: t, Resource: r}
			e.ID, _ = r["id"].(string)
			e.DisplayName, _ = r["displayName"].(string)
			imp.Values = append(imp.Values, e)
		}
		if start+pageSize > p.TotalResults {
			break
		}
		if len(res) == 0 {
			o.fail(fmt.Sprintf("GET %s?startIndex=%d returned no values but totalResults is %d", t.Endpoint, start, p.TotalResults))
			return imp, o.out
		}
		start += pageSize
	}
	o.note("%s: %d values imported", t.Name, len(imp.Values))
	return imp, o.out
}

func (o *op) entitlementPage(ctx context.Context, t EntitlementType, q []queryParam, start, count int) (Page, []map[string]any, bool) {
	ex, ok := o.do(ctx, Request{Path: t.Endpoint + "?" + o.c.encodeQuery(q)})
	p := Page{StartIndex: start, Count: count, Exchange: ex}
	if !ok || !o.expect(ex, http.StatusOK) {
		return p, nil, false
	}
	res, total, err := parseList(ex.ResponseBody)
	if err != nil {
		o.fail(fmt.Sprintf("GET %s?startIndex=%d: %v", t.Endpoint, start, err))
		return p, nil, false
	}
	p.TotalResults, p.Resources = total, len(res)
	if m, err := decodeObject(ex.ResponseBody); err == nil {
		p.ItemsPerPage, _ = intField(m, "itemsPerPage", false)
	}
	return p, res, true
}

// EntitlementAttributes returns the User attributes that carry grants
// (mockidp/okta/WIRE.md §16): "roles" items {value, display} for Role
// types and "entitlements" items {value, display, type} for the others,
// as in Okta's "User with entitlements and roles" example [D]; that Okta
// sends them in this shape is [I]. Both keys are always present, empty
// when nothing of that kind is granted (removal sends empty arrays [I]).
// Put the result into Person.SCIMAttributes to send it on create and update.
func EntitlementAttributes(grants []Entitlement) map[string]any {
	roles, ents := []any{}, []any{}
	for _, g := range grants {
		if g.Type.IsRole() {
			roles = append(roles, object{{"value", g.ID}, {"display", g.DisplayName}})
		} else {
			ents = append(ents, object{{"value", g.ID}, {"display", g.DisplayName}, {"type", g.Type.Name}})
		}
	}
	return map[string]any{"roles": roles, "entitlements": ents}
}

// SetEntitlements grants exactly grants to the assigned person
// (mockidp/okta/WIRE.md §16): their "roles" and "entitlements" are set
// with EntitlementAttributes and pushed like any profile change, GET
// /Users/{id} then PUT merged, in both profiles ([I] §16, §5.1). An empty
// grants revokes everything (empty arrays). It fails with ErrNotAssigned
// when the person is not assigned and with ErrFeatureDisabled when
// UpdateAttributes is off.
func (c *Client) SetEntitlements(ctx context.Context, p *Person, grants []Entitlement) Outcome {
	o := c.begin("set-entitlements")
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
	if p.SCIMAttributes == nil {
		p.SCIMAttributes = map[string]any{}
	}
	for k, v := range EntitlementAttributes(grants) {
		p.SCIMAttributes[k] = v
	}
	a.Person = p
	c.syncProfile(ctx, o, a, true, a.Active)
	return o.out
}
