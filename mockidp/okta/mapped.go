package okta

import "strings"

// How mapped attributes enter Okta's bodies (mockidp/okta/WIRE.md §15.2):
// a core attribute is a top-level key, a core sub-attribute goes into its
// object (name.honorificPrefix into "name"), a typed value of a
// multi-valued attribute is one element {"type": x, <sub>: value} of the
// array (rows with the same type share the element), and an extension
// attribute goes into the object under its schema URN key, whose URN is
// added to "schemas".

// mappedValue is one mapped attribute of a person.
type mappedValue struct {
	okta  string
	path  Path
	value string
}

// mapped returns every row of the client's mapping with p's value for it
// ("" when p has none), in mapping order.
func (c *Client) mapped(p *Person) []mappedValue {
	if c.cfg.Mapping == nil {
		return nil
	}
	out := make([]mappedValue, 0, len(c.cfg.Mapping.Attributes))
	for _, a := range c.cfg.Mapping.Attributes {
		out = append(out, mappedValue{a.Okta, a.Path(), p.Attributes[a.Okta]})
	}
	return out
}

// mappedCreate adds p's mapped values to the create body: name
// sub-attributes into name (after Okta's own), the other core attributes
// and the extension objects as keys in mapping order, and the URN of each
// extension with a value to schemas.
func (c *Client) mappedCreate(p *Person, schemas []string, name object) ([]string, object, object) {
	var top object
	index := map[string]int{} // top key (lower case) -> position in top
	put := func(k string, v any) {
		if i, ok := index[strings.ToLower(k)]; ok {
			top[i].v = v
			return
		}
		index[strings.ToLower(k)] = len(top)
		top = append(top, member{k, v})
	}
	get := func(k string) (any, bool) {
		if i, ok := index[strings.ToLower(k)]; ok {
			return top[i].v, true
		}
		return nil, false
	}
	for _, mv := range c.mapped(p) {
		if mv.value == "" {
			continue
		}
		pa := mv.path
		switch {
		case pa.URN != "":
			ext, _ := get(pa.URN)
			o, _ := ext.(object)
			if !containsFold(schemas, pa.URN) {
				schemas = append(schemas, pa.URN)
			}
			if pa.Sub == "" {
				o = o.set(pa.Attr, mv.value)
			} else {
				sub, _ := o.get(pa.Attr)
				so, _ := sub.(object)
				o = o.set(pa.Attr, so.set(pa.Sub, mv.value))
			}
			put(pa.URN, o)
		case strings.EqualFold(pa.Attr, "name") && pa.Sub != "":
			name = name.set(pa.Sub, mv.value)
		case pa.Type != "":
			arr, _ := get(pa.Attr)
			els, _ := arr.([]object)
			i := 0
			for ; i < len(els); i++ {
				if t, _ := els[i].get("type"); t == pa.Type {
					break
				}
			}
			if i == len(els) {
				els = append(els, object{{"type", pa.Type}})
			}
			els[i] = els[i].set(pa.Sub, mv.value)
			put(pa.Attr, els)
		case pa.Sub != "":
			sub, _ := get(pa.Attr)
			so, _ := sub.(object)
			put(pa.Attr, so.set(pa.Sub, mv.value))
		default:
			put(pa.Attr, mv.value)
		}
	}
	return schemas, name, top
}

// mergeMapped writes p's mapped values into the server's resource for a
// PUT and removes the mapped attributes p has no value for: a removed
// element of a multi-valued attribute goes when only its type (primary,
// display) is left, an array or extension object goes when it is empty,
// and an extension's URN is in schemas exactly when its object is
// (mockidp/okta/WIRE.md §15.2 [I]).
func (c *Client) mergeMapped(res map[string]any, p *Person) {
	exts := map[string]string{} // lower-case URN -> URN as mapped
	for _, mv := range c.mapped(p) {
		pa := mv.path
		target := res
		if pa.URN != "" {
			exts[strings.ToLower(pa.URN)] = pa.URN
			k := fieldKey(res, pa.URN)
			ext, _ := res[k].(map[string]any)
			if ext == nil {
				if mv.value == "" {
					continue
				}
				ext = map[string]any{}
				res[k] = ext
			}
			target = ext
		}
		if mv.value == "" {
			removePath(target, pa)
		} else {
			setPath(target, pa, mv.value)
		}
	}
	for _, urn := range exts {
		k := fieldKey(res, urn)
		ext, _ := res[k].(map[string]any)
		if len(ext) == 0 {
			delete(res, k)
		}
		setSchema(res, urn, ext != nil && len(ext) > 0)
	}
}

// setPath writes v at pa (without its URN) in m.
func setPath(m map[string]any, pa Path, v string) {
	k := fieldKey(m, pa.Attr)
	switch {
	case pa.Type != "":
		arr, _ := m[k].([]any)
		el, ok := element(arr, pa.Type)
		if !ok {
			el = map[string]any{"type": pa.Type}
			arr = append(arr, el)
		}
		obj := el.(map[string]any)
		obj[fieldKey(obj, pa.Sub)] = v
		m[k] = arr
	case pa.Sub != "":
		obj, _ := m[k].(map[string]any)
		if obj == nil {
			obj = map[string]any{}
		}
		obj[fieldKey(obj, pa.Sub)] = v
		m[k] = obj
	default:
		m[k] = v
	}
}

// removePath removes the value at pa (without its URN) from m.
func removePath(m map[string]any, pa Path) {
	k := fieldKey(m, pa.Attr)
	switch {
	case pa.Type != "":
		arr, _ := m[k].([]any)
		var keep []any
		for _, el := range arr {
			obj, ok := el.(map[string]any)
			if t, _ := field(obj, "type"); ok {
				if ts, _ := t.(string); strings.EqualFold(ts, pa.Type) {
					delete(obj, fieldKey(obj, pa.Sub))
					if onlyLabels(obj) {
						continue
					}
				}
			}
			keep = append(keep, el)
		}
		if len(keep) == 0 {
			delete(m, k)
		} else {
			m[k] = keep
		}
	case pa.Sub != "":
		obj, _ := m[k].(map[string]any)
		delete(obj, fieldKey(obj, pa.Sub))
		if obj != nil && len(obj) == 0 && !strings.EqualFold(pa.Attr, "name") {
			delete(m, k)
		}
	default:
		delete(m, k)
	}
}

// onlyLabels reports whether a multi-valued element holds nothing but its
// labels (type, primary, display).
func onlyLabels(obj map[string]any) bool {
	for k := range obj {
		switch strings.ToLower(k) {
		case "type", "primary", "display":
		default:
			return false
		}
	}
	return true
}

// setSchema adds urn to (on) or removes it from (!on) the resource's schemas.
func setSchema(res map[string]any, urn string, on bool) {
	k := fieldKey(res, "schemas")
	if _, has := res[k]; !has && !on {
		return
	}
	list, _ := res[k].([]any)
	var out []any
	found := false
	for _, v := range list {
		if s, _ := v.(string); strings.EqualFold(s, urn) {
			if !on || found {
				continue
			}
			found = true
		}
		out = append(out, v)
	}
	if on && !found {
		out = append(out, urn)
	}
	if out == nil {
		out = []any{}
	}
	res[k] = out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// get returns the value of k in o.
func (o object) get(k string) (any, bool) {
	for _, m := range o {
		if m.k == k {
			return m.v, true
		}
	}
	return nil, false
}
