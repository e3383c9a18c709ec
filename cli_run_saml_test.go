package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/internal/selftarget"
	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// TestRunSSOAgainstAnotherSP runs the SSO scenarios the way a vendor does:
// the SP trusts an IdP key pair from files, and `run` gets --saml-* flags
// (the SP here is the built-in one, configured from that key pair).
func TestRunSSOAgainstAnotherSP(t *testing.T) {
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := samlidp.SelfSignedCert(key, time.Now(), "mock-okta-test")
	if err != nil {
		t.Fatal(err)
	}
	keyFile, certFile := filepath.Join(dir, "idp.key"), filepath.Join(dir, "idp.crt")
	writePEM(t, keyFile, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	writePEM(t, certFile, "CERTIFICATE", cert.Raw)
	// The entity ID both `idp` and `run` use when none is given.
	const entityID = config.DefaultIdPEntityID
	idp, err := samlidp.NewIdP(samlidp.IdPConfig{EntityID: entityID, Key: key, Cert: cert, SSOURL: "http://127.0.0.1/mock-okta/sso"})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := selftarget.Start(selftarget.Options{Token: cliTestToken, IdP: idp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })

	out := t.TempDir()
	var so, se bytes.Buffer
	env := &cliEnv{stdout: &so, stderr: &se, stdin: strings.NewReader(""), getenv: func(k string) string {
		if k == "SCIMCONFORM_TOKEN" {
			return cliTestToken
		}
		return ""
	}}
	code := runCLI(env, []string{"run", "--url", tg.BaseURL, "--features", "sso", "--out", out,
		"--saml-acs", tg.SSO.SP.ACSURL, "--saml-audience", tg.SSO.SP.EntityID, "--saml-login-url", tg.SSO.LoginURL,
		"--saml-key", keyFile, "--saml-cert", certFile,
		"--saml-success-status", "303", "--saml-success-location", "/sso/app", "--saml-success-cookie", "scimconform_sso"})
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, so.String(), se.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var run reports.Run
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	if all := ssoScenarioCount(t); run.Totals.Scenarios != all || run.Totals.Passed != all {
		t.Fatalf("SSO scenarios: %+v\n%s", run.Totals, so.String())
	}
	// The private key and the SAML responses never reach the report.
	pemKey, _ := os.ReadFile(keyFile)
	keyBody := strings.Split(string(pemKey), "\n")[1]
	if bytes.Contains(b, []byte(keyBody)) || bytes.Contains(b, []byte("PHNhbWw")) {
		t.Fatal("results.json contains key material or a SAML response")
	}

	// Half the SSO flags is a usage error that says what is missing.
	so.Reset()
	se.Reset()
	if code := runCLI(env, []string{"run", "--url", tg.BaseURL, "--saml-acs", tg.SSO.SP.ACSURL, "--saml-audience", "x", "--out", t.TempDir()}); code != exitUsage || !strings.Contains(se.String(), "--saml-key") {
		t.Fatalf("missing --saml-key: exit %d, stderr %s", code, se.String())
	}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// ssoScenarioCount is the number of @sso scenarios in the catalogue.
func ssoScenarioCount(t *testing.T) int {
	t.Helper()
	all, err := steps.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range all {
		if slices.Contains(s.Areas, "sso") {
			n++
		}
	}
	return n
}
