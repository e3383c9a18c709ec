package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/samlidp"
)

// lockedBuffer is an io.Writer safe for the command goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func writeKeyPair(t *testing.T) (keyFile, certFile string, cert *x509.Certificate, keyPEM []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert, err = samlidp.SelfSignedCert(key, time.Now(), "test idp")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	keyFile, certFile = filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return keyFile, certFile, cert, keyPEM
}

func TestIdPCommandServesAndStops(t *testing.T) {
	keyFile, certFile, cert, keyPEM := writeKeyPair(t)
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	env := &cliEnv{stdout: out, stderr: errOut, stdin: strings.NewReader(""), getenv: func(string) string { return "" }}
	root := newRootCmd(env)
	root.SetArgs([]string{"idp", "--addr", "127.0.0.1:0", "--sp-acs", "http://127.0.0.1:1/sso/acs",
		"--sp-entity-id", "http://127.0.0.1:1/sso/metadata", "--key", keyFile, "--cert", certFile})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	re := regexp.MustCompile(`metadata URL:\s+(\S+)`)
	var mdURL string
	for deadline := time.Now().Add(10 * time.Second); mdURL == ""; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			mdURL = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("idp exited early: %v; stderr %s", err, errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no metadata URL printed: %q", out.String())
		}
	}
	resp, err := http.Get(mdURL)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(md), base64.StdEncoding.EncodeToString(cert.Raw)) {
		t.Fatalf("metadata %d does not carry the given certificate: %s", resp.StatusCode, md)
	}
	if !strings.Contains(string(md), strings.TrimSuffix(mdURL, "/metadata")+"/sso") {
		t.Errorf("metadata SSO URL: %s", md)
	}
	page, err := http.Get(strings.TrimSuffix(mdURL, "metadata"))
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(pb), "http://127.0.0.1:1/sso/metadata") {
		t.Errorf("sign-in page does not offer the SP: %s", pb)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("idp stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("idp did not stop")
	}
	all := out.String() + errOut.String()
	keyB64 := strings.Split(string(keyPEM), "\n")[1]
	if strings.Contains(all, "PRIVATE KEY") || strings.Contains(all, keyB64) {
		t.Fatalf("output holds the private key: %s", all)
	}
	if !strings.Contains(out.String(), "mock IdP stopped") {
		t.Errorf("no stop message: %s", out.String())
	}
}

func TestIdPCommandUsageErrors(t *testing.T) {
	keyFile, certFile, _, _ := writeKeyPair(t)
	bad := filepath.Join(t.TempDir(), "bad.pem")
	if err := os.WriteFile(bad, []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"acs without entity id": {"idp", "--addr", "127.0.0.1:0", "--sp-acs", "http://x/acs"},
		"key without cert":      {"idp", "--addr", "127.0.0.1:0", "--key", keyFile},
		"bad key":               {"idp", "--addr", "127.0.0.1:0", "--key", bad, "--cert", certFile},
		"key and cert swapped":  {"idp", "--addr", "127.0.0.1:0", "--key", certFile, "--cert", keyFile},
		"bad address":           {"idp", "--addr", "256.0.0.1:99999"},
	} {
		var out, errOut bytes.Buffer
		env := &cliEnv{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), getenv: func(string) string { return "" }}
		if code := runCLI(env, args); code != exitUsage {
			t.Errorf("%s: exit %d, want %d; stderr %s", name, code, exitUsage, errOut.String())
		}
		if strings.Contains(errOut.String(), "PRIVATE KEY") {
			t.Errorf("%s: stderr shows key material", name)
		}
	}
}

// TestIdPAndRunShareDefaultEntityID: `scimconform idp` started without
// --entity-id publishes the entity ID that `run --saml-*` puts in its
// assertions by default, so an SP set up from the idp command's metadata
// does not refuse every assertion for an issuer mismatch.
func TestIdPAndRunShareDefaultEntityID(t *testing.T) {
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	env := &cliEnv{stdout: out, stderr: errOut, stdin: strings.NewReader(""), getenv: func(string) string { return "" }}
	root := newRootCmd(env)
	root.SetArgs([]string{"idp", "--addr", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	re := regexp.MustCompile(`metadata URL:\s+(\S+)`)
	var mdURL string
	for deadline := time.Now().Add(10 * time.Second); mdURL == ""; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			mdURL = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no metadata URL printed: %q %q", out.String(), errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(mdURL)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cancel()
	<-done

	runFlag := newRunCmd(env).Flags().Lookup("saml-idp-entity-id")
	if runFlag == nil {
		t.Fatal("run has no --saml-idp-entity-id")
	}
	want := `entityID="` + runFlag.DefValue + `"`
	if !strings.Contains(string(md), want) {
		t.Fatalf("idp metadata does not carry run's default IdP entity ID %s:\n%s", want, md)
	}
	if !strings.Contains(out.String(), "entity ID:     "+runFlag.DefValue) {
		t.Errorf("idp does not print the entity ID %s:\n%s", runFlag.DefValue, out.String())
	}
}
