package sso

import (
	"errors"
	"fmt"
	"net/url"
)

// trustedIdP returns the IdP cfg trusts: from its signing certificates,
// entity ID and sign-on URL when IdPCerts is set, else from its metadata
// (IdPMetadata, or IdPMetadataURL read as a URL or a file).
func trustedIdP(cfg Config) (idpInfo, error) {
	if len(cfg.IdPCerts) == 0 {
		if cfg.IdPEntityID != "" || cfg.IdPSSOURL != "" {
			return idpInfo{}, errors.New("sso: IdPEntityID and IdPSSOURL are only used with IdPCerts")
		}
		md := cfg.IdPMetadata
		if len(md) == 0 {
			var err error
			if md, err = readMetadata(cfg.IdPMetadataURL, cfg.HTTPClient); err != nil {
				return idpInfo{}, err
			}
		}
		return parseIdPMetadata(md)
	}
	if len(cfg.IdPMetadata) > 0 || cfg.IdPMetadataURL != "" {
		return idpInfo{}, errors.New("sso: give the IdP's metadata or its certificates, not both")
	}
	if cfg.IdPEntityID == "" {
		return idpInfo{}, errors.New("sso: IdPCerts needs IdPEntityID (the issuer the IdP signs as)")
	}
	u, err := url.Parse(cfg.IdPSSOURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return idpInfo{}, fmt.Errorf("sso: IdPSSOURL %q must be an absolute http(s) URL", cfg.IdPSSOURL)
	}
	for i, c := range cfg.IdPCerts {
		if c == nil {
			return idpInfo{}, fmt.Errorf("sso: IdPCerts[%d] is nil", i)
		}
	}
	return idpInfo{entityID: cfg.IdPEntityID, ssoURL: cfg.IdPSSOURL, certs: cfg.IdPCerts}, nil
}
