package faults

import (
	"strings"
	"testing"
)

func TestNewSet(t *testing.T) {
	s, err := NewSet(SCIM, []string{" create-200 ", "no-uniqueness"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.On("create-200") || !s.On("no-uniqueness") || s.On("create-empty-body") {
		t.Fatalf("set %v", s.Names())
	}
	if _, err := NewSet(SCIM, []string{"sso-skip-signature"}); err == nil || !strings.Contains(err.Error(), "unknown scim fault") {
		t.Fatalf("an SSO fault accepted as SCIM: %v", err)
	}
	if _, err := NewSet(SSO, []string{"nope"}); err == nil {
		t.Fatal("unknown fault accepted")
	}
	var zero Set
	if zero.On("create-200") || len(zero.Names()) != 0 {
		t.Fatal("zero Set is not empty")
	}
}

func TestCatalogueShape(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All() {
		if seen[f.Name] {
			t.Errorf("%s declared twice", f.Name)
		}
		seen[f.Name] = true
		switch f.Kind {
		case SCIM, SSO, Target:
		default:
			t.Errorf("%s: kind %q", f.Name, f.Kind)
		}
		for _, p := range f.Profiles {
			if p != OIN && p != AIW {
				t.Errorf("%s: profile %q", f.Name, p)
			}
		}
		for p := range f.ProfileCollateral {
			if !f.AppliesTo(p) {
				t.Errorf("%s: collateral for profile %s it does not apply to", f.Name, p)
			}
		}
		for _, b := range f.Breaks {
			if f.Expected() == Fail && (b.Then == "" || b.Scenario == "") {
				t.Errorf("%s: a failing target needs a scenario and a Then step: %+v", f.Name, b)
			}
		}
	}
	if f, _ := Lookup("strict-put"); f.AppliesTo(AIW) || !f.AppliesTo(OIN) {
		t.Error("strict-put is declared for OIN only")
	}
	if f, _ := Lookup("inactive-404"); len(f.CollateralIn(AIW)) <= len(f.CollateralIn(OIN)) {
		t.Error("inactive-404 has more collateral in AIW")
	}
}
