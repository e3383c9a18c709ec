package steps

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/scimconform/scimconform/features"
)

// ScenarioInfo describes one scenario of the catalogue.
type ScenarioInfo struct {
	// ID is the stable scenario ID, e.g. "USR-001".
	ID    string `json:"id"`
	Title string `json:"title"`
	// Tier is "required", "optional" or "strict" as tagged in the feature
	// file. A strict scenario (RFC 7643/7644 conformance beyond what Okta
	// sends) runs only with Selection.Strict; see Selection.EffectiveTier.
	Tier string `json:"tier"`
	// Level is "must" or "should" for a strict scenario (its @must or
	// @should tag: the RFC's key word), empty otherwise.
	Level string `json:"level,omitempty"`
	// Fix is the how-to-fix hint of the "# Fix:" comment above the
	// scenario, written for the developer of the app; empty when none.
	Fix string `json:"fix,omitempty"`
	// Areas are the area tags without "@" (e.g. "users").
	Areas []string `json:"areas"`
	// Tags are all tags, with "@", feature tags included.
	Tags []string `json:"tags"`
	// SpecRefs are the spec references from the "# Spec:" comment above the scenario.
	SpecRefs []string `json:"specRefs"`
	Feature  string   `json:"feature"`
	URI      string   `json:"uri"`
	Line     int      `json:"line"`
	// Needs are the capabilities the scenario needs, from its
	// @needs-<name> tags (feature-level ones included), e.g. ["sso"]. A run
	// that does not declare all of them reports the scenario as not in
	// scope; one that does makes it required (Selection.EffectiveTier).
	Needs []string `json:"needs,omitempty"`
	// Steps are the scenario's steps as written, Background steps first, in
	// the order godog runs them.
	Steps []StepInfo `json:"-"`
}

// StepInfo is one Gherkin step as written in the feature file.
type StepInfo struct {
	// Keyword is "Given", "When", "Then", "And" or "But", without spaces.
	Keyword string
	Text    string
	Line    int
}

var idTag = regexp.MustCompile(`^@([A-Z]{2,5}-\d{3})$`)

// nonAreaTags are tags that are neither IDs, capability needs nor areas.
var nonAreaTags = map[string]bool{"@required": true, "@optional": true, "@strict": true, "@must": true, "@should": true, "@exclusive": true}

const needsPrefix = "@needs-"

// Catalog parses the embedded feature files and returns every scenario in
// file order. It returns an error when a scenario lacks an ID or tier tag,
// when an ID is used twice, or when a feature file does not parse: the
// catalogue is part of the product and must be well-formed.
func Catalog() ([]ScenarioInfo, error) {
	return catalogFrom(features.FS)
}

func catalogFrom(fsys fs.FS) ([]ScenarioInfo, error) {
	files, err := fs.Glob(fsys, "*.feature")
	if err != nil {
		return nil, fmt.Errorf("list feature files: %w", err)
	}
	sort.Strings(files)
	var out []ScenarioInfo
	seen := map[string]string{}
	for _, name := range files {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		infos, err := parseFeature(name, src)
		if err != nil {
			return nil, err
		}
		for _, in := range infos {
			if prev, dup := seen[in.ID]; dup {
				return nil, fmt.Errorf("%s:%d: scenario ID %s already used in %s", name, in.Line, in.ID, prev)
			}
			seen[in.ID] = fmt.Sprintf("%s:%d", name, in.Line)
			out = append(out, in)
		}
	}
	return out, nil
}

func parseFeature(name string, src []byte) ([]ScenarioInfo, error) {
	var ids messages.Incrementing
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(src), ids.NewId)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if doc.Feature == nil {
		return nil, fmt.Errorf("parse %s: no Feature", name)
	}
	lines := strings.Split(string(src), "\n")
	var featTags []string
	for _, t := range doc.Feature.Tags {
		featTags = append(featTags, t.Name)
	}
	var out []ScenarioInfo
	var background []StepInfo
	for _, child := range doc.Feature.Children {
		if bg := child.Background; bg != nil {
			background = stepInfos(bg.Steps)
			continue
		}
		sc := child.Scenario
		if sc == nil {
			continue
		}
		tags := append([]string(nil), featTags...)
		for _, t := range sc.Tags {
			tags = append(tags, t.Name)
		}
		in := ScenarioInfo{
			Title:   sc.Name,
			Tags:    tags,
			Feature: doc.Feature.Name,
			URI:     path.Clean(name),
			Line:    int(sc.Location.Line),
			Steps:   append(append([]StepInfo(nil), background...), stepInfos(sc.Steps)...),
		}
		for _, t := range tags {
			switch {
			case idTag.MatchString(t):
				if in.ID != "" {
					return nil, fmt.Errorf("%s:%d: scenario has two IDs (%s, %s)", name, in.Line, in.ID, t)
				}
				in.ID = strings.TrimPrefix(t, "@")
			case t == "@required" || t == "@optional" || t == "@strict":
				if in.Tier != "" && in.Tier != strings.TrimPrefix(t, "@") {
					return nil, fmt.Errorf("%s:%d: scenario has two tiers (@%s, %s)", name, in.Line, in.Tier, t)
				}
				in.Tier = strings.TrimPrefix(t, "@")
			case t == "@must" || t == "@should":
				in.Level = strings.TrimPrefix(t, "@")
			case strings.HasPrefix(t, needsPrefix):
				capName := strings.TrimPrefix(t, needsPrefix)
				if capabilityByName(capName) == nil {
					return nil, fmt.Errorf("%s:%d: tag %s names no known capability (known: %s)", name, in.Line, t, strings.Join(capabilityNames(), ", "))
				}
				if !slices.Contains(in.Needs, capName) {
					in.Needs = append(in.Needs, capName)
				}
			case !nonAreaTags[t]:
				in.Areas = append(in.Areas, strings.TrimPrefix(t, "@"))
			}
		}
		if in.ID == "" || in.Tier == "" {
			return nil, fmt.Errorf("%s:%d: scenario %q needs an ID tag (@ABC-001) and a tier tag (@required/@optional/@strict)", name, in.Line, sc.Name)
		}
		if (in.Tier == "strict") != (in.Level != "") {
			return nil, fmt.Errorf("%s:%d: scenario %s: a @strict scenario needs exactly one of @must/@should, and only a @strict one may have it", name, in.Line, in.ID)
		}
		if in.Tier == "strict" && !slices.Contains(in.Needs, CapStrict) {
			in.Needs = append(in.Needs, CapStrict)
		}
		in.SpecRefs = specRefsAbove(lines, firstTagLine(sc))
		in.Fix = commentField(lines, firstTagLine(sc), "Fix:")
		if in.Tier == "strict" && in.Fix == "" {
			return nil, fmt.Errorf("%s:%d: strict scenario %s needs a \"# Fix:\" comment above it (how to fix a failure)", name, in.Line, in.ID)
		}
		if len(in.SpecRefs) == 0 {
			return nil, fmt.Errorf("%s:%d: scenario %s needs a \"# Spec:\" comment above it", name, in.Line, in.ID)
		}
		out = append(out, in)
	}
	return out, nil
}

func stepInfos(steps []*messages.Step) []StepInfo {
	out := make([]StepInfo, 0, len(steps))
	for _, st := range steps {
		out = append(out, StepInfo{Keyword: strings.TrimSpace(st.Keyword), Text: st.Text, Line: int(st.Location.Line)})
	}
	return out
}

func firstTagLine(sc *messages.Scenario) int {
	line := int(sc.Location.Line)
	for _, t := range sc.Tags {
		if l := int(t.Location.Line); l < line {
			line = l
		}
	}
	return line
}

// commentFields are the labels that start a field of the comment block
// above a scenario; a field runs until the next label.
var commentFields = []string{"Spec:", "Fix:"}

// commentField returns the text of the field label ("Spec:", "Fix:") in
// the comment block directly above line (1-based), joined into one line;
// empty when the block has no such field.
func commentField(lines []string, line int, label string) string {
	var block []string
	for i := line - 2; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "#") {
			break
		}
		block = append([]string{strings.TrimSpace(strings.TrimPrefix(l, "#"))}, block...)
	}
	text := strings.Join(block, " ")
	idx := strings.Index(text, label)
	if idx < 0 {
		return ""
	}
	text = text[idx+len(label):]
	for _, other := range commentFields {
		if other == label {
			continue
		}
		if j := strings.Index(text, other); j >= 0 {
			text = text[:j]
		}
	}
	return strings.TrimSpace(text)
}

// specRefsAbove returns the "# Spec:" field of the comment block directly
// above line (1-based), split into references at ";".
func specRefsAbove(lines []string, line int) []string {
	text := commentField(lines, line, "Spec:")
	if text == "" {
		return nil
	}
	var refs []string
	for _, r := range strings.Split(text, ";") {
		if r = strings.TrimSpace(r); r != "" {
			refs = append(refs, r)
		}
	}
	return refs
}

// MatchTags reports whether tags satisfy the godog tag expression expr:
// comma-separated alternatives (OR) of "&&"-joined terms (AND), each term a
// tag with or without "@", negated by a leading "~". An empty expression
// matches everything. It mirrors godog's own filter so that the scenario
// count shown as progress equals what godog runs.
func MatchTags(expr string, tags []string) bool {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return true
	}
	has := func(t string) bool {
		for _, x := range tags {
			if strings.TrimPrefix(x, "@") == t {
				return true
			}
		}
		return false
	}
	for _, alt := range strings.Split(expr, ",") {
		ok := strings.TrimSpace(alt) != ""
		for _, term := range strings.Split(alt, "&&") {
			term = strings.ReplaceAll(strings.TrimSpace(term), "@", "")
			if term == "" {
				ok = false
				continue
			}
			if strings.HasPrefix(term, "~") {
				ok = ok && !has(term[1:])
			} else {
				ok = ok && has(term)
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// ValidateTagExpr returns an error describing why expr is not a usable tag expression.
func ValidateTagExpr(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, alt := range strings.Split(expr, ",") {
		for _, term := range strings.Split(alt, "&&") {
			t := strings.TrimPrefix(strings.TrimSpace(term), "~")
			t = strings.TrimPrefix(t, "@")
			if t == "" || strings.ContainsAny(t, " \t()|!") {
				return fmt.Errorf("invalid tag expression %q: use @tag, ~@tag, && for AND and , for OR (e.g. \"@users && ~@optional\")", expr)
			}
		}
	}
	return nil
}

// Selection decides which scenarios a run lists, which of them are in
// scope (run) and which tier each has.
type Selection struct {
	// Tags is a godog tag expression (see MatchTags).
	Tags string
	// Tier is "required" (only scenarios that are or would be required) or
	// "all" (default).
	Tier string
	// Areas limits the run to scenarios with one of these area tags; empty means all.
	Areas []string
	// Groups declares that the app uses Group Push (capability "groups",
	// flag --groups): @needs-groups scenarios are in scope and required.
	Groups bool
	// Strict is the RFC strict tier (capability "strict", flag --strict):
	// "" leaves @strict scenarios out of scope; "must" runs them, @must ones
	// required and @should ones optional (reported, never failing the
	// run); "should" makes the @should ones required too. Config.Validate
	// accepts "true" for "must" and "false"/"off" for "".
	Strict string
	// Declared names the other capabilities the run declares ("sso",
	// "revoked-token", "saml-login", "password-sync", "attributes",
	// "entitlements"). Config.Validate sets it from Config.SSO,
	// Config.RevokedToken, SSOConfig.LoginURL, Config.PasswordSync,
	// Config.Mapping and Config.Entitlements, replacing what
	// was there; set it directly only when selecting without a Config
	// (e.g. to list the catalogue).
	Declared []string
	// Shard limits the selection to one of several shards (see Shard);
	// the zero Shard is the whole selection.
	Shard Shard
}

// Declares reports whether the selection declares the named capability.
func (sel Selection) Declares(capability string) bool {
	switch capability {
	case CapGroups:
		return sel.Groups
	case CapStrict:
		return sel.Strict != ""
	}
	return slices.Contains(sel.Declared, capability)
}

// Undeclared returns the capabilities s needs that sel does not declare,
// in the order of s's tags; empty means s is in scope.
func (sel Selection) Undeclared(s ScenarioInfo) []string {
	var out []string
	for _, n := range s.Needs {
		if !sel.Declares(n) {
			out = append(out, n)
		}
	}
	return out
}

// InScope reports whether the run declares every capability s needs.
func (sel Selection) InScope(s ScenarioInfo) bool { return len(sel.Undeclared(s)) == 0 }

// EffectiveTier returns the tier of s in a run with sel: a scenario that
// needs capabilities is required when the run declares all of them (in
// scope = required); otherwise its tag decides. A strict scenario in
// scope is required when it is @must or the run is "should", optional
// when it is @should in a "must" run; out of scope it stays "strict".
func (sel Selection) EffectiveTier(s ScenarioInfo) string {
	if s.Tier == "strict" {
		switch {
		case !sel.InScope(s):
			return "strict"
		case s.Level == "must" || sel.Strict == "should":
			return "required"
		}
		return "optional"
	}
	if len(s.Needs) > 0 && sel.InScope(s) {
		return "required"
	}
	return s.Tier
}

// Select returns the scenarios of all that the selection lists, in
// catalogue order: those matching Tags and Areas, and with Tier "required"
// only the required ones plus every scenario that needs a capability (it
// is required when declared, so it is listed as not in scope rather than
// silently dropped when not). Use InScope to tell which of them run.
func (sel Selection) Select(all []ScenarioInfo) []ScenarioInfo {
	var out []ScenarioInfo
	for _, s := range all {
		if !MatchTags(sel.Tags, s.Tags) {
			continue
		}
		if sel.Tier == "required" && sel.EffectiveTier(s) != "required" && (len(s.Needs) == 0 || sel.InScope(s)) {
			continue
		}
		if len(sel.Areas) > 0 && !intersects(sel.Areas, s.Areas) {
			continue
		}
		if !sel.Shard.Includes(s.ID) {
			continue
		}
		out = append(out, s)
	}
	return out
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(strings.TrimPrefix(x, "@"), y) {
				return true
			}
		}
	}
	return false
}

// idExpr builds the godog tag expression that selects exactly these scenarios.
func idExpr(sel []ScenarioInfo) string {
	parts := make([]string, 0, len(sel))
	for _, s := range sel {
		parts = append(parts, "@"+s.ID)
	}
	return strings.Join(parts, ",")
}
