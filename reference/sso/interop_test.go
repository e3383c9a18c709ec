package sso_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/xml"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/crewjam/saml"

	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference/sso"
)

// fixedSession is a crewjam SessionProvider that has Ada signed in.
type fixedSession struct{}

func (fixedSession) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	return &saml.Session{ID: "s1", NameID: ada.Email, NameIDFormat: string(saml.EmailAddressNameIDFormat),
		UserEmail: ada.Email, UserGivenName: ada.FirstName, UserSurname: ada.LastName}
}

// spProvider hands crewjam our SP's metadata.
type spProvider struct{ ed *saml.EntityDescriptor }

func (p spProvider) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	if id != p.ed.EntityID {
		return nil, os.ErrNotExist
	}
	return p.ed, nil
}

var samlResponseRE = regexp.MustCompile(`name="SAMLResponse" value="([^"]*)"`)

// TestCrewjamIdPToOurSP: our SP accepts responses from an independent IdP
// (crewjam/saml, only in tests), SP-initiated through the Redirect binding
// and IdP-initiated; the hostile checks still apply (replay).
func TestCrewjamIdPToOurSP(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := samlidp.SelfSignedCert(key, idpClock.Now(), "crewjam idp")
	if err != nil {
		t.Fatal(err)
	}
	idpSrv := httptest.NewUnstartedServer(nil)
	base := "http://" + idpSrv.Listener.Addr().String()
	mdURL, _ := url.Parse(base + "/saml/metadata")
	ssoURL, _ := url.Parse(base + "/saml/sso")
	cidp := &saml.IdentityProvider{Key: key, Certificate: cert, MetadataURL: *mdURL, SSOURL: *ssoURL,
		SessionProvider: fixedSession{},
		OnError: func(w http.ResponseWriter, _ *http.Request, status int, err error) {
			http.Error(w, err.Error(), status)
		}}
	idpSrv.Config.Handler = cidp.Handler()
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)
	idpMD, err := xml.Marshal(cidp.Metadata())
	if err != nil {
		t.Fatal(err)
	}

	// Our SP, configured from crewjam's metadata (by URL, as an admin would).
	spSrv := httptest.NewUnstartedServer(nil)
	dir := &fakeDir{users: map[string]sso.DirectoryUser{}}
	dir.put(sso.DirectoryUser{ID: "1", UserName: ada.Email, GivenName: "Ada", Active: true})
	logs := &syncBuffer{}
	sp, err := sso.New(sso.Config{IdPMetadataURL: base + "/saml/metadata", BaseURL: "http://" + spSrv.Listener.Addr().String() + "/sso",
		Logger: slog.New(slog.NewTextHandler(logs, nil))}, dir)
	if err != nil {
		t.Fatalf("SP from crewjam metadata: %v (metadata %s)", err, idpMD)
	}
	mux := http.NewServeMux()
	mux.Handle("/sso/", sp)
	spSrv.Config.Handler = mux
	spSrv.Start()
	t.Cleanup(spSrv.Close)
	spMD := fetch(t, http.DefaultClient, spSrv.URL+"/sso/metadata")
	var spED saml.EntityDescriptor
	if err := xml.Unmarshal(spMD, &spED); err != nil {
		t.Fatalf("crewjam cannot read our SP metadata: %v", err)
	}
	cidp.ServiceProviderProvider = spProvider{&spED}

	post := func(resp string) (*http.Response, string) {
		r, err := samlidp.SignIn(context.Background(), spSrv.Client(), sp.ACSURL(), resp)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, string(b)
	}

	t.Run("SP-initiated", func(t *testing.T) {
		c := spSrv.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		lr, err := c.Get(sp.LoginURL())
		if err != nil {
			t.Fatal(err)
		}
		lr.Body.Close()
		loc := lr.Header.Get("Location")
		if !strings.HasPrefix(loc, ssoURL.String()) {
			t.Fatalf("login redirect %q", loc)
		}
		ir, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(ir.Body)
		ir.Body.Close()
		m := samlResponseRE.FindSubmatch(page)
		if m == nil {
			t.Fatalf("crewjam IdP answered %d: %s", ir.StatusCode, page)
		}
		resp := html.UnescapeString(string(m[1]))
		r, body := post(resp)
		if ok, why := signedIn.Evaluate(r); !ok {
			t.Fatalf("our SP refused crewjam's response: %s; %s", why, body)
		}
		// And the usual protections hold for a foreign IdP too.
		if r, body := post(resp); r.StatusCode != http.StatusBadRequest {
			t.Errorf("replay of crewjam response: %d %s", r.StatusCode, body)
		}
	})

	t.Run("IdP-initiated", func(t *testing.T) {
		rec := httptest.NewRecorder()
		cidp.ServeIDPInitiated(rec, httptest.NewRequest(http.MethodGet, "/saml/idp-initiated", nil), spED.EntityID, "")
		m := samlResponseRE.FindSubmatch(rec.Body.Bytes())
		if m == nil {
			t.Fatalf("crewjam IdP-initiated: %d %s", rec.Code, rec.Body.String())
		}
		r, body := post(html.UnescapeString(string(m[1])))
		if ok, why := signedIn.Evaluate(r); !ok {
			t.Fatalf("our SP refused crewjam's IdP-initiated response: %s; %s", why, body)
		}
	})
	if bytes.Contains([]byte(logs.String()), []byte("<")) {
		t.Errorf("log holds XML: %s", logs.String())
	}
}
