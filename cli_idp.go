package main

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/mockidp/samlidp"
)

// idpOptions are the flags of `scimconform idp`.
type idpOptions struct {
	addr, publicURL, entityID string
	spACS, spEntityID         string
	keyFile, certFile         string
}

func newIdPCmd(env *cliEnv) *cobra.Command {
	var o idpOptions
	cmd := &cobra.Command{
		Use:   "idp",
		Short: "Serve the mock Okta SAML IdP so a vendor can wire an app to it by hand",
		Long: `idp serves the mock Okta SAML identity provider standalone. It prints the
metadata URL to give the app; its start page lets a person pick a user (email,
first and last name) and sign in to the configured SP (IdP-initiated, optionally
as one of the hostile variants a secure SP must refuse), and it answers the
app's SP-initiated AuthnRequests (HTTP-Redirect and HTTP-POST bindings). The
signing key is generated at start unless --key and --cert are given; it is
never printed. Stop with Ctrl-C (SIGINT) or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runIdP(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8090", "address to listen on")
	f.StringVar(&o.publicURL, "public-url", "", "base URL browsers and the app reach the IdP at (default http://<addr>)")
	f.StringVar(&o.entityID, "entity-id", config.DefaultIdPEntityID, "IdP entity ID; the default is also run's --saml-idp-entity-id default, so an app set up from this metadata trusts run's assertions")
	f.StringVar(&o.spACS, "sp-acs", "", "the app's assertion consumer service URL (where responses are posted)")
	f.StringVar(&o.spEntityID, "sp-entity-id", "", "the app's SP entity ID (the audience)")
	f.StringVar(&o.keyFile, "key", "", "PEM file with the RSA signing key (PKCS#1 or PKCS#8); with --cert")
	f.StringVar(&o.certFile, "cert", "", "PEM file with the signing certificate; with --key")
	return cmd
}

func runIdP(ctx context.Context, env *cliEnv, o idpOptions) error {
	if (o.spACS == "") != (o.spEntityID == "") {
		return exitWith(exitUsage, errors.New("idp: give both --sp-acs and --sp-entity-id, or neither"))
	}
	if (o.keyFile == "") != (o.certFile == "") {
		return exitWith(exitUsage, errors.New("idp: give both --key and --cert, or neither"))
	}
	cfg := samlidp.IdPConfig{EntityID: o.entityID}
	if o.spACS != "" {
		cfg.SPs = []samlidp.SP{{EntityID: o.spEntityID, ACSURL: o.spACS}}
	}
	if o.keyFile != "" {
		key, cert, err := loadKeyPair(o.keyFile, o.certFile)
		if err != nil {
			return exitWith(exitUsage, fmt.Errorf("idp: %w", err))
		}
		cfg.Key, cfg.Cert = key, cert
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("idp: listen: %w", err))
	}
	defer ln.Close()
	base := strings.TrimSuffix(o.publicURL, "/")
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	cfg.SSOURL = base + "/sso"
	idp, err := samlidp.NewIdP(cfg)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("idp: %w", err))
	}

	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: idp.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	fmt.Fprintf(env.stdout, "mock IdP listening on %s\n", base)
	fmt.Fprintf(env.stdout, "  metadata URL:  %s/metadata\n", base)
	fmt.Fprintf(env.stdout, "  SSO URL:       %s (HTTP-Redirect and HTTP-POST)\n", cfg.SSOURL)
	fmt.Fprintf(env.stdout, "  entity ID:     %s\n", idp.EntityID())
	fmt.Fprintf(env.stdout, "  sign-in page:  %s/\n", base)
	if o.spACS != "" {
		fmt.Fprintf(env.stdout, "  SP:            %s -> %s\n", o.spEntityID, o.spACS)
	} else {
		fmt.Fprintln(env.stdout, "  no SP configured: IdP-initiated sign-in is off; AuthnRequests are answered to their own ACS URL")
	}
	fmt.Fprintln(env.stdout, "Press Ctrl-C to stop.")

	select {
	case err := <-errc:
		return exitWith(exitUsage, fmt.Errorf("idp: serve: %w", err))
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return exitWith(exitUsage, fmt.Errorf("idp: shutdown: %w", err))
	}
	fmt.Fprintln(env.stdout, "mock IdP stopped")
	return nil
}

// loadKeyPair reads an RSA private key and its certificate from PEM files.
// Errors name the file, never the key material.
func loadKeyPair(keyFile, certFile string) (*rsa.PrivateKey, *x509.Certificate, error) {
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("read key: %w", err)
	}
	kblock, _ := pem.Decode(kb)
	if kblock == nil {
		return nil, nil, fmt.Errorf("key %s: no PEM block", keyFile)
	}
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS1PrivateKey(kblock.Bytes); err == nil {
		key = k
	} else if k8, err := x509.ParsePKCS8PrivateKey(kblock.Bytes); err == nil {
		rk, ok := k8.(*rsa.PrivateKey)
		if !ok {
			return nil, nil, fmt.Errorf("key %s: not an RSA key", keyFile)
		}
		key = rk
	} else {
		return nil, nil, fmt.Errorf("key %s: not a PKCS#1 or PKCS#8 RSA private key", keyFile)
	}
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, fmt.Errorf("read certificate: %w", err)
	}
	cblock, _ := pem.Decode(cb)
	if cblock == nil || cblock.Type != "CERTIFICATE" {
		return nil, nil, fmt.Errorf("certificate %s: no CERTIFICATE PEM block", certFile)
	}
	cert, err := x509.ParseCertificate(cblock.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("certificate %s: %w", certFile, err)
	}
	return key, cert, nil
}
