package sso_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference/sso"
)

func TestIdPInitiatedRoundTrip(t *testing.T) {
	e := newEnv(t, false)
	c := e.client()
	r, body := e.post(c, e.response(ada))
	if ok, why := signedIn.Evaluate(r); !ok {
		t.Fatalf("not signed in: %s; body %q", why, body)
	}
	ck := sessionCookie(t, r)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/sso/" {
		t.Errorf("cookie flags: %+v", ck)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(ck.Value); err != nil || len(raw) != 32 {
		t.Errorf("session id is not 32 random bytes: %q", ck.Value)
	}
	page := string(fetch(t, c, e.sp.AppURL()))
	if !strings.Contains(page, "Ada@Example.com") || !strings.Contains(page, "Ada Lovelace") {
		t.Errorf("signed-in page does not name the user: %s", page)
	}
	// Sign out clears the cookie and the session.
	lr, err := c.Post(e.srv.URL+"/sso/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	lr.Body.Close()
	ar, err := c.Get(e.sp.AppURL())
	if err != nil {
		t.Fatal(err)
	}
	ar.Body.Close()
	if ar.StatusCode != http.StatusUnauthorized {
		t.Errorf("after sign-out /app = %d, want 401", ar.StatusCode)
	}
	// The old session id is dead even if a client kept it.
	req, _ := http.NewRequest(http.MethodGet, e.sp.AppURL(), nil)
	req.AddCookie(&http.Cookie{Name: sso.SessionCookie, Value: ck.Value})
	old, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	old.Body.Close()
	if old.StatusCode != http.StatusUnauthorized {
		t.Errorf("old session after sign-out = %d, want 401", old.StatusCode)
	}
}

// TestSigningModes: Okta may sign the assertion, the response or both; each
// is accepted, and tampering is caught in each.
func TestSigningModes(t *testing.T) {
	e := newEnv(t, false)
	for _, m := range []struct{ assertion, response bool }{{true, true}, {true, false}, {false, true}} {
		resp := e.response(ada, samlidp.WithSigning(m.assertion, m.response))
		if _, _, err := e.sp.Accept(context.Background(), resp); err != nil {
			t.Errorf("assertion signed %v, response signed %v: refused: %v", m.assertion, m.response, err)
		}
		raw, _ := base64.StdEncoding.DecodeString(resp)
		bad := bytes.Replace(raw, []byte(">"+ada.Email+"<"), []byte(">"+grace.Email+"<"), 1)
		if bytes.Equal(bad, raw) {
			t.Fatal("tamper did not apply")
		}
		_, _, err := e.sp.Accept(context.Background(), base64.StdEncoding.EncodeToString(bad))
		if !errors.Is(err, sso.ErrSignature) {
			t.Errorf("assertion signed %v, response signed %v: tampered: %v, want ErrSignature", m.assertion, m.response, err)
		}
	}
	_, _, err := e.sp.Accept(context.Background(), e.response(ada, samlidp.WithSigning(false, false)))
	if !errors.Is(err, sso.ErrUnsigned) {
		t.Errorf("nothing signed: %v", err)
	}
}

func TestSecureCookieOverTLS(t *testing.T) {
	e := newEnv(t, true)
	r, body := e.post(e.client(), e.response(ada))
	if ok, why := signedIn.Evaluate(r); !ok {
		t.Fatalf("not signed in: %s; %s", why, body)
	}
	if ck := sessionCookie(t, r); !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie over TLS: %+v", ck)
	}
}

var inputRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
var actionRE = regexp.MustCompile(`<form method="post" action="([^"]+)">`)

// TestSPInitiatedRedirectBinding drives the whole browser flow: /sso/login
// redirects to the IdP with a deflated AuthnRequest, the IdP (a person is
// signed in there) answers with an auto-submitting form, the form posts to
// the ACS.
func TestSPInitiatedRedirectBinding(t *testing.T) {
	e := newEnv(t, false)
	e.idp.SetSession(&ada)
	t.Cleanup(func() { e.idp.SetSession(nil) })
	c := e.client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	lr, err := c.Get(e.sp.LoginURL())
	if err != nil {
		t.Fatal(err)
	}
	lr.Body.Close()
	loc := lr.Header.Get("Location")
	if lr.StatusCode != http.StatusFound || !strings.HasPrefix(loc, e.idpS.URL+"/idp/sso?SAMLRequest=") {
		t.Fatalf("login: %d %q", lr.StatusCode, loc)
	}
	areq, err := samlidp.AuthnRequestFromURL(loc)
	if err != nil {
		t.Fatal(err)
	}
	if areq.Issuer != e.sp.EntityID() || areq.ACSURL != e.sp.ACSURL() || areq.ID == "" {
		t.Fatalf("authn request: %+v", areq)
	}
	ir, err := c.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	form, _ := io.ReadAll(ir.Body)
	ir.Body.Close()
	act := actionRE.FindStringSubmatch(string(form))
	if act == nil || html.UnescapeString(act[1]) != e.sp.ACSURL() {
		t.Fatalf("IdP form: %s", form)
	}
	vals := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(string(form), -1) {
		vals.Set(m[1], html.UnescapeString(m[2]))
	}
	raw, _ := base64.StdEncoding.DecodeString(vals.Get("SAMLResponse"))
	if !bytes.Contains(raw, []byte(`InResponseTo="`+areq.ID+`"`)) {
		t.Fatalf("response does not answer %s", areq.ID)
	}
	r, body := e.post(c, vals.Get("SAMLResponse"))
	if ok, why := signedIn.Evaluate(r); !ok {
		t.Fatalf("not signed in: %s; %s", why, body)
	}
	// The request ID is used up: answering it again is refused.
	r2, _ := e.post(e.client(), e.response(ada, samlidp.WithInResponseTo(areq.ID)))
	if r2.StatusCode != http.StatusBadRequest {
		t.Errorf("second answer to the same request = %d, want 400", r2.StatusCode)
	}
}

func TestSPInitiatedDirect(t *testing.T) {
	e := newEnv(t, false, func(c *sso.Config) { c.DisableIdPInitiated = true })
	u, id, err := e.sp.AuthnRequestURL("")
	if err != nil || id == "" || u == "" {
		t.Fatal(u, id, err)
	}
	if _, _, err := e.sp.Accept(context.Background(), e.response(ada, samlidp.WithInResponseTo(id))); err != nil {
		t.Fatalf("solicited response refused: %v", err)
	}
	_, _, err = e.sp.Accept(context.Background(), e.response(ada))
	if !errors.Is(err, sso.ErrInResponseTo) {
		t.Fatalf("unsolicited with IdP-initiated disabled: %v, want ErrInResponseTo", err)
	}
}

func TestUserLifecycle(t *testing.T) {
	e := newEnv(t, false)
	t.Run("unknown", func(t *testing.T) {
		resp := e.response(samlidp.User{Email: "nobody@example.com"})
		r, body := e.post(e.client(), resp)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(body, sso.ErrUnknownUser.Error()) {
			t.Fatalf("%d %q", r.StatusCode, body)
		}
		assertNotLogged(t, e.logs.String(), resp)
	})
	t.Run("case-insensitive NameID", func(t *testing.T) {
		r, body := e.post(e.client(), e.response(samlidp.User{Email: "ADA@EXAMPLE.COM"}))
		if ok, why := signedIn.Evaluate(r); !ok {
			t.Fatalf("%s %q", why, body)
		}
	})
	t.Run("inactive, then reactivated", func(t *testing.T) {
		c := e.client()
		r, _ := e.post(c, e.response(grace))
		if ok, why := signedIn.Evaluate(r); !ok {
			t.Fatal(why)
		}
		e.dir.put(sso.DirectoryUser{ID: "2", UserName: grace.Email, Active: false})
		// The open session ends too.
		ar, err := c.Get(e.sp.AppURL())
		if err != nil {
			t.Fatal(err)
		}
		ar.Body.Close()
		if ar.StatusCode != http.StatusForbidden {
			t.Errorf("/app for a deactivated user = %d, want 403", ar.StatusCode)
		}
		r, body := e.post(e.client(), e.response(grace))
		if r.StatusCode != http.StatusForbidden || !strings.Contains(body, sso.ErrInactiveUser.Error()) {
			t.Fatalf("inactive: %d %q", r.StatusCode, body)
		}
		e.dir.put(sso.DirectoryUser{ID: "2", UserName: grace.Email, Active: true})
		r, _ = e.post(e.client(), e.response(grace))
		if ok, why := signedIn.Evaluate(r); !ok {
			t.Fatalf("reactivated: %s", why)
		}
	})
}

func TestJIT(t *testing.T) {
	var created []sso.Identity
	e := newEnv(t, false, func(c *sso.Config) {
		c.JIT = func(_ context.Context, id sso.Identity) (sso.DirectoryUser, error) {
			created = append(created, id)
			return sso.DirectoryUser{UserName: id.NameID, GivenName: id.FirstName, Active: true}, nil
		}
	})
	r, body := e.post(e.client(), e.response(samlidp.User{Email: "new@example.com", FirstName: "Nu", LastName: "User"}))
	if ok, why := signedIn.Evaluate(r); !ok {
		t.Fatalf("%s %q", why, body)
	}
	if len(created) != 1 || created[0].Email != "new@example.com" || created[0].FirstName != "Nu" || created[0].LastName != "User" {
		t.Fatalf("JIT got %+v", created)
	}
}

// TestClockSkew: the IdP's clock 90 s ahead or behind is tolerated with the
// default 2 min skew and refused with 30 s, both ways.
func TestClockSkew(t *testing.T) {
	e := newEnv(t, false)
	tight := newEnv(t, false, func(c *sso.Config) { c.ClockSkew = 30 * time.Second })
	now := e.clk.Now()
	cases := []struct {
		name   string
		issued time.Time
		tight  error
	}{
		// NotBefore = issued-30s = now+60s.
		{"IdP ahead", now.Add(90 * time.Second), sso.ErrNotYetValid},
		// NotOnOrAfter = issued+5m = now-90s.
		{"IdP behind", now.Add(-5*time.Minute - 90*time.Second), sso.ErrExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := e.response(ada, samlidp.WithIssueInstant(c.issued))
			if _, _, err := e.sp.Accept(context.Background(), resp); err != nil {
				t.Errorf("default skew refused: %v", err)
			}
			resp = tight.response(ada, samlidp.WithIssueInstant(c.issued))
			if _, _, err := tight.sp.Accept(context.Background(), resp); !errors.Is(err, c.tight) {
				t.Errorf("30s skew: %v, want %v", err, c.tight)
			}
		})
	}
}

func TestMetadataAndRoutes(t *testing.T) {
	e := newEnv(t, false)
	md := string(fetch(t, http.DefaultClient, e.srv.URL+"/sso/metadata"))
	for _, s := range []string{`entityID="` + e.sp.EntityID() + `"`, `Location="` + e.sp.ACSURL() + `"`, "HTTP-POST"} {
		if !strings.Contains(md, s) {
			t.Errorf("metadata lacks %s: %s", s, md)
		}
	}
	for _, tc := range []struct {
		method, path string
		status       int
	}{{"GET", "/sso/acs", 405}, {"GET", "/sso/nope", 404}, {"GET", "/sso/app", 401}} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, nil)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != tc.status {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, r.StatusCode, tc.status)
		}
	}
	r, body := e.post(e.client(), "not base64!")
	if r.StatusCode != 400 || !strings.Contains(body, sso.ErrMalformed.Error()) {
		t.Errorf("garbage: %d %q", r.StatusCode, body)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	d := &fakeDir{users: map[string]sso.DirectoryUser{}}
	for name, cfg := range map[string]sso.Config{
		"no base":     {IdPMetadata: []byte("<x/>")},
		"no metadata": {BaseURL: "http://127.0.0.1/sso"},
		"bad xml":     {BaseURL: "http://127.0.0.1/sso", IdPMetadata: []byte("<x/>")},
		"no file":     {BaseURL: "http://127.0.0.1/sso", IdPMetadataURL: t.TempDir() + "/missing.xml"},
	} {
		if _, err := sso.New(cfg, d); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

func TestMetadataFromFile(t *testing.T) {
	e := newEnv(t, false)
	path := t.TempDir() + "/idp.xml"
	if err := os.WriteFile(path, fetch(t, http.DefaultClient, e.idpS.URL+"/idp/metadata"), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := sso.New(sso.Config{IdPMetadataURL: path, BaseURL: e.srv.URL + "/sso", Now: e.clk.Now}, e.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sp.Accept(context.Background(), e.response(ada)); err != nil {
		t.Fatalf("SP from a metadata file refused: %v", err)
	}
}

// BenchmarkAccept measures one full verification (two RSA-2048 signature
// checks, conditions, replay cache, directory lookup).
func BenchmarkAccept(b *testing.B) {
	e := newEnv(b, false)
	resps := make([]string, b.N)
	for i := range resps {
		r, err := e.idp.Response(e.spDesc(), ada)
		if err != nil {
			b.Fatal(err)
		}
		resps[i] = r
	}
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := e.sp.Accept(context.Background(), resps[i]); err != nil {
			b.Fatal(err)
		}
	}
}
