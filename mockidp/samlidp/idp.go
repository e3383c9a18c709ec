// Package samlidp is the mock Okta SAML identity provider of scimconform.
//
// It sits beside the mock Okta SCIM client in mockidp/: where that client
// provisions a person into the app under test, this IdP signs that person in.
// It holds one RSA key and a self-signed certificate, serves IdP metadata,
// answers AuthnRequests (HTTP-Redirect and HTTP-POST bindings), issues signed
// SAML 2.0 Responses (IdP-initiated or in reply to a request) and, for
// security tests, the hostile variants an SP must refuse (see Attack).
// A small client (SignIn, SuccessCheck) posts a Response to any SP's ACS and
// decides whether the SP signed the person in.
//
// It must not know anything of steps/ or reference/: it sees URLs only. It
// never logs or writes its private key.
package samlidp

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// SAML namespaces, bindings and formats used on the wire (SAML 2.0 core,
// bindings and metadata specifications).
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"

	// BindingRedirect is the SAML HTTP-Redirect binding URI.
	BindingRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	// BindingPOST is the SAML HTTP-POST binding URI.
	BindingPOST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	// NameIDFormatEmail is the NameID format the IdP uses: Okta's default
	// for apps like Apollo is the user's email address.
	NameIDFormatEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

	statusSuccess  = "urn:oasis:names:tc:SAML:2.0:status:Success"
	bearerMethod   = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	attrNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
	authnPassword  = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
)

// IdPConfig configures NewIdP. Every field is optional.
type IdPConfig struct {
	// EntityID is the IdP's entity ID, written as Issuer into every
	// Response and Assertion. If empty, an Okta-shaped ID
	// ("http://www.okta.com/exk…") is generated.
	EntityID string
	// SSOURL is the IdP's own single sign-on URL (where Handler's /sso is
	// reachable), written into the metadata for both bindings. If empty,
	// Metadata fails and Handler derives it from each metadata request.
	SSOURL string
	// Key is the signing key. If nil, a 2048-bit RSA key is generated.
	Key *rsa.PrivateKey
	// Cert is the signing certificate; it must hold Key's public key. If
	// nil, a self-signed certificate valid from one hour ago for ten years
	// is generated (Key must then be nil too, or the certificate is made
	// for Key).
	Cert *x509.Certificate
	// Now is the IdP's clock. If nil, time.Now is used.
	Now func() time.Time
	// SPs are the service providers this IdP serves. When non-empty, an
	// AuthnRequest must come from one of them (by Issuer) and its ACS URL,
	// if given, must be that SP's; the IdP-initiated page offers them. When
	// empty, an AuthnRequest's own Issuer and ACS URL are trusted.
	SPs []SP
	// Validity is how long an issued assertion is valid. If zero, five
	// minutes (Okta's SubjectConfirmationData window).
	Validity time.Duration
}

// User is the person an assertion is issued for. NameID is Email (format
// emailAddress); the attributes email, firstName and lastName carry the
// fields, as Okta's default attribute statements for such apps do.
type User struct {
	Email, FirstName, LastName string
}

// SP identifies a service provider: EntityID is the audience written into
// the assertion, ACSURL the Destination and Recipient.
type SP struct {
	EntityID, ACSURL string
}

// IdP is a mock SAML identity provider. It is safe for concurrent use.
type IdP struct {
	cfg    IdPConfig
	key    *rsa.PrivateKey
	cert   *x509.Certificate
	signer *dsig.SigningContext

	mu       sync.Mutex
	session  *User                // the person signed in at the IdP, for SP-initiated requests
	foreign  *dsig.SigningContext // lazily made for the ForeignKey attack
	lastSeen []AuthnRequest       // AuthnRequests received, newest last (bounded)
}

// NewIdP returns an IdP with cfg's key and certificate, or freshly generated
// ones. It fails if the key cannot be generated or Cert does not match Key.
func NewIdP(cfg IdPConfig) (*IdP, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Validity <= 0 {
		cfg.Validity = 5 * time.Minute
	}
	if cfg.EntityID == "" {
		cfg.EntityID = "http://www.okta.com/exk" + randomHex(10)
	}
	if cfg.Cert != nil && cfg.Key == nil {
		return nil, errors.New("new idp: a certificate without its private key")
	}
	key, cert := cfg.Key, cfg.Cert
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("new idp: generate key: %w", err)
		}
	}
	if cert == nil {
		var err error
		if cert, err = SelfSignedCert(key, cfg.Now(), "scimconform mock IdP"); err != nil {
			return nil, fmt.Errorf("new idp: %w", err)
		}
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || !pub.Equal(&key.PublicKey) {
		return nil, errors.New("new idp: the certificate does not hold the key's public key")
	}
	sc, err := signingContext(key, cert)
	if err != nil {
		return nil, fmt.Errorf("new idp: %w", err)
	}
	return &IdP{cfg: cfg, key: key, cert: cert, signer: sc}, nil
}

// SelfSignedCert returns a self-signed signing certificate for key, valid
// from one hour before now for ten years, with common name cn.
func SelfSignedCert(key *rsa.PrivateKey, now time.Time, cn string) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"scimconform"}},
		// goxmldsig checks certificate validity against the SP's clock, so
		// leave room for skewed clocks on both sides.
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return cert, nil
}

// signingContext signs with RSA-SHA256 and exclusive C14N: the library's
// default C14N 1.1 breaks an assertion's signature once it is embedded in a
// Response (library-notes §2.3, verified).
func signingContext(key *rsa.PrivateKey, cert *x509.Certificate) (*dsig.SigningContext, error) {
	sc, err := dsig.NewSigningContext(key, [][]byte{cert.Raw})
	if err != nil {
		return nil, fmt.Errorf("signing context: %w", err)
	}
	sc.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	return sc, nil
}

// EntityID returns the IdP's entity ID (the Issuer of its messages).
func (i *IdP) EntityID() string { return i.cfg.EntityID }

// Certificate returns the IdP's signing certificate.
func (i *IdP) Certificate() *x509.Certificate { return i.cert }

// CertificatePEM returns the signing certificate in PEM form, for SPs that
// are configured with a certificate instead of metadata.
func (i *IdP) CertificatePEM() []byte {
	var b bytes.Buffer
	b.WriteString("-----BEGIN CERTIFICATE-----\n")
	enc := base64.StdEncoding.EncodeToString(i.cert.Raw)
	for len(enc) > 64 {
		b.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	b.WriteString(enc + "\n-----END CERTIFICATE-----\n")
	return b.Bytes()
}

// SSOURL returns the configured SSO URL; it may be empty.
func (i *IdP) SSOURL() string { return i.cfg.SSOURL }

// SPs returns the service providers the IdP was configured with.
func (i *IdP) SPs() []SP { return append([]SP(nil), i.cfg.SPs...) }

// SetSession sets the person who is signed in at the IdP: Handler then
// answers AuthnRequests for them without asking. Nil signs them out, and
// Handler shows a form to pick a person instead.
func (i *IdP) SetSession(u *User) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if u == nil {
		i.session = nil
		return
	}
	c := *u
	i.session = &c
}

func (i *IdP) currentSession() *User {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.session == nil {
		return nil
	}
	c := *i.session
	return &c
}

// Metadata returns the IdP's EntityDescriptor: entity ID, the signing
// certificate, the emailAddress NameID format and the SSO URL for the
// HTTP-Redirect and HTTP-POST bindings (SAML metadata §2.4.3). It fails if
// IdPConfig.SSOURL is empty.
func (i *IdP) Metadata() ([]byte, error) {
	if i.cfg.SSOURL == "" {
		return nil, errors.New("idp metadata: IdPConfig.SSOURL is empty")
	}
	return i.metadataFor(i.cfg.SSOURL)
}

func (i *IdP) metadataFor(ssoURL string) ([]byte, error) {
	ed := etree.NewElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", nsMetadata)
	ed.CreateAttr("xmlns:ds", nsDSig)
	ed.CreateAttr("entityID", i.cfg.EntityID)
	d := ed.CreateElement("md:IDPSSODescriptor")
	d.CreateAttr("WantAuthnRequestsSigned", "false")
	d.CreateAttr("protocolSupportEnumeration", nsProtocol)
	kd := d.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(i.cert.Raw))
	d.CreateElement("md:NameIDFormat").SetText(NameIDFormatEmail)
	for _, b := range []string{BindingRedirect, BindingPOST} {
		s := d.CreateElement("md:SingleSignOnService")
		s.CreateAttr("Binding", b)
		s.CreateAttr("Location", ssoURL)
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(ed)
	doc.Indent(2)
	b, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("idp metadata: %w", err)
	}
	return b, nil
}

// foreignSigner returns a signing context with a key and certificate the
// SP has never seen, made once per IdP.
func (i *IdP) foreignSigner() (*dsig.SigningContext, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.foreign != nil {
		return i.foreign, nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("foreign key: %w", err)
	}
	// Same subject as the real certificate, so only the key tells them apart.
	cert, err := SelfSignedCert(key, i.cfg.Now(), i.cert.Subject.CommonName)
	if err != nil {
		return nil, fmt.Errorf("foreign key: %w", err)
	}
	if i.foreign, err = signingContext(key, cert); err != nil {
		return nil, err
	}
	return i.foreign, nil
}

// newID returns a SAML ID: an xs:ID must not start with a digit.
func newID() string { return "id" + randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
