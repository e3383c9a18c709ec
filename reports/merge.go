package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MergePart is one run to merge and the name it is called by in messages
// (usually the path of its results.json).
type MergePart struct {
	Name string
	Run  *Run
}

// MergeError is returned by Merge when the parts are not the shards of one
// run. Problems says why, one sentence each, naming the parts.
type MergeError struct {
	Problems []string
}

// Error lists the problems.
func (e *MergeError) Error() string {
	return "cannot merge: " + strings.Join(e.Problems, "; ") + " (--force merges anyway)"
}

// Merge combines the shards of one sharded run (`run --shard K/N`) into one
// run whose scenarios, statuses and totals are those of an unsharded run of
// the same selection against the same target.
//
// The parts must agree: the same catalogue version, target (base URL,
// auth mode, profile), configuration hash and selection expression; each
// must be a shard (or a merge of shards) of the same count N; together
// they must cover shards 1..N, each once; and no scenario ID may appear in
// two parts. Otherwise Merge returns a *MergeError listing every problem,
// unless force is set: then it merges anyway, keeps the first part's
// target and selection, keeps the first occurrence of a duplicated
// scenario, and returns the problems as warnings.
//
// The merged run has the first part's tool, target and scope, the
// earliest start and latest finish, every scenario in catalogue order
// (features by URI, scenarios by line), the union of the parts' stale
// waivers (a waiver for a scenario of another shard is never stale in a
// shard, see ApplyWaivers), Selection.MergedFrom listing the shards, and
// totals and root causes recomputed. The parts are not modified.
func Merge(parts []MergePart, force bool) (*Run, []string, error) {
	if len(parts) == 0 {
		return nil, nil, &MergeError{Problems: []string{"no run given"}}
	}
	for _, p := range parts {
		if p.Run == nil {
			return nil, nil, &MergeError{Problems: []string{p.Name + " holds no run"}}
		}
	}
	problems := mergeProblems(parts)
	if len(problems) > 0 && !force {
		return nil, problems, &MergeError{Problems: problems}
	}
	first := parts[0].Run
	out := &Run{
		SchemaVersion:  SchemaVersion,
		Tool:           first.Tool,
		CatalogVersion: first.CatalogVersion,
		StartedAt:      first.StartedAt,
		FinishedAt:     first.FinishedAt,
		Target:         first.Target,
		ConfigHash:     first.ConfigHash,
		Scope:          slices.Clone(first.Scope),
		Baseline:       first.Baseline,
		FailOnNewOnly:  first.FailOnNewOnly,
	}
	out.Target.Logs = ""
	sel := Selection{}
	if first.Selection != nil {
		sel.Expression = first.Selection.Expression
	}
	var logs []string
	seenStale := map[string]bool{}
	seenID := map[string]bool{}
	byURI := map[string]int{}
	for _, p := range parts {
		r := p.Run
		if r.StartedAt.Before(out.StartedAt) {
			out.StartedAt = r.StartedAt
		}
		if r.FinishedAt.After(out.FinishedAt) {
			out.FinishedAt = r.FinishedAt
		}
		if r.Baseline != out.Baseline || r.FailOnNewOnly != out.FailOnNewOnly {
			out.Baseline, out.FailOnNewOnly = "", false
		}
		sel.MergedFrom = append(sel.MergedFrom, shardsOf(r)...)
		if r.Target.Logs != "" {
			logs = append(logs, "== "+p.Name+" ==\n"+r.Target.Logs)
		}
		out.WaiversStrict = out.WaiversStrict || r.WaiversStrict
		for _, s := range r.StaleWaivers {
			if k := s.ID + "\x00" + s.Why; !seenStale[k] {
				seenStale[k] = true
				out.StaleWaivers = append(out.StaleWaivers, s)
			}
		}
		for _, f := range r.Features {
			i, ok := byURI[f.URI]
			if !ok {
				i = len(out.Features)
				byURI[f.URI] = i
				out.Features = append(out.Features, Feature{Name: f.Name, URI: f.URI, Tags: slices.Clone(f.Tags)})
			}
			for _, sc := range f.Scenarios {
				if seenID[sc.ID] {
					continue
				}
				seenID[sc.ID] = true
				out.Features[i].Scenarios = append(out.Features[i].Scenarios, sc)
			}
		}
	}
	out.Target.Logs = strings.Join(logs, "\n")
	slices.SortFunc(sel.MergedFrom, compareShards)
	sel.MergedFrom = slices.Compact(sel.MergedFrom)
	out.Selection = &sel
	slices.SortStableFunc(out.Features, func(a, b Feature) int { return cmp.Compare(a.URI, b.URI) })
	for i := range out.Features {
		slices.SortStableFunc(out.Features[i].Scenarios, func(a, b Scenario) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.ID, b.ID))
		})
	}
	out.ComputeTotals()
	return out, problems, nil
}

// mergeProblems lists why parts are not the shards of one run.
func mergeProblems(parts []MergePart) []string {
	var problems []string
	first := parts[0]
	differ := func(what string, get func(*Run) string) {
		for _, p := range parts[1:] {
			if a, b := get(first.Run), get(p.Run); a != b {
				problems = append(problems, fmt.Sprintf("%s differs: %s has %q, %s has %q", what, first.Name, a, p.Name, b))
			}
		}
	}
	differ("catalogue version", func(r *Run) string { return r.CatalogVersion })
	differ("target URL", func(r *Run) string { return r.Target.BaseURL })
	differ("auth mode", func(r *Run) string { return r.Target.AuthMode })
	differ("client profile", func(r *Run) string { return r.Target.Profile })
	differ("configuration (configHash)", func(r *Run) string { return r.ConfigHash })
	for _, p := range parts {
		if p.Run.Selection == nil {
			problems = append(problems, p.Name+" records no selection (not written by `run --shard`, or before results schema 1.3)")
		}
	}
	differ("selection", func(r *Run) string {
		if r.Selection == nil {
			return ""
		}
		return r.Selection.Expression
	})

	// Shards: the same count, each index once, none missing.
	count := 0
	owner := map[string]string{}
	for _, p := range parts {
		shards := shardsOf(p.Run)
		if len(shards) == 0 {
			if len(parts) > 1 {
				problems = append(problems, p.Name+" is a whole run, not a shard (run it with --shard K/N)")
			}
			continue
		}
		for _, sh := range shards {
			_, n, err := parseShard(sh)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", p.Name, err))
				continue
			}
			if count == 0 {
				count = n
			} else if n != count {
				problems = append(problems, fmt.Sprintf("%s is shard %s, but other parts are shards of %d", p.Name, sh, count))
				continue
			}
			if prev, dup := owner[sh]; dup {
				problems = append(problems, fmt.Sprintf("shard %s given twice: %s and %s", sh, prev, p.Name))
				continue
			}
			owner[sh] = p.Name
		}
	}
	if count > 0 {
		var missing []string
		for k := 1; k <= count; k++ {
			if sh := fmt.Sprintf("%d/%d", k, count); owner[sh] == "" {
				missing = append(missing, sh)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, "missing shard "+strings.Join(missing, ", ")+": the merge would not cover the selection")
		}
	}

	// No scenario twice, whatever the shard fields say.
	where := map[string]string{}
	for _, p := range parts {
		for _, f := range p.Run.Features {
			for _, sc := range f.Scenarios {
				if prev, dup := where[sc.ID]; dup && prev != p.Name {
					problems = append(problems, fmt.Sprintf("scenario %s is in both %s and %s (overlapping shards)", sc.ID, prev, p.Name))
					continue
				}
				where[sc.ID] = p.Name
			}
		}
	}
	return problems
}

// shardsOf lists the shards a run covers: its Selection.MergedFrom, or
// its Selection.Shard; empty for a whole run.
func shardsOf(r *Run) []string {
	if r.Selection == nil {
		return nil
	}
	if len(r.Selection.MergedFrom) > 0 {
		return slices.Clone(r.Selection.MergedFrom)
	}
	if r.Selection.Shard != "" {
		return []string{r.Selection.Shard}
	}
	return nil
}

// parseShard parses "K/N" as written in Selection.Shard.
func parseShard(s string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil || k < 1 || k > n {
		return 0, 0, fmt.Errorf("shard %q is not K/N with 1 <= K <= N", s)
	}
	return k, n, nil
}

func compareShards(a, b string) int {
	ak, an, _ := parseShard(a)
	bk, bn, _ := parseShard(b)
	return cmp.Or(cmp.Compare(an, bn), cmp.Compare(ak, bk), cmp.Compare(a, b))
}
