package reports

import (
	"fmt"
	"sort"
	"strings"
)

// StrictGrade is the RFC strict tier's grade for one area: how many of
// its in-scope @must and @should scenarios the run listed and how many of
// them failed. A waived failure counts as failed here (the grade is about
// the RFC, not the verdict); a strict scenario that errored or was skipped
// counts in Undecided, never as a pass.
type StrictGrade struct {
	// Area is the area tag without "@", e.g. "filters".
	Area string `json:"area"`
	// Grade is the worst thing the area records, one of GradeFailsMust,
	// GradeFailsShould, GradeUndecided and GradePasses.
	Grade        string `json:"grade"`
	Must         int    `json:"must"`
	MustFailed   int    `json:"mustFailed"`
	Should       int    `json:"should"`
	ShouldFailed int    `json:"shouldFailed"`
	Undecided    int    `json:"undecided"`
}

// The grades of a StrictGrade, worst first.
const (
	GradeFailsMust   = "fails MUST"
	GradeFailsShould = "fails SHOULD"
	GradeUndecided   = "undecided"
	GradePasses      = "passes"
)

// grade is the worst thing g records: a MUST failure, a SHOULD failure, a
// scenario the run could not decide, or else a pass.
func (g StrictGrade) grade() string {
	switch {
	case g.MustFailed > 0:
		return GradeFailsMust
	case g.ShouldFailed > 0:
		return GradeFailsShould
	case g.Undecided > 0:
		return GradeUndecided
	}
	return GradePasses
}

// Text is g on one line, e.g. "filters: fails MUST (MUST 2/9 failed,
// SHOULD 0/3 failed, 1 undecided)".
func (g StrictGrade) Text() string {
	s := fmt.Sprintf("%s: %s (MUST %d/%d failed, SHOULD %d/%d failed", g.Area, g.Grade, g.MustFailed, g.Must, g.ShouldFailed, g.Should)
	if g.Undecided > 0 {
		s += fmt.Sprintf(", %d undecided", g.Undecided)
	}
	return s + ")"
}

// StrictGrades returns one grade per area of the strict scenarios (tag
// @strict, level @must or @should) that were in scope, sorted by area; a
// scenario with several areas counts in each, one with none under
// "(none)". It returns nil when no strict scenario was in scope (a run
// without --strict, or a selection without strict areas), so the reports
// show grades only for runs of the strict tier.
func (r *Run) StrictGrades() []StrictGrade {
	m := map[string]*StrictGrade{}
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			level := sc.strictLevel()
			if level == "" || sc.Status == StatusNotInScope {
				continue
			}
			areas := sc.Areas
			if len(areas) == 0 {
				areas = []string{"(none)"}
			}
			failed := sc.Status == StatusFail || sc.Status == StatusWaived
			undecided := !failed && sc.Status != StatusPass
			for _, a := range areas {
				g := m[a]
				if g == nil {
					g = &StrictGrade{Area: a}
					m[a] = g
				}
				if level == "must" {
					g.Must++
					if failed {
						g.MustFailed++
					}
				} else {
					g.Should++
					if failed {
						g.ShouldFailed++
					}
				}
				if undecided {
					g.Undecided++
				}
			}
		}
	}
	if len(m) == 0 {
		return nil
	}
	out := make([]StrictGrade, 0, len(m))
	for _, g := range m {
		g.Grade = g.grade()
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Area < out[j].Area })
	return out
}

// strictLevel is "must" or "should" for a strict-tier scenario (tagged
// @strict, with its feature's tags, and @must or @should), "" otherwise.
// The tags decide, not Tier: a strict run gives strict scenarios the tier
// required or optional.
func (sc *Scenario) strictLevel() string {
	strict, level := strings.EqualFold(sc.Tier, "strict"), ""
	for _, t := range sc.Tags {
		switch strings.ToLower(t) {
		case "@strict":
			strict = true
		case "@must":
			level = "must"
		case "@should":
			if level == "" {
				level = "should"
			}
		}
	}
	if !strict {
		return ""
	}
	return level
}

// fixHint is the catalogue's how-to-fix hint (Scenario.Fix) on one line
// when the reports show it: for a scenario that failed (or failed under a
// waiver) at its own checks. A scenario blocked in a setup step
// (BlockedBy) gets none, since its own checks never ran; nor does an
// errored one, since an error names no defect.
func (sc *Scenario) fixHint() string {
	if sc.Fix == "" || sc.BlockedBy != "" || (sc.Status != StatusFail && sc.Status != StatusWaived) {
		return ""
	}
	return oneLine(sc.Fix)
}
