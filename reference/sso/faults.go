package sso

import (
	"fmt"
	"sort"
	"strings"

	"github.com/beevik/etree"
)

// Fault names: each makes the SP misbehave in one named, realistic way, so
// the conformance suite's self-test can prove that every SSO scenario can
// fail. They are off unless named in Config.Faults.
const (
	FaultSkipSignature      = "sso-skip-signature"
	FaultIgnoreAudience     = "sso-ignore-audience"
	FaultIgnoreExpiry       = "sso-ignore-expiry"
	FaultNoReplayCheck      = "sso-no-replay-check"
	FaultIgnoreDeactivation = "sso-ignore-deactivation"
	FaultSignInUnknown      = "sso-sign-in-unknown"
	FaultNaiveWrapping      = "sso-naive-wrapping"
)

var faultDescriptions = map[string]string{
	FaultSkipSignature:      "Signatures are not verified (gosaml2 SkipSignatureValidation): unsigned, foreign-key and modified assertions sign people in.",
	FaultIgnoreAudience:     "The AudienceRestriction is not checked (gosaml2 only warns about it).",
	FaultIgnoreExpiry:       "Conditions and SubjectConfirmationData times are checked with a 24-hour skew, so expired and not-yet-valid assertions pass.",
	FaultNoReplayCheck:      "Assertion IDs are not remembered: a captured response signs in again.",
	FaultIgnoreDeactivation: "Inactive (deprovisioned) users are signed in.",
	FaultSignInUnknown:      "Users unknown to the directory are signed in (silent just-in-time access).",
	FaultNaiveWrapping:      "XML signature wrapping: the signature of the signed assertion is checked, but the identity is read from the first assertion in the document.",
}

// FaultInfo describes one SSO fault.
type FaultInfo struct {
	Name        string
	Description string
}

// Faults lists the SSO faults, sorted by name.
func Faults() []FaultInfo {
	out := make([]FaultInfo, 0, len(faultDescriptions))
	for n, d := range faultDescriptions {
		out = append(out, FaultInfo{Name: n, Description: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

type faultSet map[string]bool

func newFaultSet(names []string) (faultSet, error) {
	fs := faultSet{}
	for _, n := range names {
		if _, ok := faultDescriptions[n]; !ok {
			return nil, fmt.Errorf("sso: unknown fault %q (known: %s)", n, strings.Join(faultNames(), ", "))
		}
		fs[n] = true
	}
	return fs, nil
}

func faultNames() []string {
	var n []string
	for _, f := range Faults() {
		n = append(n, f.Name)
	}
	return n
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

// naiveWrapped implements FaultNaiveWrapping: it keeps only the assertions
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
