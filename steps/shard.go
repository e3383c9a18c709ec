package steps

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// Shard is one of Count parts of a selection, numbered from 1 (e.g. 2/3).
// The zero Shard is the whole selection.
//
// A scenario belongs to the shard FNV-1a(ID) mod Count + 1, so the split
// depends only on the scenario's stable ID: adding a scenario to the
// catalogue never moves another one to another shard, the Count shards of a
// selection together hold every selected scenario, and none holds one
// twice. The split is deterministic but not balanced: a shard may hold a
// few more scenarios than another, or (for a small selection) none.
// @exclusive scenarios still run alone, within whichever shard holds them.
type Shard struct {
	Index, Count int
}

// ParseShard parses "K/N" with 1 <= K <= N. An empty string is the zero
// Shard (no sharding). The error names the expected form.
func ParseShard(s string) (Shard, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Shard{}, nil
	}
	k, n, ok := strings.Cut(s, "/")
	ki, kerr := strconv.Atoi(strings.TrimSpace(k))
	ni, nerr := strconv.Atoi(strings.TrimSpace(n))
	if !ok || kerr != nil || nerr != nil || ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("--shard %q: want K/N with 1 <= K <= N, e.g. 2/3 (the second of three shards)", s)
	}
	return Shard{Index: ki, Count: ni}, nil
}

// String returns "K/N", or "" for the zero Shard.
func (sh Shard) String() string {
	if sh.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", sh.Index, sh.Count)
}

// Includes reports whether the scenario with this ID belongs to the shard.
// The zero Shard (Count 0) includes every scenario; so does a Shard whose
// Count is 1.
func (sh Shard) Includes(id string) bool {
	if sh.Count <= 1 {
		return true
	}
	return ShardOf(id, sh.Count) == sh.Index
}

// ShardOf returns the shard (1..count) that holds the scenario with this
// ID when a selection is split into count shards; 1 when count < 2.
func ShardOf(id string, count int) int {
	if count < 2 {
		return 1
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32()%uint32(count)) + 1
}

// Expression describes what the selection selects, shard left out, in a
// canonical form: two selections with the same Expression list the same
// scenarios of a catalogue and give them the same scope, e.g.
// `tags="@users" tier=all features=users declared=groups`. Results record
// it so that `report merge` can refuse to merge shards of different
// selections.
func (sel Selection) Expression() string {
	var parts []string
	parts = append(parts, "tags="+strconv.Quote(strings.TrimSpace(sel.Tags)))
	tier := sel.Tier
	if tier == "" {
		tier = "all"
	}
	parts = append(parts, "tier="+tier)
	areas := "all"
	if len(sel.Areas) > 0 {
		areas = strings.Join(sortedCopy(sel.Areas), ",")
	}
	parts = append(parts, "features="+areas)
	var declared []string
	for _, c := range capabilityNames() {
		if sel.Declares(c) {
			declared = append(declared, c)
		}
	}
	d := "none"
	if len(declared) > 0 {
		d = strings.Join(declared, ",")
	}
	parts = append(parts, "declared="+d)
	return strings.Join(parts, " ")
}

func sortedCopy(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@")))
	}
	slices.Sort(out)
	return out
}
