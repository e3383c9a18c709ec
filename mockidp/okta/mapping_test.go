package okta_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func writeMapping(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mapping.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadMappingFile reads a YAML mapping in order and keeps its paths in
// ParsePath's notation.
func TestLoadMappingFile(t *testing.T) {
	file := writeMapping(t, "title: title\n"+
		"department: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department\n"+
		"primaryPhone: phoneNumbers[type EQ \"work\"].value\n"+
		"nickName: urn:ietf:params:scim:schemas:core:2.0:User:nickName\n"+
		"managerId: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value\n")
	m, err := okta.LoadMapping(file)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range m.Attributes {
		got = append(got, a.Okta+"="+a.SCIM)
	}
	want := []string{
		"title=title",
		"department=" + okta.SchemaEnterprise + ":department",
		`primaryPhone=phoneNumbers[type eq "work"].value`,
		"nickName=nickName",
		"managerId=" + okta.SchemaEnterprise + ":manager.value",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("attributes\n got %v\nwant %v", got, want)
	}
	if ext := m.Extensions(); len(ext) != 1 || ext[0] != okta.SchemaEnterprise {
		t.Errorf("extensions %v", ext)
	}
	if m.Name != file {
		t.Errorf("name %q", m.Name)
	}
}

// TestLoadMappingErrors: every malformed mapping is refused with an error
// naming the file and the problem.
func TestLoadMappingErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"empty", "", "want a YAML mapping"},
		{"list", "- title\n", "want a YAML mapping"},
		{"no rows", "{}\n", "maps no attribute"},
		{"not yaml", "title: [\n", "--mapping"},
		{"nested value", "title:\n  a: b\n", "line 1"},
		{"duplicate okta", "title: title\ntitle: nickName\n", `Okta attribute "title" is mapped twice`},
		{"duplicate scim", "title: title\njobTitle: Title\n", `SCIM attribute "Title" is mapped twice (also from title)`},
		{"duplicate typed", "a: phoneNumbers[type eq \"work\"].value\nb: phoneNumbers[type  eq  \"work\"].value\n", "mapped twice"},
		{"base attribute", "login: userName\n", "base attribute"},
		{"base name", "firstName: name.givenName\n", "base attribute"},
		{"emails", "secondEmail: emails[type eq \"home\"].value\n", "base attribute"},
		{"multi without filter", "phone: phoneNumbers.value\n", "multi-valued"},
		{"filter on simple", "t: title[type eq \"work\"].value\n", "not a multi-valued"},
		{"other filter", "p: phoneNumbers[primary eq true].value\n", "SCIM path"},
		{"bad urn", "d: urn:bad:department\n", "is not a schema URN"},
		{"filter in extension", "d: urn:example:ext:2.0:User:phones[type eq \"w\"].value\n", "after the extension URN"},
		{"garbage", "d: \"dep artment\"\n", "SCIM path"},
		{"bad okta name", "\"first name\": title\n", "not an Okta attribute"},
		{"whole and part", "m: urn:example:ext:2.0:User:manager\nmid: urn:example:ext:2.0:User:manager.value\n", "writes into"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeMapping(t, tc.text)
			_, err := okta.LoadMapping(file)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), file) {
				t.Errorf("err = %v, want it to name %s and contain %q", err, file, tc.want)
			}
		})
	}
	_, err := okta.LoadMapping(filepath.Join(t.TempDir(), "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "neither a preset") || !strings.Contains(err.Error(), "okta-default") {
		t.Errorf("missing file: %v", err)
	}
}

// TestMappingPresets: every preset loads, its paths parse, and each is a
// copy the caller may change.
func TestMappingPresets(t *testing.T) {
	names := okta.MappingPresets()
	if strings.Join(names, ",") != "enterprise,okta-default,reference" {
		t.Fatalf("presets %v", names)
	}
	for _, n := range names {
		m, err := okta.LoadMapping(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		seen := map[string]bool{}
		for _, a := range m.Attributes {
			p, err := okta.ParsePath(a.SCIM)
			if err != nil || p.String() != a.SCIM {
				t.Errorf("%s: %s: %v (%s)", n, a.SCIM, err, p)
			}
			if seen[a.Okta] {
				t.Errorf("%s maps %s twice", n, a.Okta)
			}
			seen[a.Okta] = true
		}
		m.Attributes[0].Okta = "changed"
		again, _ := okta.LoadMapping(n)
		if again.Attributes[0].Okta == "changed" {
			t.Errorf("%s: LoadMapping returned the preset itself", n)
		}
	}
	ref, _ := okta.LoadMapping("reference")
	if ext := ref.Extensions(); len(ext) != 2 || ext[1] != okta.SchemaReferenceExtension {
		t.Errorf("reference extensions %v", ext)
	}
}

// TestInventChangesEveryValue: Invent gives every mapped attribute a value
// and a second call changes each of them.
func TestInventChangesEveryValue(t *testing.T) {
	m, _ := okta.LoadMapping("reference")
	first := m.Invent(nil)
	second := m.Invent(first)
	for _, a := range m.Attributes {
		if first[a.Okta] == "" || second[a.Okta] == "" || first[a.Okta] == second[a.Okta] {
			t.Errorf("%s: %q then %q", a.Okta, first[a.Okta], second[a.Okta])
		}
	}
}

// TestPathGet reads values case-insensitively and by element type.
func TestPathGet(t *testing.T) {
	res := map[string]any{
		"Title":        "Analyst",
		"phoneNumbers": []any{map[string]any{"type": "Mobile", "value": "1"}, map[string]any{"type": "work", "value": "2"}},
		"URN:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"manager": map[string]any{"value": "m"}},
	}
	for path, want := range map[string]any{
		"title":                                  "Analyst",
		`phoneNumbers[type eq "mobile"].value`:   "1",
		`phoneNumbers[type eq "work"].value`:     "2",
		okta.SchemaEnterprise + ":manager.value": "m",
	} {
		p, err := okta.ParsePath(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := p.Get(res); !ok || got != want {
			t.Errorf("%s = %v, %v", path, got, ok)
		}
	}
	p, _ := okta.ParsePath(`phoneNumbers[type eq "home"].value`)
	if _, ok := p.Get(res); ok {
		t.Error("home phone found")
	}
}
