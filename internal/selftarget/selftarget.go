// Package selftarget starts the built-in target of scimconform's self-test
// and demo: the reference SCIM server, in-process on 127.0.0.1, with its
// SAML service provider trusting a mock Okta IdP.
//
// It is wiring only, like main: it joins reference/, reference/sso and
// mockidp/saml and hands the suite (steps/) nothing but URLs, a token and an
// SSOConfig. The suite itself never imports this package.
package selftarget

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/scimconform/scimconform/internal/faults"
	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reference/sso"
	"github.com/scimconform/scimconform/steps"
)

// Options configure the target.
type Options struct {
	// Token is the SCIM token the server accepts. Required.
	Token string
	// Reference are extra options for the reference server (faults, auth modes).
	Reference []reference.Option
	// SSOFaults names SAML SP faults (sso.Faults) for the self-test.
	SSOFaults []string
	// Faults names target faults (internal/faults, kind Target): negative
	// controls that change how the suite is pointed at the target.
	Faults []string
	// IdP is the mock IdP the SP trusts; nil uses SharedIdP.
	IdP *samlidp.IdP
	// Logger receives the SP's sign-in log; nil discards it.
	Logger *slog.Logger
}

// Target is a running built-in target.
type Target struct {
	// BaseURL is the SCIM base URL (http://127.0.0.1:PORT/scim/v2).
	BaseURL string
	// Server is the reference server (for token management in tests).
	Server *reference.Server
	// SSO configures the suite's SAML scenarios against the built-in SP.
	SSO *steps.SSOConfig

	srv *http.Server
}

var (
	sharedOnce sync.Once
	sharedIdP  *samlidp.IdP
	sharedErr  error
)

// SharedIdP returns one mock IdP per process (its 2048-bit key takes a few
// hundred milliseconds to generate, too slow to repeat per suite run).
func SharedIdP() (*samlidp.IdP, error) {
	sharedOnce.Do(func() {
		sharedIdP, sharedErr = samlidp.NewIdP(samlidp.IdPConfig{SSOURL: "http://127.0.0.1/mock-okta/sso"})
	})
	return sharedIdP, sharedErr
}

// Start listens on 127.0.0.1:0 and serves the reference server with the
// SAML SP mounted under /sso/. Close stops it.
func Start(o Options) (*Target, error) {
	if o.Token == "" {
		return nil, errors.New("selftarget: a token is required")
	}
	set, err := faults.NewSet(faults.Target, o.Faults)
	if err != nil {
		return nil, fmt.Errorf("selftarget: %w", err)
	}
	idp := o.IdP
	if idp == nil {
		if idp, err = SharedIdP(); err != nil {
			return nil, fmt.Errorf("selftarget: mock IdP: %w", err)
		}
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	md, err := idp.Metadata()
	if err != nil {
		return nil, fmt.Errorf("selftarget: IdP metadata: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("selftarget: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	opts := append([]reference.Option{
		reference.WithToken(o.Token),
		reference.WithHandler("/sso/", sso.Mount(sso.Config{IdPMetadata: md, BaseURL: base + "/sso", Faults: o.SSOFaults, Logger: logger})),
	}, o.Reference...)
	srv, err := reference.New(opts...)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("selftarget: reference server: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	sp := base
	if set.On("sso-dead-acs") {
		if sp, err = closedPort(); err != nil {
			_ = hs.Close()
			srv.Close()
			return nil, err
		}
	}
	return &Target{
		BaseURL: base + reference.BasePath,
		Server:  srv,
		SSO: &steps.SSOConfig{
			IdP:      idp,
			SP:       samlidp.SP{EntityID: base + "/sso/metadata", ACSURL: sp + "/sso/acs"},
			Success:  samlidp.SuccessCheck{Status: http.StatusSeeOther, LocationPrefix: "/sso/app", Cookie: sso.SessionCookie},
			LoginURL: sp + "/sso/login",
		},
		srv: hs,
	}, nil
}

// closedPort returns the root URL of a loopback port nothing listens on
// (it was free a moment ago and is closed again).
func closedPort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("selftarget: closed port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("selftarget: closed port: %w", err)
	}
	return "http://" + addr, nil
}

// Close shuts the server down gracefully and closes its store.
func (t *Target) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := t.srv.Shutdown(ctx)
	if cerr := t.Server.Close(); err == nil {
		err = cerr
	}
	return err
}
