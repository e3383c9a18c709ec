package steps

import (
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		err  bool
	}{
		{"", Shard{}, false},
		{"1/1", Shard{1, 1}, false},
		{"2/3", Shard{2, 3}, false},
		{" 3 / 3 ", Shard{3, 3}, false},
		{"0/3", Shard{}, true},
		{"4/3", Shard{}, true},
		{"1/0", Shard{}, true},
		{"-1/3", Shard{}, true},
		{"2", Shard{}, true},
		{"a/b", Shard{}, true},
	} {
		got, err := ParseShard(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), "K/N") {
			t.Errorf("ParseShard(%q) error %q does not name the form K/N", tc.in, err)
		}
	}
}

// TestShardsPartitionTheSelection checks, over the real catalogue and
// several selections, that the N shards together list exactly the
// selection, each scenario once.
func TestShardsPartitionTheSelection(t *testing.T) {
	all, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []Selection{
		{},
		{Tier: "required"},
		{Tags: "@users && ~@optional"},
		{Groups: true, Declared: []string{CapSSO}},
	} {
		want := base.Select(all)
		for n := 1; n <= 5; n++ {
			seen := map[string]int{}
			nonEmpty := 0
			for k := 1; k <= n; k++ {
				sel := base
				sel.Shard = Shard{k, n}
				got := sel.Select(all)
				if len(got) > 0 {
					nonEmpty++
				}
				for _, s := range got {
					if prev, dup := seen[s.ID]; dup {
						t.Fatalf("%s: %s in shard %d/%d and %d/%d", base.Expression(), s.ID, prev, n, k, n)
					}
					seen[s.ID] = k
					if ShardOf(s.ID, n) != k {
						t.Errorf("%s listed in shard %d/%d but ShardOf says %d", s.ID, k, n, ShardOf(s.ID, n))
					}
				}
			}
			if len(seen) != len(want) {
				t.Fatalf("%s: %d shards list %d scenarios, the selection %d", base.Expression(), n, len(seen), len(want))
			}
			for _, s := range want {
				if _, ok := seen[s.ID]; !ok {
					t.Errorf("%s: %s in no shard of %d", base.Expression(), s.ID, n)
				}
			}
			if len(want) >= 30 && nonEmpty != n {
				t.Errorf("%s: only %d of %d shards hold a scenario of %d", base.Expression(), nonEmpty, n, len(want))
			}
		}
	}
}

// TestShardStableUnderCatalogueGrowth checks that scenarios added to the
// catalogue never move the others to another shard.
func TestShardStableUnderCatalogueGrowth(t *testing.T) {
	all, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{Shard: Shard{2, 3}}
	before := map[string]bool{}
	for _, s := range sel.Select(all) {
		before[s.ID] = true
	}
	grown := append([]ScenarioInfo{{ID: "NEW-001", Tier: "required"}}, all...)
	grown = append(grown, ScenarioInfo{ID: "NEW-002", Tier: "optional"}, ScenarioInfo{ID: "ZZZ-999", Tier: "required"})
	for _, s := range sel.Select(grown) {
		if strings.HasPrefix(s.ID, "NEW-") || s.ID == "ZZZ-999" {
			continue
		}
		if !before[s.ID] {
			t.Errorf("%s moved into shard 2/3 when scenarios were added", s.ID)
		}
		delete(before, s.ID)
	}
	for id := range before {
		t.Errorf("%s left shard 2/3 when scenarios were added", id)
	}
}

func TestSelectionExpressionIsCanonical(t *testing.T) {
	a := Selection{Tags: " @users ", Areas: []string{"users", "@Groups"}, Groups: true, Declared: []string{CapSSO}, Shard: Shard{1, 3}}
	b := Selection{Tags: "@users", Tier: "all", Areas: []string{"groups", "users"}, Groups: true, Declared: []string{CapSSO}}
	if a.Expression() != b.Expression() {
		t.Errorf("same selection, different expressions:\n%s\n%s", a.Expression(), b.Expression())
	}
	want := `tags="@users" tier=all features=groups,users declared=groups,sso`
	if a.Expression() != want {
		t.Errorf("Expression() = %s, want %s", a.Expression(), want)
	}
	c := b
	c.Declared = nil
	if c.Expression() == b.Expression() {
		t.Error("a selection declaring less has the same expression")
	}
}
