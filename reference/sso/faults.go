package sso

import (
	"net/http"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/scimconform/scimconform/internal/faults"
)

// Faults for the suite's self-test live here, outside the SP's handlers:
// each SP fault switches off one named verification step of checks (the
// SP's hooks: what it verifies is inside knowledge no decorator has) or
// wraps the SP's handler. They come from the shared catalogue
// (internal/faults) and are off unless named in Config.Faults.

// FaultInfo describes one SSO fault and the proof it owes (internal/faults).
type FaultInfo = faults.Fault

// Faults lists the SSO faults, sorted by name.
func Faults() []FaultInfo { return faults.OfKind(faults.SSO) }

// checks are the verification steps of Accept that a fault can switch
// off; defaultChecks is what a real deployment runs.
type checks struct {
	signature    bool          // refuse unsigned messages, verify signatures
	issuer       bool          // the Issuer must be the trusted IdP
	audience     bool          // AudienceRestriction must name this SP
	skew         time.Duration // tolerance on Conditions times; 0 = Config.ClockSkew
	verifySkew   time.Duration // how far gosaml2's clock is set back; 0 = Config.ClockSkew
	replay       bool          // remember assertion IDs
	knownOnly    bool          // refuse users the directory does not have
	activeOnly   bool          // refuse inactive users
	firstNameID  bool          // read the identity from the first assertion in the document
	recipient    bool          // Destination and Recipient must be this SP's ACS URL
	inResponseTo bool          // InResponseTo must name an outstanding request
	trustedIssue string        // when set, the IdP entity ID the SP trusts instead of the metadata's
}

var defaultChecks = checks{signature: true, issuer: true, audience: true, replay: true, knownOnly: true, activeOnly: true,
	recipient: true, inResponseTo: true}

// checksFor returns the checks with the faults in set switched off.
func checksFor(set faults.Set) checks {
	c := defaultChecks
	c.signature = !set.On("sso-skip-signature")
	c.issuer = !set.On("sso-any-issuer")
	c.audience = !set.On("sso-ignore-audience")
	if set.On("sso-ignore-expiry") {
		// A quarter-of-an-hour-old response still passes, but the IdP's
		// certificate is not yet invalid.
		c.skew, c.verifySkew = 24*time.Hour, 20*time.Minute
	}
	c.replay = !set.On("sso-no-replay-check")
	c.knownOnly = !set.On("sso-sign-in-unknown")
	c.activeOnly = !set.On("sso-ignore-deactivation")
	c.firstNameID = set.On("sso-naive-wrapping")
	c.recipient = !set.On("sso-ignore-recipient")
	c.inResponseTo = !set.On("sso-ignore-in-response-to")
	if set.On("sso-trust-other-issuer") {
		c.trustedIssue = "http://www.okta.com/exk-another-tenant"
	}
	return c
}

// wrapFaults wraps the SP's handler with the faults that act on HTTP.
func wrapFaults(set faults.Set, h http.Handler) http.Handler {
	switch {
	case set.On("sso-refuse-all"):
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "forbidden", http.StatusForbidden)
		})
	case set.On("sso-no-session"):
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(noCookies{w}, r)
		})
	}
	return h
}

// noCookies drops the Set-Cookie headers of an answer (sso-no-session).
type noCookies struct{ http.ResponseWriter }

func (n noCookies) WriteHeader(status int) {
	n.Header().Del("Set-Cookie")
	n.ResponseWriter.WriteHeader(status)
}

func (n noCookies) Write(b []byte) (int, error) {
	n.Header().Del("Set-Cookie")
	return n.ResponseWriter.Write(b)
}

// signsItself reports whether a carries a signature whose reference names
// a's own ID (a copied signature on an impostor names the original).
func signsItself(a *etree.Element) bool {
	id := a.SelectAttrValue("ID", "")
	for _, c := range a.ChildElements() {
		if c.Tag != "Signature" || c.NamespaceURI() != nsDSig {
			continue
		}
		if ref := c.FindElement(".//Reference"); ref != nil && id != "" && ref.SelectAttrValue("URI", "") == "#"+id {
			return true
		}
	}
	return false
}

// naiveWrapped implements sso-naive-wrapping: it keeps only the assertions
// that carry their own signature for verification (what a library looking for "a valid
// signature somewhere" does) and reports the NameID of the first assertion
// in document order. ok is false when raw has no second assertion.
func naiveWrapped(raw []byte) (verify []byte, firstNameID string, ok bool) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil || doc.Root() == nil {
		return nil, "", false
	}
	root := doc.Root()
	var assertions []*etree.Element
	for _, c := range root.ChildElements() {
		if c.Tag == "Assertion" && c.NamespaceURI() == nsAssertion {
			assertions = append(assertions, c)
		}
	}
	if len(assertions) < 2 {
		return nil, "", false
	}
	if nid := assertions[0].FindElement(".//NameID"); nid != nil {
		firstNameID = strings.TrimSpace(nid.Text())
	}
	for _, a := range assertions {
		if !signsItself(a) {
			root.RemoveChild(a)
		}
	}
	b, err := doc.WriteToBytes()
	if err != nil {
		return nil, "", false
	}
	return b, firstNameID, true
}

// claimedDestination is the Destination the Response itself names, which
// an SP with the sso-ignore-recipient fault takes as its own ACS URL (the
// bug of an SP that derives "where am I" from the message it is checking).
func claimedDestination(raw []byte) string {
	doc := etree.NewDocument()
	if doc.ReadFromBytes(raw) != nil || doc.Root() == nil {
		return ""
	}
	return doc.Root().SelectAttrValue("Destination", "")
}
