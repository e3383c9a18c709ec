package patch

import (
	"fmt"
	"reflect"
	"strings"

	parser "github.com/scim2/filter-parser/v2"

	"github.com/scimconform/scimconform/reference/internal/filter"
	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Applying one operation at its path (RFC 7644 §3.5.2): plain and
// extension attributes, sub-attributes, elements of multi-valued
// attributes selected by a value filter, and the list helpers they share.
// patch.go parses the request and dispatches here.

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
				return nil // Okta sends the current id in group PATCH values (mockidp/okta/WIRE.md §9)
			}
			return errf("mutability", "id is readOnly and cannot be changed")
		}
		if pathless {
			return nil
		}
		return errf("mutability", "%s is readOnly", at.Name)
	}
	if at.WriteOnly() {
		return nil // password is accepted and dropped (mockidp/okta/WIRE.md §4.2)
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
		// Removing a value that is not there succeeds: Okta repeats membership removals (mockidp/okta/WIRE.md §9).
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
		// RFC 7644 §3.5.2.3: a replace whose value filter matches no
		// value fails with noTarget; only an add creates the value.
		if !ok || kind == "replace" {
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
		for _, sub := range at.SubAttributes {
			if kind == "replace" && !sub.ReadOnly() {
				if err := changesImmutable(at, sub, el, m[sub.Name], m[sub.Name] == nil); err != nil {
					return err
				}
			} else if v, has := m[sub.Name]; has {
				if err := changesImmutable(at, sub, el, v, false); err != nil {
					return err
				}
			}
		}
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
// one from the filter's equalities (Azure-style `emails[type eq "work"].value`)
// for add; replace answers noTarget (RFC 7644 §3.5.2.3).
func (a applier) setSub(kind string, container map[string]any, at, subAt schema.Attribute, list []any, idx []int, value any, expr parser.Expression) *Error {
	if subAt.ReadOnly() {
		return errf("mutability", "%s.%s is readOnly", at.Name, subAt.Name)
	}
	for _, i := range idx {
		el, _ := list[i].(map[string]any)
		if err := changesImmutable(at, subAt, el, value, kind == "remove"); err != nil {
			return err
		}
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
			// RFC 7644 §3.5.2.3: replace with no match is noTarget.
			if seed, ok = equalities(expr, at); !ok || kind == "replace" {
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

// changesImmutable refuses (RFC 7644 §3.5.2: "a client MUST NOT modify an
// attribute that has mutability "readOnly" or "immutable". However, a
// client MAY "add" a value to an "immutable" attribute if the attribute had
// no previous value") setting the immutable sub-attribute sub of the value
// el of at to another value, or removing it (remove). A value of at as a
// whole may still be added or removed (RFC 7643 §4.2 members).
func changesImmutable(at, sub schema.Attribute, el map[string]any, value any, remove bool) *Error {
	if sub.Mutability != "immutable" {
		return nil
	}
	old, has := el[sub.Name]
	if !has || old == nil {
		return nil
	}
	if remove || fmt.Sprint(old) != fmt.Sprint(value) {
		return errf("mutability", "%s.%s is immutable: add or remove the %s value instead of changing it", at.Name, sub.Name, at.Name)
	}
	return nil
}
