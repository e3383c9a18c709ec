package okta_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// fixture is one testdata/<profile>/<operation>.json file: the requests the
// mock Okta must send for one operation, in order, and the answers the
// recording server gives back.
type fixture struct {
	Source    string `json:"source"`
	Operation string `json:"operation"`
	Notes     string `json:"notes,omitempty"`
	Outcome   struct {
		OK      bool   `json:"ok"`
		Message string `json:"message,omitempty"`
	} `json:"outcome"`
	Exchanges []struct {
		Request struct {
			Method   string            `json:"method"`
			Path     string            `json:"path"`
			RawQuery string            `json:"rawQuery"`
			Headers  map[string]string `json:"headers,omitempty"`
			Body     json.RawMessage   `json:"body,omitempty"`
		} `json:"request"`
		Response struct {
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers,omitempty"`
			Body    json.RawMessage   `json:"body,omitempty"`
		} `json:"response"`
	} `json:"exchanges"`
}

func loadFixture(t *testing.T, path string) fixture {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var f fixture
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("decode fixture %s: %v", path, err)
	}
	if !strings.Contains(f.Source, "mockidp/okta/WIRE.md") {
		t.Fatalf("fixture %s: source %q must name its mockidp/okta/WIRE.md row", path, f.Source)
	}
	return f
}

// recorded is one request as the recording server saw it.
type recorded struct {
	method, path, rawQuery string
	header                 http.Header
	body                   []byte
}

// recorder is an httptest server that answers scripted responses in order
// and records what it receives.
type recorder struct {
	srv     *httptest.Server
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	got     []recorded
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.got = append(rec.got, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), body})
		var answer func(http.ResponseWriter)
		if len(rec.answers) > 0 {
			answer, rec.answers = rec.answers[0], rec.answers[1:]
		}
		rec.mu.Unlock()
		if answer == nil {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"unexpected request: no scripted answer","status":"500"}`)
			return
		}
		answer(w)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (r *recorder) script(status int, header map[string]string, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, func(w http.ResponseWriter) {
		if body != nil {
			w.Header().Set("Content-Type", "application/scim+json")
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		w.Write(body)
	})
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.got...)
}

func (r *recorder) base() string { return r.srv.URL + "/scim/v2" }

// Fixed people and ids of the fixtures.
const (
	adaID, bobID     = "00ujl29u0le5T6Aj10h7", "00ub0bb0bb0bb0bb0bb7"
	adaSCIM, bobSCIM = "23a35c27-23d3-4c03-b4c5-6443c09e7173", "89bb1940-b905-4575-9e7f-6f887cfb368e"
	groupSCIM        = "abf4dd94-a4c0-4f67-89c9-76b03340cb9b"
	testToken        = "tok-3f9a1c77e2"
)

// TestFixtures runs every operation of both profiles against a recording
// server and compares what was sent with testdata/<profile>/<op>.json
// field by field. Every fixture runs under all three auth modes.
func TestFixtures(t *testing.T) {
	for _, profile := range []okta.Profile{okta.ProfileOIN, okta.ProfileAIW} {
		files, err := filepath.Glob(filepath.Join("testdata", string(profile), "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no fixtures for %s: %v", profile, err)
		}
		seen := map[string]bool{}
		for _, file := range files {
			f := loadFixture(t, file)
			seen[f.Operation] = true
			for _, mode := range []string{"bearer", "header", "basic"} {
				t.Run(fmt.Sprintf("%s/%s/%s", profile, f.Operation, mode), func(t *testing.T) {
					runFixture(t, f, okta.Config{Profile: profile, Credentials: authCases[mode].creds, Features: allFeatures(), Mapping: fixtureMapping(t, f.Operation)}, authCases[mode].want)
				})
			}
		}
		for op := range fixtureOps {
			if !seen[op] && !commonOnly[op] {
				t.Errorf("profile %s: no fixture for operation %q", profile, op)
			}
		}
	}
}

// TestFixtureVariants runs testdata/common: the two space encodings of
// mockidp/okta/WIRE.md §2.3, the users-only credential probe of §3 and the answers
// that make Okta fail or accept a task (§2.4, §4.1, §4.3), on the OIN profile.
func TestFixtureVariants(t *testing.T) {
	cfgs := map[string]okta.Config{
		"assign-new-plus.json":             {PlusForSpace: true, Features: okta.DefaultFeatures()},
		"push-group-plus.json":             {PlusForSpace: true, Features: allFeatures()},
		"test-credentials-users-only.json": {Features: okta.DefaultFeatures()},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "common", "*.json"))
	if len(files) < 8 {
		t.Fatalf("found %d common fixtures, want at least 8", len(files))
	}
	for _, file := range files {
		f := loadFixture(t, file)
		cfg, ok := cfgs[filepath.Base(file)]
		if !ok {
			cfg = okta.Config{Features: okta.DefaultFeatures()}
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			cfg.Credentials = authCases["bearer"].creds
			cfg.Mapping = fixtureMapping(t, f.Operation)
			runFixture(t, f, cfg, authCases["bearer"].want)
		})
	}
}

func runFixture(t *testing.T, f fixture, cfg okta.Config, wantAuth string) {
	t.Helper()
	run, ok := fixtureOps[f.Operation]
	if !ok {
		t.Fatalf("fixture operation %q has no driver in fixtureOps", f.Operation)
	}
	rec := newRecorder(t)
	for _, ex := range f.Exchanges {
		var body []byte
		if len(ex.Response.Body) > 0 {
			body = ex.Response.Body
			// A JSON string in the fixture is a raw non-JSON body.
			var text string
			if json.Unmarshal(body, &text) == nil {
				body = []byte(text)
			}
		}
		rec.script(ex.Response.Status, ex.Response.Headers, body)
	}
	cfg.BaseURL = rec.base()
	c, err := okta.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := run(context.Background(), c)
	if out.OK != f.Outcome.OK || (f.Outcome.Message != "" && out.Message != f.Outcome.Message) {
		t.Errorf("outcome = ok:%v message:%q err:%v; fixture wants ok:%v message:%q", out.OK, out.Message, out.Err, f.Outcome.OK, f.Outcome.Message)
	}
	got := rec.requests()
	if len(got) != len(f.Exchanges) {
		for i, g := range got {
			t.Logf("sent %d: %s %s?%s %s", i+1, g.method, g.path, g.rawQuery, g.body)
		}
		t.Fatalf("sent %d requests, fixture has %d", len(got), len(f.Exchanges))
	}
	if len(out.Exchanges) != len(got) {
		t.Errorf("Outcome.Exchanges has %d entries, server saw %d requests", len(out.Exchanges), len(got))
	}
	for i, g := range got {
		want := f.Exchanges[i].Request
		at := fmt.Sprintf("request %d (%s %s)", i+1, want.Method, want.Path)
		if g.method != want.Method {
			t.Errorf("%s: method %s", at, g.method)
		}
		if g.path != want.Path {
			t.Errorf("%s: path %s", at, g.path)
		}
		if g.rawQuery != want.RawQuery {
			t.Errorf("%s: raw query\n got %s\nwant %s", at, g.rawQuery, want.RawQuery)
		}
		checkHeaders(t, at, g, len(want.Body) > 0, wantAuth, want.Headers)
		if len(want.Body) == 0 {
			if len(g.body) != 0 {
				t.Errorf("%s: sent a body %s, fixture has none", at, g.body)
			}
			continue
		}
		var wv, gv any
		if err := json.Unmarshal(want.Body, &wv); err != nil {
			t.Fatalf("%s: fixture body: %v", at, err)
		}
		if err := json.Unmarshal(g.body, &gv); err != nil {
			t.Errorf("%s: sent body is not JSON: %v: %s", at, err, g.body)
			continue
		}
		for _, d := range diffJSON("$", wv, gv) {
			t.Errorf("%s: body %s", at, d)
		}
	}
}

// checkHeaders pins mockidp/okta/WIRE.md §2.1 (header set; Content-Type only with
// a body) and §2.2 (Authorization form).
func checkHeaders(t *testing.T, at string, g recorded, hasBody bool, wantAuth string, extra map[string]string) {
	t.Helper()
	want := map[string]string{
		"User-Agent":      "Okta SCIM Client 1.0.0",
		"Accept":          "application/scim+json",
		"Accept-Charset":  "utf-8",
		"Accept-Encoding": "gzip,deflate",
		"Authorization":   wantAuth,
	}
	if hasBody {
		want["Content-Type"] = "application/scim+json; charset=utf-8"
	} else if ct := g.header.Get("Content-Type"); ct != "" {
		t.Errorf("%s: Content-Type %q sent without a body", at, ct)
	}
	for k, v := range extra {
		want[k] = v
	}
	for k, v := range want {
		if got := g.header.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s: header %s = %q, want %q", at, k, got, v)
		}
	}
	for k := range g.header {
		switch k {
		case "User-Agent", "Accept", "Accept-Charset", "Accept-Encoding", "Authorization", "Content-Type", "Content-Length":
		default:
			t.Errorf("%s: unexpected header %s: %q", at, k, g.header.Values(k))
		}
	}
	if g.header.Get("Expect") != "" || g.header.Get("Cookie") != "" {
		t.Errorf("%s: Expect or Cookie sent", at)
	}
}

var (
	placeholderPassword = regexp.MustCompile(`^[a-z0-9]{8}$`)
	pushedPassword      = regexp.MustCompile(`^[A-Za-z0-9]{16}$`)
)

// diffJSON compares a fixture value with a sent value. Fixture placeholders:
// "{{password}}" = Okta's random 8-character placeholder password (§4.2),
// "{{new-password}}" = a 16-character password of a password push (§14),
// "{{any}}" = any value present.
func diffJSON(path string, want, got any) []string {
	if s, ok := want.(string); ok {
		switch s {
		case "{{any}}":
			return nil
		case "{{password}}":
			if gs, ok := got.(string); ok && placeholderPassword.MatchString(gs) {
				return nil
			}
			return []string{fmt.Sprintf("%s = %v, want an 8-character placeholder password", path, got)}
		case "{{new-password}}":
			if gs, ok := got.(string); ok && pushedPassword.MatchString(gs) {
				return nil
			}
			return []string{fmt.Sprintf("%s = %v, want a 16-character pushed password", path, got)}
		}
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s = %s, want an object", path, short(got))}
		}
		var out []string
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inG:
				out = append(out, fmt.Sprintf("%s.%s missing, want %s", path, k, short(wv)))
			case !inW:
				out = append(out, fmt.Sprintf("%s.%s = %s is not in the fixture", path, k, short(gv)))
			default:
				out = append(out, diffJSON(path+"."+k, wv, gv)...)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s = %s, want an array", path, short(got))}
		}
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s has %d elements, want %d: got %s", path, len(g), len(w), short(got))}
		}
		var out []string
		for i := range w {
			out = append(out, diffJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s = %s, want %s", path, short(got), short(want))}
		}
		return nil
	}
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
