package okta

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Mapping is what an Okta admin maps in the app's Provisioning › To App
// settings: Okta profile attributes, each written to one SCIM attribute
// path of the User. A nil *Mapping is no mapping (Okta's base attributes
// only).
type Mapping struct {
	// Name is the preset name or the file the mapping was read from, for
	// reports.
	Name string
	// Attributes are the mapped attributes in declaration order.
	Attributes []MappedAttribute
}

// MappedAttribute is one row of the mapping.
type MappedAttribute struct {
	// Okta is the Okta profile attribute, e.g. "department".
	Okta string
	// SCIM is the SCIM attribute path Okta writes it to: a core attribute
	// ("title"), a sub-attribute ("name.honorificPrefix"), a value filter
	// ("phoneNumbers[type eq \"work\"].value") or an extension attribute
	// prefixed by its schema URN
	// ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department").
	SCIM string
}

// Keys returns "okta=scim" for each attribute, sorted; nil for a nil m.
// It identifies the mapping in a configuration hash.
func (m *Mapping) Keys() []string {
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(m.Attributes))
	for _, a := range m.Attributes {
		out = append(out, a.Okta+"="+a.SCIM)
	}
	sort.Strings(out)
	return out
}

// SchemaReferenceExtension is the reference server's own User extension
// (reference/README.md), which the "reference" preset maps so that a demo
// run exercises a custom schema (mockidp/okta/WIRE.md §15.3).
const SchemaReferenceExtension = "urn:ietf:params:scim:schemas:extension:scimconform:2.0:User"

// oktaDefault are the rows of Okta's default SCIM 2.0 "To App" mappings
// beyond the base attributes the client always sends (mockidp/okta/WIRE.md
// §15.1). [I] Okta's app profile selects the phone and address elements by
// primary == true and maps their type to "work" (or "mobile"); the mock
// writes the typed element instead.
var oktaDefault = []MappedAttribute{
	{"honorificPrefix", "name.honorificPrefix"},
	{"honorificSuffix", "name.honorificSuffix"},
	{"title", "title"},
	{"nickName", "nickName"},
	{"profileUrl", "profileUrl"},
	{"userType", "userType"},
	{"preferredLanguage", "preferredLanguage"},
	{"timezone", "timezone"},
	{"primaryPhone", `phoneNumbers[type eq "work"].value`},
	{"mobilePhone", `phoneNumbers[type eq "mobile"].value`},
	{"streetAddress", `addresses[type eq "work"].streetAddress`},
	{"city", `addresses[type eq "work"].locality`},
	{"state", `addresses[type eq "work"].region`},
	{"zipCode", `addresses[type eq "work"].postalCode`},
	{"countryCode", `addresses[type eq "work"].country`},
}

// enterprise are the enterprise extension rows of Okta's default mappings
// (RFC 7643 §4.3; mockidp/okta/WIRE.md §15.1).
var enterprise = []MappedAttribute{
	{"department", SchemaEnterprise + ":department"},
	{"employeeNumber", SchemaEnterprise + ":employeeNumber"},
	{"costCenter", SchemaEnterprise + ":costCenter"},
	{"organization", SchemaEnterprise + ":organization"},
	{"division", SchemaEnterprise + ":division"},
	{"managerId", SchemaEnterprise + ":manager.value"},
}

// mappingPresets are the built-in mappings --mapping accepts by name.
var mappingPresets = map[string][]MappedAttribute{
	"enterprise":   enterprise,
	"okta-default": oktaDefault,
	// reference is everything the reference server stores: Okta's default
	// core and enterprise rows plus two attributes of its own extension.
	"reference": concat(oktaDefault, enterprise, []MappedAttribute{
		{"badgeNumber", SchemaReferenceExtension + ":badgeNumber"},
		{"deskLocation", SchemaReferenceExtension + ":deskLocation"},
	}),
}

func concat(parts ...[]MappedAttribute) []MappedAttribute {
	var out []MappedAttribute
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// MappingPresets returns the names LoadMapping accepts besides a file, sorted.
func MappingPresets() []string {
	out := make([]string, 0, len(mappingPresets))
	for n := range mappingPresets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// LoadMapping returns the preset named spec, or reads the YAML file spec:
// a mapping of Okta profile attribute to SCIM attribute path, in the
// order written, e.g.
//
//	department: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
//	title: title
//
// It returns an error naming the file, the line and the problem when the
// file is missing, is not such a mapping, is empty, maps one Okta
// attribute or one SCIM path twice, writes a path that is not one of the
// forms ParsePath accepts, or writes both a whole value and a part of it
// ("manager" and "manager.value"). Paths are kept in ParsePath's notation.
func LoadMapping(spec string) (*Mapping, error) {
	if attrs, ok := mappingPresets[spec]; ok {
		return &Mapping{Name: spec, Attributes: append([]MappedAttribute(nil), attrs...)}, nil
	}
	b, err := os.ReadFile(spec)
	if err != nil {
		return nil, fmt.Errorf("--mapping %q is neither a preset (%s) nor a readable file: %w", spec, strings.Join(MappingPresets(), ", "), err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("--mapping %s: %w", spec, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("--mapping %s: want a YAML mapping of Okta attribute to SCIM attribute path, e.g. \"title: title\"", spec)
	}
	m := &Mapping{Name: spec}
	seenOkta, seenSCIM := map[string]bool{}, map[string]string{}
	kv := doc.Content[0].Content
	for i := 0; i+1 < len(kv); i += 2 {
		k, v := kv[i], kv[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" || strings.TrimSpace(v.Value) == "" {
			return nil, fmt.Errorf("--mapping %s line %d: want \"<okta attribute>: <SCIM attribute path>\"", spec, k.Line)
		}
		a := MappedAttribute{Okta: strings.TrimSpace(k.Value), SCIM: strings.TrimSpace(v.Value)}
		if !oktaName.MatchString(a.Okta) {
			return nil, fmt.Errorf("--mapping %s line %d: %q is not an Okta attribute (variable) name", spec, k.Line, a.Okta)
		}
		p, err := ParsePath(a.SCIM)
		if err != nil {
			return nil, fmt.Errorf("--mapping %s line %d: %w", spec, v.Line, err)
		}
		a.SCIM = p.String()
		key := strings.ToLower(a.SCIM)
		if seenOkta[a.Okta] {
			return nil, fmt.Errorf("--mapping %s line %d: Okta attribute %q is mapped twice", spec, k.Line, a.Okta)
		}
		if prev, ok := seenSCIM[key]; ok {
			return nil, fmt.Errorf("--mapping %s line %d: SCIM attribute %q is mapped twice (also from %s)", spec, k.Line, a.SCIM, prev)
		}
		seenOkta[a.Okta], seenSCIM[key] = true, a.Okta
		m.Attributes = append(m.Attributes, a)
	}
	if err := checkContainers(m.Attributes); err != nil {
		return nil, fmt.Errorf("--mapping %s: %w", spec, err)
	}
	if len(m.Attributes) == 0 {
		return nil, fmt.Errorf("--mapping %s maps no attribute", spec)
	}
	return m, nil
}

// oktaName is an Okta profile variable name (letters, digits, _ and $).
var oktaName = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// checkContainers fails when one row writes a whole value another row
// writes into ("manager" and "manager.value").
func checkContainers(attrs []MappedAttribute) error {
	whole := map[string]string{}
	for _, a := range attrs {
		if p := a.Path(); p.Sub == "" {
			whole[strings.ToLower(p.String())] = a.Okta
		}
	}
	for _, a := range attrs {
		if p := a.Path(); p.Sub != "" {
			if o, ok := whole[p.container()]; ok {
				return fmt.Errorf("%s (%s) writes into %s, which %s writes whole", a.SCIM, a.Okta, strings.TrimSuffix(p.String(), "."+p.Sub), o)
			}
		}
	}
	return nil
}

// Path returns the parsed SCIM path of a; a path that does not parse (a
// MappedAttribute built by hand) is taken as a core attribute named SCIM.
func (a MappedAttribute) Path() Path {
	p, err := ParsePath(a.SCIM)
	if err != nil {
		return Path{Attr: a.SCIM}
	}
	return p
}

// Extensions returns the extension URNs m writes into, in order of first
// use; nil for a nil m.
func (m *Mapping) Extensions() []string {
	if m == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range m.Attributes {
		if u := a.Path().URN; u != "" && !seen[strings.ToLower(u)] {
			seen[strings.ToLower(u)] = true
			out = append(out, u)
		}
	}
	return out
}
