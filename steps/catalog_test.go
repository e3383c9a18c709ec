package steps

import (
	"strings"
	"testing"
	"testing/fstest"
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
		"@area\nFeature: f\n  # Spec: RFC 7644 §3.3; Okta SPEC test #6\n  # (okta-wire.md §4.2).\n  @ABC-001 @required\n  Scenario: s\n    Given x\n")}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(all[0].SpecRefs, "|")
	if got != "RFC 7644 §3.3|Okta SPEC test #6 (okta-wire.md §4.2)." {
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
	for _, s := range req {
		if s.Tier != "required" {
			t.Errorf("%s selected by --tier required but is %s", s.ID, s.Tier)
		}
	}
	withGroups := Selection{Tier: "required", Groups: true}.Select(all)
	if len(withGroups) <= len(req) {
		t.Errorf("--groups did not make group scenarios required (%d vs %d)", len(withGroups), len(req))
	}
	users := Selection{Areas: []string{"users"}}.Select(all)
	for _, s := range users {
		if !intersects([]string{"users"}, s.Areas) {
			t.Errorf("%s selected for area users", s.ID)
		}
	}
}
