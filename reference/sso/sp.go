// Package sso is the reference app's SAML 2.0 service provider: the sign-in
// half of the joint lifecycle whose provisioning half is the reference SCIM
// server. Okta (or the mock IdP in mockidp/saml) posts a signed Response to
// the ACS; the SP verifies it with gosaml2 plus the checks gosaml2 leaves
// out (audience, Conditions times with a small clock skew, InResponseTo,
// assertion replay, exactly one assertion) and signs the person in only if
// the user directory (the users provisioned over SCIM) has them as an
// active user.
//
// It is mounted into the reference server through reference.WithHandler and
// must not know SCIM internals beyond the Directory lookup. It never logs a
// SAML message in full: a refusal is logged as a reason code and a short
// detail.
package sso

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/scimconform/scimconform/internal/faults"
	"github.com/scimconform/scimconform/reference"
)

// DirectoryUser is the reference server's view of a provisioned user.
type DirectoryUser = reference.DirectoryUser

// Directory finds provisioned users: the reference server's
// UserDirectory. UserByUserName matches userName case-insensitively and
// reports false (and no error) when no user has it.
type Directory = reference.UserDirectory

// Mount returns the build function reference.WithHandler expects, creating
// the SP for cfg over the server's user directory. Mount it at BaseURL's
// path, e.g. reference.WithHandler("/sso/", sso.Mount(cfg)) with
// cfg.BaseURL = "http://host:port/sso".
func Mount(cfg Config) func(reference.UserDirectory) (http.Handler, error) {
	return func(d reference.UserDirectory) (http.Handler, error) {
		return New(cfg, d)
	}
}

// Identity is what a verified assertion says about the person.
type Identity struct {
	// NameID is the assertion's subject NameID (the email for Okta).
	NameID string
	// Email, FirstName, LastName are the attributes email, firstName and
	// lastName; they may be empty.
	Email, FirstName, LastName string
	// AssertionID is the verified assertion's ID.
	AssertionID string
	// InResponseTo is the request ID the response answered; empty when
	// IdP-initiated.
	InResponseTo string
}

// JITFunc creates a user who signs in but is not provisioned yet
// (just-in-time provisioning). It returns the created user or an error.
type JITFunc func(ctx context.Context, id Identity) (DirectoryUser, error)

// Config configures New.
type Config struct {
	// IdPMetadata is the IdP's metadata XML. If empty, IdPMetadataURL is
	// read instead; one of them is required.
	IdPMetadata []byte
	// IdPMetadataURL is an http(s) URL or a file path to the IdP's metadata.
	IdPMetadataURL string
	// IdPCerts, when not empty, trusts the IdP by its signing
	// certificates instead of metadata (the form Okta's app setup page
	// also shows: certificate, issuer, sign-on URL); IdPEntityID and
	// IdPSSOURL are then required, and the metadata fields must be empty.
	IdPCerts []*x509.Certificate
	// IdPEntityID is the IdP's entity ID (the Issuer it signs as); only
	// with IdPCerts.
	IdPEntityID string
	// IdPSSOURL is the IdP's HTTP-Redirect sign-on URL, where SP-initiated
	// sign-ins are sent; only with IdPCerts.
	IdPSSOURL string
	// HTTPClient fetches IdPMetadataURL; http.DefaultClient if nil.
	HTTPClient *http.Client
	// BaseURL is the absolute URL the SP is mounted at, such as
	// "https://app.example.com/sso"; the routes are below it. Required.
	BaseURL string
	// EntityID is the SP's entity ID (the audience). Default:
	// BaseURL + "/metadata".
	EntityID string
	// ACSURL is the assertion consumer service URL (Destination and
	// Recipient must equal it). Default: BaseURL + "/acs".
	ACSURL string
	// ClockSkew is how far the IdP's clock may be off. Zero means the
	// default of two minutes; a negative value means no tolerance.
	ClockSkew time.Duration
	// DisableIdPInitiated refuses unsolicited (IdP-initiated) responses;
	// by default they are accepted, as Okta's app tiles send them.
	DisableIdPInitiated bool
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// (behind a TLS-terminating proxy). It is always Secure over TLS.
	SecureCookies bool
	// JIT, if set, creates unknown users on sign-in. Nil (the default)
	// refuses them with ErrUnknownUser. Inactive users are refused either way.
	JIT JITFunc
	// Now is the SP's clock; time.Now if nil.
	Now func() time.Time
	// Logger receives one line per sign-in and refusal; slog.Default() if nil.
	Logger *slog.Logger
	// MaxReplayEntries bounds the replay cache; 100000 if zero.
	MaxReplayEntries int
	// SessionTTL is how long a session lasts; eight hours if zero.
	SessionTTL time.Duration
	// Faults names misbehaviours for the conformance suite's self-test (see
	// Faults); empty in every real deployment.
	Faults []string
}

// SP is the SAML service provider. It is an http.Handler and safe for
// concurrent use.
type SP struct {
	cfg      Config
	dir      Directory
	log      *slog.Logger
	idp      idpInfo
	basePath string

	replay   *expiringSet
	requests *expiringSet
	sessions *sessionStore
	checks   checks       // what Accept verifies (all of it unless a fault says otherwise)
	handler  http.Handler // the routes, wrapped by the HTTP faults
}

type idpInfo struct {
	entityID string
	ssoURL   string // HTTP-Redirect binding
	certs    []*x509.Certificate
}

const defaultSkew = 2 * time.Minute

// nameIDFormatEmail is the NameID format Okta sends for apps like Apollo.
const nameIDFormatEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

// requestTTL is how long an AuthnRequest ID stays outstanding.
const requestTTL = 10 * time.Minute

// New returns an SP for cfg that signs in users found in dir. It fails if
// BaseURL is missing or not absolute, or the IdP metadata cannot be read or
// lacks an entity ID, a signing certificate or an HTTP-Redirect SSO URL.
func New(cfg Config, dir Directory) (*SP, error) {
	if dir == nil {
		return nil, errors.New("sso: a user directory is required")
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("sso: BaseURL %q must be an absolute URL", cfg.BaseURL)
	}
	cfg.BaseURL = base.String()
	if cfg.EntityID == "" {
		cfg.EntityID = cfg.BaseURL + "/metadata"
	}
	if cfg.ACSURL == "" {
		cfg.ACSURL = cfg.BaseURL + "/acs"
	}
	switch {
	case cfg.ClockSkew == 0:
		cfg.ClockSkew = defaultSkew
	case cfg.ClockSkew < 0:
		cfg.ClockSkew = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxReplayEntries <= 0 {
		cfg.MaxReplayEntries = 100000
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 8 * time.Hour
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	idp, err := trustedIdP(cfg)
	if err != nil {
		return nil, err
	}
	set, err := faults.NewSet(faults.SSO, cfg.Faults)
	if err != nil {
		return nil, fmt.Errorf("sso: %w", err)
	}
	sp := &SP{
		checks: checksFor(set),
		cfg:    cfg, dir: dir, log: log, idp: idp, basePath: base.Path,
		replay:   newExpiringSet(cfg.MaxReplayEntries),
		requests: newExpiringSet(10000),
		sessions: newSessionStore(),
	}
	if sp.checks.trustedIssue != "" {
		sp.idp.entityID = sp.checks.trustedIssue
	}
	sp.handler = wrapFaults(set, http.HandlerFunc(sp.serve))
	return sp, nil
}

func readMetadata(src string, client *http.Client) ([]byte, error) {
	if src == "" {
		return nil, errors.New("sso: IdPMetadata or IdPMetadataURL is required")
	}
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("sso: read IdP metadata: %w", err)
		}
		return b, nil
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Get(src)
	if err != nil {
		return nil, fmt.Errorf("sso: fetch IdP metadata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sso: fetch IdP metadata %s: status %d", src, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("sso: fetch IdP metadata: %w", err)
	}
	return b, nil
}

func parseIdPMetadata(md []byte) (idpInfo, error) {
	var ed types.EntityDescriptor
	if err := xml.Unmarshal(md, &ed); err != nil {
		return idpInfo{}, fmt.Errorf("sso: parse IdP metadata: %w", err)
	}
	if ed.EntityID == "" || ed.IDPSSODescriptor == nil {
		return idpInfo{}, errors.New("sso: IdP metadata has no entityID or IDPSSODescriptor")
	}
	info := idpInfo{entityID: ed.EntityID}
	for _, s := range ed.IDPSSODescriptor.SingleSignOnServices {
		if s.Binding == saml2.BindingHttpRedirect && info.ssoURL == "" {
			info.ssoURL = s.Location
		}
	}
	for _, kd := range ed.IDPSSODescriptor.KeyDescriptors {
		if kd.Use != "" && kd.Use != "signing" {
			continue
		}
		for _, c := range kd.KeyInfo.X509Data.X509Certificates {
			der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c.Data), ""))
			if err != nil {
				return idpInfo{}, fmt.Errorf("sso: IdP metadata certificate: %w", err)
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				return idpInfo{}, fmt.Errorf("sso: IdP metadata certificate: %w", err)
			}
			info.certs = append(info.certs, cert)
		}
	}
	if info.ssoURL == "" || len(info.certs) == 0 {
		return idpInfo{}, errors.New("sso: IdP metadata needs an HTTP-Redirect SingleSignOnService and a signing certificate")
	}
	return info, nil
}

// provider returns a gosaml2 SP whose clock reads clock. To validate, pass
// now minus the skew: gosaml2 checks SubjectConfirmationData@NotOnOrAfter
// with no tolerance, so this grants the skew on expiry (NotBefore is
// rechecked by checkConditions). To build requests, pass now.
func (s *SP) provider(clock time.Time) *saml2.SAMLServiceProvider {
	return &saml2.SAMLServiceProvider{
		IdentityProviderSSOURL:      s.idp.ssoURL,
		IdentityProviderSSOBinding:  saml2.BindingHttpRedirect,
		IdentityProviderIssuer:      s.trustedIssuer(),
		AssertionConsumerServiceURL: s.cfg.ACSURL,
		ServiceProviderIssuer:       s.cfg.EntityID,
		AudienceURI:                 s.cfg.EntityID,
		NameIdFormat:                nameIDFormatEmail,
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: s.idp.certs},
		AllowMissingAttributes:      true,
		SkipSignatureValidation:     !s.checks.signature,
		Clock:                       dsig.NewFakeClockAt(clock),
	}
}

// trustedIssuer is the Issuer gosaml2 requires; empty skips the check.
func (s *SP) trustedIssuer() string {
	if !s.checks.issuer {
		return ""
	}
	return s.idp.entityID
}

// IdPEntityID returns the entity ID of the IdP the SP trusts.
func (s *SP) IdPEntityID() string { return s.idp.entityID }

// EntityID returns the SP's entity ID (the audience IdPs must name).
func (s *SP) EntityID() string { return s.cfg.EntityID }

// ACSURL returns the assertion consumer service URL.
func (s *SP) ACSURL() string { return s.cfg.ACSURL }

// LoginURL returns the URL that starts an SP-initiated sign-in.
func (s *SP) LoginURL() string { return s.cfg.BaseURL + "/login" }

// MetadataURL returns the URL of the SP's metadata.
func (s *SP) MetadataURL() string { return s.cfg.BaseURL + "/metadata" }

// AppURL returns the URL of the signed-in page.
func (s *SP) AppURL() string { return s.cfg.BaseURL + "/app" }

// Metadata returns the SP's EntityDescriptor XML (gosaml2's metadata
// types): entity ID, the emailAddress NameID format and the HTTP-POST ACS,
// valid for seven days. The SP has no key of its own (it neither signs
// AuthnRequests nor accepts encrypted assertions), so it lists none;
// gosaml2's own Metadata() insists on one.
func (s *SP) Metadata() ([]byte, error) {
	ed := types.EntityDescriptor{
		ValidUntil: s.cfg.Now().UTC().Add(7 * 24 * time.Hour).Truncate(time.Second),
		EntityID:   s.cfg.EntityID,
		SPSSODescriptor: &types.SPSSODescriptor{
			AuthnRequestsSigned:        false,
			WantAssertionsSigned:       true,
			ProtocolSupportEnumeration: saml2.SAMLProtocolNamespace,
			NameIDFormats:              []string{nameIDFormatEmail},
			AssertionConsumerServices: []types.IndexedEndpoint{{
				Binding: saml2.BindingHttpPost, Location: s.cfg.ACSURL, Index: 1,
			}},
		},
	}
	b, err := xml.MarshalIndent(ed, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sso metadata: %w", err)
	}
	return append([]byte(xml.Header), b...), nil
}

// AuthnRequestURL builds an AuthnRequest, remembers its ID as outstanding
// for ten minutes, and returns the IdP URL that carries it with the
// HTTP-Redirect binding, and the ID.
func (s *SP) AuthnRequestURL(relayState string) (redirectURL, id string, err error) {
	p := s.provider(s.cfg.Now())
	doc, err := p.BuildAuthRequestDocumentNoSig()
	if err != nil {
		return "", "", fmt.Errorf("build authn request: %w", err)
	}
	id = doc.Root().SelectAttrValue("ID", "")
	if id == "" {
		return "", "", errors.New("build authn request: no ID")
	}
	u, err := p.BuildAuthURLRedirect(relayState, doc)
	if err != nil {
		return "", "", fmt.Errorf("build authn request: %w", err)
	}
	s.requests.add(id, s.cfg.Now().Add(requestTTL), s.cfg.Now())
	return u, id, nil
}

// sessionStore keeps signed-in sessions in memory.
type sessionStore struct {
	mu sync.Mutex
	m  map[string]session
}

type session struct {
	userName, displayName string
	expires               time.Time
}

func newSessionStore() *sessionStore { return &sessionStore{m: map[string]session{}} }

func (st *sessionStore) put(id string, s session, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, v := range st.m {
		if !now.Before(v.expires) {
			delete(st.m, k)
		}
	}
	st.m[id] = s
}

func (st *sessionStore) get(id string, now time.Time) (session, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.m[id]
	if ok && !now.Before(s.expires) {
		delete(st.m, id)
		return session{}, false
	}
	return s, ok
}

func (st *sessionStore) delete(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.m, id)
}
