package steps_test

import (
	"strings"
	"testing"

	"github.com/scimconform/scimconform/internal/faults"
	"github.com/scimconform/scimconform/steps"
)

// TestFaultCatalogueNamesRealThenSteps checks the catalogue as data,
// without running anything: every declared target is a scenario of the
// catalogue, and its declared step fragment names one of that scenario's
// own Then steps.
func TestFaultCatalogueNamesRealThenSteps(t *testing.T) {
	plan := featureSteps(t)
	seen := map[string]bool{}
	for _, f := range faults.All() {
		if seen[f.Name] {
			t.Errorf("fault %s is declared twice", f.Name)
		}
		seen[f.Name] = true
		switch {
		case f.Tolerated && (len(f.Breaks) > 0 || len(f.Collateral) > 0 || len(f.ProfileCollateral) > 0):
			t.Errorf("fault %s is a tolerated variant but declares scenarios it breaks", f.Name)
		case !f.Tolerated && len(f.Breaks) == 0:
			t.Errorf("fault %s breaks nothing (a legitimate behaviour the suite must pass is declared Tolerated)", f.Name)
		}
		if f.Description == "" {
			t.Errorf("fault %s has no description", f.Name)
		}
		for _, br := range f.Breaks {
			steps, ok := plan[br.Scenario]
			if !ok {
				if f.Pending == "" {
					t.Errorf("fault %s targets %s, which is no scenario", f.Name, br.Scenario)
				}
				continue
			}
			if br.Then == "" {
				if f.Expected() == faults.Fail {
					t.Errorf("fault %s: target %s names no Then step", f.Name, br.Scenario)
				}
				continue
			}
			found := false
			for _, st := range steps {
				found = found || (st.keyword == "Then" && strings.Contains(st.text, br.Then))
			}
			if !found && f.Pending == "" {
				t.Errorf("fault %s: %s has no Then step containing %q", f.Name, br.Scenario, br.Then)
			}
		}
		for _, id := range f.Collateral {
			if _, ok := plan[id]; !ok {
				t.Errorf("fault %s: collateral %s is no scenario", f.Name, id)
			}
		}
	}
}

// TestEveryRequiredScenarioHasAFault makes sure no @required scenario is
// without a fault that breaks it at one of its own Then steps (a fault
// whose expectation is still pending does not count).
func TestEveryRequiredScenarioHasAFault(t *testing.T) {
	all, err := steps.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	proven := map[string][]string{}
	for _, f := range faults.All() {
		if f.Pending != "" || f.Expected() != faults.Fail {
			continue
		}
		for _, br := range f.Breaks {
			proven[br.Scenario] = append(proven[br.Scenario], f.Name)
		}
	}
	n, required := 0, 0
	for _, s := range all {
		if s.Tier != "required" {
			continue
		}
		required++
		if len(proven[s.ID]) == 0 {
			t.Errorf("required scenario %s (%s) is broken at a Then step by no fault of its own: add one to internal/faults and its implementation", s.ID, s.Title)
			continue
		}
		n++
	}
	t.Logf("%d of %d required scenarios are proven by a fault of their own", n, required)
}
