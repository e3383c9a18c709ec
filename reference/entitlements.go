package reference

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Entitlements: "SCIM 2.0 with entitlements" (Okta Identity Governance,
// mockidp/okta/WIRE.md §16). The server offers two entitlement resource
// types with a fixed, seeded set of values: Role at /Roles (Okta's Role
// schema; a user holds them in "roles") and License at /Licenses (Okta's
// Entitlement schema, type "License"; a user holds them in
// "entitlements"). Users may hold only values the server offers: anything
// else is refused with 400 invalidValue, so that what Okta imported is
// always what the app enforces. The values are part of the server, not of
// the tenant data, so the store is not involved; a user's assignments are
// part of the user document like any other attribute.

// Okta's schema URNs for entitlement resource types (mockidp/okta/WIRE.md §16 [D]).
const (
	oktaRoleURN        = "urn:okta:scim:schemas:core:1.0:Role"
	oktaEntitlementURN = "urn:okta:scim:schemas:core:1.0:Entitlement"
)

// entitlementValue is one value an entitlement type offers.
type entitlementValue struct {
	id, displayName, description string
}

// entitlementType is one entitlement resource type and its values.
type entitlementType struct {
	// name is the ResourceType id and name; for Entitlement-schema types it
	// is also each value's "type" (mockidp/okta/WIRE.md §16).
	name, endpoint, urn, description string
	// attribute is the multi-valued User attribute that holds the values.
	attribute string
	values    []entitlementValue
}

// entitlementTypes is the seeded catalogue, in the order it is listed.
var entitlementTypes = []entitlementType{
	{
		name: "Role", endpoint: "/Roles", urn: oktaRoleURN, attribute: "roles",
		description: "What a user may do in the app",
		values: []entitlementValue{
			{"role-admin", "Administrator", "Manages the workspace, its members and billing"},
			{"role-editor", "Editor", "Creates and edits content"},
			{"role-viewer", "Viewer", "Reads content"},
		},
	},
	{
		name: "License", endpoint: "/Licenses", urn: oktaEntitlementURN, attribute: "entitlements",
		description: "Which paid plan a user's seat is on",
		values: []entitlementValue{
			{"license-basic", "Basic", "The free seat"},
			{"license-pro", "Professional", "The paid seat"},
			{"license-enterprise", "Enterprise", "The paid seat with audit and SSO"},
		},
	},
}

func (t entitlementType) value(id string) (entitlementValue, bool) {
	for _, v := range t.values {
		if v.id == id {
			return v, true
		}
	}
	return entitlementValue{}, false
}

func (t entitlementType) render(c *gin.Context, v entitlementValue) map[string]any {
	m := map[string]any{
		"schemas":     []string{t.urn},
		"id":          v.id,
		"displayName": v.displayName,
		"description": v.description,
		"meta":        map[string]any{"resourceType": t.name, "location": baseURL(c) + t.endpoint + "/" + v.id},
	}
	if t.urn == oktaEntitlementURN {
		m["type"] = t.name
	}
	return m
}

// routeEntitlements mounts GET on every entitlement endpoint (authenticated).
func (s *Server) routeEntitlements(g *gin.RouterGroup) {
	for _, t := range entitlementTypes {
		g.GET(t.endpoint, func(c *gin.Context) { s.listEntitlements(c, t) })
		g.GET(t.endpoint+"/:id", func(c *gin.Context) { s.getEntitlement(c, t) })
	}
}

// listEntitlements answers GET /Roles or /Licenses with startIndex/count
// paging (RFC 7644 §3.4.2.4); itemsPerPage is the number of values on the
// page (Okta's entitlements test: count=1 ⇒ itemsPerPage 1, mockidp/okta/WIRE.md §16).
func (s *Server) listEntitlements(c *gin.Context, t entitlementType) {
	start, count, ok := s.paging(c)
	if !ok {
		return
	}
	if _, has := c.GetQuery("filter"); has {
		s.fail(c, http.StatusBadRequest, "invalidFilter", "filtering is not supported on "+t.endpoint)
		return
	}
	rs := []any{}
	for i := start - 1; i < len(t.values) && len(rs) < count; i++ {
		rs = append(rs, t.render(c, t.values[i]))
	}
	s.writeList(c, rs, len(t.values), start)
}

func (s *Server) getEntitlement(c *gin.Context, t entitlementType) {
	v, ok := t.value(c.Param("id"))
	if !ok {
		s.fail(c, http.StatusNotFound, "", fmt.Sprintf("%s %q not found", strings.ToLower(t.name), c.Param("id")))
		return
	}
	s.writeJSON(c, http.StatusOK, t.render(c, v))
}

// entitlementResourceTypes are the /ResourceTypes entries of the catalogue.
func entitlementResourceTypes(c *gin.Context) []map[string]any {
	out := make([]map[string]any, 0, len(entitlementTypes))
	for _, t := range entitlementTypes {
		out = append(out, map[string]any{
			"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
			"id":          t.name,
			"name":        t.name,
			"endpoint":    t.endpoint,
			"description": t.description,
			"schema":      t.urn,
			"meta":        map[string]any{"resourceType": "ResourceType", "location": baseURL(c) + "/ResourceTypes/" + t.name},
		})
	}
	return out
}

// entitlementSchemas are the /Schemas entries for Okta's Role and
// Entitlement schemas (Okta knows them, mockidp/okta/WIRE.md §16, but a client reading
// /Schemas finds every schema /ResourceTypes names).
func entitlementSchemas(c *gin.Context) []map[string]any {
	ro := func(name string, required bool) schema.Attribute {
		return schema.Attribute{Name: name, Type: schema.String, Required: required, Mutability: "readOnly", Returned: "default", Uniqueness: "none"}
	}
	role := []schema.Attribute{ro("id", true), ro("displayName", true), ro("description", false)}
	ent := []schema.Attribute{ro("id", true), ro("displayName", true), ro("type", true), ro("description", false)}
	return []map[string]any{
		schemaDoc(c, oktaRoleURN, "Role", role),
		schemaDoc(c, oktaEntitlementURN, "Entitlement", ent),
	}
}

// knownEntitlement reports whether value may appear in the User attribute
// attr ("roles" or "entitlements"); typ, when not empty, must name the
// value's type (case-insensitively).
func knownEntitlement(attr, value, typ string) bool {
	for _, t := range entitlementTypes {
		if !strings.EqualFold(t.attribute, attr) {
			continue
		}
		if typ != "" && t.urn == oktaEntitlementURN && !strings.EqualFold(typ, t.name) {
			continue
		}
		if _, ok := t.value(value); ok {
			return true
		}
	}
	return false
}

// checkEntitlements refuses a user document whose roles or entitlements
// hold a value the server does not offer: the answer is 400 invalidValue
// (RFC 7644 §3.12) naming the value, and ok is false.
func (s *Server) checkEntitlements(c *gin.Context, doc map[string]any) (ok bool) {
	for _, attr := range []string{"roles", "entitlements"} {
		raw, has := doc[attr]
		if !has || raw == nil {
			continue
		}
		list, isList := raw.([]any)
		if !isList {
			s.fail(c, http.StatusBadRequest, "invalidValue", attr+" must be an array")
			return false
		}
		for _, el := range list {
			m, _ := el.(map[string]any)
			value, typ := str(m, "value"), str(m, "type")
			if !knownEntitlement(attr, value, typ) {
				s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("%s: %q is not a value this app offers (see %s)", attr, value, offeredAt(attr)))
				return false
			}
		}
	}
	return true
}

func offeredAt(attr string) string {
	var eps []string
	for _, t := range entitlementTypes {
		if strings.EqualFold(t.attribute, attr) {
			eps = append(eps, t.endpoint)
		}
	}
	return strings.Join(eps, ", ")
}
