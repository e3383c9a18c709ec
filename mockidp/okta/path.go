package okta

import (
	"fmt"
	"regexp"
	"strings"
)

// Path is a parsed SCIM attribute path of a mapping row (RFC 7644 §3.10
// attribute notation, restricted to the forms Okta's app profiles use,
// mockidp/okta/WIRE.md §15.1).
type Path struct {
	// URN is the extension schema URN, e.g. SchemaEnterprise; "" for a core
	// attribute.
	URN string
	// Attr is the attribute name, e.g. "title", "phoneNumbers", "manager".
	Attr string
	// Type is the value of the filter [type eq "x"] selecting one element
	// of a multi-valued core attribute; "" without a filter.
	Type string
	// Sub is the sub-attribute, e.g. "value" or "honorificPrefix"; "" for a
	// simple attribute.
	Sub string
}

// String renders p in the notation LoadMapping reads.
func (p Path) String() string {
	s := p.Attr
	if p.Type != "" {
		s += `[type eq "` + p.Type + `"]`
	}
	if p.Sub != "" {
		s += "." + p.Sub
	}
	if p.URN != "" {
		s = p.URN + ":" + s
	}
	return s
}

// multiValued are the multi-valued attributes of the core User schema
// (RFC 7643 §4.1.2): a mapping reaches one of their elements only through
// a [type eq "x"] filter.
var multiValued = map[string]bool{
	"emails": true, "phonenumbers": true, "ims": true, "photos": true, "addresses": true,
	"entitlements": true, "roles": true, "x509certificates": true,
}

// baseAttributes are the core attributes the client sends on its own for
// every user (mockidp/okta/WIRE.md §4.2); a mapping may not write them again.
var baseAttributes = map[string]bool{
	"id": true, "meta": true, "schemas": true, "username": true, "displayname": true, "locale": true,
	"externalid": true, "active": true, "password": true, "groups": true, "emails": true,
}

var (
	corePath = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]*)(?:\[\s*(?i:type)\s+(?i:eq)\s+"([^"\\]+)"\s*\])?(?:\.(\$?[A-Za-z][A-Za-z0-9_-]*))?$`)
	extPath  = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]*)(?:\.(\$?[A-Za-z][A-Za-z0-9_-]*))?$`)
	urnForm  = regexp.MustCompile(`^(?i:urn):[A-Za-z0-9][A-Za-z0-9-]{0,31}:[!-~]+$`)
)

// pathForms is the error hint listing the notation ParsePath accepts.
const pathForms = `want a core attribute ("title"), a sub-attribute ("name.honorificPrefix"), ` +
	`one typed value of a multi-valued attribute ("phoneNumbers[type eq \"work\"].value") ` +
	`or an extension attribute ("` + SchemaEnterprise + `:department", "…:manager.value")`

// ParsePath parses a SCIM attribute path of a mapping. It accepts a core
// attribute, a core sub-attribute, `attr[type eq "x"].sub` for the
// multi-valued core attributes, and `<extension URN>:attr[.sub]`; a path
// prefixed by the core User URN is read as the core attribute. It rejects
// anything else, and the base attributes the client always sends
// (userName, name.givenName, name.familyName, name.middleName, emails,
// displayName, locale, externalId, active, password, groups, id, meta,
// schemas), with an error that names the path and the accepted forms.
func ParsePath(s string) (Path, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToLower(s), "urn:") {
		i := strings.LastIndex(s, ":")
		urn, rest := s[:i], s[i+1:]
		if strings.EqualFold(urn, SchemaUser) {
			s = rest
		} else {
			if !urnForm.MatchString(urn) {
				return Path{}, fmt.Errorf("SCIM path %q: %q is not a schema URN (urn:<namespace>:<name>)", s, urn)
			}
			m := extPath.FindStringSubmatch(rest)
			if m == nil {
				return Path{}, fmt.Errorf("SCIM path %q: after the extension URN %s %s; %s", s, urn, "want attr or attr.sub", pathForms)
			}
			return Path{URN: urn, Attr: m[1], Sub: m[2]}, nil
		}
	}
	m := corePath.FindStringSubmatch(s)
	if m == nil {
		return Path{}, fmt.Errorf("SCIM path %q: %s", s, pathForms)
	}
	p := Path{Attr: m[1], Type: m[2], Sub: m[3]}
	attr := strings.ToLower(p.Attr)
	switch {
	case baseAttributes[attr], attr == "name" && isBaseName(p.Sub):
		return Path{}, fmt.Errorf("SCIM path %q is a base attribute the client always sends (mockidp/okta/WIRE.md §4.2); map another attribute", s)
	case multiValued[attr] && (p.Type == "" || p.Sub == ""):
		return Path{}, fmt.Errorf("SCIM path %q: %s is multi-valued; name one element and its sub-attribute, e.g. %s[type eq \"work\"].value", s, p.Attr, p.Attr)
	case !multiValued[attr] && p.Type != "":
		return Path{}, fmt.Errorf("SCIM path %q: %s is not a multi-valued core attribute; a [type eq ...] filter applies only to %s", s, p.Attr, "emails, phoneNumbers, ims, photos, addresses, entitlements, roles, x509Certificates")
	}
	return p, nil
}

func isBaseName(sub string) bool {
	switch strings.ToLower(sub) {
	case "givenname", "familyname", "middlename":
		return true
	}
	return false
}

// container is the path without its last step: two mapping rows conflict
// when one writes a whole value the other writes into.
func (p Path) container() string {
	q := p
	q.Sub = ""
	return strings.ToLower(q.String())
}

// Get returns the value at p in a decoded SCIM resource, matching
// attribute names, the extension URN and the filter's type value
// case-insensitively (RFC 7643 §2.1). It reports false when any step of
// the path is absent; a present JSON null is returned as nil, true.
func (p Path) Get(res map[string]any) (any, bool) {
	cur := res
	if p.URN != "" {
		ext, ok := field(res, p.URN)
		if !ok {
			return nil, false
		}
		if cur, ok = ext.(map[string]any); !ok {
			return nil, false
		}
	}
	v, ok := field(cur, p.Attr)
	if !ok {
		return nil, false
	}
	if p.Type != "" {
		v, ok = element(v, p.Type)
		if !ok {
			return nil, false
		}
	}
	if p.Sub == "" {
		return v, true
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	return field(obj, p.Sub)
}

// field returns m's value for key k compared case-insensitively, exact
// matches first.
func field(m map[string]any, k string) (any, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	return nil, false
}

// fieldKey returns the key of m equal to k case-insensitively, or k.
func fieldKey(m map[string]any, k string) string {
	if _, ok := m[k]; ok {
		return k
	}
	for mk := range m {
		if strings.EqualFold(mk, k) {
			return mk
		}
	}
	return k
}

// element returns the element of the array v whose "type" equals typ.
func element(v any, typ string) (any, bool) {
	arr, _ := v.([]any)
	for _, el := range arr {
		if obj, ok := el.(map[string]any); ok {
			if t, _ := field(obj, "type"); t != nil {
				if ts, _ := t.(string); strings.EqualFold(ts, typ) {
					return obj, true
				}
			}
		}
	}
	return nil, false
}
