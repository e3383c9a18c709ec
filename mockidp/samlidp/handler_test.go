package samlidp_test

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/samlidp"
)

func authnRequestXML(id, issuer, acs string) string {
	return fmt.Sprintf(`<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" AssertionConsumerServiceURL="%s"><saml:Issuer>%s</saml:Issuer></samlp:AuthnRequest>`, id, acs, issuer)
}

func deflate(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.DefaultCompression)
	_, _ = io.WriteString(w, s)
	_ = w.Close()
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func body(t *testing.T, r *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func get(t *testing.T, u string) string {
	t.Helper()
	r, err := http.Get(u)
	return body(t, r, err)
}

func postForm(t *testing.T, u string, v url.Values) string {
	t.Helper()
	r, err := http.PostForm(u, v)
	return body(t, r, err)
}

func TestHandler(t *testing.T) {
	idp := testIdP(t)
	srv := httptest.NewServer(idp.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { idp.SetSession(nil) })

	t.Run("metadata", func(t *testing.T) {
		md := get(t, srv.URL+"/metadata")
		for _, s := range []string{`entityID="` + idp.EntityID() + `"`, samlidp.BindingRedirect, samlidp.BindingPOST,
			"https://idp.example.test/sso", "X509Certificate", samlidp.NameIDFormatEmail} {
			if !strings.Contains(md, s) {
				t.Errorf("metadata lacks %q", s)
			}
		}
	})
	t.Run("redirect binding, no session: pick a user", func(t *testing.T) {
		idp.SetSession(nil)
		q := url.Values{"SAMLRequest": {deflate(t, authnRequestXML("id-r1", spEntity, spACS))}, "RelayState": {"rs"}}
		page := get(t, srv.URL+"/sso?"+q.Encode())
		if !strings.Contains(page, `name="request_id" value="id-r1"`) || !strings.Contains(page, `name="email"`) {
			t.Fatalf("no pick-a-user form: %s", page)
		}
		got, ok := idp.LastAuthnRequest()
		if !ok || got.ID != "id-r1" || got.Issuer != spEntity || got.RelayState != "rs" || got.Binding != samlidp.BindingRedirect {
			t.Errorf("last request %+v", got)
		}
		// Submitting the form answers the request.
		form := url.Values{"pick": {"1"}, "request_id": {"id-r1"}, "sp": {spEntity}, "acs": {spACS},
			"RelayState": {"rs"}, "email": {"ada@example.com"}}
		out := postForm(t, srv.URL+"/sso", form)
		resp := field(t, out, "SAMLResponse")
		if !strings.Contains(string(decode(t, resp)), `InResponseTo="id-r1"`) || field(t, out, "RelayState") != "rs" {
			t.Errorf("picked answer wrong: %s", out)
		}
	})
	t.Run("POST binding with session", func(t *testing.T) {
		idp.SetSession(&samlidp.User{Email: "ada@example.com"})
		form := url.Values{"SAMLRequest": {base64.StdEncoding.EncodeToString([]byte(authnRequestXML("id-p1", spEntity, spACS)))}}
		out := postForm(t, srv.URL+"/sso", form)
		if !strings.Contains(out, `action="`+spACS+`"`) {
			t.Fatalf("no form to the ACS: %s", out)
		}
		raw := string(decode(t, field(t, out, "SAMLResponse")))
		if !strings.Contains(raw, `InResponseTo="id-p1"`) || !strings.Contains(raw, "ada@example.com") {
			t.Errorf("response: %s", raw)
		}
	})
	t.Run("unknown SP and foreign ACS refused", func(t *testing.T) {
		for _, x := range []string{authnRequestXML("id-x", "https://evil.test", spACS), authnRequestXML("id-y", spEntity, "https://evil.test/acs")} {
			r, err := http.Get(srv.URL + "/sso?" + url.Values{"SAMLRequest": {deflate(t, x)}}.Encode())
			if b := body(t, r, err); r.StatusCode != http.StatusBadRequest {
				t.Errorf("%d %s", r.StatusCode, b)
			}
		}
	})
	t.Run("IdP-initiated page and attack", func(t *testing.T) {
		page := get(t, srv.URL+"/")
		if !strings.Contains(page, spEntity) || !strings.Contains(page, string(samlidp.Tampered)) {
			t.Fatalf("index page: %s", page)
		}
		out := postForm(t, srv.URL+"/initiate", url.Values{"sp": {spEntity}, "email": {"ada@example.com"}, "attack": {"unsigned"}})
		raw := string(decode(t, field(t, out, "SAMLResponse")))
		if strings.Contains(raw, "SignatureValue") || strings.Contains(raw, "InResponseTo") {
			t.Errorf("unsigned IdP-initiated response expected: %s", raw)
		}
	})
}

// field extracts a hidden input's value from the auto-submitting form.
func field(t *testing.T, page, name string) string {
	t.Helper()
	marker := `name="` + name + `" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("no field %s in %s", name, page)
	}
	rest := page[i+len(marker):]
	v := rest[:strings.Index(rest, `"`)]
	return html.UnescapeString(v)
}

func TestNewIdPConfig(t *testing.T) {
	idp, err := samlidp.NewIdP(samlidp.IdPConfig{Key: testIdPKey(t), Cert: testIdP(t).Certificate()})
	if err == nil {
		t.Fatalf("a certificate for another key was accepted: %v", idp.EntityID())
	}
	if _, err := samlidp.NewIdP(samlidp.IdPConfig{Cert: testIdP(t).Certificate()}); err == nil {
		t.Fatal("a certificate without a key was accepted")
	}
	same, err := samlidp.NewIdP(samlidp.IdPConfig{Key: testIdPKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := same.Metadata(); err == nil {
		t.Error("Metadata without SSOURL succeeded")
	}
	if !strings.HasPrefix(same.EntityID(), "http://www.okta.com/exk") {
		t.Errorf("generated entity ID %q", same.EntityID())
	}
	if !strings.Contains(string(same.CertificatePEM()), "BEGIN CERTIFICATE") {
		t.Error("no PEM")
	}
}

func TestSuccessCheck(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "https://app.test/sso/acs", nil)
	mk := func(status int, loc string, cookies ...string) *http.Response {
		h := http.Header{}
		if loc != "" {
			h.Set("Location", loc)
		}
		for _, c := range cookies {
			h.Add("Set-Cookie", c)
		}
		return &http.Response{StatusCode: status, Header: h, Request: req}
	}
	cases := []struct {
		name  string
		check samlidp.SuccessCheck
		resp  *http.Response
		want  bool
	}{
		{"zero check, 302", samlidp.SuccessCheck{}, mk(302, "/app"), true},
		{"zero check, 403", samlidp.SuccessCheck{}, mk(403, ""), false},
		{"status mismatch", samlidp.SuccessCheck{Status: 303}, mk(302, "/app"), false},
		{"relative prefix, absolute Location", samlidp.SuccessCheck{LocationPrefix: "/app"}, mk(303, "https://app.test/app/home"), true},
		{"absolute prefix, relative Location", samlidp.SuccessCheck{LocationPrefix: "https://app.test/app"}, mk(303, "/app/home"), true},
		{"wrong Location", samlidp.SuccessCheck{LocationPrefix: "/app"}, mk(303, "/login?error=1"), false},
		{"no Location", samlidp.SuccessCheck{LocationPrefix: "/app"}, mk(200, ""), false},
		{"cookie set", samlidp.SuccessCheck{Cookie: "sid"}, mk(303, "/app", "sid=abc; Path=/; HttpOnly"), true},
		{"cookie deleted", samlidp.SuccessCheck{Cookie: "sid"}, mk(303, "/app", "sid=abc; Max-Age=0"), false},
		{"cookie expired", samlidp.SuccessCheck{Cookie: "sid"}, mk(303, "/app", "sid=abc; Expires="+time.Unix(0, 0).UTC().Format(http.TimeFormat)), false},
		{"other cookie", samlidp.SuccessCheck{Cookie: "sid"}, mk(303, "/app", "x=1"), false},
	}
	for _, c := range cases {
		ok, why := c.check.Evaluate(c.resp)
		if ok != c.want || why == "" {
			t.Errorf("%s: got %v (%s), want %v", c.name, ok, why, c.want)
		}
	}
	if ok, _ := (samlidp.SuccessCheck{}).Evaluate(nil); ok {
		t.Error("nil response passed")
	}
}

func TestSignInDoesNotFollowRedirects(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/acs" {
			_ = r.ParseForm()
			got = r.PostForm
			http.Redirect(w, r, "/app", http.StatusSeeOther)
			return
		}
		t.Errorf("redirect followed to %s", r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	r, err := samlidp.SignInWithRelayState(context.Background(), srv.Client(), srv.URL+"/acs", "b64+/=", "rs")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || got.Get("SAMLResponse") != "b64+/=" || got.Get("RelayState") != "rs" {
		t.Errorf("status %d, form %v", r.StatusCode, got)
	}
}

var keyOnce struct {
	sync.Once
	k *rsa.PrivateKey
}

func testIdPKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() { keyOnce.k, _ = rsa.GenerateKey(rand.Reader, 2048) })
	if keyOnce.k == nil {
		t.Fatal("key generation failed")
	}
	return keyOnce.k
}
