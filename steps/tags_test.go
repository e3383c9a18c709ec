package steps

import (
	"strings"
	"testing"
)

// TestMatchTagsAgreesWithGodog runs the table of godog's own tag filter
// test (github.com/cucumber/godog v0.16.0, internal/tags/tag_filter_test.go,
// Test_ApplyTagFilter) through MatchTags. godog keeps its filter internal
// and cucumber's tag-expressions module is not available here, so our
// filter must select exactly what godog's does: the progress count and the
// scope report are computed from MatchTags while godog runs the scenarios.
func TestMatchTagsAgreesWithGodog(t *testing.T) {
	pickles := map[string][]string{
		"one":   {"@one", "@wip"},
		"two":   {"@two", "@wip"},
		"three": {"@three", "@wip"},
	}
	order := []string{"one", "two", "three"}
	for _, tc := range []struct {
		filter string
		want   string // pickle ids, comma-separated, in order
	}{
		{"", "one,two,three"},
		{"@one", "one"},
		{"~@one", "two,three"},
		{"one", "one"},
		{" one ", "one"},
		{"@one,@two", "one,two"},
		{"@one,~@two", "one,three"},
		{" @one , @two ", "one,two"},
		{"@one&&@two", ""},
		{"@one&&~@two", "one"},
		{"@one&&@wip", "one"},
		{"@one&&@two,@wip", "one,two,three"},
		{"@one&&@wip,@wip&&@two", "one,two"},
		{"@one&&@two,@one&&@wip,@wip&&@two", "one,two"},
		{"@two&&@one,@one&&@wip,@three&&@two", "one"},
	} {
		var got []string
		for _, id := range order {
			if MatchTags(tc.filter, pickles[id]) {
				got = append(got, id)
			}
		}
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("MatchTags(%q) selects %q, godog selects %q", tc.filter, g, tc.want)
		}
	}
}
