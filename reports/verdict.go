package reports

import (
	"fmt"
	"strings"
)

// VerdictText is the one-line verdict every format prints, derived from
// Verdict and nothing else, so no format claims more than the run proved:
//
//	pass: every in-scope required scenario passed
//	fail (N required failed)
//	error (N errored, M required skipped: the run proves nothing about them)
//	fail (N required failed); also error (K errored: the run proves nothing about them)
//
// A pass with failing optional scenarios says so after the pass text.
func (t Totals) VerdictText() string {
	errPart := func() string {
		var parts []string
		if t.Errored > 0 {
			parts = append(parts, fmt.Sprintf("%d errored", t.Errored))
		}
		if t.RequiredSkipped > 0 {
			parts = append(parts, fmt.Sprintf("%d required skipped", t.RequiredSkipped))
		}
		return "error (" + strings.Join(parts, ", ") + ": the run proves nothing about them)"
	}
	tail := ""
	if t.Waived > 0 {
		tail += fmt.Sprintf("; %d waived", t.Waived)
	}
	if t.KnownFailed > 0 {
		tail += fmt.Sprintf("; %d known from the baseline", t.KnownFailed)
	}
	switch t.Verdict() {
	case VerdictFail:
		var parts []string
		if n := t.RequiredFailed - t.KnownFailed; n > 0 {
			what := "required failed"
			if t.KnownFailed > 0 {
				what = "new required failed"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
		if t.StrictStale > 0 {
			parts = append(parts, fmt.Sprintf("%d stale waiver(s) under --waivers-strict", t.StrictStale))
		}
		s := "fail (" + strings.Join(parts, ", ") + ")"
		if t.Errored > 0 || t.RequiredSkipped > 0 {
			s += "; also " + errPart()
		}
		return s + tail
	case VerdictError:
		s := errPart()
		if n := t.Failed - t.RequiredFailed; n > 0 {
			s += fmt.Sprintf("; %d optional failed", n)
		}
		return s + tail
	}
	s := "pass: every in-scope required scenario passed"
	if t.KnownFailed > 0 || t.Waived > 0 {
		s = "pass: every in-scope required scenario passed or has a known failure"
	}
	if n := t.Failed - t.RequiredFailed; n > 0 {
		s += fmt.Sprintf(" (%d optional failed)", n)
	}
	if t.Passed == 0 && t.Waived == 0 && t.KnownFailed == 0 {
		s += " (no scenario ran)"
	}
	return s + tail
}

// ScopeNotes returns one line per capability the run did not declare, e.g.
// "SSO not tested: no --saml-acs given": the capability's Note, or a line
// built from its name and flag when the note is empty. It is empty when
// every capability was declared or the run has no scope.
func (r *Run) ScopeNotes() []string {
	var out []string
	for _, c := range r.Scope {
		if c.Declared {
			continue
		}
		out = append(out, capabilityNote(c))
	}
	return out
}

// declaredNames lists the declared capabilities by name.
func (r *Run) declaredNames() []string {
	var out []string
	for _, c := range r.Scope {
		if c.Declared {
			out = append(out, c.Name)
		}
	}
	return out
}

func capabilityNote(c Capability) string {
	if c.Note != "" {
		return c.Note
	}
	if c.Declared {
		return c.Name + " tested: " + c.Flag + " given"
	}
	return c.Name + " not tested: no " + c.Flag + " given"
}

// scopeLine is the scope on one line: "in scope: groups; not in scope:
// SSO not tested: no --saml-acs given". Empty when the run has no scope.
func (r *Run) scopeLine() string {
	if len(r.Scope) == 0 {
		return ""
	}
	var parts []string
	if d := r.declaredNames(); len(d) > 0 {
		parts = append(parts, "in scope: "+strings.Join(d, ", "))
	}
	if n := r.ScopeNotes(); len(n) > 0 {
		parts = append(parts, "not in scope: "+strings.Join(n, "; "))
	}
	return strings.Join(parts, "; ")
}
