package reports

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// shardRun is a run of shard sh of expr holding the given scenarios
// (ID:status), all in one feature, at lines in ID order.
func shardRun(sh, expr string, start time.Time, scs ...string) *Run {
	r := &Run{
		SchemaVersion: SchemaVersion, CatalogVersion: "2026.12.1", StartedAt: start, FinishedAt: start.Add(time.Second),
		Target:     Target{BaseURL: "http://127.0.0.1:9/scim/v2", AuthMode: "bearer", Profile: "oin"},
		ConfigHash: "abc", Selection: &Selection{Expression: expr, Shard: sh},
	}
	f := Feature{Name: "Users", URI: "features/users.feature"}
	for _, s := range scs {
		id, st, _ := strings.Cut(s, ":")
		line, _ := strconv.Atoi(id[len(id)-3:])
		f.Scenarios = append(f.Scenarios, Scenario{ID: id, Tier: "required", Status: Status(st), Line: line})
	}
	r.Features = []Feature{f}
	r.ComputeTotals()
	return r
}

func TestMergeShards(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	const expr = `tags="" tier=all features=all declared=none`
	parts := []MergePart{
		{"s3", shardRun("3/3", expr, t0.Add(2*time.Minute), "USR-003:pass")},
		{"s1", shardRun("1/3", expr, t0, "USR-001:pass", "USR-004:fail")},
		{"s2", shardRun("2/3", expr, t0.Add(time.Minute), "USR-002:error")},
	}
	m, warn, err := Merge(parts, false)
	if err != nil || len(warn) != 0 {
		t.Fatalf("Merge: %v %v", err, warn)
	}
	var ids []string
	for _, sc := range m.Features[0].Scenarios {
		ids = append(ids, sc.ID+":"+string(sc.Status))
	}
	if got := strings.Join(ids, " "); got != "USR-001:pass USR-002:error USR-003:pass USR-004:fail" {
		t.Errorf("merged scenarios %s, want catalogue (line) order", got)
	}
	if m.Totals.Scenarios != 4 || m.Totals.Passed != 2 || m.Totals.RequiredFailed != 1 || m.Totals.RequiredErrored != 1 || m.Totals.Verdict() != VerdictFail {
		t.Errorf("totals %+v", m.Totals)
	}
	if !m.StartedAt.Equal(t0) || !m.FinishedAt.Equal(t0.Add(2*time.Minute+time.Second)) {
		t.Errorf("span %s..%s", m.StartedAt, m.FinishedAt)
	}
	if m.Selection == nil || m.Selection.Expression != expr || m.Selection.Shard != "" || strings.Join(m.Selection.MergedFrom, ",") != "1/3,2/3,3/3" {
		t.Errorf("selection %+v", m.Selection)
	}
	// A merge of a merge and the rest is the same merge.
	m12, _, err := Merge(parts[1:], true)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Merge([]MergePart{{"m12", m12}, parts[0]}, false)
	if err != nil || again.Totals != m.Totals {
		t.Errorf("merge of a partial merge: %v, totals %+v", err, again.Totals)
	}
}

func TestMergeRefuses(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	const expr = `tags="" tier=all features=all declared=none`
	good := func() []MergePart {
		return []MergePart{
			{"s1", shardRun("1/2", expr, t0, "USR-001:pass")},
			{"s2", shardRun("2/2", expr, t0, "USR-002:pass")},
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func(p []MergePart) []MergePart
		wants []string
	}{
		{"catalogue", func(p []MergePart) []MergePart { p[1].Run.CatalogVersion = "2027.1.1"; return p }, []string{"catalogue version differs", "s2", "2027.1.1"}},
		{"target", func(p []MergePart) []MergePart { p[1].Run.Target.BaseURL = "http://127.0.0.1:8/scim/v2"; return p }, []string{"target URL differs"}},
		{"selection", func(p []MergePart) []MergePart { p[1].Run.Selection.Expression = `tags="@users"`; return p }, []string{"selection differs"}},
		{"no selection", func(p []MergePart) []MergePart { p[1].Run.Selection = nil; return p }, []string{"s2 records no selection"}},
		{"missing", func(p []MergePart) []MergePart { return p[:1] }, []string{"missing shard 2/2"}},
		{"overlap", func(p []MergePart) []MergePart { p[1].Run.Selection.Shard = "1/2"; return p }, []string{"shard 1/2 given twice", "missing shard 2/2"}},
		{"count", func(p []MergePart) []MergePart { p[1].Run.Selection.Shard = "2/3"; return p }, []string{"shards of 2"}},
		{"whole run", func(p []MergePart) []MergePart { p[1].Run.Selection.Shard = ""; return p }, []string{"s2 is a whole run"}},
		{"duplicate scenario", func(p []MergePart) []MergePart { p[1].Run.Features[0].Scenarios[0].ID = "USR-001"; return p }, []string{"scenario USR-001 is in both s1 and s2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := tc.edit(good())
			_, _, err := Merge(parts, false)
			var me *MergeError
			if !errors.As(err, &me) {
				t.Fatalf("Merge = %v, want a *MergeError", err)
			}
			for _, w := range append(tc.wants, "--force") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			m, warn, err := Merge(tc.edit(good()), true)
			if err != nil || m == nil || len(warn) == 0 {
				t.Fatalf("--force: %v, warnings %v", err, warn)
			}
			seen := map[string]bool{}
			for _, sc := range m.Features[0].Scenarios {
				if seen[sc.ID] {
					t.Errorf("forced merge lists %s twice", sc.ID)
				}
				seen[sc.ID] = true
			}
		})
	}
	if _, _, err := Merge(good(), false); err != nil {
		t.Fatalf("the unedited parts must merge: %v", err)
	}
}
