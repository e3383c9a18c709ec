// Package faults is the one catalogue of the misbehaviours the built-in
// target can inject: the reference SCIM server's faults, its SAML SP's
// faults and the negative controls that break the target's wiring. Each
// fault declares what it must break, so that the self-test (steps'
// selftest_*_test.go) can prove every verdict: the scenarios it targets
// must fail at a Then step whose text and failure message the fault names,
// and nothing else may fail except the collateral it lists.
//
// The package holds data and a name set only; the faults are implemented
// where the behaviour lives (reference/faults*.go wraps the SCIM handlers,
// reference/sso/faults.go relaxes the SP's checks, internal/selftarget
// rewires the target). It imports nothing of the project.
package faults

import (
	"fmt"
	"sort"
	"strings"
)

// Kind says which part of the built-in target a fault changes.
type Kind string

const (
	// SCIM faults are injected into the reference SCIM server
	// (reference.WithFaults, `scimconform serve --fault`).
	SCIM Kind = "scim"
	// SSO faults are injected into the reference SAML SP (sso.Config.Faults).
	SSO Kind = "sso"
	// Target faults change how the built-in target is wired (a dead ACS
	// URL); they are negative controls for the suite's own rules and only
	// internal/selftarget applies them.
	Target Kind = "target"
)

// Profile names are the mock Okta client's profiles (okta.ProfileOIN,
// okta.ProfileAIW), repeated here because this package imports nothing.
const (
	OIN = "oin"
	AIW = "aiw"
)

// Outcome is the status a fault's targets must end with.
type Outcome string

const (
	// Fail (the default) means the target fails at the declared Then step.
	Fail Outcome = "fail"
	// Error means the target ends as a harness error: the fault removes
	// the evidence a verdict needs (no answer, no positive control), and
	// the only honest verdict is "could not tell" — never a pass.
	Error Outcome = "error"
	// ErrorOrFail means the target must not pass and not be skipped: a
	// negative control that some steps report as a failure ("no HTTP
	// answer") and others as a harness error.
	ErrorOrFail Outcome = "error-or-fail"
)

// Break is one scenario a fault must break.
type Break struct {
	// Scenario is the scenario ID, e.g. "USR-002".
	Scenario string
	// Then is a distinctive fragment of the text of the step that must
	// fail; that step's effective keyword must be Then (an And/But after a
	// Then counts). Empty only when Outcome is not Fail: the scenario may
	// then end at any step.
	Then string
	// Message is a fragment that must appear in that step's failure
	// message (case-insensitive); empty when any message will do.
	Message string
}

// Fault is one injectable misbehaviour and the proof it must produce.
type Fault struct {
	// Name is what WithFaults, sso.Config.Faults and `serve --fault` accept.
	Name string
	// Kind says where the fault is injected.
	Kind Kind
	// Description says which behaviour the fault breaks, and how.
	Description string
	// Profiles limits the fault to these client profiles (OIN, AIW);
	// empty means both. A fault whose requests one profile never sends is
	// declared for the other only.
	Profiles []string
	// Outcome is the status the targets must end with; empty means Fail.
	Outcome Outcome
	// Breaks are the targets: each must end with Outcome at its step.
	Breaks []Break
	// Collateral are further scenarios that also fail (or error) at any
	// step, kept as few as a realistic fault allows.
	Collateral []string
	// ProfileCollateral are further collateral scenarios in one profile
	// only (the profiles send different requests for the same task).
	ProfileCollateral map[string][]string
	// ShortTimeout asks the self-test to run the suite with a short client
	// timeout, for a fault that makes the target hang.
	ShortTimeout bool
	// Tolerated marks a legitimate behaviour rather than a defect: it
	// declares no breaks and no collateral, and the self-test requires
	// every scenario to pass with it (a failure would name no real defect).
	Tolerated bool
	// Pending, when not empty, says which unmerged suite change the
	// expectation depends on (the steps that make it true are being
	// written elsewhere); the self-test reports such entries as pending
	// failures until then.
	Pending string
}

// CollateralIn returns the collateral of the fault in profile.
func (f Fault) CollateralIn(profile string) []string {
	return append(append([]string(nil), f.Collateral...), f.ProfileCollateral[profile]...)
}

// Expected returns the outcome of the targets, Fail when none is declared.
func (f Fault) Expected() Outcome {
	if f.Outcome == "" {
		return Fail
	}
	return f.Outcome
}

// AppliesTo reports whether the fault is declared for profile.
func (f Fault) AppliesTo(profile string) bool {
	if len(f.Profiles) == 0 {
		return true
	}
	for _, p := range f.Profiles {
		if strings.EqualFold(p, profile) {
			return true
		}
	}
	return false
}

// All returns the whole catalogue sorted by name. The slice is a copy.
func All() []Fault {
	out := append([]Fault(nil), catalogue...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// OfKind returns the faults of kind k, sorted by name.
func OfKind(k Kind) []Fault {
	var out []Fault
	for _, f := range All() {
		if f.Kind == k {
			out = append(out, f)
		}
	}
	return out
}

// Lookup returns the fault called name.
func Lookup(name string) (Fault, bool) {
	for _, f := range catalogue {
		if f.Name == name {
			return f, true
		}
	}
	return Fault{}, false
}

// Set is a set of fault names of one kind; the zero Set has none on.
type Set struct{ on map[string]bool }

// NewSet validates names (surrounding spaces ignored) against the faults
// of kind k. It fails on a name that is not a fault of that kind.
func NewSet(k Kind, names []string) (Set, error) {
	s := Set{on: map[string]bool{}}
	for _, n := range names {
		n = strings.TrimSpace(n)
		f, ok := Lookup(n)
		if !ok || f.Kind != k {
			var known []string
			for _, f := range OfKind(k) {
				known = append(known, f.Name)
			}
			return Set{}, fmt.Errorf("unknown %s fault %q (known: %s)", k, n, strings.Join(known, ", "))
		}
		s.on[n] = true
	}
	return s, nil
}

// On reports whether the fault called name is in the set.
func (s Set) On(name string) bool { return s.on[name] }

// Names returns the names in the set, sorted.
func (s Set) Names() []string {
	out := make([]string, 0, len(s.on))
	for n := range s.on {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
