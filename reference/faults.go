package reference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/scimconform/scimconform/internal/faults"
	"github.com/scimconform/scimconform/reference/internal/store"
)

// Fault injection for the suite's self-test lives in this file and in
// faults_*.go, outside the handlers: each fault is a decorator around the
// server's http.Handler that rewrites a request before the clean server
// sees it, or rewrites the clean server's answer, sometimes after peeking
// at the server's state through an internal GET. Two faults need inside
// knowledge and use named hooks instead: no-uniqueness switches off the
// store's unique userName index (store.Options.AllowDuplicateUserNames:
// a duplicate cannot be created from outside), and the auth faults
// present an internal fault-injection token the decorator holds.

// FaultInfo describes one injectable fault: its name, what it breaks and
// the proof the self-test expects (see internal/faults).
type FaultInfo = faults.Fault

// Faults returns the catalogue of the SCIM server's injectable faults,
// sorted by name.
func Faults() []FaultInfo { return faults.OfKind(faults.SCIM) }

// decorator wraps the server's handler with one fault.
type decorator func(f *faultLayer, next http.Handler) http.Handler

// faultLayer holds what the decorators share.
type faultLayer struct {
	s *Server
	// token is a valid bearer token the auth faults present in place of
	// the client's credential; empty unless such a fault is on.
	token string
}

// storeOptions are the store hooks the faults in set need.
func storeOptions(set faults.Set) store.Options {
	return store.Options{AllowDuplicateUserNames: set.On("no-uniqueness")}
}

// wrapFaults returns h wrapped by the decorator of every fault in set.
func (s *Server) wrapFaults(set faults.Set, h http.Handler) (http.Handler, error) {
	f := &faultLayer{s: s}
	for _, name := range set.Names() {
		if authFaults[name] && f.token == "" {
			secret, _, err := s.tokens.Create(context.Background(), "fault-injection")
			if err != nil {
				return nil, fmt.Errorf("fault %s: %w", name, err)
			}
			f.token = secret
		}
		d, ok := decorators[name]
		if !ok {
			if name == "no-uniqueness" {
				continue // a store hook, see storeOptions
			}
			return nil, fmt.Errorf("fault %s has no implementation", name)
		}
		h = d(f, h)
	}
	return h, nil
}

// decorators implements every SCIM fault but the store hook.
var decorators = map[string]decorator{}

func register(m map[string]decorator) {
	for k, v := range m {
		decorators[k] = v
	}
}

// captured is a buffered answer of the wrapped handler.
type captured struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (c *captured) Header() http.Header { return c.header }
func (c *captured) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
func (c *captured) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

// capture serves r with next into a buffer.
func capture(next http.Handler, r *http.Request) *captured {
	c := &captured{header: http.Header{}}
	next.ServeHTTP(c, r)
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c
}

// object decodes the buffered body as a JSON object; nil if it is none.
func (c *captured) object() map[string]any {
	var m map[string]any
	if json.Unmarshal(c.body.Bytes(), &m) != nil {
		return nil
	}
	return m
}

// setObject replaces the buffered body with m.
func (c *captured) setObject(m map[string]any) {
	c.body.Reset()
	c.body.Write(mustJSON(m))
}

// isSCIMError reports whether the answer is a SCIM error with status and,
// if scimType is not empty, that scimType.
func (c *captured) isSCIMError(status int, scimType string) bool {
	if c.status != status {
		return false
	}
	m := c.object()
	return m != nil && (scimType == "" || str(m, "scimType") == scimType)
}

// writeTo sends the buffered answer.
func (c *captured) writeTo(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body.Bytes())
}

// writeError answers a SCIM error the way the clean server does.
func writeError(w http.ResponseWriter, status int, scimType, detail string) {
	w.Header().Set("Content-Type", scimMedia)
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(status, scimType, detail))
}

// body reads r's body (bounded by the server's limit) and puts it back.
func (f *faultLayer) body(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, f.s.cfg.maxBody+1))
	r.Body.Close()
	setBody(r, b)
	return b
}

func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
}

// jsonBody reads r's body as a JSON object; nil if it is none.
func (f *faultLayer) jsonBody(r *http.Request) map[string]any {
	var m map[string]any
	if json.Unmarshal(f.body(r), &m) != nil {
		return nil
	}
	return m
}

// authorized reports whether r's credentials are accepted, so that a
// fault that refuses a request does so only after authentication, as a
// real server's validation would.
func authorized(next http.Handler, r *http.Request) bool {
	return peek(next, r, "/Users?count=0").status != http.StatusUnauthorized
}

// refuse wraps a request check: when check returns a non-zero status for
// an authorized request, that error is the answer; else next serves it.
func refuse(match func(*http.Request) bool, check func(f *faultLayer, r *http.Request) (status int, scimType, detail string)) decorator {
	return answer(match, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		if status, scimType, detail := check(f, r); status != 0 && authorized(next, r) {
			writeError(w, status, scimType, detail)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// peek serves an internal GET of target (a path below BasePath, with an
// optional query) with r's credentials and returns the answer.
func peek(next http.Handler, r *http.Request, target string) *captured {
	u, _ := url.Parse(BasePath + target)
	g := r.Clone(r.Context())
	g.Method = http.MethodGet
	g.URL = u
	g.RequestURI = u.RequestURI()
	g.Body = http.NoBody
	g.ContentLength = 0
	g.Header.Del("Content-Type")
	return capture(next, g)
}

// route splits a SCIM request path into its resource endpoint ("Users",
// "Groups", "Schemas", ...) and id; ok is false outside BasePath.
func route(r *http.Request) (resource, id string, ok bool) {
	p, ok := strings.CutPrefix(r.URL.Path, BasePath+"/")
	if !ok {
		return "", "", false
	}
	resource, id, _ = strings.Cut(p, "/")
	return resource, id, true
}

// is reports whether r is method on resource, with an id or without one.
func is(r *http.Request, method, resource string, withID bool) bool {
	res, id, ok := route(r)
	return ok && r.Method == method && res == resource && (id != "") == withID
}

// patchOps returns the Operations of a PatchOp body as objects.
func patchOps(body map[string]any) []map[string]any {
	list, _ := body["Operations"].([]any)
	var out []map[string]any
	for _, el := range list {
		if m, ok := el.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func setPatchOps(body map[string]any, ops []map[string]any) {
	list := make([]any, len(ops))
	for i, op := range ops {
		list[i] = op
	}
	body["Operations"] = list
}

func opKind(op map[string]any) string { return strings.ToLower(str(op, "op")) }
func opPath(op map[string]any) string { return strings.TrimSpace(str(op, "path")) }

// resources returns the Resources of a ListResponse.
func resources(m map[string]any) []map[string]any {
	list, _ := m["Resources"].([]any)
	var out []map[string]any
	for _, el := range list {
		if r, ok := el.(map[string]any); ok {
			out = append(out, r)
		}
	}
	return out
}

// setResources replaces the Resources of a ListResponse; removed is how
// many the caller dropped from the result set (totalResults shrinks too).
func setResources(m map[string]any, rs []map[string]any, removed int) {
	list := make([]any, len(rs))
	for i, r := range rs {
		list[i] = r
	}
	m["Resources"] = list
	m["itemsPerPage"] = len(rs)
	if t, ok := m["totalResults"].(float64); ok {
		m["totalResults"] = max(0, int(t)-removed)
	}
}

// answer wraps fn as a decorator applied to requests that match.
func answer(match func(*http.Request) bool, fn func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request)) decorator {
	return func(f *faultLayer, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			fn(f, next, w, r)
		})
	}
}

// rewrite wraps fn as a decorator that rewrites the answers to matching requests.
func rewrite(match func(*http.Request) bool, fn func(r *http.Request, c *captured)) decorator {
	return answer(match, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		c := capture(next, r)
		fn(r, c)
		c.writeTo(w)
	})
}

func anyRequest(*http.Request) bool { return true }

// unfilteredUserList matches GET /Users without a filter (a listing).
func unfilteredUserList(r *http.Request) bool {
	return is(r, http.MethodGet, "Users", false) && !r.URL.Query().Has("filter")
}
