package steps

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/scimconform/scimconform/features"
)

func TestCatalogIsWellFormed(t *testing.T) {
	all, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 40 {
		t.Fatalf("catalogue has only %d scenarios", len(all))
	}
	for _, s := range all {
		if len(s.Areas) == 0 {
			t.Errorf("%s has no area tag", s.ID)
		}
		if len(s.SpecRefs) == 0 {
			t.Errorf("%s has no spec reference", s.ID)
		}
	}
}

func TestCatalogRejectsBadFeatures(t *testing.T) {
	for name, src := range map[string]string{
		"no id":       "Feature: f\n  # Spec: RFC 7644\n  @required\n  Scenario: s\n    Given x\n",
		"no tier":     "Feature: f\n  # Spec: RFC 7644\n  @ABC-001\n  Scenario: s\n    Given x\n",
		"no spec":     "Feature: f\n  @ABC-001 @required\n  Scenario: s\n    Given x\n",
		"duplicate":   "Feature: f\n  # Spec: a\n  @ABC-001 @required\n  Scenario: s\n    Given x\n  # Spec: b\n  @ABC-001 @required\n  Scenario: t\n    Given x\n",
		"not gherkin": "this is not gherkin",
	} {
		_, err := catalogFrom(fstest.MapFS{"x.feature": {Data: []byte(src)}})
		if err == nil {
			t.Errorf("%s: catalogue accepted a malformed feature", name)
		}
	}
}

func TestSpecRefsSplitAtSemicolons(t *testing.T) {
	all, err := catalogFrom(fstest.MapFS{"x.feature": {Data: []byte(
		"@area\nFeature: f\n  # Spec: RFC 7644 §3.3; Okta SPEC test #6\n  # (mockidp/okta/WIRE.md §4.2).\n  @ABC-001 @required\n  Scenario: s\n    Given x\n")}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(all[0].SpecRefs, "|")
	if got != "RFC 7644 §3.3|Okta SPEC test #6 (mockidp/okta/WIRE.md §4.2)." {
		t.Fatalf("spec refs %q", got)
	}
	if all[0].Areas[0] != "area" || all[0].Tier != "required" || all[0].ID != "ABC-001" {
		t.Fatalf("parsed %+v", all[0])
	}
}

func TestMatchTags(t *testing.T) {
	tags := []string{"@users", "@USR-001", "@required"}
	for expr, want := range map[string]bool{
		"":                           true,
		"@users":                     true,
		"users":                      true,
		"@groups":                    false,
		"~@groups":                   true,
		"@users && ~@required":       false,
		"@users && @required":        true,
		"@groups,@USR-001":           true,
		"@groups,@USR-002":           false,
		"@groups && @users,@USR-001": true,
	} {
		if got := MatchTags(expr, tags); got != want {
			t.Errorf("MatchTags(%q) = %v, want %v", expr, got, want)
		}
	}
	for _, bad := range []string{"@a &&", "(@a)", "@a || @b", ","} {
		if ValidateTagExpr(bad) == nil {
			t.Errorf("ValidateTagExpr(%q) accepted it", bad)
		}
	}
}

func TestSelectionTiers(t *testing.T) {
	all, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	req := Selection{Tier: "required"}.Select(all)
	listedGroups := 0
	for _, s := range req {
		sel := Selection{Tier: "required"}
		switch {
		case len(s.Needs) > 0:
			// Listed as not in scope rather than silently dropped.
			if sel.InScope(s) {
				t.Errorf("%s needs %v but is in scope with nothing declared", s.ID, s.Needs)
			}
			if slices.Contains(s.Needs, CapGroups) {
				listedGroups++
			}
		case s.Tier != "required":
			t.Errorf("%s selected by --tier required but is %s", s.ID, s.Tier)
		}
	}
	if listedGroups == 0 {
		t.Error("--tier required without --groups dropped the group scenarios instead of listing them as not in scope")
	}
	withGroups := Selection{Tier: "required", Groups: true}
	for _, s := range withGroups.Select(all) {
		if slices.Contains(s.Needs, CapGroups) && len(s.Needs) == 1 && (!withGroups.InScope(s) || withGroups.EffectiveTier(s) != "required") {
			t.Errorf("--groups did not make %s required and in scope", s.ID)
		}
	}
	users := Selection{Areas: []string{"users"}}.Select(all)
	for _, s := range users {
		if !intersects([]string{"users"}, s.Areas) {
			t.Errorf("%s selected for area users", s.ID)
		}
	}
}

// TestCatalogNeeds: @needs-<name> tags, feature-level ones included, become
// ScenarioInfo.Needs, are not areas, and unknown capabilities are refused.
func TestCatalogNeeds(t *testing.T) {
	all, err := catalogFrom(fstest.MapFS{"x.feature": {Data: []byte(
		"@area @needs-sso\nFeature: f\n  Background:\n    Given b\n  # Spec: a\n  @ABC-001 @optional @needs-saml-login\n  Scenario: s\n    When x\n    Then y\n")}})
	if err != nil {
		t.Fatal(err)
	}
	s := all[0]
	if strings.Join(s.Needs, ",") != "sso,saml-login" || strings.Join(s.Areas, ",") != "area" {
		t.Fatalf("needs %v areas %v", s.Needs, s.Areas)
	}
	var kw []string
	for _, st := range s.Steps {
		kw = append(kw, st.Keyword+" "+st.Text)
	}
	if strings.Join(kw, "|") != "Given b|When x|Then y" || s.Steps[0].Line != 4 {
		t.Fatalf("steps %+v", s.Steps)
	}
	sel := Selection{Declared: []string{CapSSO}}
	if sel.InScope(s) || sel.notInScopeReason(s) != "SP-initiated sign-in not tested: no --saml-login-url given" {
		t.Errorf("in scope %v, reason %q", sel.InScope(s), sel.notInScopeReason(s))
	}
	sel.Declared = append(sel.Declared, CapSAMLLogin)
	if !sel.InScope(s) || sel.EffectiveTier(s) != "required" {
		t.Errorf("declared: in scope %v tier %s", sel.InScope(s), sel.EffectiveTier(s))
	}
	if _, err := catalogFrom(fstest.MapFS{"x.feature": {Data: []byte(
		"Feature: f\n  # Spec: a\n  @ABC-001 @optional @needs-telepathy\n  Scenario: s\n    Given x\n")}}); err == nil {
		t.Error("an unknown capability was accepted")
	}
}

// TestScenarioIDsArePinned: features/ids.txt lists every scenario ID ever
// used with its tier, or "retired". The catalogue and the list must agree:
// removing or re-tiering a scenario needs an explicit edit of the list,
// and a retired ID can never come back.
func TestScenarioIDsArePinned(t *testing.T) {
	pinned := map[string]string{}
	for i, line := range strings.Split(features.IDs, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || !idTag.MatchString("@"+f[0]) || (f[1] != "required" && f[1] != "optional" && f[1] != "strict" && f[1] != "retired") {
			t.Fatalf("ids.txt:%d: %q is not \"ID required|optional|strict|retired\"", i+1, line)
		}
		if _, dup := pinned[f[0]]; dup {
			t.Fatalf("ids.txt:%d: %s listed twice", i+1, f[0])
		}
		pinned[f[0]] = f[1]
	}
	all, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range all {
		seen[s.ID] = true
		switch tier, ok := pinned[s.ID]; {
		case !ok:
			t.Errorf("%s is not in features/ids.txt: add \"%s %s\"", s.ID, s.ID, s.Tier)
		case tier == "retired":
			t.Errorf("%s is retired in features/ids.txt: IDs are never reused, take a new one", s.ID)
		case tier != s.Tier:
			t.Errorf("%s is %s in the catalogue but %s in features/ids.txt: re-tiering needs an explicit edit of the list", s.ID, s.Tier, tier)
		}
	}
	for id, tier := range pinned {
		if tier != "retired" && !seen[id] {
			t.Errorf("%s (%s in features/ids.txt) is missing from the catalogue: mark it \"%s retired\"", id, tier, id)
		}
	}
}
