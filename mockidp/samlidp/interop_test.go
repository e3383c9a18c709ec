package samlidp_test

import (
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"sync"
	"testing"

	"github.com/crewjam/saml"

	"github.com/scimconform/scimconform/mockidp/samlidp"
)

const (
	spEntity = "https://app.example.test/sso/metadata"
	spACS    = "https://app.example.test/sso/acs"
)

var (
	onceIdP   sync.Once
	sharedIdP *samlidp.IdP
	idpErr    error
)

// testIdP returns one IdP for the package: key generation is slow.
func testIdP(t *testing.T) *samlidp.IdP {
	t.Helper()
	onceIdP.Do(func() {
		sharedIdP, idpErr = samlidp.NewIdP(samlidp.IdPConfig{SSOURL: "https://idp.example.test/sso",
			SPs: []samlidp.SP{{EntityID: spEntity, ACSURL: spACS}}})
	})
	if idpErr != nil {
		t.Fatal(idpErr)
	}
	return sharedIdP
}

// crewjamSP is an independent SAML implementation (crewjam/saml, used only
// in tests) configured from our IdP's metadata.
func crewjamSP(t *testing.T, idp *samlidp.IdP) *saml.ServiceProvider {
	t.Helper()
	md, err := idp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal(md, &ed); err != nil {
		t.Fatalf("crewjam cannot read our metadata: %v", err)
	}
	acs, _ := url.Parse(spACS)
	mdURL, _ := url.Parse(spEntity)
	return &saml.ServiceProvider{EntityID: spEntity, AcsURL: *acs, MetadataURL: *mdURL,
		IDPMetadata: &ed, AllowIDPInitiated: true}
}

func decode(t *testing.T, b64 string) []byte {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCrewjamSPAcceptsOurResponses(t *testing.T) {
	idp := testIdP(t)
	sp := crewjamSP(t, idp)
	acs, _ := url.Parse(spACS)
	u := samlidp.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}
	target := samlidp.SP{EntityID: spEntity, ACSURL: spACS}

	t.Run("IdP-initiated", func(t *testing.T) {
		resp, err := idp.Response(target, u)
		if err != nil {
			t.Fatal(err)
		}
		a, err := sp.ParseXMLResponse(decode(t, resp), nil, *acs)
		if err != nil {
			t.Fatalf("crewjam refused: %v", privateErr(err))
		}
		if a.Subject.NameID.Value != u.Email || a.Subject.NameID.Format != samlidp.NameIDFormatEmail {
			t.Errorf("NameID %+v", a.Subject.NameID)
		}
		got := map[string]string{}
		for _, st := range a.AttributeStatements {
			for _, at := range st.Attributes {
				if len(at.Values) > 0 {
					got[at.Name] = at.Values[0].Value
				}
			}
		}
		if got["email"] != u.Email || got["firstName"] != "Ada" || got["lastName"] != "Lovelace" {
			t.Errorf("attributes %v", got)
		}
	})
	t.Run("SP-initiated", func(t *testing.T) {
		resp, err := idp.Response(target, u, samlidp.WithInResponseTo("id-req-1"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sp.ParseXMLResponse(decode(t, resp), []string{"id-req-1"}, *acs); err != nil {
			t.Fatalf("crewjam refused: %v", privateErr(err))
		}
	})
}

// TestCrewjamSPRefusesHostileVariants: an independent SP refuses each of
// our hostile variants too, so they are hostile for a reason other than our
// own SP's quirks.
func TestCrewjamSPRefusesHostileVariants(t *testing.T) {
	idp := testIdP(t)
	sp := crewjamSP(t, idp)
	sp.AllowIDPInitiated = true
	acs, _ := url.Parse(spACS)
	u := samlidp.User{Email: "ada@example.com"}
	for _, a := range samlidp.Attacks() {
		t.Run(string(a), func(t *testing.T) {
			resp, err := idp.Response(samlidp.SP{EntityID: spEntity, ACSURL: spACS}, u,
				samlidp.WithAttack(a), samlidp.WithTarget(samlidp.User{Email: "admin@example.com"}))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := sp.ParseXMLResponse(decode(t, resp), nil, *acs); err == nil {
				t.Fatalf("crewjam accepted %s as %s", a, got.Subject.NameID.Value)
			} else {
				t.Logf("%s: %v", a, privateErr(err))
			}
		})
	}
}

func privateErr(err error) error {
	if ire, ok := err.(*saml.InvalidResponseError); ok {
		return ire.PrivateErr
	}
	return err
}

// BenchmarkResponse measures issuing one signed Response (two RSA-2048
// signatures with exclusive C14N).
func BenchmarkResponse(b *testing.B) {
	idp, err := samlidp.NewIdP(samlidp.IdPConfig{SSOURL: "https://idp.example.test/sso"})
	if err != nil {
		b.Fatal(err)
	}
	sp := samlidp.SP{EntityID: spEntity, ACSURL: spACS}
	u := samlidp.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}
	b.ResetTimer()
	for range b.N {
		if _, err := idp.Response(sp, u); err != nil {
			b.Fatal(err)
		}
	}
}
