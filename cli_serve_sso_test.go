package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference/sso"
)

// testIdPs are two mock IdPs with the mock IdP's default entity ID: the
// one serve is told to trust, and one with another key it must refuse.
var (
	testIdPOnce             sync.Once
	trustedIdP, strangerIdP *samlidp.IdP
	trustedKey              *rsa.PrivateKey
	testIdPErr              error
)

func testIdPs(t *testing.T) (*samlidp.IdP, *samlidp.IdP) {
	t.Helper()
	testIdPOnce.Do(func() {
		for _, p := range []**samlidp.IdP{&trustedIdP, &strangerIdP} {
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				testIdPErr = err
				return
			}
			if *p, testIdPErr = samlidp.NewIdP(samlidp.IdPConfig{EntityID: config.DefaultIdPEntityID, Key: key, SSOURL: "http://127.0.0.1:1/sso"}); testIdPErr != nil {
				return
			}
			if trustedKey == nil {
				trustedKey = key
			}
		}
	})
	if testIdPErr != nil {
		t.Fatal(testIdPErr)
	}
	return trustedIdP, strangerIdP
}

// bannerValue returns the value after label in serve's SSO banner,
// without the parenthesised note.
func bannerValue(t *testing.T, out, label string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), label); ok {
			v, _, _ = strings.Cut(strings.TrimSpace(v), " ")
			return v
		}
	}
	t.Fatalf("serve printed no %q:\n%s", label, out)
	return ""
}

// signInAt posts a response from idp for ada@example.com to the SP at acs.
func signInAt(t *testing.T, idp *samlidp.IdP, sp samlidp.SP) *http.Response {
	t.Helper()
	resp, err := idp.Response(sp, samlidp.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := samlidp.SignIn(context.Background(), &http.Client{Timeout: 10 * time.Second}, sp.ACSURL, resp)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r
}

// TestServeSSO starts `serve --sso` trusting an IdP by metadata URL and by
// certificate file: the banner names the SP's metadata URL, entity ID and
// ACS URL; the metadata answers XML naming the ACS URL; a provisioned user
// signs in with an assertion from the trusted IdP and is refused with one
// from another key; SP-initiated sign-in goes to the trusted IdP.
func TestServeSSO(t *testing.T) {
	trusted, stranger := testIdPs(t)
	idpS := httptest.NewServer(trusted.Handler())
	t.Cleanup(idpS.Close)
	certFile := filepath.Join(t.TempDir(), "idp.crt")
	writePEM(t, certFile, "CERTIFICATE", trusted.Certificate().Raw)

	for name, args := range map[string][]string{
		"metadata":    {"--sso-idp-metadata", idpS.URL + "/metadata"},
		"certificate": {"--sso-idp-cert", certFile, "--sso-idp-sso-url", "http://127.0.0.1:8090/sso"},
	} {
		t.Run(name, func(t *testing.T) {
			p := startServe(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, append([]string{"--db", ":memory:", "--sso"}, args...)...)
			out := p.output()
			root := strings.TrimSuffix(p.base, "/scim/v2")
			mdURL := bannerValue(t, out, "SP metadata URL:")
			sp := samlidp.SP{EntityID: bannerValue(t, out, "SP entity ID:"), ACSURL: bannerValue(t, out, "ACS URL:")}
			if mdURL != root+"/sso/metadata" || sp.EntityID != mdURL || sp.ACSURL != root+"/sso/acs" {
				t.Fatalf("banner: metadata %q, entity %q, ACS %q (root %s)\n%s", mdURL, sp.EntityID, sp.ACSURL, root, out)
			}
			if !strings.Contains(out, "trusted IdP:     "+config.DefaultIdPEntityID) {
				t.Errorf("banner does not name the trusted IdP:\n%s", out)
			}
			r, err := http.Get(mdURL)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Type"), "xml") || !strings.Contains(string(b), `Location="`+sp.ACSURL+`"`) {
				t.Fatalf("metadata: %d %s\n%s", r.StatusCode, r.Header.Get("Content-Type"), b)
			}
			if code, body, err := scimReq("POST", p.base+"/Users", cliTestToken, `{"userName":"ada@example.com","active":true}`); err != nil || code != 201 {
				t.Fatalf("provision: %d %s %v", code, body, err)
			}
			ok := samlidp.SuccessCheck{Status: http.StatusSeeOther, LocationPrefix: "/sso/app", Cookie: sso.SessionCookie}
			if good, why := ok.Evaluate(signInAt(t, trusted, sp)); !good {
				t.Fatalf("the trusted IdP's assertion was refused: %s", why)
			}
			if r := signInAt(t, stranger, sp); (r.StatusCode != http.StatusBadRequest && r.StatusCode != http.StatusForbidden) || len(r.Cookies()) > 0 {
				t.Fatalf("an assertion signed by another key: status %d, cookies %v; want a refusal (400 or 403) without a session", r.StatusCode, r.Cookies())
			}
			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			r, err = noRedirect.Get(root + "/sso/login")
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			want := "http://127.0.0.1:8090/sso?"
			if name == "metadata" {
				want = trusted.SSOURL() + "?"
			}
			if loc := r.Header.Get("Location"); r.StatusCode != http.StatusFound || !strings.HasPrefix(loc, want) {
				t.Errorf("SP-initiated sign-in: %d %q, want a redirect to %s", r.StatusCode, loc, want)
			}
		})
	}
}

// TestServeSSOUsageErrors: wrong combinations of the --sso flags, a bad
// certificate and an unreachable metadata URL are usage errors (exit 2)
// that say what to fix.
func TestServeSSOUsageErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	writePEM(t, notPEM, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(func() *rsa.PrivateKey { testIdPs(t); return trustedKey }()))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/metadata"
	ln.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sso"}, "--sso-idp-metadata"},
		{[]string{"--sso-idp-metadata", "md.xml"}, "--sso-idp-metadata needs --sso"},
		{[]string{"--sso", "--sso-idp-metadata", "md.xml", "--sso-idp-cert", notPEM}, "not both"},
		{[]string{"--sso", "--sso-idp-metadata", "md.xml", "--sso-idp-entity-id", "x"}, "go with --sso-idp-cert"},
		{[]string{"--sso", "--sso-idp-cert", filepath.Join(dir, "missing.pem")}, "--sso-idp-cert: read certificate"},
		{[]string{"--sso", "--sso-idp-cert", notPEM}, "no CERTIFICATE PEM block"},
		{[]string{"--sso", "--sso-idp-cert", notPEM, "--sso-public-url", "app.example.com"}, "must be a root URL"},
		{[]string{"--sso", "--sso-idp-metadata", filepath.Join(dir, "missing.xml")}, "read IdP metadata"},
		{[]string{"--sso", "--sso-idp-metadata", closed}, "fetch IdP metadata"},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:"}, tc.args...)
		code, _, errs := runInProcess(t, map[string]string{"SCIMCONFORM_TOKEN": cliTestToken}, args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, exitUsage, tc.want)
		}
	}
}

// TestRunSSOAgainstServeSSO is the README's round trip: a key pair made
// just now (as openssl makes one, valid from now), `serve --sso
// --sso-idp-cert` trusting it, and `run` signing with it: every SSO
// scenario passes.
func TestRunSSOAgainstServeSSO(t *testing.T) {
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mock-okta"},
		NotBefore: now, NotAfter: now.Add(365 * 24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, certFile := filepath.Join(dir, "idp.key"), filepath.Join(dir, "idp.crt")
	writePEM(t, keyFile, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	writePEM(t, certFile, "CERTIFICATE", der)

	p := startServe(t, []string{"SCIMCONFORM_TOKEN=" + cliTestToken}, "--db", ":memory:", "--sso", "--sso-idp-cert", certFile)
	root := strings.TrimSuffix(p.base, "/scim/v2")
	out := t.TempDir()
	code, so, se := runInProcess(t, map[string]string{"SCIMCONFORM_TOKEN": cliTestToken}, "run", "--url", p.base, "--features", "sso", "--out", out,
		"--saml-acs", root+"/sso/acs", "--saml-audience", root+"/sso/metadata", "--saml-login-url", root+"/sso/login",
		"--saml-key", keyFile, "--saml-cert", certFile,
		"--saml-success-status", "303", "--saml-success-location", "/sso/app", "--saml-success-cookie", sso.SessionCookie)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nserve:\n%s", code, so, se, p.output())
	}
	run := readRunJSON(t, out)
	if all := ssoScenarioCount(t); run.Totals.Scenarios != all || run.Totals.Passed != all {
		t.Fatalf("SSO scenarios: %+v\n%s", run.Totals, so)
	}
}
