package sso_test

// The SP test environment: a fake directory, a settable clock, the mock
// IdP and the SP under test behind httptest servers.

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
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
