package sso_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference/sso"
)

// fakeDir is a hand-written user directory, keyed by lower-cased userName.
type fakeDir struct {
	mu    sync.Mutex
	users map[string]sso.DirectoryUser
}

func (d *fakeDir) UserByUserName(_ context.Context, userName string) (sso.DirectoryUser, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[strings.ToLower(userName)]
	return u, ok, nil
}

func (d *fakeDir) put(u sso.DirectoryUser) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.users[strings.ToLower(u.UserName)] = u
}

// clock is a settable clock shared by the IdP and the SP.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var (
	ada   = samlidp.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}
	grace = samlidp.User{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper"}
)

// sharedIdP is made once: 2048-bit key generation costs a few hundred ms.
var (
	idpOnce   sync.Once
	idpShared *samlidp.IdP
	idpClock  = &clock{t: time.Now()}
	idpErr    error
)

type env struct {
	t    testing.TB
	idp  *samlidp.IdP
	sp   *sso.SP
	srv  *httptest.Server
	idpS *httptest.Server
	dir  *fakeDir
	clk  *clock
	logs *syncBuffer
}

type envOpt func(*sso.Config)

func newEnv(t testing.TB, tls bool, opts ...envOpt) *env {
	t.Helper()
	idpOnce.Do(func() {
		idpShared, idpErr = samlidp.NewIdP(samlidp.IdPConfig{Now: idpClock.Now})
	})
	if idpErr != nil {
		t.Fatal(idpErr)
	}
	e := &env{t: t, idp: idpShared, clk: idpClock, logs: &syncBuffer{},
		dir: &fakeDir{users: map[string]sso.DirectoryUser{}}}
	e.dir.put(sso.DirectoryUser{ID: "1", UserName: "Ada@Example.com", Email: ada.Email, GivenName: "Ada", FamilyName: "Lovelace", Active: true})
	e.dir.put(sso.DirectoryUser{ID: "2", UserName: grace.Email, Email: grace.Email, GivenName: "Grace", FamilyName: "Hopper", Active: true})

	e.idpS = httptest.NewServer(http.StripPrefix("/idp", e.idp.Handler()))
	t.Cleanup(e.idpS.Close)
	e.srv = httptest.NewUnstartedServer(nil)
	scheme := "http"
	if tls {
		scheme = "https"
	}
	base := scheme + "://" + e.srv.Listener.Addr().String() + "/sso"
	md := fetch(t, http.DefaultClient, e.idpS.URL+"/idp/metadata")
	cfg := sso.Config{IdPMetadata: md, BaseURL: base, Now: e.clk.Now,
		Logger: slog.New(slog.NewTextHandler(e.logs, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	sp, err := sso.New(cfg, e.dir)
	if err != nil {
		t.Fatal(err)
	}
	e.sp = sp
	mux := http.NewServeMux()
	mux.Handle("/sso/", sp)
	e.srv.Config.Handler = mux
	if tls {
		e.srv.StartTLS()
	} else {
		e.srv.Start()
	}
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) spDesc() samlidp.SP {
	return samlidp.SP{EntityID: e.sp.EntityID(), ACSURL: e.sp.ACSURL()}
}

func (e *env) client() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	c := *e.srv.Client()
	c.Jar = jar
	return &c
}

func (e *env) response(u samlidp.User, opts ...samlidp.ResponseOption) string {
	e.t.Helper()
	r, err := e.idp.Response(e.spDesc(), u, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) post(c *http.Client, resp string) (*http.Response, string) {
	e.t.Helper()
	r, err := samlidp.SignIn(context.Background(), c, e.sp.ACSURL(), resp)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r, string(b)
}

func fetch(t testing.TB, c *http.Client, u string) []byte {
	t.Helper()
	r, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, r.StatusCode, b)
	}
	return b
}

var signedIn = samlidp.SuccessCheck{Status: http.StatusSeeOther, LocationPrefix: "/sso/app", Cookie: sso.SessionCookie}

func sessionCookie(t *testing.T, r *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range r.Cookies() {
		if c.Name == sso.SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", sso.SessionCookie, r.Header.Values("Set-Cookie"))
	return nil
}

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

func TestHostileResponsesRefused(t *testing.T) {
	want := map[samlidp.Attack]error{
		samlidp.Unsigned:          sso.ErrUnsigned,
		samlidp.ForeignKey:        sso.ErrUntrustedCert,
		samlidp.Expired:           sso.ErrExpired,
		samlidp.NotYetValid:       sso.ErrNotYetValid,
		samlidp.WrongAudience:     sso.ErrAudience,
		samlidp.WrongRecipient:    sso.ErrRecipient,
		samlidp.WrongInResponseTo: sso.ErrInResponseTo,
		samlidp.Tampered:          sso.ErrSignature,
		samlidp.SignatureWrapping: sso.ErrWrapping,
		samlidp.WrongIssuer:       sso.ErrIssuer,
	}
	if len(want) != len(samlidp.Attacks()) {
		t.Fatalf("a new attack needs a test: %v", samlidp.Attacks())
	}
	e := newEnv(t, false)
	for _, a := range samlidp.Attacks() {
		t.Run(string(a), func(t *testing.T) {
			// The attacker holds a response for Ada and tries to become Grace
			// where the variant allows it.
			resp := e.response(ada, samlidp.WithAttack(a), samlidp.WithTarget(grace))
			before := len(e.logs.String())
			r, body := e.post(e.client(), resp)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %q", r.StatusCode, body)
			}
			if !strings.Contains(body, want[a].Error()) {
				t.Errorf("body %q does not state %q", body, want[a])
			}
			if ck := r.Cookies(); len(ck) != 0 {
				t.Errorf("refusal set cookies: %v", ck)
			}
			logged := e.logs.String()[before:]
			if !strings.Contains(logged, "reason="+sso.ReasonCode(want[a])) {
				t.Errorf("log %q lacks reason %s", logged, sso.ReasonCode(want[a]))
			}
			assertNotLogged(t, logged, resp)
			// The same reason through the API.
			_, _, err := e.sp.Accept(context.Background(), e.response(ada, samlidp.WithAttack(a), samlidp.WithTarget(grace)))
			if !errors.Is(err, want[a]) {
				t.Errorf("Accept: %v, want %v", err, want[a])
			}
			if a == samlidp.Tampered && errors.Is(err, sso.ErrUntrustedCert) {
				t.Errorf("tampered reported as untrusted cert: %v", err)
			}
		})
	}
}

// assertNotLogged fails if the log holds the response or any XML of it.
func assertNotLogged(t *testing.T, logged, resp string) {
	t.Helper()
	if strings.Contains(logged, "<") || strings.Contains(logged, "Assertion") {
		t.Errorf("log holds XML: %q", logged)
	}
	raw, _ := base64.StdEncoding.DecodeString(resp)
	for i := 0; i+48 <= len(resp); i += 24 {
		if strings.Contains(logged, resp[i:i+48]) {
			t.Fatalf("log holds part of the SAMLResponse: %q", logged)
		}
	}
	if m := regexp.MustCompile(`SignatureValue>([^<]{40})`).FindSubmatch(raw); m != nil && strings.Contains(logged, string(m[1])) {
		t.Fatalf("log holds the signature value")
	}
}

func TestReplayRefused(t *testing.T) {
	e := newEnv(t, false)
	resp := e.response(ada)
	r1, _ := e.post(e.client(), resp)
	if ok, why := signedIn.Evaluate(r1); !ok {
		t.Fatal(why)
	}
	r2, body := e.post(e.client(), resp)
	if r2.StatusCode != http.StatusBadRequest || !strings.Contains(body, sso.ErrReplay.Error()) {
		t.Fatalf("replay: %d %q", r2.StatusCode, body)
	}
	assertNotLogged(t, e.logs.String(), resp)
	_, _, err := e.sp.Accept(context.Background(), resp)
	if !errors.Is(err, sso.ErrReplay) {
		t.Fatalf("Accept replay: %v", err)
	}
}

// TestReplayAfterExpiry: once the assertion's window and the skew have
// passed, its ID may be forgotten because the assertion is refused as
// expired anyway.
func TestReplayAfterExpiry(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := newEnv(t, false, func(c *sso.Config) { c.Now = clk.Now })
	resp := e.response(ada, samlidp.WithIssueInstant(clk.Now()))
	if _, _, err := e.sp.Accept(context.Background(), resp); err != nil {
		t.Fatal(err)
	}
	clk.add(5*time.Minute + 2*time.Minute + time.Second)
	if _, _, err := e.sp.Accept(context.Background(), resp); !errors.Is(err, sso.ErrExpired) {
		t.Fatalf("old replay: %v, want ErrExpired", err)
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
