package okta

import (
	"fmt"
	"os"
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

// mappingPresets are the built-in mappings --mapping accepts by name.
var mappingPresets = map[string][]MappedAttribute{
	"enterprise": {
		{"department", SchemaEnterprise + ":department"},
		{"employeeNumber", SchemaEnterprise + ":employeeNumber"},
		{"costCenter", SchemaEnterprise + ":costCenter"},
		{"organization", SchemaEnterprise + ":organization"},
		{"division", SchemaEnterprise + ":division"},
		{"managerId", SchemaEnterprise + ":manager.value"},
	},
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
// It returns an error naming the file and the problem when the file is
// missing, is not such a mapping, is empty, or maps one Okta attribute or
// one SCIM path twice.
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
	seenOkta, seenSCIM := map[string]bool{}, map[string]bool{}
	kv := doc.Content[0].Content
	for i := 0; i+1 < len(kv); i += 2 {
		k, v := kv[i], kv[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" || strings.TrimSpace(v.Value) == "" {
			return nil, fmt.Errorf("--mapping %s line %d: want \"<okta attribute>: <SCIM attribute path>\"", spec, k.Line)
		}
		a := MappedAttribute{Okta: strings.TrimSpace(k.Value), SCIM: strings.TrimSpace(v.Value)}
		if seenOkta[a.Okta] {
			return nil, fmt.Errorf("--mapping %s line %d: Okta attribute %q is mapped twice", spec, k.Line, a.Okta)
		}
		if seenSCIM[strings.ToLower(a.SCIM)] {
			return nil, fmt.Errorf("--mapping %s line %d: SCIM attribute %q is mapped twice", spec, k.Line, a.SCIM)
		}
		seenOkta[a.Okta], seenSCIM[strings.ToLower(a.SCIM)] = true, true
		m.Attributes = append(m.Attributes, a)
	}
	if len(m.Attributes) == 0 {
		return nil, fmt.Errorf("--mapping %s maps no attribute", spec)
	}
	return m, nil
}
