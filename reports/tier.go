package reports

import "strings"

// needsPrefix starts the tag naming a capability a scenario needs.
const needsPrefix = "@needs-"

// needs returns the capability names of sc's @needs-<name> tags (feature
// tags included, as the suite copies them onto the scenario), in tag
// order, without duplicates.
func (sc *Scenario) needs() []string {
	var out []string
	for _, t := range sc.Tags {
		if len(t) <= len(needsPrefix) || !strings.EqualFold(t[:len(needsPrefix)], needsPrefix) {
			continue
		}
		name := strings.ToLower(t[len(needsPrefix):])
		dup := false
		for _, n := range out {
			dup = dup || n == name
		}
		if !dup {
			out = append(out, name)
		}
	}
	return out
}

// tierNote says why sc has its tier in this run when it needs a
// capability: "required: --groups declared" when the run declared every
// capability it needs (which is what made it required), or "required if
// --saml-acs and --saml-audience declared" when it did not (it is then not
// in scope). The flags come from r.Scope; a capability the run's scope does
// not list (a run written before scopes) is named by its tag and counts as
// declared unless sc is not in scope. Empty for a scenario that needs nothing:
// its tier is the catalogue's.
func (r *Run) tierNote(sc *Scenario) string {
	names := sc.needs()
	if len(names) == 0 {
		return ""
	}
	flags := make([]string, 0, len(names))
	all := true
	for _, n := range names {
		flag, declared := needsPrefix+n, sc.Status != StatusNotInScope
		for _, c := range r.Scope {
			if strings.EqualFold(c.Name, n) {
				flag, declared = nonEmpty(c.Flag, flag), c.Declared
				break
			}
		}
		all = all && declared
		flags = append(flags, flag)
	}
	if !all {
		return "required if " + strings.Join(flags, ", ") + " declared"
	}
	return nonEmpty(sc.Tier, "required") + ": " + strings.Join(flags, ", ") + " declared"
}

// tierLabel is sc's tier as the reports show it: its tier note when it
// needs a capability, else its tier.
func (r *Run) tierLabel(sc *Scenario) string {
	return nonEmpty(r.tierNote(sc), sc.Tier)
}
