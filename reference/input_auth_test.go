package reference

// Bad input, content types, auth modes, revocation and the rate limit:
// the server answers each with a SCIM error, never a 500.

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBadInput: every bad request gets the right status and a SCIM error
// body, never a 500 or a panic.
func TestBadInput(t *testing.T) {
	ts := newT(t, WithMaxBody(4096))
	id := ts.createUser("ada@example.com", "00uAda")
	gid := ts.createGroup("Eng", id)
	big := `{"userName":"x","displayName":"` + strings.Repeat("a", 5000) + `"}`
	cases := []struct {
		name, method, path, body string
		headers                  []string
		code                     int
		scimType                 string
	}{
		{"malformed JSON", "POST", "/scim/v2/Users", `{"userName":`, nil, 400, "invalidSyntax"},
		{"trailing garbage", "POST", "/scim/v2/Users", `{"userName":"a"} x`, nil, 400, "invalidSyntax"},
		{"not an object", "POST", "/scim/v2/Users", `["a"]`, nil, 400, ""},
		{"active yes", "POST", "/scim/v2/Users", `{"userName":"b","active":"yes"}`, nil, 400, "invalidValue"},
		{"userName number", "POST", "/scim/v2/Users", `{"userName":42}`, nil, 400, "invalidValue"},
		{"missing userName", "POST", "/scim/v2/Users", `{"name":{"givenName":"x"}}`, nil, 400, "invalidValue"},
		{"emails not array", "POST", "/scim/v2/Users", `{"userName":"c","emails":"c@x"}`, nil, 400, "invalidValue"},
		{"put active yes", "PUT", "/scim/v2/Users/" + id, `{"userName":"ada@example.com","active":"yes"}`, nil, 400, "invalidValue"},
		{"patch active yes", "PATCH", "/scim/v2/Users/" + id, `{"Operations":[{"op":"replace","value":{"active":"yes"}}]}`, nil, 400, "invalidValue"},
		{"patch unknown path", "PATCH", "/scim/v2/Users/" + id, `{"Operations":[{"op":"replace","path":"shoeSize","value":"9"}]}`, nil, 400, "invalidPath"},
		{"patch no operations", "PATCH", "/scim/v2/Users/" + id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`, nil, 400, "invalidValue"},
		{"patch operations not array", "PATCH", "/scim/v2/Users/" + id, `{"Operations":{}}`, nil, 400, ""},
		{"patch bad op", "PATCH", "/scim/v2/Users/" + id, `{"Operations":[{"op":"delete","path":"active"}]}`, nil, 400, "invalidSyntax"},
		{"group patch bad path", "PATCH", "/scim/v2/Groups/" + gid, `{"Operations":[{"op":"remove","path":"members[value eq"}]}`, nil, 400, "invalidPath"},
		{"oversized body", "POST", "/scim/v2/Users", big, nil, 413, ""},
		{"oversized chunked body", "POST", "/scim/v2/Users", big, []string{"Content-Length: -1"}, 413, ""},
		{"invalid filter", "GET", "/scim/v2/Users?filter=userName%20eq", "", nil, 400, "invalidFilter"},
		{"invalid filter op", "GET", "/scim/v2/Users?filter=userName%20xx%20%22a%22", "", nil, 400, "invalidFilter"},
		{"unknown filter attribute", "GET", "/scim/v2/Users?filter=shoeSize%20eq%20%229%22", "", nil, 400, "invalidFilter"},
		{"group invalid filter", "GET", "/scim/v2/Groups?filter=(displayName", "", nil, 400, "invalidFilter"},
		{"startIndex not integer", "GET", "/scim/v2/Users?startIndex=abc", "", nil, 400, "invalidValue"},
		{"count not integer", "GET", "/scim/v2/Groups?count=1.5", "", nil, 400, "invalidValue"},
		{"unknown id digits", "GET", "/scim/v2/Users/010101001010101011001010101011", "", nil, 404, ""},
		{"unknown id digits 2", "GET", "/scim/v2/Users/00919288221112222", "", nil, 404, ""},
		{"unknown id space", "GET", "/scim/v2/Users/a%20b", "", nil, 404, ""},
		{"unknown id unicode", "GET", "/scim/v2/Users/%C3%A9%E2%9C%93", "", nil, 404, ""},
		{"unknown id slash", "GET", "/scim/v2/Users/a%2Fb", "", nil, 404, ""},
		{"unknown uuid", "GET", "/scim/v2/Users/2819c223-7f76-453a-919d-413861904646", "", nil, 404, ""},
		{"unknown group", "GET", "/scim/v2/Groups/010101001010101011001010101011", "", nil, 404, ""},
		{"put unknown id", "PUT", "/scim/v2/Users/nope", `{"userName":"x"}`, nil, 404, ""},
		{"patch unknown group", "PATCH", "/scim/v2/Groups/nope", deactivate, nil, 404, ""},
		{"delete unknown group", "DELETE", "/scim/v2/Groups/nope", "", nil, 404, ""},
		{"unknown route", "GET", "/scim/v2/Widgets", "", nil, 404, ""},
		{"unknown root route", "GET", "/nope", "", nil, 404, ""},
		{"trailing slash", "GET", "/scim/v2/Users/", "", nil, 404, ""},
		{"wrong method users", "DELETE", "/scim/v2/Users", "", nil, 405, ""},
		{"wrong method user", "POST", "/scim/v2/Users/" + id, `{}`, nil, 405, ""},
		{"wrong method spc", "POST", "/scim/v2/ServiceProviderConfig", `{}`, nil, 405, ""},
		{"wrong method schemas", "PUT", "/scim/v2/Schemas", `{}`, nil, 405, ""},
		{"wrong method resource types", "DELETE", "/scim/v2/ResourceTypes", "", nil, 405, ""},
		{"text/plain body", "POST", "/scim/v2/Users", `{"userName":"t"}`, []string{"Content-Type: text/plain"}, 415, ""},
		{"form body", "PUT", "/scim/v2/Users/" + id, `userName=x`, []string{"Content-Type: application/x-www-form-urlencoded"}, 415, ""},
		{"no content type", "PATCH", "/scim/v2/Users/" + id, deactivate, []string{"Content-Type:"}, 415, ""},
		{"missing auth", "GET", "/scim/v2/Users", "", []string{"Authorization:"}, 401, ""},
		{"wrong token", "GET", "/scim/v2/Users", "", []string{"Authorization: Bearer wrong"}, 401, ""},
		{"non-token", "GET", "/scim/v2/Users", "", []string{"Authorization: non-token"}, 401, ""}, // SPEC24 #11
		{"bare token when not enabled", "GET", "/scim/v2/Users", "", []string{"Authorization: " + testToken}, 401, ""},
		{"empty bearer", "GET", "/scim/v2/Users", "", []string{"Authorization: Bearer "}, 401, ""},
		{"basic when not enabled", "GET", "/scim/v2/Users", "", []string{"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("a:b"))}, 401, ""},
		{"unknown scheme", "GET", "/scim/v2/Groups", "", []string{"Authorization: Token " + testToken}, 401, ""},
		{"auth before body checks", "POST", "/scim/v2/Users", big, []string{"Authorization: Bearer nope"}, 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.do(c.method, c.path, c.body, c.headers...)
			r.scimErr(t, c.code, c.scimType)
			switch c.code {
			case 401:
				if r.hdr.Get("WWW-Authenticate") != `Bearer realm="scim"` {
					t.Errorf("WWW-Authenticate %q", r.hdr.Get("WWW-Authenticate"))
				}
				if strings.Contains(r.raw, testToken) || strings.Contains(r.raw, "wrong") {
					t.Errorf("401 echoes the credential: %s", r.raw)
				}
			case 405:
				if r.hdr.Get("Allow") == "" {
					t.Error("405 without Allow")
				}
			}
		})
	}
	// The user is intact after all that.
	if r := ts.do("GET", "/scim/v2/Users/"+id, "").must(t, 200); r.str("userName") != "ada@example.com" || r.body["active"] != true {
		t.Fatalf("user changed by bad requests: %s", r.raw)
	}
}

func TestContentTypesAccepted(t *testing.T) {
	ts := newT(t)
	for i, ct := range []string{"application/scim+json", "application/scim+json; charset=utf-8", "application/json", "application/json; charset=UTF-8", "Application/JSON"} {
		ts.do("POST", "/scim/v2/Users", fmt.Sprintf(`{"userName":"ct%d"}`, i), "Content-Type: "+ct).must(t, 201)
	}
	// GET and DELETE bodies are ignored.
	id := ts.createUser("del@example.com", "")
	ts.do("GET", "/scim/v2/Users/"+id, `garbage`, "Content-Type: text/plain").must(t, 200)
	ts.do("DELETE", "/scim/v2/Users/"+id, `garbage`, "Content-Type: text/plain").must(t, 204)
}

func TestAuthModes(t *testing.T) {
	basic := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("okta:s3cret"))
	ts := newT(t, WithBareTokenAuth(true), WithBasicAuth("okta", "s3cret"), WithToken("second-token"))
	for _, h := range []string{
		"Authorization: Bearer " + testToken,
		"Authorization: bearer " + testToken,
		"Authorization: Bearer second-token",
		"Authorization: " + testToken, // OIN "Header" mode
		basic,
	} {
		ts.do("GET", "/scim/v2/Users?startIndex=1&count=2", "", h).must(t, 200)
	}
	for _, h := range []string{
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("okta:wrong")),
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("other:s3cret")),
		"Authorization: Basic !!!",
		"Authorization: wrong-bare",
	} {
		ts.do("GET", "/scim/v2/Users", "", h).scimErr(t, 401, "")
	}
	// Discovery is public.
	ts.do("GET", "/scim/v2/ServiceProviderConfig", "", "Authorization:").must(t, 200)
}

func TestTokenRevocationImmediate(t *testing.T) {
	ts := newT(t)
	ctx := context.Background()
	secret, info, err := ts.s.Tokens().Create(ctx, "okta-prod")
	if err != nil {
		t.Fatal(err)
	}
	auth := "Authorization: Bearer " + secret
	ts.do("GET", "/scim/v2/Users", "", auth).must(t, 200)
	list, err := ts.s.Tokens().List(ctx)
	if err != nil || len(list) != 2 || list[1].Label != "okta-prod" || list[1].Revoked() {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := ts.s.Tokens().Revoke(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	ts.do("GET", "/scim/v2/Users", "", auth).scimErr(t, 401, "")
	ts.do("GET", "/scim/v2/Users", "").must(t, 200) // the other token still works
	if err := ts.s.Tokens().Revoke(ctx, "tok_nope"); err == nil {
		t.Fatal("revoking an unknown id succeeded")
	}
}

// TestTokenRevokedElsewhere: a revocation made by another process on the
// same database (here: straight in the store, past the manager) is
// honoured once the cache's time to live has passed, and at once with no
// cache.
func TestTokenRevokedElsewhere(t *testing.T) {
	ctx := context.Background()
	for _, ttl := range []time.Duration{0, 200 * time.Millisecond} {
		t.Run(ttl.String(), func(t *testing.T) {
			ts := newT(t, WithTokenCacheTTL(ttl))
			secret, info, err := ts.s.Tokens().Create(ctx, "okta-prod")
			if err != nil {
				t.Fatal(err)
			}
			auth := "Authorization: Bearer " + secret
			ts.do("GET", "/scim/v2/Users", "", auth).must(t, 200)
			revoked := time.Now()
			if err := ts.s.Store().RevokeToken(ctx, info.ID); err != nil {
				t.Fatal(err)
			}
			if ttl > 0 {
				// Trusted from the cache until the time to live has passed.
				if r := ts.do("GET", "/scim/v2/Users", "", auth); r.code != 200 && time.Since(revoked) < ttl {
					t.Fatalf("cached token refused after %v: %d", time.Since(revoked), r.code)
				}
				time.Sleep(ttl)
			}
			ts.do("GET", "/scim/v2/Users", "", auth).scimErr(t, 401, "")
			ts.do("GET", "/scim/v2/Users", "").must(t, 200) // the other token still works
		})
	}
}

// TestTokenCacheBounded: the cache keeps valid tokens only, and starts
// afresh when full instead of growing.
func TestTokenCacheBounded(t *testing.T) {
	c := &tokenCache{ttl: time.Minute}
	now := time.Now()
	for i := range maxCachedTokens + 10 {
		c.put(sha256.Sum256([]byte(fmt.Sprint(i))), fmt.Sprint(i), now)
	}
	if n := len(c.m); n > maxCachedTokens {
		t.Fatalf("cache holds %d tokens, bound %d", n, maxCachedTokens)
	}
	last := sha256.Sum256([]byte(fmt.Sprint(maxCachedTokens + 9)))
	if id, ok := c.get(last, now); !ok || id != fmt.Sprint(maxCachedTokens+9) {
		t.Fatalf("newest token not cached: %q %v", id, ok)
	}
	if _, ok := c.get(last, now.Add(time.Minute)); ok {
		t.Fatal("token trusted past its time to live")
	}
	c.clear()
	if _, ok := c.get(last, now); ok {
		t.Fatal("token trusted after clear")
	}
}

func TestRateLimit(t *testing.T) {
	ts := newT(t, WithRateLimit(2))
	codes := map[int]int{}
	var last resp
	for range 6 {
		r := ts.do("GET", "/scim/v2/Users", "")
		codes[r.code]++
		if r.code == 429 {
			last = r
		}
	}
	if codes[200] < 2 || codes[429] == 0 {
		t.Fatalf("codes %v", codes)
	}
	last.scimErr(t, 429, "")
	if ra := last.hdr.Get("Retry-After"); ra != "1" {
		t.Fatalf("Retry-After %q, want integer seconds", ra)
	}
	// A slow limit gives a longer integer wait, and refills with time.
	l := newRateLimiter(0.5)
	now := time.Now()
	if _, ok := l.allow("k", now); !ok {
		t.Fatal("first request refused")
	}
	if wait, ok := l.allow("k", now); ok || wait != 2 {
		t.Fatalf("second request: wait %d ok %v, want 2 false", wait, ok)
	}
	if _, ok := l.allow("other", now); !ok {
		t.Fatal("limit is not per credential")
	}
	if _, ok := l.allow("k", now.Add(2*time.Second)); !ok {
		t.Fatal("bucket did not refill")
	}
}
