package okta_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
)

const emptyList = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`

// sleeper records the waits the client asks for instead of sleeping.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
	err   error
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return s.err
}

func (s *sleeper) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newClient builds a bearer client on base with a recording sleeper.
func newClient(t *testing.T, base string, mod func(*okta.Config)) (*okta.Client, *sleeper) {
	t.Helper()
	sl := &sleeper{}
	cfg := okta.Config{
		BaseURL:     base,
		Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: testToken},
		Features:    okta.DefaultFeatures(),
		Retry:       okta.RetryPolicy{Sleep: sl.sleep},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := okta.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

// tooMany answers 429 (with retryAfter when non-empty) n times, then an
// empty ListResponse.
func tooMany(t *testing.T, n int, retryAfter string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		k := calls
		mu.Unlock()
		w.Header().Set("Content-Type", "application/scim+json")
		if k <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Rate limit exceeded","status":"429"}`)
			return
		}
		fmt.Fprint(w, emptyList)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func durations(ds ...string) []time.Duration {
	var out []time.Duration
	for _, d := range ds {
		v, err := time.ParseDuration(d)
		if err != nil {
			panic(err)
		}
		out = append(out, v)
	}
	return out
}

// TestRetry429 pins mockidp/okta/WIRE.md §2.5 CONCEPT: integer Retry-After seconds,
// else 5 minutes (absent, HTTP-date, garbage), doubling each retry.
func TestRetry429(t *testing.T) {
	cases := []struct {
		name       string
		n          int
		retryAfter string
		want       []time.Duration
	}{
		{"integer Retry-After", 1, "7", durations("7s")},
		{"integer Retry-After doubles", 3, "7", durations("7s", "14s", "28s")},
		{"no Retry-After", 3, "", durations("5m", "10m", "20m")},
		{"HTTP-date Retry-After", 2, "Wed, 21 Oct 2026 07:28:00 GMT", durations("5m", "10m")},
		{"garbage Retry-After", 1, "soon", durations("5m")},
		{"negative Retry-After", 1, "-3", durations("5m")},
		{"zero Retry-After", 2, "0", durations("0s", "0s")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := tooMany(t, tc.n, tc.retryAfter)
			c, sl := newClient(t, srv.URL+"/scim/v2", nil)
			out := c.TestCredentials(context.Background())
			if !out.OK {
				t.Fatalf("outcome failed: %s (%v)", out.Message, out.Err)
			}
			if got := sl.got(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("waits = %v, want %v", got, tc.want)
			}
			if len(out.Exchanges) != tc.n+1 {
				t.Fatalf("%d exchanges, want %d", len(out.Exchanges), tc.n+1)
			}
			for i, ex := range out.Exchanges {
				if ex.Attempt != i+1 {
					t.Errorf("exchange %d has Attempt %d", i, ex.Attempt)
				}
			}
			if got := len(c.Transcript()); got != tc.n+1 {
				t.Errorf("transcript has %d exchanges, want %d", got, tc.n+1)
			}
		})
	}
}

// TestRetryGivesUpAfterTenAttempts pins the 10-attempt limit (§2.5 CONCEPT)
// and the failed-task message.
func TestRetryGivesUpAfterTenAttempts(t *testing.T) {
	srv := tooMany(t, 1000, "")
	c, sl := newClient(t, srv.URL+"/scim/v2", nil)
	out := c.TestCredentials(context.Background())
	if out.OK || out.Err != nil {
		t.Fatalf("want an HTTP-level failure, got ok=%v err=%v", out.OK, out.Err)
	}
	if len(out.Exchanges) != 10 {
		t.Errorf("%d attempts, want 10", len(out.Exchanges))
	}
	want := durations("5m", "10m", "20m", "40m", "80m", "160m", "320m", "640m", "1280m")
	if fmt.Sprint(sl.got()) != fmt.Sprint(want) {
		t.Errorf("waits = %v, want %v", sl.got(), want)
	}
	if out.Message != "Too Many Requests. Errors reported by remote server: Rate limit exceeded" {
		t.Errorf("message = %q", out.Message)
	}

	srv3 := tooMany(t, 1000, "1")
	c3, sl3 := newClient(t, srv3.URL+"/scim/v2", func(cfg *okta.Config) { cfg.Retry.MaxAttempts = 3; cfg.Retry.DefaultWait = time.Second })
	ex := c3.Do(context.Background(), okta.Request{Path: "/Users"})
	if ex.StatusCode != 429 || ex.Attempt != 3 || len(sl3.got()) != 2 {
		t.Errorf("MaxAttempts 3: status %d attempt %d waits %v", ex.StatusCode, ex.Attempt, sl3.got())
	}
}

// TestRetrySleepCancelled: a cancelled wait ends the operation with Err.
func TestRetrySleepCancelled(t *testing.T) {
	srv := tooMany(t, 1000, "")
	c, sl := newClient(t, srv.URL+"/scim/v2", nil)
	sl.err = context.Canceled
	out := c.TestCredentials(context.Background())
	if out.OK || !errors.Is(out.Err, context.Canceled) || len(out.Exchanges) != 1 {
		t.Fatalf("ok=%v err=%v exchanges=%d", out.OK, out.Err, len(out.Exchanges))
	}
}

// TestNoRetryOnOtherErrors: 5xx and 4xx fail the task at once (§2.5).
func TestNoRetryOnOtherErrors(t *testing.T) {
	for _, code := range []int{400, 401, 500, 503} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"nope %d","status":"%d"}`, code, code)
		}))
		c, sl := newClient(t, srv.URL+"/scim/v2", nil)
		out := c.TestCredentials(context.Background())
		srv.Close()
		want := fmt.Sprintf("%s. Errors reported by remote server: nope %d", http.StatusText(code), code)
		if out.OK || out.Message != want || len(out.Exchanges) != 1 || len(sl.got()) != 0 || out.Err != nil {
			t.Errorf("%d: ok=%v message=%q exchanges=%d waits=%v err=%v", code, out.OK, out.Message, len(out.Exchanges), sl.got(), out.Err)
		}
	}
}

// hangingServer accepts requests and never answers until the test ends.
func hangingServer(t *testing.T, writeHeaders bool) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if writeHeaders {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, `{"schemas":[`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// TestTimeoutHungServer: a server that never answers (or stalls mid-body)
// ends the operation after Config.Timeout with Err and a message; the
// client never hangs (mockidp/okta/WIRE.md §2.5 FAQ, 60 s in production).
func TestTimeoutHungServer(t *testing.T) {
	for _, headers := range []bool{false, true} {
		t.Run(fmt.Sprintf("headers=%v", headers), func(t *testing.T) {
			srv := hangingServer(t, headers)
			c, _ := newClient(t, srv.URL+"/scim/v2", func(cfg *okta.Config) { cfg.Timeout = 150 * time.Millisecond })
			start := time.Now()
			out := c.TestCredentials(context.Background())
			if el := time.Since(start); el > 5*time.Second {
				t.Fatalf("took %s", el)
			}
			if out.OK || out.Err == nil || !errors.Is(out.Err, context.DeadlineExceeded) {
				t.Fatalf("ok=%v err=%v", out.OK, out.Err)
			}
			if !strings.Contains(out.Message, "no complete response within 150ms") {
				t.Errorf("message = %q", out.Message)
			}
			if ex := out.Exchanges[0]; ex.Err == "" || (headers && ex.StatusCode != 200) || (!headers && ex.StatusCode != 0) {
				t.Errorf("exchange status %d err %q", ex.StatusCode, ex.Err)
			}
			if !headers && out.Exchanges[0].Response() != nil {
				t.Error("Response() of an exchange without response should be nil")
			}
		})
	}
}

// deadlineRecorder is a RoundTripper that records the request deadline.
type deadlineRecorder struct{ left time.Duration }

func (d *deadlineRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	dl, ok := r.Context().Deadline()
	if ok {
		d.left = time.Until(dl)
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader(emptyList)), Request: r}, nil
}

// TestDefaultTimeoutIs60s checks the per-request deadline Okta uses
// (mockidp/okta/WIRE.md §2.5 FAQ) without waiting for it.
func TestDefaultTimeoutIs60s(t *testing.T) {
	rt := &deadlineRecorder{}
	c, _ := newClient(t, "http://127.0.0.1:1/scim/v2", func(cfg *okta.Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
	if out := c.TestCredentials(context.Background()); !out.OK {
		t.Fatalf("outcome: %s", out.Message)
	}
	if rt.left <= 59*time.Second || rt.left > 60*time.Second {
		t.Errorf("request deadline %s away, want 60s", rt.left)
	}
}

// TestConnectionRefused reports a transport failure with Err.
func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _ := newClient(t, "http://"+addr+"/scim/v2", nil)
	_, out := c.Assign(context.Background(), ada())
	if out.OK || out.Err == nil || !strings.Contains(out.Message, "could not connect to "+addr) {
		t.Fatalf("ok=%v err=%v message=%q", out.OK, out.Err, out.Message)
	}
	if len(out.Exchanges) != 1 || out.Exchanges[0].StatusCode != 0 || out.Exchanges[0].Err == "" {
		t.Errorf("exchanges: %+v", out.Exchanges)
	}
}

// TestGarbageAndHugeBodies: non-JSON answers fail the task with Okta's
// "Invalid JSON" wording (mockidp/okta/WIRE.md §2.4); bodies over MaxBodyBytes are
// cut and reported; an endless body does not hang; gzip bombs are bounded.
func TestGarbageAndHugeBodies(t *testing.T) {
	t.Run("html", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>Welcome</body></html>")
		}))
		t.Cleanup(srv.Close)
		c, _ := newClient(t, srv.URL, nil)
		out := c.TestCredentials(context.Background())
		if out.OK || out.Err != nil || !strings.Contains(out.Message, "Invalid JSON: Unexpected character ('<' (code 60))") {
			t.Fatalf("ok=%v err=%v message=%q", out.OK, out.Err, out.Message)
		}
	})
	t.Run("string counters", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":"0","startIndex":1,"itemsPerPage":0,"Resources":[]}`)
		}))
		t.Cleanup(srv.Close)
		c, _ := newClient(t, srv.URL, nil)
		out := c.TestCredentials(context.Background())
		if out.OK || !strings.Contains(out.Message, "totalResults is a string") {
			t.Fatalf("ok=%v message=%q", out.OK, out.Message)
		}
	})
	t.Run("too large", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(bytes.Repeat([]byte("x"), 10000))
		}))
		t.Cleanup(srv.Close)
		c, _ := newClient(t, srv.URL, func(cfg *okta.Config) { cfg.MaxBodyBytes = 1024 })
		out := c.TestCredentials(context.Background())
		ex := out.Exchanges[0]
		if out.OK || out.Err == nil || !ex.Truncated || len(ex.ResponseBody) != 1024 || !strings.Contains(out.Message, "the answer exceeded 1 KiB; raise Config.MaxBodyBytes") {
			t.Fatalf("ok=%v err=%v truncated=%v len=%d message=%q", out.OK, out.Err, ex.Truncated, len(ex.ResponseBody), out.Message)
		}
	})
	t.Run("endless", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte("["), 64<<10)
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}))
		t.Cleanup(srv.Close)
		c, _ := newClient(t, srv.URL, nil)
		out := c.TestCredentials(context.Background())
		if out.OK || !out.Exchanges[0].Truncated || len(out.Exchanges[0].ResponseBody) != okta.DefaultMaxBodyBytes {
			t.Fatalf("ok=%v truncated=%v len=%d", out.OK, out.Exchanges[0].Truncated, len(out.Exchanges[0].ResponseBody))
		}
	})
	t.Run("gzip bomb", func(t *testing.T) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(bytes.Repeat([]byte(" "), 4<<20)) // 4 MiB from a few KiB
		zw.Close()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(buf.Bytes())
		}))
		t.Cleanup(srv.Close)
		c, _ := newClient(t, srv.URL, func(cfg *okta.Config) { cfg.MaxBodyBytes = 64 << 10 })
		out := c.TestCredentials(context.Background())
		if out.OK || !out.Exchanges[0].Truncated || len(out.Exchanges[0].ResponseBody) != 64<<10 {
			t.Fatalf("ok=%v truncated=%v message=%q", out.OK, out.Exchanges[0].Truncated, out.Message)
		}
	})
}

// TestCompressedResponses: Okta sends Accept-Encoding: gzip,deflate
// (mockidp/okta/WIRE.md §2.1), so the client decompresses itself.
func TestCompressedResponses(t *testing.T) {
	for _, enc := range []string{"gzip", "deflate"} {
		t.Run(enc, func(t *testing.T) {
			var buf bytes.Buffer
			var zw io.WriteCloser
			if enc == "gzip" {
				zw = gzip.NewWriter(&buf)
			} else {
				zw = zlib.NewWriter(&buf)
			}
			io.WriteString(zw, emptyList)
			zw.Close()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept-Encoding") != "gzip,deflate" {
					w.WriteHeader(400)
					return
				}
				w.Header().Set("Content-Encoding", enc)
				w.Header().Set("Content-Type", "application/scim+json")
				w.Write(buf.Bytes())
			}))
			t.Cleanup(srv.Close)
			c, _ := newClient(t, srv.URL, nil)
			out := c.TestCredentials(context.Background())
			if !out.OK {
				t.Fatalf("message %q err %v", out.Message, out.Err)
			}
			ex := out.Exchanges[0]
			if string(ex.ResponseBody) != emptyList || ex.ResponseHeader.Get("Content-Encoding") != enc {
				t.Errorf("body %q header %v", ex.ResponseBody, ex.ResponseHeader)
			}
			resp := ex.Response()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != emptyList || resp.Header.Get("Content-Encoding") != "" || !resp.Uncompressed || resp.StatusCode != 200 {
				t.Errorf("Response(): %d %v %q", resp.StatusCode, resp.Header, b)
			}
			m, err := ex.JSON()
			if err != nil || m["totalResults"] != float64(0) {
				t.Errorf("JSON() = %v, %v", m, err)
			}
		})
	}
}

// TestDoAuthorizationOverride: probes can send no Authorization header or
// an exact value (mockidp/okta/WIRE.md §12.1 SPEC #11 "non-token").
func TestDoAuthorizationOverride(t *testing.T) {
	rec := newRecorder(t)
	rec.script(401, nil, []byte(`{"detail":"no"}`))
	rec.script(401, nil, []byte(`{"detail":"no"}`))
	rec.script(200, nil, []byte(emptyList))
	c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.PlusForSpace = true })
	none, other := "", "non-token"
	c.Do(context.Background(), okta.Request{Path: "/Users", Authorization: &none})
	ex := c.Do(context.Background(), okta.Request{Path: "/Users", Authorization: &other})
	if ex.StatusCode != 401 || ex.RequestHeader.Get("Authorization") != "non-token" {
		t.Errorf("status %d auth %q", ex.StatusCode, ex.RequestHeader.Get("Authorization"))
	}
	ex = c.Do(context.Background(), okta.Request{Method: "POST", Path: "Users/.search?x=1", Query: map[string][]string{"count": {"5"}, "filter": {`userName eq "a b"`}, "attributes": {"id"}}, Body: []byte("{bad")})
	got := rec.requests()
	if _, ok := got[0].header["Authorization"]; ok {
		t.Error("Authorization sent although overridden with empty")
	}
	if got[1].header.Get("Authorization") != "non-token" {
		t.Errorf("auth = %q", got[1].header.Get("Authorization"))
	}
	if got[2].path != "/scim/v2/Users/.search" || got[2].rawQuery != "x=1&filter=userName+eq+%22a+b%22&count=5&attributes=id" || string(got[2].body) != "{bad" {
		t.Errorf("raw request: %s ?%s %q", got[2].path, got[2].rawQuery, got[2].body)
	}
	if got[2].header.Get("Content-Type") != "application/scim+json; charset=utf-8" {
		t.Errorf("content type %q", got[2].header.Get("Content-Type"))
	}
	if !strings.HasSuffix(ex.URL, "/scim/v2/Users/.search?x=1&filter=userName+eq+%22a+b%22&count=5&attributes=id") {
		t.Errorf("Exchange.URL %s", ex.URL)
	}
}

// TestNewValidates rejects bad configurations.
func TestNewValidates(t *testing.T) {
	bad := []okta.Config{
		{BaseURL: "", Credentials: okta.Credentials{Token: "t"}},
		{BaseURL: "ftp://x/scim", Credentials: okta.Credentials{Token: "t"}},
		{BaseURL: "/scim/v2", Credentials: okta.Credentials{Token: "t"}},
		{BaseURL: "http://x/scim?a=1", Credentials: okta.Credentials{Token: "t"}},
		{BaseURL: "http://x/scim", Credentials: okta.Credentials{}},
		{BaseURL: "http://x/scim", Credentials: okta.Credentials{Mode: okta.AuthBasic}},
		{BaseURL: "http://x/scim", Credentials: okta.Credentials{Mode: "oauth", Token: "t"}},
		{BaseURL: "http://x/scim", Credentials: okta.Credentials{Token: "t"}, Profile: "azure"},
	}
	for i, cfg := range bad {
		if _, err := okta.New(cfg); err == nil {
			t.Errorf("config %d accepted: %+v", i, cfg)
		}
	}
	c, err := okta.New(okta.Config{BaseURL: "https://api.example.com/scim/v2/", Credentials: okta.Credentials{Token: "t"}})
	if err != nil || c.BaseURL() != "https://api.example.com/scim/v2" || c.Profile() != okta.ProfileOIN {
		t.Errorf("defaults: %v %v", c, err)
	}
}
