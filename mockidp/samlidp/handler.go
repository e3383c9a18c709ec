package samlidp

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxRequestBytes bounds a decoded or inflated AuthnRequest.
const maxRequestBytes = 64 << 10

// AuthnRequest is what the IdP read from an SP's AuthnRequest (SAML core
// §3.4.1). It is not signature-checked: the mock IdP does not require
// signed requests (its metadata says WantAuthnRequestsSigned="false").
type AuthnRequest struct {
	// ID is the request's ID; the Response answers it with InResponseTo.
	ID string
	// Issuer is the SP's entity ID, used as the audience.
	Issuer string
	// ACSURL is AssertionConsumerServiceURL; it may be empty.
	ACSURL string
	// Destination is the URL the SP sent the request to; it may be empty.
	Destination string
	// RelayState is the binding's RelayState, to be echoed to the ACS.
	RelayState string
	// Binding is BindingRedirect or BindingPOST: how the request arrived.
	Binding string
}

type authnRequestXML struct {
	XMLName     xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:protocol AuthnRequest"`
	ID          string   `xml:"ID,attr"`
	ACSURL      string   `xml:"AssertionConsumerServiceURL,attr"`
	Destination string   `xml:"Destination,attr"`
	Issuer      string   `xml:"urn:oasis:names:tc:SAML:2.0:assertion Issuer"`
}

// ParseAuthnRequest reads an AuthnRequest from r: a GET carries it with the
// HTTP-Redirect binding (base64 of raw DEFLATE, SAML bindings §3.4.4.1), a
// POST with the HTTP-POST binding (base64, §3.5.4). It fails if the request
// is missing, malformed or has no ID or Issuer.
func ParseAuthnRequest(r *http.Request) (AuthnRequest, error) {
	if err := r.ParseForm(); err != nil {
		return AuthnRequest{}, fmt.Errorf("authn request: %w", err)
	}
	binding := BindingRedirect
	val := r.URL.Query().Get("SAMLRequest")
	relay := r.URL.Query().Get("RelayState")
	if r.Method == http.MethodPost {
		binding = BindingPOST
		val, relay = r.PostForm.Get("SAMLRequest"), r.PostForm.Get("RelayState")
	}
	return decodeAuthnRequest(val, relay, binding)
}

// AuthnRequestFromURL reads the AuthnRequest from an HTTP-Redirect binding
// URL, such as the Location an SP answers its login route with.
func AuthnRequestFromURL(rawURL string) (AuthnRequest, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return AuthnRequest{}, fmt.Errorf("authn request: %w", err)
	}
	q := u.Query()
	return decodeAuthnRequest(q.Get("SAMLRequest"), q.Get("RelayState"), BindingRedirect)
}

func decodeAuthnRequest(val, relay, binding string) (AuthnRequest, error) {
	if val == "" {
		return AuthnRequest{}, errors.New("authn request: no SAMLRequest parameter")
	}
	raw, err := base64.StdEncoding.DecodeString(val)
	if err != nil {
		return AuthnRequest{}, fmt.Errorf("authn request: base64: %w", err)
	}
	if binding == BindingRedirect {
		inflated, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxRequestBytes+1))
		if err != nil {
			return AuthnRequest{}, fmt.Errorf("authn request: inflate: %w", err)
		}
		raw = inflated
	}
	if len(raw) > maxRequestBytes {
		return AuthnRequest{}, errors.New("authn request: too large")
	}
	var x authnRequestXML
	if err := xml.Unmarshal(raw, &x); err != nil {
		return AuthnRequest{}, fmt.Errorf("authn request: xml: %w", err)
	}
	if x.ID == "" || strings.TrimSpace(x.Issuer) == "" {
		return AuthnRequest{}, errors.New("authn request: ID and Issuer are required")
	}
	return AuthnRequest{ID: x.ID, Issuer: strings.TrimSpace(x.Issuer), ACSURL: x.ACSURL,
		Destination: x.Destination, RelayState: relay, Binding: binding}, nil
}

// ServiceProviderFor returns the SP a Response to req goes to: with
// configured SPs, the one whose entity ID is req.Issuer (req.ACSURL, if
// set, must be its ACS URL); without, the request's own Issuer and ACS URL.
func (i *IdP) ServiceProviderFor(req AuthnRequest) (SP, error) {
	if len(i.cfg.SPs) == 0 {
		if req.ACSURL == "" {
			return SP{}, fmt.Errorf("authn request from %q has no AssertionConsumerServiceURL and no SP is configured", req.Issuer)
		}
		return SP{EntityID: req.Issuer, ACSURL: req.ACSURL}, nil
	}
	for _, sp := range i.cfg.SPs {
		if sp.EntityID != req.Issuer {
			continue
		}
		if req.ACSURL != "" && req.ACSURL != sp.ACSURL {
			return SP{}, fmt.Errorf("authn request from %q asks for ACS %q, configured is %q", req.Issuer, req.ACSURL, sp.ACSURL)
		}
		return sp, nil
	}
	return SP{}, fmt.Errorf("authn request from unknown SP %q", req.Issuer)
}

// PostForm returns the form fields an auto-submitting HTTP-POST binding form
// sends to the SP's ACS URL (the form's action, not a field): SAMLResponse
// and, when not empty, RelayState (SAML bindings §3.5.4).
func (i *IdP) PostForm(samlResponse, relayState string) url.Values {
	v := url.Values{"SAMLResponse": {samlResponse}}
	if relayState != "" {
		v.Set("RelayState", relayState)
	}
	return v
}

// Handler serves the IdP over HTTP, relative to where it is mounted:
//
//	GET  /metadata  the IdP metadata (SSO URL from IdPConfig.SSOURL, or else
//	                derived from the request as <scheme>://<host><mount>/sso)
//	GET  /sso       an AuthnRequest with the HTTP-Redirect binding
//	POST /sso       an AuthnRequest with the HTTP-POST binding, or the pick-a-user form
//	GET  /          a page to pick a person and sign in to a configured SP (IdP-initiated)
//	POST /initiate  the IdP-initiated sign-in: an auto-submitting form to the SP's ACS
//
// An AuthnRequest is answered with an auto-submitting form to the SP's ACS
// when a person is signed in at the IdP (SetSession); otherwise the page
// asks who to sign in as. Errors are answered with 400 and a short text.
func (i *IdP) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metadata", i.serveMetadata)
	mux.HandleFunc("GET /sso", i.serveSSO)
	mux.HandleFunc("POST /sso", i.serveSSO)
	mux.HandleFunc("POST /initiate", i.serveInitiate)
	mux.HandleFunc("GET /{$}", i.serveIndex)
	return mux
}

func (i *IdP) serveMetadata(w http.ResponseWriter, r *http.Request) {
	sso := i.cfg.SSOURL
	if sso == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		// RequestURI is the path as sent, before any http.StripPrefix.
		p, _, _ := strings.Cut(r.RequestURI, "?")
		mount := strings.TrimSuffix(p, "/metadata")
		sso = scheme + "://" + r.Host + mount + "/sso"
	}
	b, err := i.metadataFor(sso)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(b)
}

func (i *IdP) serveSSO(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
			return
		}
		if r.PostForm.Get("pick") != "" {
			i.servePicked(w, r)
			return
		}
	}
	req, err := ParseAuthnRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	i.remember(req)
	sp, err := i.ServiceProviderFor(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	u := i.currentSession()
	if u == nil {
		i.renderPage(w, pageData{Title: "Sign in to " + sp.EntityID, Request: &req, SPs: []SP{sp}, Attacks: Attacks()})
		return
	}
	i.respond(w, sp, *u, req.RelayState, WithInResponseTo(req.ID))
}

// servePicked answers an AuthnRequest for the person picked on the page.
func (i *IdP) servePicked(w http.ResponseWriter, r *http.Request) {
	req := AuthnRequest{ID: r.PostForm.Get("request_id"), Issuer: r.PostForm.Get("sp"),
		ACSURL: r.PostForm.Get("acs"), RelayState: r.PostForm.Get("RelayState")}
	sp, err := i.ServiceProviderFor(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	u, opts, err := pickedUser(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if req.ID != "" {
		opts = append(opts, WithInResponseTo(req.ID))
	}
	i.respond(w, sp, u, req.RelayState, opts...)
}

func (i *IdP) serveInitiate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		return
	}
	var sp SP
	for _, s := range i.cfg.SPs {
		if s.EntityID == r.PostForm.Get("sp") {
			sp = s
		}
	}
	if sp.EntityID == "" {
		http.Error(w, "unknown SP "+r.PostForm.Get("sp"), http.StatusBadRequest)
		return
	}
	u, opts, err := pickedUser(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	i.respond(w, sp, u, r.PostForm.Get("RelayState"), opts...)
}

func pickedUser(r *http.Request) (User, []ResponseOption, error) {
	u := User{Email: strings.TrimSpace(r.PostForm.Get("email")),
		FirstName: strings.TrimSpace(r.PostForm.Get("firstName")), LastName: strings.TrimSpace(r.PostForm.Get("lastName"))}
	if u.Email == "" {
		return User{}, nil, errors.New("email is required")
	}
	var opts []ResponseOption
	if a := r.PostForm.Get("attack"); a != "" {
		at, err := ParseAttack(a)
		if err != nil {
			return User{}, nil, err
		}
		opts = append(opts, WithAttack(at))
	}
	return u, opts, nil
}

func (i *IdP) respond(w http.ResponseWriter, sp SP, u User, relayState string, opts ...ResponseOption) {
	resp, err := i.Response(sp, u, opts...)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := postFormTmpl.Execute(w, postFormData{ACS: sp.ACSURL, Fields: i.PostForm(resp, relayState)}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (i *IdP) serveIndex(w http.ResponseWriter, _ *http.Request) {
	i.renderPage(w, pageData{Title: "scimconform mock IdP", SPs: i.cfg.SPs, Attacks: Attacks()})
}

// remember keeps the last few AuthnRequests for LastAuthnRequest.
func (i *IdP) remember(req AuthnRequest) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.lastSeen = append(i.lastSeen, req)
	if len(i.lastSeen) > 16 {
		i.lastSeen = i.lastSeen[len(i.lastSeen)-16:]
	}
}

// LastAuthnRequest returns the most recent AuthnRequest Handler received,
// and false if none arrived yet.
func (i *IdP) LastAuthnRequest() (AuthnRequest, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if len(i.lastSeen) == 0 {
		return AuthnRequest{}, false
	}
	return i.lastSeen[len(i.lastSeen)-1], true
}

type pageData struct {
	Title   string
	Request *AuthnRequest
	SPs     []SP
	Attacks []Attack
}

func (i *IdP) renderPage(w http.ResponseWriter, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, struct {
		pageData
		EntityID string
	}{d, i.cfg.EntityID}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

type postFormData struct {
	ACS    string
	Fields url.Values
}

var postFormTmpl = template.Must(template.New("post").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Signing in…</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="{{.ACS}}">
{{range $k, $vs := .Fields}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}">
{{end}}{{end}}<noscript><button type="submit">Continue</button></noscript>
</form></body></html>
`))

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}label{display:block;margin:.4em 0}</style></head>
<body><h1>{{.Title}}</h1>
<p>Mock Okta IdP <code>{{.EntityID}}</code> — <a href="metadata">metadata</a>. Pick the person to sign in as.</p>
{{if .Request}}<form method="post" action="sso">
<input type="hidden" name="pick" value="1">
<input type="hidden" name="request_id" value="{{.Request.ID}}">
<input type="hidden" name="sp" value="{{.Request.Issuer}}">
<input type="hidden" name="acs" value="{{.Request.ACSURL}}">
<input type="hidden" name="RelayState" value="{{.Request.RelayState}}">
{{else}}<form method="post" action="initiate">
{{if not .SPs}}<p>No service provider is configured (start with --sp-acs and --sp-entity-id).</p>{{end}}
<label>Service provider <select name="sp">{{range .SPs}}<option value="{{.EntityID}}">{{.EntityID}} → {{.ACSURL}}</option>{{end}}</select></label>
{{end}}<label>Email (NameID) <input name="email" type="email" required></label>
<label>First name <input name="firstName"></label>
<label>Last name <input name="lastName"></label>
<label>Hostile variant <select name="attack"><option value="">none (a valid response)</option>{{range .Attacks}}<option>{{.}}</option>{{end}}</select></label>
<button type="submit">Sign in</button>
</form></body></html>
`))
