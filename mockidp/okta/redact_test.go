package okta_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// echoServer answers every request with a body and a header that repeat
// what it received (Authorization, query, body) — the worst case for
// leaking secrets into a transcript.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/scim+json")
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		var pw string
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			pw, _ = m["password"].(string)
		}
		switch {
		case r.Method == http.MethodGet && strings.Contains(r.URL.RawQuery, "filter"):
			fmt.Fprintf(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[],"auth":%q}`, r.Header.Get("Authorization"))
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":"u-1","userName":"ada@example.com","password":%q,"note":"your password is %s, token %s"}`, pw, pw, r.Header.Get("Authorization"))
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "raw echo: %s %s %s", r.Header.Get("Authorization"), r.URL.RawQuery, body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRedaction: the token, Basic credentials and the generated user
// passwords never appear in RedactedTranscript() or in exchanges passed
// through RedactExchange, while the Authorization scheme stays visible; the
// raw Transcript() and Outcome exchanges keep the real bytes for checks.
func TestRedaction(t *testing.T) {
	cases := []struct {
		creds      okta.Credentials
		secrets    []string
		wantHeader string
	}{
		{okta.Credentials{Mode: okta.AuthBearer, Token: "tok-SECRET-123"}, []string{"tok-SECRET-123"}, "Bearer <redacted>"},
		{okta.Credentials{Mode: okta.AuthHeader, Token: "tok SECRET/456"}, []string{"tok SECRET/456", "tok%20SECRET%2F456", "tok+SECRET%2F456", "tok%20SECRET/456"}, "<redacted>"},
		{okta.Credentials{Mode: okta.AuthBasic, Username: "okta-user", Password: "pw-SECRET-789"},
			[]string{"pw-SECRET-789", "okta-user:pw-SECRET-789", base64.StdEncoding.EncodeToString([]byte("okta-user:pw-SECRET-789"))}, "Basic <redacted>"},
	}
	for _, tc := range cases {
		t.Run(string(tc.creds.Mode), func(t *testing.T) {
			srv := echoServer(t)
			c, err := okta.New(okta.Config{BaseURL: srv.URL + "/scim/v2", Credentials: tc.creds, Features: okta.DefaultFeatures()})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			a, out := c.Assign(ctx, ada())
			if !out.OK || a == nil {
				t.Fatalf("assign: %s %v", out.Message, out.Err)
			}
			// The echo server repeats the generated password in its answer
			// ("your password is …"); checked below for every exchange.
			post := out.Exchanges[1]
			if strings.Contains(string(post.RequestBody), `"password":"<redacted>"`) {
				t.Errorf("raw POST body is redacted; checks need the real bytes: %s", post.RequestBody)
			}
			pw := c.GeneratedPasswords()
			if len(pw) != 1 || !strings.Contains(string(post.ResponseBody), "your password is "+pw[0]) {
				t.Errorf("raw POST answer does not show the generated password %v: %s", pw, post.ResponseBody)
			}
			if red := c.RedactExchange(post); !strings.Contains(string(red.RequestBody), `"password":"<redacted>"`) {
				t.Errorf("POST body not redacted: %s", red.RequestBody)
			}
			// A raw probe whose query and body carry the secrets.
			probe := c.Do(ctx, okta.Request{Method: "PUT", Path: "/Users/u-1", Query: map[string][]string{"token": {tc.secrets[0]}}, Body: []byte(`{"password":"hunter2-pw","x":"` + tc.secrets[0] + `"}`)})
			if probe.StatusCode != http.StatusBadRequest {
				t.Fatalf("probe status %d", probe.StatusCode)
			}
			if !strings.Contains(string(probe.RequestBody), tc.secrets[0]) {
				t.Errorf("raw probe lost the real bytes: %s", probe.RequestBody)
			}
			all := c.RedactedTranscript()
			for _, ex := range out.Exchanges {
				all = append(all, c.RedactExchange(ex))
			}
			all = append(all, c.RedactExchange(probe))
			if len(all) != 3+2+1 { // transcript (lookup, POST, probe) + outcome (2) + probe
				t.Fatalf("%d exchanges", len(all))
			}
			for i, ex := range all {
				dump := fmt.Sprintf("%s %s %v %s %v %s %s", ex.Method, ex.URL, ex.RequestHeader, ex.RequestBody, ex.ResponseHeader, ex.ResponseBody, ex.Err)
				for _, s := range append(tc.secrets, "hunter2-pw") {
					if strings.Contains(dump, s) {
						t.Errorf("exchange %d leaks %q: %s", i, s, dump)
					}
				}
				if got := ex.RequestHeader.Get("Authorization"); got != tc.wantHeader {
					t.Errorf("exchange %d Authorization = %q, want %q", i, got, tc.wantHeader)
				}
				// No 8-character generated password may survive either.
				if m := regexp.MustCompile(`password is ([a-z0-9]{8})`).FindStringSubmatch(dump); m != nil {
					t.Errorf("exchange %d leaks generated password %q", i, m[1])
				}
			}
			if got := c.Redact("x " + tc.secrets[0] + " y"); got != "x <redacted> y" {
				t.Errorf("Redact = %q", got)
			}
		})
	}
}
