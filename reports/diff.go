package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// DiffEntry is one scenario that changed between two runs. Old or New is
// empty (and its reason too) when the scenario is only in the other run.
type DiffEntry struct {
	ID, Title            string
	Old, New             Status
	OldReason, NewReason string
}

// Diff lists what changed from an old run to a new one, each list in
// scenario ID order. A scenario is failing when its status is fail, error
// or waived, and passing when it is pass.
type Diff struct {
	// NewlyFailing failed in New but not in Old (it passed, was skipped
	// or was not in scope there).
	NewlyFailing []DiffEntry
	// NewlyPassing passes in New and failed in Old.
	NewlyPassing []DiffEntry
	// ChangedReason fails in both, with another status or one-line reason.
	ChangedReason []DiffEntry
	// ChangedStatus changed status in another way (pass to skip, skip to
	// not in scope, ...).
	ChangedStatus []DiffEntry
	// Added are only in New; Removed only in Old.
	Added, Removed []DiffEntry
}

// Empty reports whether nothing changed.
func (d Diff) Empty() bool {
	return len(d.NewlyFailing)+len(d.NewlyPassing)+len(d.ChangedReason)+len(d.ChangedStatus)+len(d.Added)+len(d.Removed) == 0
}

func failing(s Status) bool { return s == StatusFail || s == StatusError || s == StatusWaived }

// CompareRuns computes the Diff from old to new, matching scenarios by ID.
func CompareRuns(old, new *Run) Diff {
	type side struct {
		sc     *Scenario
		reason string
	}
	index := func(r *Run) map[string]side {
		m := map[string]side{}
		for fi := range r.Features {
			for si := range r.Features[fi].Scenarios {
				sc := &r.Features[fi].Scenarios[si]
				reason := ""
				if sc.Status != StatusPass {
					reason = oneLineReason(sc, 300)
				}
				m[sc.ID] = side{sc, reason}
			}
		}
		return m
	}
	o, n := index(old), index(new)
	var d Diff
	for id, ns := range n {
		e := DiffEntry{ID: id, Title: ns.sc.Title, New: ns.sc.Status, NewReason: ns.reason}
		os, ok := o[id]
		if !ok {
			d.Added = append(d.Added, e)
			continue
		}
		e.Old, e.OldReason = os.sc.Status, os.reason
		switch {
		case failing(e.New) && !failing(e.Old):
			d.NewlyFailing = append(d.NewlyFailing, e)
		case e.New == StatusPass && failing(e.Old):
			d.NewlyPassing = append(d.NewlyPassing, e)
		case failing(e.New) && failing(e.Old):
			if e.New != e.Old || e.NewReason != e.OldReason {
				d.ChangedReason = append(d.ChangedReason, e)
			}
		case e.New != e.Old:
			d.ChangedStatus = append(d.ChangedStatus, e)
		}
	}
	for id, os := range o {
		if _, ok := n[id]; !ok {
			d.Removed = append(d.Removed, DiffEntry{ID: id, Title: os.sc.Title, Old: os.sc.Status, OldReason: os.reason})
		}
	}
	for _, l := range []*[]DiffEntry{&d.NewlyFailing, &d.NewlyPassing, &d.ChangedReason, &d.ChangedStatus, &d.Added, &d.Removed} {
		sort.Slice(*l, func(i, j int) bool { return (*l)[i].ID < (*l)[j].ID })
	}
	return d
}

type diffSection struct {
	title   string
	entries []DiffEntry
}

func (d Diff) sections() []diffSection {
	return []diffSection{
		{"Newly failing", d.NewlyFailing},
		{"Newly passing", d.NewlyPassing},
		{"Changed reason", d.ChangedReason},
		{"Changed status", d.ChangedStatus},
		{"Added", d.Added},
		{"Removed", d.Removed},
	}
}

func (e DiffEntry) change() string {
	switch {
	case e.Old == "":
		return string(e.New)
	case e.New == "":
		return string(e.Old)
	}
	return string(e.Old) + " → " + string(e.New)
}

// WriteDiffText writes d for a terminal: one section per non-empty list,
// one line per scenario with its status change and reasons.
func WriteDiffText(w io.Writer, d Diff, oldName, newName string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Changes from %s to %s:\n", oldName, newName)
	if d.Empty() {
		b.WriteString("  no scenario changed\n")
	}
	for _, s := range d.sections() {
		if len(s.entries) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", s.title, len(s.entries))
		for _, e := range s.entries {
			fmt.Fprintf(&b, "  %s %s [%s]", e.ID, oneLine(e.Title), e.change())
			switch {
			case e.OldReason != "" && e.NewReason != "" && e.OldReason != e.NewReason:
				fmt.Fprintf(&b, "\n      was: %s\n      now: %s", e.OldReason, e.NewReason)
			case e.NewReason != "":
				fmt.Fprintf(&b, ": %s", e.NewReason)
			case e.OldReason != "" && e.New == "":
				fmt.Fprintf(&b, ": %s", e.OldReason)
			}
			b.WriteString("\n")
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

// WriteDiffMarkdown writes d as Markdown: a heading and one table per
// non-empty list, run text escaped as in summary.md.
func WriteDiffMarkdown(w io.Writer, d Diff, oldName, newName string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## scimconform: changes from `%s` to `%s`\n\n", mdCode(oldName), mdCode(newName))
	if d.Empty() {
		b.WriteString("No scenario changed.\n")
	}
	for _, s := range d.sections() {
		if len(s.entries) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n| ID | Scenario | Status | Was | Now |\n|---|---|---|---|---|\n", s.title, len(s.entries))
		for _, e := range s.entries {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", mdCode(e.ID), mdText(e.Title), mdText(e.change()), mdText(e.OldReason), mdText(e.NewReason))
		}
		b.WriteString("\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}
