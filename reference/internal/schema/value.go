package schema

import (
	"fmt"
	"strings"
)

// ValueError reports a value whose JSON type does not match its attribute
// definition; the server answers 400 invalidValue with its message.
type ValueError struct {
	Path string
	Msg  string
}

// Error renders the attribute path and the problem.
func (e *ValueError) Error() string { return fmt.Sprintf("%s: %s", e.Path, e.Msg) }

// CheckValue validates v (decoded JSON) against at and returns it with
// canonical sub-attribute names; unknown sub-attributes of complex values
// are dropped. A nil v is returned as nil (unassigned). For a multi-valued
// attribute v must be an array unless single is true, in which case a lone
// value is accepted and wrapped.
func CheckValue(at Attribute, v any, path string, single bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	if at.MultiValued {
		arr, ok := v.([]any)
		if !ok {
			if !single {
				return nil, &ValueError{path, "must be an array"}
			}
			arr = []any{v}
		}
		one := at
		one.MultiValued = false
		out := make([]any, 0, len(arr))
		for i, el := range arr {
			cv, err := CheckValue(one, el, fmt.Sprintf("%s[%d]", path, i), false)
			if err != nil {
				return nil, err
			}
			if cv != nil {
				out = append(out, cv)
			}
		}
		return out, nil
	}
	switch at.Type {
	case String, Reference, DateTime:
		if _, ok := v.(string); !ok {
			return nil, &ValueError{path, fmt.Sprintf("must be a string, got %s", jsonType(v))}
		}
	case Boolean:
		if _, ok := v.(bool); !ok {
			return nil, &ValueError{path, fmt.Sprintf("must be a boolean (true or false), got %s", jsonType(v))}
		}
	case Integer:
		if _, ok := v.(float64); !ok {
			return nil, &ValueError{path, fmt.Sprintf("must be a number, got %s", jsonType(v))}
		}
	case Complex:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &ValueError{path, fmt.Sprintf("must be an object, got %s", jsonType(v))}
		}
		out := make(map[string]any, len(m))
		for k, sv := range m {
			sub, ok := at.Sub(k)
			if !ok {
				continue
			}
			cv, err := CheckValue(sub, sv, path+"."+sub.Name, false)
			if err != nil {
				return nil, err
			}
			if cv != nil {
				out[sub.Name] = cv
			}
		}
		return out, nil
	}
	return v, nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Canonical validates a request body against the resource and returns the
// attributes the server keeps, with canonical names: known attributes with
// checked values, extension objects for known extensions. Read-only
// attributes (id, meta, groups) and unknown attributes are left out and
// their names returned in ignored, because Okta echoes back whatever the
// server returned (mockidp/okta/WIRE.md §5.1, §11 #13). The writeOnly password is
// left out too (mockidp/okta/WIRE.md §4.2). schemas is rebuilt by the server.
func (r Resource) Canonical(body map[string]any) (doc map[string]any, ignored []string, err error) {
	doc = map[string]any{}
	for k, v := range body {
		if strings.EqualFold(k, "schemas") {
			continue
		}
		if ext, ok := r.extension(k); ok {
			m, isObj := v.(map[string]any)
			if !isObj {
				if v == nil {
					continue
				}
				return nil, nil, &ValueError{k, "must be an object"}
			}
			out := map[string]any{}
			for ek, ev := range m {
				at, ok := Find(r.Extensions[ext], ek)
				if !ok {
					ignored = append(ignored, ext+":"+ek)
					continue
				}
				cv, err := CheckValue(at, ev, ext+":"+at.Name, false)
				if err != nil {
					return nil, nil, err
				}
				if cv != nil {
					out[at.Name] = cv
				}
			}
			doc[ext] = out
			continue
		}
		at, _, ok := r.Lookup("", k)
		if !ok {
			ignored = append(ignored, k)
			continue
		}
		if at.ReadOnly() || at.WriteOnly() {
			ignored = append(ignored, at.Name)
			continue
		}
		cv, err := CheckValue(at, v, at.Name, false)
		if err != nil {
			return nil, nil, err
		}
		if cv != nil {
			doc[at.Name] = cv
		}
	}
	return doc, ignored, nil
}

func (r Resource) extension(name string) (string, bool) {
	for ext := range r.Extensions {
		if strings.EqualFold(ext, name) {
			return ext, true
		}
	}
	return "", false
}
