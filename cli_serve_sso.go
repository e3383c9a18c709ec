package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reference/sso"
)

// ssoMountPath is where serve --sso mounts the SAML SP, as the built-in
// self-test target does (internal/selftarget).
const ssoMountPath = "/sso"

// defaultIdPSSOURL is `scimconform idp`'s sign-on URL at its default
// address: the default of --sso-idp-sso-url.
const defaultIdPSSOURL = "http://127.0.0.1:8090/sso"

// serveSSO holds serve's --sso flags: whether to mount the reference SAML
// SP beside the SCIM API, and which IdP it trusts — by metadata (a file
// or URL, e.g. Okta's app metadata URL or `scimconform idp`'s /metadata),
// or by certificate, entity ID and sign-on URL (defaults: the mock IdP's
// entity ID and `scimconform idp`'s default address).
type serveSSO struct {
	on                     bool
	idpMetadata, idpCert   string
	idpEntityID, idpSSOURL string
	publicURL              string
	sp                     *sso.SP // set once the reference server has built it
	source                 string  // how the IdP is trusted, for the banner
	certs                  []*x509.Certificate
	metadataClient         *http.Client
}

func (s *serveSSO) register(f *pflag.FlagSet) {
	f.BoolVar(&s.on, "sso", false, "also serve the reference app's SAML SP under /sso/ (metadata, ACS, sign-in page); needs --sso-idp-metadata or --sso-idp-cert")
	f.StringVar(&s.idpMetadata, "sso-idp-metadata", "", "with --sso: the IdP's metadata, a `FILE|URL` read at start (your Okta app's metadata URL, or the /metadata of \"scimconform idp\")")
	f.StringVar(&s.idpCert, "sso-idp-cert", "", "with --sso, instead of metadata: `PEM` file with the IdP's signing certificate (the --cert of \"scimconform idp\" and run's --saml-cert)")
	f.StringVar(&s.idpEntityID, "sso-idp-entity-id", config.DefaultIdPEntityID, "with --sso-idp-cert: the IdP's `entity-id` (the default is the mock IdP's, as in \"scimconform idp\" and run)")
	f.StringVar(&s.idpSSOURL, "sso-idp-sso-url", defaultIdPSSOURL, "with --sso-idp-cert: the IdP's sign-on `URL` for SP-initiated sign-in (the default is \"scimconform idp\" at its default address)")
	f.StringVar(&s.publicURL, "sso-public-url", "", "with --sso: the root `URL` browsers and the IdP reach this server at (default http://<addr>); the SP's entity ID and ACS URL derive from it")
}

// check validates the flags (changed reports whether a flag was given)
// and loads the certificate; every error is a usage error.
func (s *serveSSO) check(changed func(string) bool) error {
	if !s.on {
		for _, n := range []string{"sso-idp-metadata", "sso-idp-cert", "sso-idp-entity-id", "sso-idp-sso-url", "sso-public-url"} {
			if changed(n) {
				return fmt.Errorf("--%s needs --sso", n)
			}
		}
		return nil
	}
	switch {
	case s.idpMetadata == "" && s.idpCert == "":
		return errors.New("--sso needs the IdP to trust: --sso-idp-metadata FILE|URL (your Okta app's metadata URL, or http://127.0.0.1:8090/metadata of \"scimconform idp\"), or --sso-idp-cert PEM")
	case s.idpMetadata != "" && s.idpCert != "":
		return errors.New("give --sso-idp-metadata or --sso-idp-cert, not both")
	case s.idpMetadata != "" && (changed("sso-idp-entity-id") || changed("sso-idp-sso-url")):
		return errors.New("--sso-idp-entity-id and --sso-idp-sso-url go with --sso-idp-cert; with --sso-idp-metadata they come from the metadata")
	}
	if s.publicURL != "" {
		u, err := url.Parse(s.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("--sso-public-url %q must be a root URL such as https://app.example.com", s.publicURL)
		}
		s.publicURL = strings.TrimSuffix(s.publicURL, "/")
	}
	if s.idpCert != "" {
		cert, err := readCertificate(s.idpCert)
		if err != nil {
			return fmt.Errorf("--sso-idp-cert: %w", err)
		}
		s.certs = []*x509.Certificate{cert}
		s.source = "certificate " + s.idpCert
		return nil
	}
	s.source = "metadata " + s.idpMetadata
	s.metadataClient = &http.Client{Timeout: 15 * time.Second}
	return nil
}

// option returns the reference option that mounts the SP for a server
// whose root URL is root (unless --sso-public-url overrides it); the SP's
// log (one line per sign-in or refusal, never a SAML message) goes to logw.
func (s *serveSSO) option(root string, logw io.Writer) reference.Option {
	if s.publicURL != "" {
		root = s.publicURL
	}
	cfg := sso.Config{
		BaseURL:    root + ssoMountPath,
		HTTPClient: s.metadataClient,
		Logger:     slog.New(slog.NewTextHandler(logw, nil)),
	}
	if len(s.certs) > 0 {
		cfg.IdPCerts, cfg.IdPEntityID, cfg.IdPSSOURL = s.certs, s.idpEntityID, s.idpSSOURL
	} else {
		cfg.IdPMetadataURL = s.idpMetadata
	}
	return reference.WithHandler(ssoMountPath+"/", func(d reference.UserDirectory) (http.Handler, error) {
		sp, err := sso.New(cfg, d)
		if err != nil {
			return nil, err
		}
		s.sp = sp
		return sp, nil
	})
}

// banner prints what an admin enters in the IdP and how to try a sign-in.
func (s *serveSSO) banner(w io.Writer) {
	if s.sp == nil {
		return
	}
	fmt.Fprintln(w, "SAML SP (sign-in to the reference app):")
	fmt.Fprintf(w, "  SP metadata URL: %s\n", s.sp.MetadataURL())
	fmt.Fprintf(w, "  SP entity ID:    %s (Okta: Audience URI)\n", s.sp.EntityID())
	fmt.Fprintf(w, "  ACS URL:         %s (HTTP-POST; Okta: Single sign-on URL)\n", s.sp.ACSURL())
	fmt.Fprintf(w, "  SP-initiated:    %s\n", s.sp.LoginURL())
	fmt.Fprintf(w, "  signed-in page:  %s\n", s.sp.AppURL())
	fmt.Fprintf(w, "  trusted IdP:     %s (from %s)\n", s.sp.IdPEntityID(), s.source)
	fmt.Fprintln(w, "  only active users provisioned over SCIM sign in (NameID = userName)")
}

// readCertificate reads one PEM CERTIFICATE; errors name the file.
func readCertificate(file string) (*x509.Certificate, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read certificate: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("certificate %s: no CERTIFICATE PEM block", file)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", file, err)
	}
	return cert, nil
}
