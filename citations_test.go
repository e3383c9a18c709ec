package main

// This test keeps the project's citations honest: a comment, scenario, README
// or fixture that cites "<path>.md §<section>" must name a markdown file in the
// repository and a section, table row, numbered step, pitfall or source key
// that file really has (mockidp/okta/WIRE.md is the main target). It also
// refuses citations of the team's research notes, which live outside the
// repository. RFC citations ("RFC 7644 §3.5.2") are not markdown paths and are
// ignored.

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestCitationsResolve checks every citation in the repository.
func TestCitationsResolve(t *testing.T) {
	fsys := os.DirFS(".")
	s, files, err := scanTree(fsys)
	if err != nil {
		t.Fatalf("walk the repository: %v", err)
	}
	if len(s.cites)+len(s.problems) == 0 {
		t.Fatalf("found no citations in %d files; the scanner is broken", files)
	}
	for _, p := range checkCitations(fsys, s) {
		t.Error(p)
	}
	t.Logf("%d citations checked in %d files", len(s.cites), files)
}

// wireFixture is a small WIRE.md for the table test.
const wireFixture = `# Notes

## 0. Legend

| Key | Source |
|---|---|
| APOLLO | https://example.invalid/apollo |
| ENT / ENTCRUD | two files |
| AIW | a profile |

## 4. Create user

### 4.1 Sequence

1. Lookup.
2. POST.

## 11. Known pitfalls

| # | Pitfall |
|---|---|
| 1 | path active |
| 2 | case-sensitive userName |

## 13. Catalogue

| Scenario | AIW |
|---|---|
| **Push Now** | PUT |

` + "```" + `
## 14. Not a heading inside code
` + "```" + `
`

// TestCitationChecks proves the checker on in-memory trees: each case is one
// citing file beside mockidp/okta/WIRE.md and the problems it must produce.
func TestCitationChecks(t *testing.T) {
	notes := researchNotes + ".md"
	// The inputs spell the markdown paths in parts, so this file holds no
	// citation of its own for any citation checker to flag.
	wire, bareWire, missingDoc := "mockidp/okta/WIRE"+".md", "WIRE"+".md", "docs/NOPE"+".md"
	cases := []struct {
		name, file, text string
		want             []string // problems, exactly
		cites            int      // citations found
	}{
		{"section exists", "features/a.feature", "  # Spec: (" + wire + " §4.1).\n", nil, 1},
		{"subsection missing", "features/token.feature", "Feature: t\n\n  # x\n  # y\n  # z\n  # w\n  # Spec: " + wire + " §3.4\n",
			[]string{"features/token.feature:7 cites " + wire + " §3.4, which has no such section"}, 1},
		{"heading in code is no section", "a.go", "// " + wire + " §14\n",
			[]string{"a.go:1 cites " + wire + " §14, which has no such section"}, 1},
		{"chain with RFC ignored", "a.go", "// (" + wire + " §4.1, §11, RFC 7644 §3.4.2).\n", nil, 2},
		{"chain continues on the next comment line", "a.go", "// see " + wire + " §4.1,\n// §9 and more\nfunc f() {}\n",
			[]string{"a.go:2 cites " + wire + " §9, which has no such section"}, 2},
		{"research notes", "b.go", "// (" + notes + " §6)\n// (" + researchNotes + " §9)\n",
			[]string{"b.go:1 cites " + notes + ", the team's research notes outside the repository; cite " + wire + " instead",
				"b.go:2 cites " + researchNotes + ", the team's research notes outside the repository; cite " + wire + " instead"}, 0},
		{"missing file", "c.go", "// " + missingDoc + " §1\n", []string{"c.go:1 cites " + missingDoc + " §1, which is not a file in the repository"}, 1},
		{"bare " + bareWire + " beside the citing file", "mockidp/okta/x.go", "// (" + bareWire + " §13 row 'Push Now')\n", nil, 2},
		{"bare " + bareWire + " elsewhere", "steps/x.go", "// (" + bareWire + " §13)\n", []string{"steps/x.go:1 cites " + bareWire + " §13, which is not a file in the repository"}, 1},
		{"row by name", "mockidp/okta/testdata/d.json", `{"source": "` + wire + ` §13 row 'Push Now' AIW, §13 row 'Push Later'"}`,
			[]string{"mockidp/okta/testdata/d.json:1 cites " + wire + " §13 row 'Push Later', which has no such row in §13"}, 5},
		{"pitfalls", "e.feature", "# (" + wire + " §11 pitfalls 1, 2; " + wire + " §11 #3)\n",
			[]string{"e.feature:1 cites " + wire + " §11 pitfall 3, which has no pitfall 3"}, 5},
		{"steps", "f.go", "// " + wire + " §4.1 step 2, §4.1 step 3\n",
			[]string{"f.go:1 cites " + wire + " §4.1 step 3, which has no step 3 in §4.1"}, 4},
		{"keys", "g.go", "// (" + wire + " APOLLO) (" + wire + " §4 [D] ENTCRUD, NOPE)\n",
			[]string{"g.go:1 cites " + wire + " NOPE, which defines no such source key or term in §0"}, 4},
		{"words in parentheses are not keys", "h.go", "// " + wire + " §4.1 step 1 (KB-EXIST: GET, PUT): GET then PUT\n", nil, 2},
		{"a mention is not a citation", "README.md", "See `" + wire + "` and docs/OTHER.md for more.\n", nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"mockidp/okta/WIRE.md": {Data: []byte(wireFixture)},
				tc.file:                {Data: []byte(tc.text)},
			}
			s, _, err := scanTree(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.cites) != tc.cites {
				t.Errorf("found %d citations, want %d: %v", len(s.cites), tc.cites, s.cites)
			}
			got := checkCitations(fsys, s)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
