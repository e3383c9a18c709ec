package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scimconform/scimconform/internal/browsertest"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// tokenEnv is the environment of an in-process run against referenceURL.
var tokenEnv = map[string]string{"SCIMCONFORM_TOKEN": cliTestToken}

// statuses maps each scenario ID of run to its status, and lists the IDs.
func statuses(run *reports.Run) (map[string]reports.Status, []string) {
	m := map[string]reports.Status{}
	var ids []string
	for _, f := range run.Features {
		for _, sc := range f.Scenarios {
			m[sc.ID] = sc.Status
			ids = append(ids, sc.ID)
		}
	}
	return m, ids
}

// TestShardedRunMergesToTheUnshardedRun runs the whole catalogue against
// a reference server with a fault (so the merge has failures to order
// first), once unsharded and once as shards 1/3, 2/3 and 3/3, merges the
// shards with `report merge`, and checks that the merged run equals the
// unsharded one: the same scenario IDs in the same order, the same
// statuses, totals, verdict and exit code; that the merge refuses a
// missing shard and a whole run among shards; and that the merged
// report.html shows every scenario of the union, failures first, in
// Chromium.
func TestShardedRunMergesToTheUnshardedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the catalogue four times")
	}
	base := referenceURL(t, reference.WithFaults("case-sensitive-filter"))
	common := []string{"run", "--url", base, "--groups"}
	tmp := t.TempDir()

	start := time.Now()
	whole := filepath.Join(tmp, "whole")
	wholeCode, so, se := runInProcess(t, tokenEnv, append(common, "--out", whole)...)
	wholeTime := time.Since(start)
	if wholeCode != exitConformance {
		t.Fatalf("unsharded run exit %d, want 1 (USR-004 fails under case-sensitive-filter)\n%s\n%s", wholeCode, so, se)
	}

	start = time.Now()
	var shardDirs []string
	sizes := map[string]int{}
	for _, sh := range []string{"1/3", "2/3", "3/3"} {
		dir := filepath.Join(tmp, "shard"+sh[:1])
		code, so, se := runInProcess(t, tokenEnv, append(common, "--shard", sh, "--out", dir)...)
		if code != exitOK && code != exitConformance {
			t.Fatalf("shard %s exit %d\n%s\n%s", sh, code, so, se)
		}
		if !strings.Contains(so, "shard "+sh+": ") {
			t.Errorf("shard %s does not say which shard it runs:\n%s", sh, so)
		}
		r := readRunJSON(t, dir)
		if r.Selection == nil || r.Selection.Shard != sh || r.Selection.Expression == "" || r.CatalogVersion == "" {
			t.Fatalf("shard %s records selection %+v, catalogue %q", sh, r.Selection, r.CatalogVersion)
		}
		sizes[sh] = r.Totals.Scenarios
		shardDirs = append(shardDirs, dir)
	}
	merged := filepath.Join(tmp, "merged")
	mergeCode, so, se := runInProcess(t, tokenEnv, append([]string{"report", "merge", "--out", merged}, shardDirs[2], shardDirs[0], filepath.Join(shardDirs[1], reports.FileJSON))...)
	shardTime := time.Since(start)
	t.Logf("unsharded run %s; 3 sequential shards + merge %s (shard sizes %v)", wholeTime.Round(time.Millisecond), shardTime.Round(time.Millisecond), sizes)
	if mergeCode != wholeCode {
		t.Fatalf("merge exit %d, unsharded run exit %d\n%s\n%s", mergeCode, wholeCode, so, se)
	}

	w, m := readRunJSON(t, whole), readRunJSON(t, merged)
	ws, wids := statuses(w)
	ms, mids := statuses(m)
	if strings.Join(wids, " ") != strings.Join(mids, " ") {
		t.Errorf("merged IDs (in order) differ from the unsharded run:\nunsharded %v\nmerged    %v", wids, mids)
	}
	for id, st := range ws {
		if ms[id] != st {
			t.Errorf("%s: unsharded %s, merged %s", id, st, ms[id])
		}
	}
	if w.Totals != m.Totals || w.Totals.Verdict() != m.Totals.Verdict() {
		t.Errorf("totals differ:\nunsharded %+v (%s)\nmerged    %+v (%s)", w.Totals, w.Totals.Verdict(), m.Totals, m.Totals.Verdict())
	}
	if w.Totals.RequiredFailed == 0 || w.Totals.NotInScope == 0 || w.Totals.Passed == 0 {
		t.Errorf("the comparison needs failures, passes and not-in-scope scenarios: %+v", w.Totals)
	}
	if m.Selection == nil || m.Selection.Expression != w.Selection.Expression || strings.Join(m.Selection.MergedFrom, ",") != "1/3,2/3,3/3" {
		t.Errorf("merged selection %+v, unsharded %+v", m.Selection, w.Selection)
	}
	if n := sizes["1/3"] + sizes["2/3"] + sizes["3/3"]; n != w.Totals.Scenarios {
		t.Errorf("shards list %d scenarios, the unsharded run %d", n, w.Totals.Scenarios)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing shard", shardDirs[:2], "missing shard 3/3"},
		{"whole run among shards", []string{shardDirs[0], shardDirs[1], shardDirs[2], whole}, "is a whole run, not a shard"},
		{"shard twice", []string{shardDirs[0], shardDirs[0], shardDirs[1], shardDirs[2]}, "shard 1/3 given twice"},
	} {
		code, so, se := runInProcess(t, tokenEnv, append([]string{"report", "merge", "--out", filepath.Join(tmp, "refused")}, tc.args...)...)
		if code != exitUsage || !strings.Contains(se, tc.want) || !strings.Contains(se, "--force") {
			t.Errorf("%s: exit %d, want 2 and %q\n%s\n%s", tc.name, code, tc.want, so, se)
		}
	}

	execPath := browsertest.FindChromium(t)
	ctx := browsertest.NewBrowser(t, execPath)
	browsertest.OpenReport(t, ctx, filepath.Join(merged, reports.FileHTML))
	type li struct{ ID, Status string }
	shown := browsertest.Run(t, ctx, "read the scenario list", chromedp.Evaluate[[]li](
		`[...document.querySelectorAll('#scenarios li.scenario')].map(e => ({ID: e.getAttribute('data-id'), Status: e.getAttribute('data-status')}))`))
	rank := map[string]int{"fail": 0, "error": 1, "waived": 2, "pass": 3, "skip": 4, "not-in-scope": 5}
	var got []string
	for i, s := range shown {
		got = append(got, s.ID)
		if reports.Status(s.Status) != ws[s.ID] {
			t.Errorf("report.html shows %s as %s, the unsharded run %s", s.ID, s.Status, ws[s.ID])
		}
		if i > 0 && rank[s.Status] < rank[shown[i-1].Status] {
			t.Errorf("report.html lists %s (%s) after %s (%s): want failures first", s.ID, s.Status, shown[i-1].ID, shown[i-1].Status)
		}
	}
	sort.Strings(got)
	want := append([]string(nil), wids...)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("report.html shows %d scenarios, the union of the shards has %d:\nshown %v\nwant  %v", len(got), len(want), got, want)
	}
	if len(shown) == 0 || shown[0].Status != "fail" {
		t.Errorf("report.html does not list a failure first: %v", shown[:min(3, len(shown))])
	}
}

// TestShardFlagEnvAndEmptyShard checks that SCIMCONFORM_SHARD selects the
// shard like --shard, that a bad shard is a usage error naming the form,
// and that a shard holding none of a small selection writes an empty
// report that passes (the merge of the shards judges the selection).
func TestShardFlagEnvAndEmptyShard(t *testing.T) {
	base := referenceURL(t)
	home := steps.ShardOf("USR-001", 4)
	other := home%4 + 1

	out := t.TempDir()
	env := map[string]string{"SCIMCONFORM_TOKEN": cliTestToken, "SCIMCONFORM_SHARD": fmt.Sprintf("%d/4", home)}
	code, so, se := runInProcess(t, env, "run", "--url", base, "--tags", "@USR-001", "--out", out)
	if r := readRunJSON(t, out); code != exitOK || r.Totals.Scenarios != 1 || r.Selection.Shard != fmt.Sprintf("%d/4", home) {
		t.Fatalf("SCIMCONFORM_SHARD=%d/4: exit %d, totals %+v, selection %+v\n%s\n%s", home, code, r.Totals, r.Selection, so, se)
	}

	empty := t.TempDir()
	code, so, se = runInProcess(t, tokenEnv, "run", "--url", base, "--tags", "@USR-001", "--shard", fmt.Sprintf("%d/4", other), "--out", empty)
	if r := readRunJSON(t, empty); code != exitOK || r.Totals.Scenarios != 0 || r.Selection == nil || r.Selection.Shard != fmt.Sprintf("%d/4", other) {
		t.Fatalf("empty shard %d/4: exit %d, totals %+v\n%s\n%s", other, code, r.Totals, so, se)
	}
	if !strings.Contains(so, fmt.Sprintf("shard %d/4: 0 of the 1 selected scenarios", other)) {
		t.Errorf("the empty shard does not say so:\n%s", so)
	}

	for _, bad := range []string{"0/3", "4/3", "two"} {
		code, _, se := runInProcess(t, tokenEnv, "run", "--url", base, "--shard", bad, "--out", t.TempDir())
		if code != exitUsage || !strings.Contains(se, "K/N") {
			t.Errorf("--shard %s: exit %d, stderr %s", bad, code, se)
		}
	}
}
