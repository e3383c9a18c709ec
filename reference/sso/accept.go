package sso

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"
	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
)

const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
)

// maxResponseBytes bounds a decoded SAMLResponse; Okta's are a few KiB.
const maxResponseBytes = 256 << 10

// Accept verifies a base64 SAMLResponse (the HTTP-POST binding value) and
// returns the identity it asserts and the active directory user it signs
// in. On refusal the error is a *RefusalError whose Reason is one of the
// Err* values. An accepted assertion's ID is remembered until it expires,
// so a second Accept of the same response fails with ErrReplay; an
// answered AuthnRequest ID is used up.
func (s *SP) Accept(ctx context.Context, samlResponse string) (Identity, DirectoryUser, error) {
	now := s.cfg.Now()
	id, exp, err := s.verify(samlResponse, now)
	if err != nil {
		return Identity{}, DirectoryUser{}, err
	}
	if id.InResponseTo != "" && s.checks.inResponseTo {
		if !s.requests.take(id.InResponseTo, now) {
			return id, DirectoryUser{}, refuse(ErrInResponseTo, "no outstanding request with this ID")
		}
	} else if s.cfg.DisableIdPInitiated {
		return id, DirectoryUser{}, refuse(ErrInResponseTo, "unsolicited response and IdP-initiated sign-in is disabled")
	}
	if s.checks.replay {
		added, full := s.replay.addIfAbsent(id.AssertionID, exp, now)
		if full {
			return id, DirectoryUser{}, refuse(ErrReplayCacheFull, "")
		}
		if !added {
			return id, DirectoryUser{}, refuse(ErrReplay, "assertion "+id.AssertionID)
		}
	}
	u, err := s.lookup(ctx, id)
	if err != nil {
		return id, DirectoryUser{}, err
	}
	return id, u, nil
}

// lookup finds the active directory user named by the assertion's NameID.
func (s *SP) lookup(ctx context.Context, id Identity) (DirectoryUser, error) {
	u, ok, err := s.dir.UserByUserName(ctx, id.NameID)
	if err != nil {
		return DirectoryUser{}, refuse(ErrDirectory, err.Error())
	}
	if !ok && !s.checks.knownOnly {
		return DirectoryUser{UserName: id.NameID, Email: id.NameID, Active: true}, nil
	}
	if !ok {
		if s.cfg.JIT == nil {
			return DirectoryUser{}, refuse(ErrUnknownUser, "no user "+id.NameID)
		}
		if u, err = s.cfg.JIT(ctx, id); err != nil {
			return DirectoryUser{}, refuse(ErrUnknownUser, "just-in-time creation failed: "+err.Error())
		}
	}
	if !u.Active && s.checks.activeOnly {
		return DirectoryUser{}, refuse(ErrInactiveUser, "user "+u.UserName)
	}
	return u, nil
}

// verify checks everything about the response that does not depend on SP
// state, and returns the identity and how long the assertion ID must be
// remembered.
func (s *SP) verify(samlResponse string, now time.Time) (Identity, time.Time, error) {
	if samlResponse == "" {
		return Identity{}, time.Time{}, refuse(ErrMalformed, "no SAMLResponse")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(samlResponse), ""))
	if err != nil {
		return Identity{}, time.Time{}, refuse(ErrMalformed, "SAMLResponse is not base64")
	}
	if len(raw) > maxResponseBytes {
		return Identity{}, time.Time{}, refuse(ErrMalformed, "SAMLResponse too large")
	}
	naiveNameID := ""
	if s.checks.firstNameID {
		if v, nid, ok := naiveWrapped(raw); ok {
			raw, naiveNameID = v, nid
		}
	}
	if err := s.checkShape(raw); err != nil {
		return Identity{}, time.Time{}, err
	}
	p := s.provider(s.verifyClock(now))
	if !s.checks.recipient {
		if d := claimedDestination(raw); d != "" {
			p.AssertionConsumerServiceURL = d
		}
	}
	resp, err := p.ValidateEncodedResponse(base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		return Identity{}, time.Time{}, classify(err)
	}
	if len(resp.Assertions) != 1 {
		return Identity{}, time.Time{}, refuse(ErrWrapping, fmt.Sprintf("%d verified assertions", len(resp.Assertions)))
	}
	a := resp.Assertions[0]
	if err := s.checkConditions(a.Conditions, now); err != nil {
		return Identity{}, time.Time{}, err
	}
	if a.Subject == nil || a.Subject.NameID == nil || strings.TrimSpace(a.Subject.NameID.Value) == "" {
		return Identity{}, time.Time{}, refuse(ErrMalformed, "no NameID")
	}
	scd := a.Subject.SubjectConfirmation.SubjectConfirmationData // gosaml2 required both
	// SAML profiles §4.1.4.2/§4.1.4.3: InResponseTo of the Response and of
	// the bearer SubjectConfirmationData must name the same request.
	if resp.InResponseTo != "" && scd.InResponseTo != "" && resp.InResponseTo != scd.InResponseTo {
		return Identity{}, time.Time{}, refuse(ErrInResponseTo, "response and assertion answer different requests")
	}
	id := Identity{NameID: strings.TrimSpace(a.Subject.NameID.Value), AssertionID: a.ID, InResponseTo: scd.InResponseTo}
	if naiveNameID != "" {
		id.NameID = naiveNameID
	}
	if id.InResponseTo == "" && resp.SignatureValidated {
		id.InResponseTo = resp.InResponseTo
	}
	if a.ID == "" {
		return Identity{}, time.Time{}, refuse(ErrMalformed, "assertion has no ID")
	}
	if a.AttributeStatement != nil {
		for _, at := range a.AttributeStatement.Attributes {
			if len(at.Values) == 0 {
				continue
			}
			v := strings.TrimSpace(at.Values[0].Value)
			switch at.Name {
			case "email":
				id.Email = v
			case "firstName":
				id.FirstName = v
			case "lastName":
				id.LastName = v
			}
		}
	}
	exp, _ := time.Parse(time.RFC3339, a.Conditions.NotOnOrAfter) // parsed before by checkConditions
	if t, err := time.Parse(time.RFC3339, scd.NotOnOrAfter); err == nil && t.After(exp) {
		exp = t
	}
	return id, exp.Add(s.cfg.ClockSkew), nil
}

// checkShape refuses, before any signature work, a document that is not a
// single Response carrying exactly one Assertion as a direct child, and a
// message without any signature. One assertion is all Okta sends; more, or
// one nested elsewhere, is how XML signature wrapping hides an unsigned
// assertion next to a signed one.
func (s *SP) checkShape(raw []byte) error {
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(raw); err != nil {
		return refuse(ErrMalformed, "not XML")
	}
	root := doc.Root()
	if root == nil || root.Tag != "Response" || root.NamespaceURI() != nsProtocol {
		return refuse(ErrMalformed, "root element is not samlp:Response")
	}
	var all []*etree.Element
	var walk func(el *etree.Element)
	walk = func(el *etree.Element) {
		for _, c := range el.ChildElements() {
			if (c.Tag == "Assertion" || c.Tag == "EncryptedAssertion") && c.NamespaceURI() == nsAssertion {
				all = append(all, c)
			}
			walk(c)
		}
	}
	walk(root)
	if len(all) != 1 || all[0].Parent() != root || all[0].Tag != "Assertion" {
		return refuse(ErrWrapping, fmt.Sprintf("%d assertions found", len(all)))
	}
	if !hasSignature(root) && !hasSignature(all[0]) && s.checks.signature {
		return refuse(ErrUnsigned, "")
	}
	return nil
}

func hasSignature(el *etree.Element) bool {
	for _, c := range el.ChildElements() {
		if c.Tag == "Signature" && c.NamespaceURI() == nsDSig {
			return true
		}
	}
	return false
}

// checkConditions enforces what gosaml2 only warns about (library-notes
// §2.3): Conditions NotBefore/NotOnOrAfter with the configured skew (SAML
// core §2.5.1.2) and an AudienceRestriction naming this SP (profiles
// §4.1.4.2: the assertion MUST contain one).
func (s *SP) checkConditions(c *types.Conditions, now time.Time) error {
	if c == nil {
		return refuse(ErrMalformed, "no Conditions")
	}
	nb, err1 := time.Parse(time.RFC3339, c.NotBefore)
	na, err2 := time.Parse(time.RFC3339, c.NotOnOrAfter)
	if err1 != nil || err2 != nil {
		return refuse(ErrMalformed, "Conditions NotBefore/NotOnOrAfter missing or not a time")
	}
	skew := s.cfg.ClockSkew
	if s.checks.skew != 0 {
		skew = s.checks.skew
	}
	if now.Add(skew).Before(nb) {
		return refuse(ErrNotYetValid, "NotBefore "+c.NotBefore)
	}
	if !now.Add(-skew).Before(na) {
		return refuse(ErrExpired, "NotOnOrAfter "+c.NotOnOrAfter)
	}
	if !s.checks.audience {
		return nil
	}
	if len(c.AudienceRestrictions) == 0 {
		return refuse(ErrAudience, "no AudienceRestriction")
	}
	for _, ar := range c.AudienceRestrictions {
		found := false
		for _, a := range ar.Audiences {
			if strings.TrimSpace(a.Value) == s.cfg.EntityID {
				found = true
			}
		}
		if !found {
			return refuse(ErrAudience, "audience is not "+s.cfg.EntityID)
		}
	}
	return nil
}

// classify maps a gosaml2 validation error to a refusal reason.
func classify(err error) error {
	var iv saml2.ErrInvalidValue
	var me saml2.ErrMissingElement
	var pe saml2.ErrParsing
	switch {
	case errors.As(err, &iv):
		switch {
		case iv.Reason == saml2.ReasonExpired:
			return refuse(ErrExpired, "SubjectConfirmationData NotOnOrAfter "+iv.Actual)
		case iv.Key == saml2.DestinationAttr:
			return refuse(ErrRecipient, "Destination "+iv.Actual)
		case iv.Key == saml2.RecipientAttr:
			return refuse(ErrRecipient, "Recipient "+iv.Actual)
		case iv.Key == saml2.IssuerTag:
			return refuse(ErrIssuer, "Issuer "+iv.Actual)
		case iv.Key == saml2.StatusCodeTag:
			return refuse(ErrStatus, "status "+iv.Actual)
		}
		return refuse(ErrMalformed, iv.Error())
	case errors.As(err, &me), errors.As(err, &pe):
		return refuse(ErrMalformed, err.Error())
	case errors.Is(err, dsig.ErrMissingSignature):
		return refuse(ErrUnsigned, "")
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Could not verify certificate against trusted certs"),
		strings.Contains(msg, "Cert is not valid at this time"):
		return refuse(ErrUntrustedCert, msg)
	case strings.Contains(msg, "too many XML tokens"), strings.Contains(msg, "exceeds maximum size"):
		return refuse(ErrMalformed, msg)
	}
	// Anything else from signature verification: digest or signature mismatch.
	return refuse(ErrSignature, msg)
}

// verifyClock is gosaml2's clock for validating at now: now minus the
// skew, but not before the newest trusted certificate's NotBefore (capped
// at now), because goxmldsig checks the certificate's validity with the
// same clock and would refuse a certificate made within the skew (one
// just made with openssl). The clock is never later than now, so this is
// never more lenient than no skew.
func (s *SP) verifyClock(now time.Time) time.Time {
	clock := now.Add(-s.verifySkew())
	for _, c := range s.idp.certs {
		if nb := c.NotBefore; nb.After(clock) && !nb.After(now) {
			clock = nb
		}
	}
	return clock
}

// verifySkew is how far back gosaml2's clock is set: the configured skew
// unless the checks say otherwise.
func (s *SP) verifySkew() time.Duration {
	if s.checks.verifySkew != 0 {
		return s.checks.verifySkew
	}
	return s.cfg.ClockSkew
}
