// Package patch applies RFC 7644 §3.5.2 PATCH operations to a resource held
// as a JSON-shaped map. The reference server's PATCH handlers call it after
// loading the stored resource and before saving it; it validates paths and
// values against the schema package's definitions and reports client
// mistakes as *Error with the RFC 7644 §3.12 scimType. It does no I/O and
// must never panic on any input.
package patch

import (
	"fmt"
	"sort"
	"strings"

	parser "github.com/scim2/filter-parser/v2"

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
// path-less value, mockidp/okta/WIRE.md §9). doc is modified in place; on error it may
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
