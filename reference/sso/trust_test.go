package sso_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference/sso"
)

// TestTrustByCertificate: an SP configured with the IdP's certificate,
// entity ID and sign-on URL (no metadata) signs in a person from that IdP,
// refuses a response signed by another key, and sends SP-initiated
// sign-ins to the configured URL.
func TestTrustByCertificate(t *testing.T) {
	e := newEnv(t, false, func(c *sso.Config) {
		c.IdPMetadata = nil
		c.IdPCerts = []*x509.Certificate{idpShared.Certificate()}
		c.IdPEntityID = idpShared.EntityID()
		c.IdPSSOURL = "http://127.0.0.1:8090/sso"
	})
	if got := e.sp.IdPEntityID(); got != idpShared.EntityID() {
		t.Errorf("IdPEntityID = %q", got)
	}
	r, body := e.post(e.client(), e.response(ada))
	if ok, why := signedIn.Evaluate(r); !ok {
		t.Fatalf("trusted IdP refused: %s %s", why, body)
	}
	for _, a := range []samlidp.Attack{samlidp.ForeignKey, samlidp.WrongIssuer} {
		if r, _ := e.post(e.client(), e.response(grace, samlidp.WithAttack(a))); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want a refusal", a, r.StatusCode)
		}
	}
	if u, _, err := e.sp.AuthnRequestURL(""); err != nil || !strings.HasPrefix(u, "http://127.0.0.1:8090/sso?") {
		t.Errorf("AuthnRequestURL = %q, %v", u, err)
	}
}

// TestTrustConfigErrors: the two ways to trust an IdP exclude each other,
// and the certificate form needs its entity ID and an absolute sign-on URL.
func TestTrustConfigErrors(t *testing.T) {
	e := newEnv(t, false)
	cert := []*x509.Certificate{idpShared.Certificate()}
	for name, tc := range map[string]struct {
		cfg  sso.Config
		want string
	}{
		"both":        {sso.Config{IdPMetadataURL: "md.xml", IdPCerts: cert, IdPEntityID: "x", IdPSSOURL: "http://i/sso"}, "not both"},
		"no entity":   {sso.Config{IdPCerts: cert, IdPSSOURL: "http://i/sso"}, "needs IdPEntityID"},
		"bad sso url": {sso.Config{IdPCerts: cert, IdPEntityID: "x", IdPSSOURL: "/sso"}, "absolute http(s) URL"},
		"entity only": {sso.Config{IdPMetadataURL: "md.xml", IdPEntityID: "x"}, "only used with IdPCerts"},
		"nothing":     {sso.Config{}, "required"},
	} {
		tc.cfg.BaseURL = "http://127.0.0.1:1/sso"
		tc.cfg.HTTPClient = http.DefaultClient
		if _, err := sso.New(tc.cfg, e.dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

// TestFreshCertificateIsTrusted: a certificate made a moment ago (as
// openssl makes one, valid from now) is trusted at once, although the SP
// validates with its clock set back by the skew.
func TestFreshCertificateIsTrusted(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := idpClock.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fresh"},
		NotBefore: now.Add(-time.Second), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	idp, err := samlidp.NewIdP(samlidp.IdPConfig{Key: key, Cert: cert, Now: idpClock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, false, func(c *sso.Config) {
		c.IdPMetadata = nil
		c.IdPCerts = []*x509.Certificate{cert}
		c.IdPEntityID = idp.EntityID()
		c.IdPSSOURL = "http://127.0.0.1:8090/sso"
	})
	resp, err := idp.Response(e.spDesc(), ada)
	if err != nil {
		t.Fatal(err)
	}
	if r, body := e.post(e.client(), resp); !func() bool { ok, _ := signedIn.Evaluate(r); return ok }() {
		t.Fatalf("fresh certificate refused: %d %s", r.StatusCode, body)
	}
}
