package samlidp

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// Attack names a hostile variant of a Response that a conforming SP must
// refuse. Replay needs no variant: post the same Response twice.
type Attack string

// The hostile variants Response can produce (issue 7, "Mock IdP").
const (
	// Unsigned: neither the Response nor the Assertion carries a signature.
	Unsigned Attack = "unsigned"
	// ForeignKey: correctly signed, but with a key and certificate that are
	// not the IdP's (same certificate subject).
	ForeignKey Attack = "foreign-key"
	// Expired: issued 15 minutes ago, valid for the usual window, so every
	// NotOnOrAfter lies 10 minutes in the past.
	Expired Attack = "expired"
	// NotYetValid: Conditions@NotBefore lies 10 minutes in the future.
	NotYetValid Attack = "not-yet-valid"
	// WrongAudience: the AudienceRestriction names another SP.
	WrongAudience Attack = "wrong-audience"
	// WrongRecipient: Response@Destination and
	// SubjectConfirmationData@Recipient name another ACS URL (the form is
	// still posted to the real one).
	WrongRecipient Attack = "wrong-recipient"
	// WrongInResponseTo: InResponseTo (on the Response and in
	// SubjectConfirmationData) names a request the SP never issued.
	WrongInResponseTo Attack = "wrong-in-response-to"
	// Tampered: signed, then modified: NameID and the email attribute name
	// the target user (WithTarget; by default the same user) and
	// Conditions@NotOnOrAfter is pushed one hour later.
	Tampered Attack = "tampered"
	// SignatureWrapping (XSW): the Response signature is dropped and a
	// second, unsigned Assertion for the target user is placed before the
	// original signed one, where an SP that reads the first assertion finds
	// it.
	SignatureWrapping Attack = "signature-wrapping"
	// WrongIssuer: signed with the IdP's own key, but the Issuer of the
	// Response and the Assertion names another IdP (OtherIssuer). An SP must
	// compare the Issuer with the IdP it trusts (saml-profiles-2.0-os
	// §4.1.4.2 "the <Issuer> element MUST be present and MUST contain the
	// unique identifier of the issuing identity provider").
	WrongIssuer Attack = "wrong-issuer"
)

// OtherIssuer is the entity ID a WrongIssuer response names.
const OtherIssuer = "http://www.okta.com/exk-another-idp-scimconform"

// Attacks returns every Attack, in a stable order.
func Attacks() []Attack {
	return []Attack{Unsigned, ForeignKey, Expired, NotYetValid, WrongAudience,
		WrongRecipient, WrongInResponseTo, Tampered, SignatureWrapping, WrongIssuer}
}

// ParseAttack returns the Attack named s, or an error listing the names.
func ParseAttack(s string) (Attack, error) {
	for _, a := range Attacks() {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown attack %q (known: %v)", s, Attacks())
}

// ResponseOption changes one Response.
type ResponseOption func(*responseParams)

type responseParams struct {
	inResponseTo string
	attack       Attack
	target       *User
	issuedAt     time.Time
	sessionIndex string
	signResponse bool
	signAssert   bool
}

// WithInResponseTo makes the Response answer the AuthnRequest with ID id
// (Response@InResponseTo and SubjectConfirmationData@InResponseTo). Without
// it the Response is unsolicited (IdP-initiated).
func WithInResponseTo(id string) ResponseOption {
	return func(p *responseParams) { p.inResponseTo = id }
}

// WithAttack makes the Response the hostile variant a.
func WithAttack(a Attack) ResponseOption {
	return func(p *responseParams) { p.attack = a }
}

// WithTarget names the person the Tampered and SignatureWrapping variants
// try to sign in as; other responses ignore it.
func WithTarget(u User) ResponseOption {
	return func(p *responseParams) { p.target = &u }
}

// WithSigning chooses which elements are signed for a valid Response: by
// default both. Okta can be set to sign only the assertion or only the
// response; a conforming SP accepts either. Signing neither is the
// Unsigned attack. Hostile variants ignore this option.
func WithSigning(assertion, response bool) ResponseOption {
	return func(p *responseParams) { p.signAssert, p.signResponse = assertion, response }
}

// WithIssueInstant issues the Response as if the IdP's clock read t, for
// clock-skew tests; every time in the Response follows from it.
func WithIssueInstant(t time.Time) ResponseOption {
	return func(p *responseParams) { p.issuedAt = t }
}

// Response returns a base64-encoded SAML Response (the HTTP-POST binding's
// SAMLResponse value) for u, addressed to sp. Both the Assertion and the
// Response are signed (RSA-SHA256, exclusive C14N, Signature right after
// Issuer), as Okta does with "Response: Signed, Assertion Signature:
// Signed". The Response is unsolicited unless WithInResponseTo is given.
// It fails if sp.ACSURL, sp.EntityID or u.Email is empty, or signing fails.
func (i *IdP) Response(sp SP, u User, opts ...ResponseOption) (string, error) {
	doc, err := i.ResponseDocument(sp, u, opts...)
	if err != nil {
		return "", err
	}
	b, err := doc.WriteToBytes()
	if err != nil {
		return "", fmt.Errorf("saml response: serialize: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// ResponseDocument is Response before encoding: the Response XML document,
// for callers that inspect or alter it.
func (i *IdP) ResponseDocument(sp SP, u User, opts ...ResponseOption) (*etree.Document, error) {
	if sp.ACSURL == "" || sp.EntityID == "" {
		return nil, errors.New("saml response: SP ACS URL and entity ID are required")
	}
	if u.Email == "" {
		return nil, errors.New("saml response: the user's email (NameID) is required")
	}
	p := responseParams{issuedAt: i.cfg.Now(), sessionIndex: newID(), signAssert: true, signResponse: true}
	for _, o := range opts {
		o(&p)
	}
	if p.attack != "" {
		p.signAssert, p.signResponse = true, true
	}
	if p.attack == Unsigned || p.attack == SignatureWrapping {
		p.signResponse = false
	}
	if p.attack == Unsigned {
		p.signAssert, p.signResponse = false, false
	}
	target := u
	if p.target != nil {
		target = *p.target
	}

	now := p.issuedAt
	validity := i.cfg.Validity
	notBefore := now.Add(-30 * time.Second) // Okta backdates NotBefore a little
	recipient, audience, inResponseTo := sp.ACSURL, sp.EntityID, p.inResponseTo
	issuer := i.cfg.EntityID
	switch p.attack {
	case "", Unsigned, ForeignKey, Tampered, SignatureWrapping:
	case WrongIssuer:
		issuer = OtherIssuer
	case Expired:
		now = now.Add(-15 * time.Minute)
		notBefore = now.Add(-30 * time.Second)
	case NotYetValid:
		notBefore = now.Add(10 * time.Minute)
		validity += 10 * time.Minute
	case WrongAudience:
		audience = "https://wrong-audience.invalid/saml/metadata"
	case WrongRecipient:
		recipient = "https://wrong-recipient.invalid/saml/acs"
	case WrongInResponseTo:
		inResponseTo = newID()
	default:
		return nil, fmt.Errorf("saml response: unknown attack %q", p.attack)
	}

	signer := i.signer
	if p.attack == ForeignKey {
		var err error
		if signer, err = i.foreignSigner(); err != nil {
			return nil, fmt.Errorf("saml response: %w", err)
		}
	}

	a := i.assertion(assertionFields{
		id: newID(), now: now, notBefore: notBefore, notOnOrAfter: now.Add(validity),
		recipient: recipient, audience: audience, inResponseTo: inResponseTo,
		issuer: issuer, user: u, sessionIndex: p.sessionIndex,
	})
	if p.signAssert {
		var err error
		if a, err = signAfterIssuer(signer, a); err != nil {
			return nil, fmt.Errorf("saml response: sign assertion: %w", err)
		}
	}

	r := etree.NewElement("saml2p:Response")
	r.CreateAttr("xmlns:saml2p", nsProtocol)
	r.CreateAttr("ID", newID())
	r.CreateAttr("Version", "2.0")
	r.CreateAttr("IssueInstant", samlTime(now))
	r.CreateAttr("Destination", recipient)
	if inResponseTo != "" {
		r.CreateAttr("InResponseTo", inResponseTo)
	}
	iss := r.CreateElement("saml2:Issuer")
	iss.CreateAttr("xmlns:saml2", nsAssertion)
	iss.CreateAttr("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:entity")
	iss.SetText(issuer)
	r.CreateElement("saml2p:Status").CreateElement("saml2p:StatusCode").CreateAttr("Value", statusSuccess)
	if p.attack == SignatureWrapping {
		// The unsigned impostor goes first; the signed original stays so a
		// signature check that looks for "some valid signature" passes.
		evil := a.Copy()
		removeSignature(evil)
		evil.CreateAttr("ID", newID())
		setIdentity(evil, target)
		r.AddChild(evil)
	}
	r.AddChild(a)
	if p.signResponse {
		var err error
		if r, err = signAfterIssuer(signer, r); err != nil {
			return nil, fmt.Errorf("saml response: sign response: %w", err)
		}
	}
	if p.attack == Tampered {
		// Modify the signed tree in place: both signatures now cover
		// different bytes than the ones sent.
		as := findChild(r, nsAssertion, "Assertion")
		setIdentity(as, target)
		if c := findChild(as, nsAssertion, "Conditions"); c != nil {
			c.CreateAttr("NotOnOrAfter", samlTime(now.Add(validity+time.Hour)))
		}
	}
	doc := etree.NewDocument()
	doc.SetRoot(r)
	return doc, nil
}

type assertionFields struct {
	id                                string
	now, notBefore, notOnOrAfter      time.Time
	recipient, audience, inResponseTo string
	issuer                            string
	user                              User
	sessionIndex                      string
}

// assertion builds an Okta-shaped saml2:Assertion (SAML core §2.3.3, profiles
// §4.1.4.2: bearer SubjectConfirmation with Recipient and NotOnOrAfter,
// AudienceRestriction with the SP's entity ID, an AuthnStatement).
func (i *IdP) assertion(f assertionFields) *etree.Element {
	a := etree.NewElement("saml2:Assertion")
	a.CreateAttr("xmlns:saml2", nsAssertion)
	a.CreateAttr("ID", f.id)
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", samlTime(f.now))
	iss := a.CreateElement("saml2:Issuer")
	iss.CreateAttr("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:entity")
	iss.SetText(f.issuer)
	subj := a.CreateElement("saml2:Subject")
	nid := subj.CreateElement("saml2:NameID")
	nid.CreateAttr("Format", NameIDFormatEmail)
	nid.SetText(f.user.Email)
	sc := subj.CreateElement("saml2:SubjectConfirmation")
	sc.CreateAttr("Method", bearerMethod)
	scd := sc.CreateElement("saml2:SubjectConfirmationData")
	if f.inResponseTo != "" {
		scd.CreateAttr("InResponseTo", f.inResponseTo)
	}
	scd.CreateAttr("NotOnOrAfter", samlTime(f.notOnOrAfter))
	scd.CreateAttr("Recipient", f.recipient)
	cond := a.CreateElement("saml2:Conditions")
	cond.CreateAttr("NotBefore", samlTime(f.notBefore))
	cond.CreateAttr("NotOnOrAfter", samlTime(f.notOnOrAfter))
	cond.CreateElement("saml2:AudienceRestriction").CreateElement("saml2:Audience").SetText(f.audience)
	as := a.CreateElement("saml2:AuthnStatement")
	as.CreateAttr("AuthnInstant", samlTime(f.now))
	as.CreateAttr("SessionIndex", f.sessionIndex)
	as.CreateElement("saml2:AuthnContext").CreateElement("saml2:AuthnContextClassRef").SetText(authnPassword)
	ast := a.CreateElement("saml2:AttributeStatement")
	for _, kv := range [][2]string{{"email", f.user.Email}, {"firstName", f.user.FirstName}, {"lastName", f.user.LastName}} {
		at := ast.CreateElement("saml2:Attribute")
		at.CreateAttr("Name", kv[0])
		at.CreateAttr("NameFormat", attrNameFormat)
		av := at.CreateElement("saml2:AttributeValue")
		av.CreateAttr("xmlns:xs", "http://www.w3.org/2001/XMLSchema")
		av.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
		av.CreateAttr("xsi:type", "xs:string")
		av.SetText(kv[1])
	}
	return a
}

// setIdentity rewrites an assertion's NameID and email/name attributes to u.
func setIdentity(a *etree.Element, u User) {
	if subj := findChild(a, nsAssertion, "Subject"); subj != nil {
		if nid := findChild(subj, nsAssertion, "NameID"); nid != nil {
			nid.SetText(u.Email)
		}
	}
	ast := findChild(a, nsAssertion, "AttributeStatement")
	if ast == nil {
		return
	}
	for _, at := range ast.ChildElements() {
		v := findChild(at, nsAssertion, "AttributeValue")
		if v == nil {
			continue
		}
		switch at.SelectAttrValue("Name", "") {
		case "email":
			v.SetText(u.Email)
		case "firstName":
			v.SetText(u.FirstName)
		case "lastName":
			v.SetText(u.LastName)
		}
	}
}

// signAfterIssuer signs el (enveloped) and places ds:Signature right after
// its Issuer, where the schema wants it (SAML core §5.4.1, library-notes §2.3).
func signAfterIssuer(sc *dsig.SigningContext, el *etree.Element) (*etree.Element, error) {
	sig, err := sc.ConstructSignature(el, true)
	if err != nil {
		return nil, err
	}
	ret := el.Copy()
	children := []etree.Token{ret.Child[0], sig}
	ret.Child = append(children, ret.Child[1:]...)
	return ret, nil
}

func removeSignature(el *etree.Element) {
	if s := findChild(el, nsDSig, "Signature"); s != nil {
		el.RemoveChild(s)
	}
}

// findChild returns el's first child element with namespace URI ns and local
// name tag, or nil.
func findChild(el *etree.Element, ns, tag string) *etree.Element {
	if el == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			return c
		}
	}
	return nil
}

// samlTime formats t as SAML's xs:dateTime in UTC (SAML core §1.3.3).
func samlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
