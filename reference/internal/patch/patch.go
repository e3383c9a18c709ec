// Package patch applies RFC 7644 §3.5.2 PATCH operations to a resource held
// as a JSON-shaped map. The reference server's PATCH handlers call it after
// loading the stored resource and before saving it; it validates paths and
// values against the schema package's definitions and reports client
// mistakes as *Error with the RFC 7644 §3.12 scimType. It does no I/O and
// must never panic on any input.
package patch

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	parser "github.com/scim2/filter-parser/v2"

	"github.com/scimconform/scimconform/reference/internal/filter"
	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Operation is one entry of a PatchOp request's "Operations" (RFC 7644 §3.5.2).
// Op is matched case-insensitively ("Replace" from some clients, "replace" from Okta).
type Operation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// Request is a PatchOp body.
type Request struct {
	Schemas    []string    `json:"schemas"`
	Operations []Operation `json:"Operations"`
}

// Error is a client mistake in a PATCH request; ScimType is one of
// invalidPath, invalidValue, noTarget, mutability or invalidSyntax.
type Error struct {
	ScimType string
	Detail   string
}

// Error renders the scimType and detail.
func (e *Error) Error() string { return e.ScimType + ": " + e.Detail }

func errf(scimType, format string, args ...any) *Error {
	return &Error{ScimType: scimType, Detail: fmt.Sprintf(format, args...)}
}

// Options change how operations are applied; there are none yet, the
// type keeps Apply's signature stable.
type Options struct{}

// Apply applies ops in order to doc, which holds the resource's attributes
// under canonical names plus "id" (used to accept an equal id in a
// path-less value, okta-wire §9). doc is modified in place; on error it may
// be partly modified, so callers apply to a copy.
func Apply(doc map[string]any, ops []Operation, res schema.Resource, opts Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errf("invalidValue", "cannot apply operation: %v", r)
		}
	}()
	if len(ops) == 0 {
		return errf("invalidValue", "Operations must contain at least one operation")
	}
	a := applier{doc: doc, res: res, opts: opts}
	for i, op := range ops {
		if err := a.apply(op); err != nil {
			err.Detail = fmt.Sprintf("Operations[%d]: %s", i, err.Detail)
			return err
		}
	}
	return nil
}

type applier struct {
	doc  map[string]any
	res  schema.Resource
	opts Options
}

func (a applier) apply(op Operation) *Error {
	kind := strings.ToLower(op.Op)
	switch kind {
	case "add", "replace", "remove":
	default:
		return errf("invalidSyntax", "op %q is not add, replace or remove", op.Op)
	}
	path := strings.TrimSpace(op.Path)
	if path == "" {
		if kind == "remove" {
			return errf("noTarget", "remove needs a path")
		}
		m, ok := op.Value.(map[string]any)
		if !ok {
			return errf("invalidValue", "an operation without path needs an object value")
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ext, ok := a.extension(k); ok {
				sub, ok := m[k].(map[string]any)
				if !ok {
					return errf("invalidValue", "%s must be an object", k)
				}
				for ek, ev := range sub {
					if err := a.applyPath(kind, parser.Path{AttributePath: parser.AttributePath{URIPrefix: &ext, AttributeName: ek}}, ev, true); err != nil {
						return err
					}
				}
				continue
			}
			p, err := parsePath(k)
			if err != nil {
				return errf("invalidPath", "%q is not a valid attribute path: %v", k, err)
			}
			if err := a.applyPath(kind, p, m[k], true); err != nil {
				return err
			}
		}
		return nil
	}
	if ext, ok := a.extension(path); ok {
		if kind == "remove" {
			delete(a.doc, ext)
			return nil
		}
		sub, ok := op.Value.(map[string]any)
		if !ok {
			return errf("invalidValue", "%s must be an object", path)
		}
		for ek, ev := range sub {
			if err := a.applyPath(kind, parser.Path{AttributePath: parser.AttributePath{URIPrefix: &ext, AttributeName: ek}}, ev, true); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := parsePath(path)
	if err != nil {
		return errf("invalidPath", "%q is not a valid attribute path: %v", path, err)
	}
	return a.applyPath(kind, p, op.Value, false)
}

func parsePath(s string) (p parser.Path, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if len(s) > 1024 {
		return parser.Path{}, fmt.Errorf("path longer than 1024 bytes")
	}
	return parser.ParsePath([]byte(s))
}

func (a applier) extension(name string) (string, bool) {
	for ext := range a.res.Extensions {
		if strings.EqualFold(ext, name) {
			return ext, true
		}
	}
	return "", false
}

func (a applier) applyPath(kind string, p parser.Path, value any, pathless bool) *Error {
	urn := ""
	if p.AttributePath.URIPrefix != nil {
		urn = *p.AttributePath.URIPrefix
	}
	at, ext, ok := a.res.Lookup(urn, p.AttributePath.AttributeName)
	if !ok {
		return errf("invalidPath", "no attribute %q in %s", p.String(), a.res.Name)
	}
	if at.ReadOnly() {
		if strings.EqualFold(at.Name, "id") && p.AttributePath.SubAttribute == nil && p.ValueExpression == nil {
			if v, ok := value.(string); ok && v == a.doc["id"] && kind != "remove" {
				return nil // Okta sends the current id in group PATCH values (okta-wire §9)
			}
			return errf("mutability", "id is readOnly and cannot be changed")
		}
		if pathless {
			return nil
		}
		return errf("mutability", "%s is readOnly", at.Name)
	}
	if at.WriteOnly() {
		return nil // password is accepted and dropped (okta-wire §4.2)
	}
	container := a.doc
	if ext != "" {
		m, _ := a.doc[ext].(map[string]any)
		if m == nil {
			if kind == "remove" {
				return nil
			}
			m = map[string]any{}
			a.doc[ext] = m
		}
		container = m
		defer func() {
			if len(m) == 0 {
				delete(a.doc, ext)
			}
		}()
	}
	name := at.Name
	if p.ValueExpression != nil {
		return a.applyFiltered(kind, container, at, p, value)
	}
	if sub := p.AttributePath.SubAttribute; sub != nil {
		subAt, ok := at.Sub(*sub)
		if !ok {
			return errf("invalidPath", "no attribute %q in %s", p.String(), a.res.Name)
		}
		if subAt.ReadOnly() {
			return errf("mutability", "%s.%s is readOnly", at.Name, subAt.Name)
		}
		if at.MultiValued {
			list, _ := container[name].([]any)
			return a.setSub(kind, container, at, subAt, list, allIndexes(list), value, nil)
		}
		obj, _ := container[name].(map[string]any)
		if kind == "remove" {
			if obj != nil {
				delete(obj, subAt.Name)
				if len(obj) == 0 {
					delete(container, name)
				}
			}
			return nil
		}
		cv, err := schema.CheckValue(subAt, value, at.Name+"."+subAt.Name, false)
		if err != nil {
			return errf("invalidValue", "%v", err)
		}
		if obj == nil {
			obj = map[string]any{}
		}
		if cv == nil {
			delete(obj, subAt.Name)
		} else {
			obj[subAt.Name] = cv
		}
		if len(obj) == 0 {
			delete(container, name)
		} else {
			container[name] = obj
		}
		return nil
	}
	switch kind {
	case "remove":
		if at.MultiValued && value != nil {
			// Remove listed values (the Azure form `{"op":"remove","path":"members","value":[{"value":"id"}]}`).
			cv, err := schema.CheckValue(at, value, name, true)
			if err != nil {
				return errf("invalidValue", "%v", err)
			}
			list, _ := container[name].([]any)
			var keep []any
			for _, el := range list {
				if !containsValue(cv.([]any), el) {
					keep = append(keep, el)
				}
			}
			setList(container, name, keep)
			return nil
		}
		delete(container, name)
		return nil
	case "add", "replace":
		cv, err := schema.CheckValue(at, value, name, true)
		if err != nil {
			return errf("invalidValue", "%v", err)
		}
		if cv == nil {
			if kind == "replace" {
				delete(container, name)
			}
			return nil
		}
		switch {
		case at.MultiValued:
			list, _ := container[name].([]any)
			if kind == "replace" {
				list = nil
			}
			for _, el := range cv.([]any) {
				if !containsValue(list, el) {
					list = append(list, el)
				}
			}
			setList(container, name, list)
		case at.Type == schema.Complex:
			obj, _ := container[name].(map[string]any)
			if obj == nil {
				obj = map[string]any{}
			}
			for k, v := range cv.(map[string]any) {
				obj[k] = v
			}
			container[name] = obj
		default:
			container[name] = cv
		}
	}
	return nil
}

func (a applier) applyFiltered(kind string, container map[string]any, at schema.Attribute, p parser.Path, value any) *Error {
	if !at.MultiValued || at.Type != schema.Complex {
		return errf("invalidPath", "%s is not a multi-valued complex attribute; a value filter cannot select from it", at.Name)
	}
	if p.AttributePath.SubAttribute != nil {
		return errf("invalidPath", "invalid path %q", p.String())
	}
	if err := filter.ValidateElement(p.ValueExpression, at); err != nil {
		return errf("invalidPath", "invalid value filter in %q: %v", p.String(), err)
	}
	list, _ := container[at.Name].([]any)
	var matched []int
	for i, el := range list {
		if m, ok := el.(map[string]any); ok && filter.MatchElement(p.ValueExpression, m, at) {
			matched = append(matched, i)
		}
	}
	if p.SubAttribute != nil {
		subAt, ok := at.Sub(*p.SubAttribute)
		if !ok {
			return errf("invalidPath", "no attribute %q in %s", p.String(), a.res.Name)
		}
		return a.setSub(kind, container, at, subAt, list, matched, value, p.ValueExpression)
	}
	if kind == "remove" {
		// Removing a value that is not there succeeds: Okta repeats membership removals (okta-wire §9).
		var keep []any
		for i, el := range list {
			if !contains(matched, i) {
				keep = append(keep, el)
			}
		}
		setList(container, at.Name, keep)
		return nil
	}
	one := at
	one.MultiValued = false
	cv, err := schema.CheckValue(one, value, at.Name, false)
	if err != nil {
		return errf("invalidValue", "%v", err)
	}
	m, _ := cv.(map[string]any)
	if len(matched) == 0 {
		seed, ok := equalities(p.ValueExpression, at)
		if !ok {
			return errf("noTarget", "no value of %s matches %q", at.Name, p.String())
		}
		for k, v := range m {
			seed[k] = v
		}
		setList(container, at.Name, append(list, seed))
		return nil
	}
	for _, i := range matched {
		el, _ := list[i].(map[string]any)
		if kind == "replace" {
			el = map[string]any{}
		}
		for k, v := range m {
			el[k] = v
		}
		list[i] = el
	}
	setList(container, at.Name, list)
	return nil
}

// setSub sets or removes sub-attribute subAt on the elements at idx of the
// multi-valued attribute at. With no element selected, add/replace create
// one from the filter's equalities (Azure-style `emails[type eq "work"].value`).
func (a applier) setSub(kind string, container map[string]any, at, subAt schema.Attribute, list []any, idx []int, value any, expr parser.Expression) *Error {
	if subAt.ReadOnly() {
		return errf("mutability", "%s.%s is readOnly", at.Name, subAt.Name)
	}
	if kind == "remove" {
		for _, i := range idx {
			if el, ok := list[i].(map[string]any); ok {
				delete(el, subAt.Name)
			}
		}
		setList(container, at.Name, list)
		return nil
	}
	cv, err := schema.CheckValue(subAt, value, at.Name+"."+subAt.Name, false)
	if err != nil {
		return errf("invalidValue", "%v", err)
	}
	if len(idx) == 0 {
		seed := map[string]any{}
		if expr != nil {
			var ok bool
			if seed, ok = equalities(expr, at); !ok {
				return errf("noTarget", "no value of %s matches the filter", at.Name)
			}
		}
		if cv != nil {
			seed[subAt.Name] = cv
		}
		setList(container, at.Name, append(list, seed))
		return nil
	}
	for _, i := range idx {
		if el, ok := list[i].(map[string]any); ok {
			if cv == nil {
				delete(el, subAt.Name)
			} else {
				el[subAt.Name] = cv
			}
		}
	}
	setList(container, at.Name, list)
	return nil
}

// equalities turns a filter made only of `sub eq value` joined by `and`
// into the element it describes.
func equalities(expr parser.Expression, at schema.Attribute) (map[string]any, bool) {
	out := map[string]any{}
	var walk func(parser.Expression) bool
	walk = func(e parser.Expression) bool {
		switch x := e.(type) {
		case *parser.LogicalExpression:
			return x.Operator == parser.AND && walk(x.Left) && walk(x.Right)
		case *parser.AttributeExpression:
			if x.Operator != parser.EQ || x.AttributePath.SubAttribute != nil || x.CompareValue == nil {
				return false
			}
			sub, ok := at.Sub(x.AttributePath.AttributeName)
			if !ok {
				return false
			}
			out[sub.Name] = x.CompareValue
			return true
		}
		return false
	}
	return out, walk(expr)
}

func allIndexes(list []any) []int {
	idx := make([]int, len(list))
	for i := range list {
		idx[i] = i
	}
	return idx
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// containsValue reports whether list holds el: complex values with a
// "value" sub-attribute are the same when their values are equal (group
// members), anything else when deeply equal.
func containsValue(list []any, el any) bool {
	em, _ := el.(map[string]any)
	for _, x := range list {
		xm, _ := x.(map[string]any)
		if em != nil && xm != nil {
			if ev, ok := em["value"]; ok {
				if xv, ok := xm["value"]; ok {
					if reflect.DeepEqual(ev, xv) {
						return true
					}
					continue
				}
			}
		}
		if reflect.DeepEqual(x, el) {
			return true
		}
	}
	return false
}

func setList(container map[string]any, name string, list []any) {
	if len(list) == 0 {
		delete(container, name)
		return
	}
	container[name] = list
}
