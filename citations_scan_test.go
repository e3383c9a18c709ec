package main

// This test keeps the project's citations honest: a comment, scenario, README
// or fixture that cites "<path>.md §<section>" must name a markdown file in the
// repository and a section, table row, numbered step, pitfall or source key
// that file really has (mockidp/okta/WIRE.md is the main target). It also
// refuses citations of the team's research notes, which live outside the
// repository. RFC citations ("RFC 7644 §3.5.2") are not markdown paths and are
// ignored.

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// researchNotes is the base name of the team's research notes outside the
// repository. It is spelled in two parts so that rewriting the citations in
// the tree with one sed does not rewrite this test.
const researchNotes = "okta" + "-wire"

// citation is one reference to a part of a markdown file: the section number
// (empty for a bare source key) and what inside it is cited.
type citation struct {
	file string // citing file, slash-separated, relative to the root
	line int    // 1-based line of the reference
	doc  string // the markdown path as written
	sect string // "9.1"; empty when only a key is cited
	kind refKind
	name string // row name or number, step number, or key
}

// refKind says what a citation points at inside a section.
type refKind int

const (
	refSection refKind = iota
	refRow             // a table row, by its first cell
	refStep            // a numbered list item
	refKey             // a source key or term defined in §0
)

// String renders the citation's target as it is written in the sources, e.g.
// "mockidp/okta/WIRE.md §13 row 'Push Now'".
func (c citation) String() string {
	s := c.doc
	if c.sect != "" {
		s += " §" + c.sect
	}
	switch c.kind {
	case refRow:
		if isNumber(c.name) {
			if c.sect == "11" {
				return s + " pitfall " + c.name
			}
			return s + " row " + c.name
		}
		return s + " row '" + c.name + "'"
	case refStep:
		return s + " step " + c.name
	case refKey:
		return s + " " + c.name
	}
	return s
}

// mdDoc is what a cited markdown file offers: its numbered sections, the
// first cells of the table rows and the numbered steps in each, and the keys
// and terms defined in the tables of §0.
type mdDoc struct {
	sections map[string]bool
	rows     map[string][]string // section -> normalised first cells
	steps    map[string][]string // section -> list item numbers
	keys     map[string]bool
}

var (
	headingRe = regexp.MustCompile(`^#{1,6}\s+(\d+(?:\.\d+)*)\.?(?:\s|$)`)
	stepRe    = regexp.MustCompile(`^\s*(\d+)\.\s`)
	// mdPathRe matches a markdown path such as mockidp/okta/WIRE.md.
	mdPathRe = regexp.MustCompile(`[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*\.md\b`)
	// notesRe matches a citation of the research notes: "<notes>.md" or
	// "<notes> §N".
	notesRe   = regexp.MustCompile(researchNotes + `(?:\.md|\s+§)`)
	sectRe    = regexp.MustCompile(`^§(\d+(?:\.\d+)*)`)
	keyRe     = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*`)
	numListRe = regexp.MustCompile(`^(?:pitfalls?\s+|#)(\d+)((?:\s*(?:,|and)\s*#?\d+)*)`)
	evidence  = regexp.MustCompile(`^\[[DTOI]\]`)
	rfcRe     = regexp.MustCompile(`^RFC\b`)
	digitsRe  = regexp.MustCompile(`\d+`)
)

// parseDoc reads a markdown file's numbered headings ("## 2. Transport",
// "### 2.5 Timeouts"), table rows and numbered steps; fenced code is skipped.
// A row or step belongs to the innermost numbered section above it.
func parseDoc(text string) mdDoc {
	d := mdDoc{sections: map[string]bool{}, rows: map[string][]string{}, steps: map[string][]string{}, keys: map[string]bool{}}
	cur, fenced := "", false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		if m := headingRe.FindStringSubmatch(line); m != nil {
			cur = m[1]
			d.sections[cur] = true
			continue
		}
		if cur == "" {
			continue
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "|") {
			cells := strings.Split(strings.Trim(t, "|"), "|")
			first := normCell(cells[0])
			if first == "" || strings.Trim(first, "-: ") == "" {
				continue
			}
			d.rows[cur] = append(d.rows[cur], first)
			if cur == "0" {
				for _, k := range strings.Split(first, "/") {
					d.keys[strings.TrimSpace(k)] = true
				}
			}
			continue
		}
		if m := stepRe.FindStringSubmatch(line); m != nil {
			d.steps[cur] = append(d.steps[cur], m[1])
		}
	}
	return d
}

// normCell strips markdown emphasis, code marks and quotes from a table cell.
func normCell(s string) string {
	return strings.TrimSpace(strings.NewReplacer("*", "", "`", "", `"`, "").Replace(s))
}

// inSection lists the items of section s and of its subsections.
func inSection(m map[string][]string, s string) []string {
	var out []string
	for k, v := range m {
		if k == s || strings.HasPrefix(k, s+".") {
			out = append(out, v...)
		}
	}
	return out
}

// has reports whether d has what c cites.
func (d mdDoc) has(c citation) bool {
	if c.kind == refKey {
		return d.keys[c.name]
	}
	if !d.sections[c.sect] {
		return false
	}
	switch c.kind {
	case refRow:
		for _, r := range inSection(d.rows, c.sect) {
			if isNumber(c.name) && r == c.name ||
				!isNumber(c.name) && strings.HasPrefix(strings.ToLower(r), strings.ToLower(normCell(c.name))) {
				return true
			}
		}
		return false
	case refStep:
		for _, s := range inSection(d.steps, c.sect) {
			if s == c.name {
				return true
			}
		}
		return false
	}
	return true
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// scanned is what scanning one file yields: its citations, and problems found
// on the way (citations of the research notes).
type scanned struct {
	cites    []citation
	problems []string
}

// scanFile finds the citations in one file. A citation starts at a markdown
// path followed by "§" or by a source key; the references that follow it
// (", §6", "row 'Name'", "pitfalls 22, 23", "step 3", "[D] SCIM20", ", APOLLO")
// belong to it until the clause ends: ";", a closing parenthesis or quote, the
// end of a sentence or line (comment lines continue), "RFC", or another path.
func scanFile(name, text string) scanned {
	var out scanned
	for _, loc := range notesRe.FindAllStringIndex(text, -1) {
		cited := researchNotes
		if strings.HasSuffix(text[loc[0]:loc[1]], ".md") {
			cited += ".md"
		}
		out.problems = append(out.problems, fmt.Sprintf("%s:%d cites %s, the team's research notes outside the repository; cite mockidp/okta/WIRE.md instead",
			name, lineAt(text, loc[0]), cited))
	}
	for _, loc := range mdPathRe.FindAllStringIndex(text, -1) {
		doc := text[loc[0]:loc[1]]
		if strings.HasPrefix(doc, researchNotes) || loc[0] > 0 && strings.ContainsAny(text[loc[0]-1:loc[0]], "/.-_") {
			continue
		}
		rest := text[loc[1]:]
		t := strings.TrimLeft(rest, " \t")
		if !strings.HasPrefix(t, "§") && keyRe.FindString(t) == "" {
			continue // a mention of a file, not a citation of a part of it
		}
		out.cites = append(out.cites, scanRefs(name, text, loc[1], doc)...)
	}
	return out
}

// scanRefs reads the references after a cited path, starting at offset i.
func scanRefs(file, text string, i int, doc string) []citation {
	var cites []citation
	add := func(at int, sect string, kind refKind, name string) {
		cites = append(cites, citation{file: file, line: lineAt(text, at), doc: doc, sect: sect, kind: kind, name: name})
	}
	depth := 0
	keyCtx := true // an upper-case word here is a key claim ("mockidp/okta/WIRE.md APOLLO")
	sect := ""
	for i < len(text) {
		c := text[i]
		switch {
		case c == '\n':
			next, ok := continuation(file, text, i+1)
			if !ok {
				return cites
			}
			i = next
			continue
		case c == ' ' || c == '\t':
			i++
			continue
		}
		rest := text[i:]
		if depth == 0 {
			switch {
			case c == ';' || c == '"' || c == '`' || c == ')' || c == ']' || c == '}':
				return cites
			case c == '.' && (i+1 == len(text) || strings.ContainsRune(" \t\n", rune(text[i+1]))):
				return cites
			case rfcRe.MatchString(rest) || mdPathRe.FindStringIndex(rest) != nil && mdPathRe.FindStringIndex(rest)[0] == 0:
				return cites
			}
		}
		if m := evidence.FindString(rest); m != "" {
			i += len(m)
			continue // an evidence tag keeps the key context: "§4.2 [D] SCIM20"
		}
		if m := sectRe.FindStringSubmatch(rest); m != nil && depth == 0 {
			sect = m[1]
			add(i, sect, refSection, "")
			i += len(m[0])
			i = qualifiers(text, i, sect, add)
			keyCtx = true
			continue
		}
		switch c {
		case '(', '[', '{':
			depth++
			i++
			keyCtx = false
			continue
		case ')', ']', '}':
			depth--
			i++
			keyCtx = false
			continue
		case ',', '/':
			i++
			if depth == 0 {
				keyCtx = true
			}
			continue
		}
		if k := keyRe.FindString(rest); k != "" && len(k) >= 2 && !wordChar(text, i+len(k)) && !wordChar(text, i-1) {
			if depth == 0 && keyCtx {
				add(i, "", refKey, k)
			}
			i += len(k)
			keyCtx = false // "PLAN C9338": only the first word is the key
			continue
		}
		// Any other word or sign ends the key context until the next comma.
		j := i + 1
		for j < len(text) && wordChar(text, j) && wordChar(text, i) {
			j++
		}
		i = j
		keyCtx = false
	}
	return cites
}

// qualifiers reads what narrows a section reference: "row 'Name'", "'Name'",
// "row N", "step N", "pitfall N", "pitfalls N, M", "#N, #M". It returns the
// offset after them.
func qualifiers(text string, i int, sect string, add func(int, string, refKind, string)) int {
	j := i
	for j < len(text) && text[j] == ' ' {
		j++
	}
	rest := text[j:]
	switch {
	case strings.HasPrefix(rest, "row '") || strings.HasPrefix(rest, "'"):
		q := strings.Index(rest, "'")
		end := strings.Index(rest[q+1:], "'")
		if end < 0 {
			return i
		}
		add(j, sect, refRow, rest[q+1:q+1+end])
		return j + q + 1 + end + 1
	case strings.HasPrefix(rest, "row ") || strings.HasPrefix(rest, "step "):
		kind, word := refRow, "row "
		if strings.HasPrefix(rest, "step ") {
			kind, word = refStep, "step "
		}
		n := len(word)
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == len(word) {
			return i
		}
		add(j, sect, kind, rest[len(word):n])
		return j + n
	}
	if m := numListRe.FindStringSubmatchIndex(rest); m != nil {
		add(j, sect, refRow, rest[m[2]:m[3]])
		for _, n := range digitsRe.FindAllStringIndex(rest[m[4]:m[5]], -1) {
			add(j, sect, refRow, rest[m[4]+n[0]:m[4]+n[1]])
		}
		return j + m[1]
	}
	return i
}

// continuation reports whether the clause goes on after a line break at
// offset i, and where: on the next comment line in Go or Gherkin, on the next
// non-blank prose line in markdown; never in JSON.
func continuation(file, text string, i int) (int, bool) {
	j := i
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	rest := text[j:]
	switch path.Ext(file) {
	case ".go":
		if strings.HasPrefix(rest, "//") {
			return j + 2, true
		}
	case ".feature":
		if strings.HasPrefix(rest, "#") {
			return j + 1, true
		}
	case ".md":
		if rest != "" && !strings.HasPrefix(rest, "\n") && !strings.HasPrefix(rest, "|") &&
			!strings.HasPrefix(rest, "#") && !strings.HasPrefix(rest, "```") {
			return j, true
		}
	}
	return 0, false
}

func wordChar(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return false
	}
	c := text[i]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func lineAt(text string, off int) int {
	return strings.Count(text[:off], "\n") + 1
}

// skipDir lists directories that hold no tracked source: VCS data, build
// output and report folders.
var skipDir = map[string]bool{"bin": true, "out": true, "scimconform-report": true, "node_modules": true, "vendor": true}

// scanTree walks fsys from "." over *.go, *.feature, *.md and testdata *.json,
// skipping hidden directories and skipDir. This file is skipped: its table
// holds deliberately broken citations.
func scanTree(fsys fs.FS) (scanned, int, error) {
	var all scanned
	files := 0
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != "." && (strings.HasPrefix(e.Name(), ".") || skipDir[e.Name()]) {
				return fs.SkipDir
			}
			return nil
		}
		switch ext := path.Ext(p); {
		case ext == ".go" || ext == ".feature" || ext == ".md":
		case ext == ".json" && strings.Contains("/"+p, "/testdata/"):
		default:
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		files++
		s := scanFile(p, string(b))
		all.cites = append(all.cites, s.cites...)
		all.problems = append(all.problems, s.problems...)
		return nil
	})
	return all, files, err
}

// checkCitations resolves every citation against fsys and returns one
// message per citation that does not resolve, after the problems of the scan.
// A path is looked up from the root first, then beside the citing file
// (a bare WIRE.md citation of section 2.1 in mockidp/okta/client.go).
func checkCitations(fsys fs.FS, s scanned) []string {
	problems := append([]string(nil), s.problems...)
	docs := map[string]*mdDoc{}
	for _, c := range s.cites {
		target := ""
		for _, p := range []string{path.Clean(c.doc), path.Join(path.Dir(c.file), c.doc)} {
			if st, err := fs.Stat(fsys, p); err == nil && !st.IsDir() {
				target = p
				break
			}
		}
		where := fmt.Sprintf("%s:%d cites %s", c.file, c.line, c)
		if target == "" {
			problems = append(problems, where+", which is not a file in the repository")
			continue
		}
		d, ok := docs[target]
		if !ok {
			b, err := fs.ReadFile(fsys, target)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s, which cannot be read: %v", where, err))
				continue
			}
			pd := parseDoc(string(b))
			d = &pd
			docs[target] = d
		}
		if d.has(c) {
			continue
		}
		switch {
		case c.kind == refKey:
			problems = append(problems, where+", which defines no such source key or term in §0")
		case !d.sections[c.sect]:
			problems = append(problems, where+", which has no such section")
		case c.kind == refStep:
			problems = append(problems, fmt.Sprintf("%s, which has no step %s in §%s", where, c.name, c.sect))
		case c.sect == "11" && isNumber(c.name):
			problems = append(problems, fmt.Sprintf("%s, which has no pitfall %s", where, c.name))
		default:
			problems = append(problems, fmt.Sprintf("%s, which has no such row in §%s", where, c.sect))
		}
	}
	return problems
}
