// Package schema holds the RFC 7643 attribute definitions of the reference
// server's User and Group resources. The server publishes them on /Schemas
// and uses them to canonicalise request bodies, evaluate filters (caseExact)
// and validate PATCH paths and values. It has no behaviour of its own and
// must not depend on HTTP, storage or the rest of the reference server.
package schema

import "strings"

// Schema URNs used by the reference server (RFC 7643 §8.7.1, RFC 7644 §3).
const (
	UserURN       = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupURN      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	EnterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	// ReferenceURN is the server's own User extension (reference/README.md),
	// the custom schema Okta's Import User Schema discovers (mockidp/okta/WIRE.md §15.3).
	ReferenceURN = "urn:ietf:params:scim:schemas:extension:scimconform:2.0:User"
	ListURN      = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	ErrorURN     = "urn:ietf:params:scim:api:messages:2.0:Error"
	PatchOpURN   = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

// Attribute types (RFC 7643 §2.3).
const (
	String    = "string"
	Boolean   = "boolean"
	Complex   = "complex"
	DateTime  = "dateTime"
	Reference = "reference"
	Integer   = "integer"
)

// Attribute is one RFC 7643 §7 attribute definition. Its JSON form is what
// /Schemas publishes.
type Attribute struct {
	Name          string      `json:"name"`
	Type          string      `json:"type"`
	MultiValued   bool        `json:"multiValued"`
	Description   string      `json:"description,omitempty"`
	Required      bool        `json:"required"`
	CaseExact     bool        `json:"caseExact"`
	Mutability    string      `json:"mutability"`
	Returned      string      `json:"returned"`
	Uniqueness    string      `json:"uniqueness"`
	SubAttributes []Attribute `json:"subAttributes,omitempty"`
}

// ReadOnly reports whether clients may not set the attribute.
func (a Attribute) ReadOnly() bool { return a.Mutability == "readOnly" }

// WriteOnly reports whether the attribute is never returned (password).
func (a Attribute) WriteOnly() bool { return a.Mutability == "writeOnly" }

// Sub returns the sub-attribute called name (case-insensitive, RFC 7643 §2.1).
func (a Attribute) Sub(name string) (Attribute, bool) { return Find(a.SubAttributes, name) }

// Find returns the attribute called name from attrs, case-insensitively.
func Find(attrs []Attribute, name string) (Attribute, bool) {
	for _, at := range attrs {
		if strings.EqualFold(at.Name, name) {
			return at, true
		}
	}
	return Attribute{}, false
}

func s(name string, caseExact bool, mut, uniq string) Attribute {
	return Attribute{Name: name, Type: String, CaseExact: caseExact, Mutability: mut, Returned: "default", Uniqueness: uniq}
}

func multi(name string, subs ...Attribute) Attribute {
	return Attribute{Name: name, Type: Complex, MultiValued: true, Mutability: "readWrite", Returned: "default", Uniqueness: "none", SubAttributes: subs}
}

func rw(name string) Attribute { return s(name, false, "readWrite", "none") }

func primary() Attribute {
	return Attribute{Name: "primary", Type: Boolean, Mutability: "readWrite", Returned: "default", Uniqueness: "none"}
}

// Common are the attributes every resource has (RFC 7643 §3.1). They are
// server-assigned except externalId.
var Common = []Attribute{
	s("id", true, "readOnly", "server"),
	s("externalId", true, "readWrite", "none"),
	{Name: "meta", Type: Complex, Mutability: "readOnly", Returned: "default", Uniqueness: "none", SubAttributes: []Attribute{
		s("resourceType", true, "readOnly", "none"),
		{Name: "created", Type: DateTime, Mutability: "readOnly", Returned: "default", Uniqueness: "none"},
		{Name: "lastModified", Type: DateTime, Mutability: "readOnly", Returned: "default", Uniqueness: "none"},
		{Name: "location", Type: Reference, CaseExact: true, Mutability: "readOnly", Returned: "default", Uniqueness: "none"},
		s("version", true, "readOnly", "none"),
	}},
}

// User is the core User schema (RFC 7643 §4.1) as the reference server
// implements it: userName is required, unique and case-insensitive.
var User = []Attribute{
	{Name: "userName", Type: String, Required: true, Mutability: "readWrite", Returned: "default", Uniqueness: "server"},
	{Name: "name", Type: Complex, Mutability: "readWrite", Returned: "default", Uniqueness: "none", SubAttributes: []Attribute{
		rw("formatted"), rw("familyName"), rw("givenName"), rw("middleName"), rw("honorificPrefix"), rw("honorificSuffix"),
	}},
	rw("displayName"), rw("nickName"),
	{Name: "profileUrl", Type: Reference, Mutability: "readWrite", Returned: "default", Uniqueness: "none"},
	rw("title"), rw("userType"), rw("preferredLanguage"), rw("locale"), rw("timezone"),
	{Name: "active", Type: Boolean, Mutability: "readWrite", Returned: "default", Uniqueness: "none"},
	{Name: "password", Type: String, CaseExact: true, Mutability: "writeOnly", Returned: "never", Uniqueness: "none"},
	multi("emails", rw("value"), rw("display"), rw("type"), primary()),
	multi("phoneNumbers", rw("value"), rw("display"), rw("type"), primary()),
	multi("ims", rw("value"), rw("display"), rw("type"), primary()),
	multi("photos", rw("value"), rw("display"), rw("type"), primary()),
	multi("addresses", rw("formatted"), rw("streetAddress"), rw("locality"), rw("region"), rw("postalCode"), rw("country"), rw("type"), primary()),
	{Name: "groups", Type: Complex, MultiValued: true, Mutability: "readOnly", Returned: "default", Uniqueness: "none", SubAttributes: []Attribute{
		s("value", true, "readOnly", "none"), s("$ref", true, "readOnly", "none"), s("display", false, "readOnly", "none"), s("type", false, "readOnly", "none"),
	}},
	multi("entitlements", rw("value"), rw("display"), rw("type"), primary()),
	multi("roles", rw("value"), rw("display"), rw("type"), primary()),
	multi("x509Certificates", rw("value"), rw("display"), rw("type"), primary()),
}

// Enterprise is the enterprise User extension (RFC 7643 §4.3).
var Enterprise = []Attribute{
	rw("employeeNumber"), rw("costCenter"), rw("organization"), rw("division"), rw("department"),
	{Name: "manager", Type: Complex, Mutability: "readWrite", Returned: "default", Uniqueness: "none", SubAttributes: []Attribute{
		rw("value"), s("$ref", true, "readWrite", "none"), s("displayName", false, "readOnly", "none"),
	}},
}

// ReferenceExtension is the server's own User extension: two free-text attributes
// an admin maps from Okta profile attributes (mockidp/okta/WIRE.md §15.3).
var ReferenceExtension = []Attribute{
	{Name: "badgeNumber", Type: String, Description: "Building access badge number", Mutability: "readWrite", Returned: "default", Uniqueness: "none"},
	{Name: "deskLocation", Type: String, Description: "Floor and desk", Mutability: "readWrite", Returned: "default", Uniqueness: "none"},
}

// Group is the core Group schema (RFC 7643 §4.2). Members reference users by id.
var Group = []Attribute{
	{Name: "displayName", Type: String, Required: true, Mutability: "readWrite", Returned: "default", Uniqueness: "none"},
	{Name: "members", Type: Complex, MultiValued: true, Mutability: "readWrite", Returned: "default", Uniqueness: "none", SubAttributes: []Attribute{
		s("value", true, "immutable", "none"), s("$ref", true, "immutable", "none"), s("display", false, "readOnly", "none"), s("type", false, "immutable", "none"),
	}},
}

// Resource describes one resource type: its core schema URN and attributes
// plus the extensions it allows.
type Resource struct {
	Name       string
	Endpoint   string
	URN        string
	Attributes []Attribute
	Extensions map[string][]Attribute
}

// UserResource and GroupResource are the two resource types the server serves.
var (
	UserResource  = Resource{Name: "User", Endpoint: "/Users", URN: UserURN, Attributes: User, Extensions: map[string][]Attribute{EnterpriseURN: Enterprise, ReferenceURN: ReferenceExtension}}
	GroupResource = Resource{Name: "Group", Endpoint: "/Groups", URN: GroupURN, Attributes: Group}
)

// Lookup resolves a top-level attribute name, with an optional schema URN
// prefix, to its definition: core attributes, common attributes, or an
// extension attribute when urn names a known extension. The returned URN is
// "" for core and common attributes.
func (r Resource) Lookup(urn, name string) (Attribute, string, bool) {
	if urn == "" || strings.EqualFold(urn, r.URN) {
		if a, ok := Find(r.Attributes, name); ok {
			return a, "", true
		}
		if a, ok := Find(Common, name); ok {
			return a, "", true
		}
		if urn == "" {
			for ext := range r.Extensions {
				if strings.EqualFold(ext, name) {
					return Attribute{Name: ext, Type: Complex, Mutability: "readWrite", Returned: "default", Uniqueness: "none", SubAttributes: r.Extensions[ext]}, "", true
				}
			}
		}
		return Attribute{}, "", false
	}
	for ext, attrs := range r.Extensions {
		if strings.EqualFold(ext, urn) {
			a, ok := Find(attrs, name)
			return a, ext, ok
		}
	}
	return Attribute{}, "", false
}
