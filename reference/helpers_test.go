package reference

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const testToken = "test-token-0123456789"

// tserver is a server under test with a default bearer token.
type tserver struct {
	t testing.TB
	s *Server
}

func newT(t testing.TB, opts ...Option) *tserver {
	t.Helper()
	s, err := New(append([]Option{WithToken(testToken)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &tserver{t: t, s: s}
}

// resp is a recorded answer with its decoded JSON body (nil if not JSON).
type resp struct {
	code int
	hdr  http.Header
	raw  string
	body map[string]any
}

// do sends a request. Headers are given as "Name: value"; the default
// Authorization (Bearer testToken) and Content-Type (application/scim+json,
// only with a body) apply unless given; "Authorization:" alone removes it.
func (ts *tserver) do(method, path, body string, headers ...string) resp {
	ts.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		v = strings.TrimSpace(v)
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	ts.s.ServeHTTP(rec, req)
	r := resp{code: rec.Code, hdr: rec.Header(), raw: rec.Body.String()}
	var m map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &m) == nil {
		r.body = m
	}
	return r
}

// must fails the test unless the answer has status code.
func (r resp) must(t *testing.T, code int) resp {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d; body %s", r.code, code, r.raw)
	}
	return r
}

// scimErr checks an RFC 7644 §3.12 error body with status code and scimType ("" = any).
func (r resp) scimErr(t *testing.T, code int, scimType string) {
	t.Helper()
	r.must(t, code)
	if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
		t.Errorf("error Content-Type %q", ct)
	}
	if r.body == nil {
		t.Fatalf("error body is not JSON: %q", r.raw)
	}
	schemas, _ := r.body["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
		t.Errorf("error schemas %v", r.body["schemas"])
	}
	if r.body["status"] != itoa(code) {
		t.Errorf("error status %#v, want string %q", r.body["status"], itoa(code))
	}
	if d, _ := r.body["detail"].(string); d == "" {
		t.Errorf("error without detail: %s", r.raw)
	}
	if scimType != "" && r.body["scimType"] != scimType {
		t.Errorf("scimType %v, want %s (%s)", r.body["scimType"], scimType, r.raw)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func (r resp) str(key string) string {
	v, _ := r.body[key].(string)
	return v
}

// mockidp/okta/WIRE.md §4.2: the POST body Okta sends on assignment.
func oktaUser(userName, externalID string) string {
	b, _ := json.Marshal(map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":    userName,
		"name":        map[string]any{"givenName": "Test", "familyName": "User"},
		"emails":      []any{map[string]any{"primary": true, "value": userName, "type": "work"}},
		"displayName": "Test User",
		"locale":      "en-US",
		"externalId":  externalID,
		"groups":      []any{},
		"password":    "1mz050nq",
		"active":      true,
	})
	return string(b)
}

// createUser creates a user and returns its id; it tolerates the create
// faults (200 instead of 201, empty body) so probes can run on them.
func (ts *tserver) createUser(userName, externalID string) string {
	ts.t.Helper()
	return ts.postUser(userName, oktaUser(userName, externalID))
}

// postUser posts body (whose userName is userName) like createUser.
func (ts *tserver) postUser(userName, body string) string {
	ts.t.Helper()
	r := ts.do("POST", "/scim/v2/Users", body)
	if r.code != 201 && r.code != 200 {
		ts.t.Fatalf("create user %s: %d %s", userName, r.code, r.raw)
	}
	if id := r.str("id"); id != "" {
		return id
	}
	l := ts.do("GET", "/scim/v2/Users?filter="+url.QueryEscape(fmt.Sprintf("userName eq %q", userName)), "")
	if rs := resources(l.body); len(rs) == 1 {
		return rs[0]["id"].(string)
	}
	ts.t.Fatalf("create user %s: cannot find it: %s", userName, l.raw)
	return ""
}

// num reads a JSON number, or a number serialised as a string.
func num(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case string:
		f, err := strconv.ParseFloat(n, 64)
		if err == nil {
			return f
		}
	}
	return -1
}

func (ts *tserver) createGroup(name string, memberIDs ...string) string {
	ts.t.Helper()
	var members []any
	for _, id := range memberIDs {
		members = append(members, map[string]any{"value": id})
	}
	b, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": name, "members": members})
	r := ts.do("POST", "/scim/v2/Groups", string(b))
	if r.code != 201 && r.code != 200 {
		ts.t.Fatalf("create group %s: %d %s", name, r.code, r.raw)
	}
	return r.str("id")
}

const deactivate = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`

func memberIDs(body map[string]any) []string {
	var out []string
	list, _ := body["members"].([]any)
	for _, el := range list {
		m, _ := el.(map[string]any)
		v, _ := m["value"].(string)
		out = append(out, v)
	}
	return out
}
