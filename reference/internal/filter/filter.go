// Package filter parses RFC 7644 §3.4.2.2 filters with
// github.com/scim2/filter-parser/v2 and evaluates them against resources
// held as JSON-shaped maps. The reference server's list handlers use it; it
// knows the attribute definitions (for caseExact and validation) but nothing
// about HTTP or storage, and must never panic on any input.
package filter

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	parser "github.com/scim2/filter-parser/v2"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Filter is a parsed filter, safe for concurrent use.
type Filter struct {
	expr parser.Expression
}

// maxLen bounds the filter text so that a hostile query cannot make the
// parser work for long.
const maxLen = 4096

// Parse parses a filter. It returns an error (never panics) for anything
// that is not a valid RFC 7644 filter; the server answers 400 invalidFilter.
func Parse(text string) (f *Filter, err error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("empty filter")
	}
	if len(text) > maxLen {
		return nil, fmt.Errorf("filter longer than %d bytes", maxLen)
	}
	if e, ok := fastEq(text); ok {
		return &Filter{expr: e}, nil
	}
	return parseFull(text)
}

// parseFull runs the grammar-based parser; it is slow (hundreds of µs), so
// Okta's lookup shape takes fastEq instead.
func parseFull(text string) (f *Filter, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("invalid filter: %v", r)
		}
	}()
	expr, err := parser.ParseFilter([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("invalid filter %q: %w", text, err)
	}
	if expr == nil {
		return nil, fmt.Errorf("invalid filter %q", text)
	}
	return &Filter{expr: expr}, nil
}

// fastEq recognises `attrName eq "value"` (a plain attribute name, single
// spaces, a string without escapes or control characters): the shape of
// every Okta lookup (mockidp/okta/WIRE.md §2.3). It builds the same expression the
// full parser would; FuzzParseFilter checks that.
func fastEq(text string) (parser.Expression, bool) {
	name, rest, ok := strings.Cut(text, " ")
	if !ok || len(name) == 0 || !isAlpha(name[0]) {
		return nil, false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !isAlpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return nil, false
		}
	}
	if len(rest) < 5 || !strings.EqualFold(rest[:3], "eq ") || rest[3] != '"' || rest[len(rest)-1] != '"' {
		return nil, false
	}
	value := rest[4 : len(rest)-1]
	for _, r := range value {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f || r == 0xfffd {
			return nil, false
		}
	}
	return &parser.AttributeExpression{AttributePath: parser.AttributePath{AttributeName: name}, Operator: parser.EQ, CompareValue: value}, true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// String renders the filter back to text.
func (f *Filter) String() string { return fmt.Sprint(f.expr) }

// SimpleEq reports whether the filter is a single `attr eq "string"` on a
// top-level attribute (optionally prefixed with the core schema URN of res),
// the shape Okta sends for lookups, so the caller can use an index. attr is
// the attribute name as written. A nil filter is not one.
func (f *Filter) SimpleEq(res schema.Resource) (attr, value string, ok bool) {
	if f == nil {
		return "", "", false
	}
	ae, isAttr := f.expr.(*parser.AttributeExpression)
	if !isAttr || ae.Operator != parser.EQ || ae.AttributePath.SubAttribute != nil {
		return "", "", false
	}
	if p := ae.AttributePath.URIPrefix; p != nil && !strings.EqualFold(*p, res.URN) {
		return "", "", false
	}
	v, isStr := ae.CompareValue.(string)
	if !isStr {
		return "", "", false
	}
	return ae.AttributePath.AttributeName, unescape(v), true
}

// Validate checks that every attribute the filter names exists in res and
// that each operator suits the attribute type (RFC 7644 §3.4.2.2: ordering
// and substring operators are not defined for booleans and complex values).
func (f *Filter) Validate(res schema.Resource) error {
	return validate(f.expr, res, nil)
}

func validate(e parser.Expression, res schema.Resource, scope *schema.Attribute) error {
	switch x := e.(type) {
	case *parser.LogicalExpression:
		if err := validate(x.Left, res, scope); err != nil {
			return err
		}
		return validate(x.Right, res, scope)
	case *parser.NotExpression:
		return validate(x.Expression, res, scope)
	case *parser.ValuePath:
		at, err := resolveAttr(x.AttributePath, res, scope)
		if err != nil {
			return err
		}
		if at.Type != schema.Complex {
			return fmt.Errorf("%s is not complex and cannot take a value filter", at.Name)
		}
		return validate(x.ValueFilter, res, &at)
	case *parser.AttributeExpression:
		at, err := resolveAttr(x.AttributePath, res, scope)
		if err != nil {
			return err
		}
		if x.AttributePath.SubAttribute == nil && at.Type == schema.Complex && x.Operator != parser.PR {
			if v, ok := at.Sub("value"); ok {
				at = v
			} else {
				return fmt.Errorf("%s is complex; compare one of its sub-attributes", at.Name)
			}
		}
		switch x.Operator {
		case parser.PR, parser.EQ, parser.NE:
		case parser.CO, parser.SW, parser.EW, parser.GT, parser.GE, parser.LT, parser.LE:
			if at.Type == schema.Boolean || at.Type == schema.Complex {
				return fmt.Errorf("operator %s is not defined for %s attribute %s", x.Operator, at.Type, at.Name)
			}
		default:
			return fmt.Errorf("unknown operator %q", x.Operator)
		}
		if at.Type == schema.Boolean && x.Operator != parser.PR {
			if _, ok := x.CompareValue.(bool); !ok && x.CompareValue != nil {
				return fmt.Errorf("%s is boolean; compare it with true or false", at.Name)
			}
		}
		return nil
	default:
		return fmt.Errorf("unsupported expression %T", e)
	}
}

func resolveAttr(p parser.AttributePath, res schema.Resource, scope *schema.Attribute) (schema.Attribute, error) {
	var at schema.Attribute
	var ok bool
	if scope != nil {
		at, ok = scope.Sub(p.AttributeName)
	} else {
		urn := ""
		if p.URIPrefix != nil {
			urn = *p.URIPrefix
		}
		at, _, ok = res.Lookup(urn, p.AttributeName)
	}
	if !ok {
		return schema.Attribute{}, fmt.Errorf("unknown attribute %q", p.String())
	}
	if p.SubAttribute != nil {
		sub, ok := at.Sub(*p.SubAttribute)
		if !ok {
			return schema.Attribute{}, fmt.Errorf("unknown attribute %q", p.String())
		}
		return sub, nil
	}
	return at, nil
}

// Match reports whether the resource doc (a decoded JSON object including
// id and meta) satisfies the filter. Attribute names match
// case-insensitively; strings compare case-insensitively unless the
// attribute is caseExact in res; a multi-valued attribute matches if any
// value does.
func (f *Filter) Match(doc map[string]any, res schema.Resource) bool {
	ev := evaluator{res: res}
	return ev.eval(f.expr, doc, nil)
}

type evaluator struct {
	res schema.Resource
}

func (ev evaluator) eval(e parser.Expression, doc map[string]any, scope *schema.Attribute) bool {
	switch x := e.(type) {
	case *parser.LogicalExpression:
		if x.Operator == parser.AND {
			return ev.eval(x.Left, doc, scope) && ev.eval(x.Right, doc, scope)
		}
		return ev.eval(x.Left, doc, scope) || ev.eval(x.Right, doc, scope)
	case *parser.NotExpression:
		return !ev.eval(x.Expression, doc, scope)
	case *parser.ValuePath:
		at, err := resolveAttr(parser.AttributePath{URIPrefix: x.AttributePath.URIPrefix, AttributeName: x.AttributePath.AttributeName}, ev.res, scope)
		if err != nil {
			return false
		}
		for _, el := range asList(lookup(doc, x.AttributePath, scope == nil, ev.res, false)) {
			if m, ok := el.(map[string]any); ok && ev.eval(x.ValueFilter, m, &at) {
				return true
			}
		}
		return false
	case *parser.AttributeExpression:
		return ev.compare(x, doc, scope)
	default:
		return false
	}
}

func (ev evaluator) compare(x *parser.AttributeExpression, doc map[string]any, scope *schema.Attribute) bool {
	at, err := resolveAttr(x.AttributePath, ev.res, scope)
	if err != nil {
		return false
	}
	values := asList(lookup(doc, x.AttributePath, scope == nil, ev.res, true))
	if x.AttributePath.SubAttribute == nil && at.Type == schema.Complex {
		// RFC 7644 §3.4.2.2: a complex attribute without sub-attribute compares its "value".
		var vs []any
		for _, v := range values {
			if m, ok := v.(map[string]any); ok {
				if val, ok := getCI(m, "value"); ok {
					vs = append(vs, val)
				}
			}
		}
		if x.Operator != parser.PR {
			values = vs
		}
		if sub, ok := at.Sub("value"); ok {
			at = sub
		}
	}
	caseExact := at.CaseExact
	switch x.Operator {
	case parser.PR:
		for _, v := range values {
			if present(v) {
				return true
			}
		}
		return false
	case parser.NE:
		return !anyMatch(values, parser.EQ, x.CompareValue, at.Type, caseExact)
	default:
		return anyMatch(values, x.Operator, x.CompareValue, at.Type, caseExact)
	}
}

func present(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	}
	return true
}

func anyMatch(values []any, op parser.CompareOperator, want any, typ string, caseExact bool) bool {
	if want == nil {
		// `attr eq null`: true when absent (RFC 7644 §3.4.2.2 treats null as unassigned).
		has := false
		for _, v := range values {
			if present(v) {
				has = true
			}
		}
		return op == parser.EQ && !has
	}
	for _, v := range values {
		if cmp(v, op, want, typ, caseExact) {
			return true
		}
	}
	return false
}

func cmp(have any, op parser.CompareOperator, want any, typ string, caseExact bool) bool {
	switch w := want.(type) {
	case bool:
		h, ok := have.(bool)
		return ok && op == parser.EQ && h == w
	case float64, int, json.Number:
		wf := toFloat(w)
		hf, ok := have.(float64)
		if !ok {
			return false
		}
		return order(op, compareFloat(hf, wf))
	case string:
		w = unescape(w)
		h, ok := have.(string)
		if !ok {
			return false
		}
		if typ == schema.DateTime {
			ht, err1 := time.Parse(time.RFC3339Nano, h)
			wt, err2 := time.Parse(time.RFC3339Nano, w)
			if err1 == nil && err2 == nil {
				switch op {
				case parser.EQ:
					return ht.Equal(wt)
				case parser.GT, parser.GE, parser.LT, parser.LE:
					return order(op, ht.Compare(wt))
				}
			}
		}
		if !caseExact {
			h, w = strings.ToLower(h), strings.ToLower(w)
		}
		switch op {
		case parser.EQ:
			return h == w
		case parser.CO:
			return strings.Contains(h, w)
		case parser.SW:
			return strings.HasPrefix(h, w)
		case parser.EW:
			return strings.HasSuffix(h, w)
		case parser.GT, parser.GE, parser.LT, parser.LE:
			return order(op, strings.Compare(h, w))
		}
	}
	return false
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case json.Number:
		f, _ := n.Float64()
		return f
	}
	return math.NaN()
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func order(op parser.CompareOperator, c int) bool {
	switch op {
	case parser.EQ:
		return c == 0
	case parser.GT:
		return c > 0
	case parser.GE:
		return c >= 0
	case parser.LT:
		return c < 0
	case parser.LE:
		return c <= 0
	}
	return false
}

// lookup returns the value(s) at path in doc. At the top level a URN prefix
// selects an extension object. With sub set, the sub-attribute is collected
// from every element of a multi-valued attribute.
func lookup(doc map[string]any, p parser.AttributePath, top bool, res schema.Resource, withSub bool) any {
	base := doc
	if top && p.URIPrefix != nil && !strings.EqualFold(*p.URIPrefix, res.URN) {
		ext, ok := getCI(doc, *p.URIPrefix)
		if !ok {
			return nil
		}
		m, ok := ext.(map[string]any)
		if !ok {
			return nil
		}
		base = m
	}
	v, ok := getCI(base, p.AttributeName)
	if !ok {
		return nil
	}
	if !withSub || p.SubAttribute == nil {
		return v
	}
	var out []any
	for _, el := range asList(v) {
		if m, ok := el.(map[string]any); ok {
			if sv, ok := getCI(m, *p.SubAttribute); ok {
				out = append(out, asList(sv)...)
			}
		}
	}
	return out
}

func asList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

func getCI(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// unescape turns the raw text between a string literal's quotes (the parser
// keeps JSON escapes such as \" as written) into its value.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}

// MatchElement reports whether one element of the multi-valued complex
// attribute at satisfies the value filter expr (the part between brackets
// of a PATCH path such as `emails[type eq "work"]`).
func MatchElement(expr parser.Expression, elem map[string]any, at schema.Attribute) (matched bool) {
	defer func() {
		if recover() != nil {
			matched = false
		}
	}()
	ev := evaluator{}
	return ev.eval(expr, elem, &at)
}

// ValidateElement checks that the value filter expr only names
// sub-attributes of at, with operators that suit them.
func ValidateElement(expr parser.Expression, at schema.Attribute) error {
	return validate(expr, schema.Resource{}, &at)
}
