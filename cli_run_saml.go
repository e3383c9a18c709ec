package main

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/steps"
)

// ssoConfig builds the SSO scenarios' configuration from the --saml-*
// options: nil when no ACS URL is given (the SSO scenarios are then not in
// scope).
// The mock IdP signs with the key and certificate the vendor's SP trusts,
// loaded from files so that the trust survives between runs.
func ssoConfig(o *config.Run, hc *http.Client) (*steps.SSOConfig, error) {
	if o.SAMLACS == "" && o.SAMLAudience == "" {
		return nil, nil
	}
	if o.SAMLACS == "" || o.SAMLAudience == "" {
		return nil, errors.New("give both --saml-acs and --saml-audience, or neither")
	}
	if o.SAMLKey == "" || o.SAMLCert == "" {
		return nil, errors.New("--saml-acs needs --saml-key and --saml-cert: the mock IdP must sign with the key your app trusts (`scimconform idp --key ... --cert ...` serves its metadata)")
	}
	key, cert, err := loadKeyPair(o.SAMLKey, o.SAMLCert)
	if err != nil {
		return nil, fmt.Errorf("--saml-key/--saml-cert: %w", err)
	}
	idp, err := samlidp.NewIdP(samlidp.IdPConfig{EntityID: o.SAMLIdPEntityID, Key: key, Cert: cert, SSOURL: "http://127.0.0.1/mock-okta/sso"})
	if err != nil {
		return nil, fmt.Errorf("mock IdP: %w", err)
	}
	return &steps.SSOConfig{
		IdP:        idp,
		SP:         samlidp.SP{EntityID: o.SAMLAudience, ACSURL: o.SAMLACS},
		Success:    samlidp.SuccessCheck{Status: o.SAMLSuccessStatus, LocationPrefix: o.SAMLSuccessLocation, Cookie: o.SAMLSuccessCookie},
		LoginURL:   o.SAMLLoginURL,
		HTTPClient: hc,
	}, nil
}
