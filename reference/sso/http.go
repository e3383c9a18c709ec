package sso

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strings"
)

// SessionCookie is the name of the session cookie the ACS sets.
const SessionCookie = "scimconform_sso"

// ServeHTTP serves the SP's routes below BaseURL's path (the prefix is also
// accepted already stripped, as http.StripPrefix leaves it):
//
//	GET  /metadata  SP metadata (entity ID, HTTP-POST ACS)
//	GET  /login     SP-initiated sign-in: 302 to the IdP with an AuthnRequest (HTTP-Redirect)
//	POST /acs       the ACS: 303 to /app with a session cookie, or 400/403 with the reason
//	GET  /app       the signed-in page (401 when not signed in; 403 and sign-out when the user was deactivated since)
//	GET|POST /logout  ends the session and clears the cookie
func (s *SP) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *SP) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if s.basePath != "" && strings.HasPrefix(p, s.basePath+"/") {
		p = strings.TrimPrefix(p, s.basePath)
	}
	switch {
	case p == "/metadata" && r.Method == http.MethodGet:
		s.serveMetadata(w)
	case p == "/login" && r.Method == http.MethodGet:
		s.serveLogin(w, r)
	case p == "/acs" && r.Method == http.MethodPost:
		s.serveACS(w, r)
	case (p == "/app" || p == "/app/" || p == "/" || p == "") && r.Method == http.MethodGet:
		s.serveApp(w, r)
	case p == "/logout" && (r.Method == http.MethodPost || r.Method == http.MethodGet):
		s.serveLogout(w, r)
	case p == "/metadata" || p == "/login" || p == "/acs" || p == "/logout":
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	default:
		http.NotFound(w, r)
	}
}

func (s *SP) serveMetadata(w http.ResponseWriter) {
	b, err := s.Metadata()
	if err != nil {
		s.log.Error("saml sp metadata", "err", err)
		http.Error(w, "metadata unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(b)
}

func (s *SP) serveLogin(w http.ResponseWriter, r *http.Request) {
	u, id, err := s.AuthnRequestURL("")
	if err != nil {
		s.log.Error("saml sp login", "err", err)
		http.Error(w, "cannot start sign-in", http.StatusInternalServerError)
		return
	}
	s.log.Info("saml authn request", "request_id", id)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusFound)
}

func (s *SP) serveACS(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxResponseBytes)
	if err := r.ParseForm(); err != nil {
		s.refused(w, refuse(ErrMalformed, "unreadable form"))
		return
	}
	id, u, err := s.Accept(r.Context(), r.PostForm.Get("SAMLResponse"))
	if err != nil {
		var re *RefusalError
		if !errors.As(err, &re) {
			re = refuse(ErrMalformed, err.Error())
		}
		s.refused(w, re, "name_id", id.NameID)
		return
	}
	sid, err := newSessionID()
	if err != nil {
		s.log.Error("saml sp session", "err", err)
		http.Error(w, "cannot create session", http.StatusInternalServerError)
		return
	}
	now := s.cfg.Now()
	name := strings.TrimSpace(u.GivenName + " " + u.FamilyName)
	s.sessions.put(sid, session{userName: u.UserName, displayName: name, expires: now.Add(s.cfg.SessionTTL)}, now)
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: sid, Path: s.cookiePath(),
		MaxAge: int(s.cfg.SessionTTL.Seconds()), HttpOnly: true,
		Secure: r.TLS != nil || s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	s.log.Info("saml sign-in", "user", u.UserName, "assertion_id", id.AssertionID, "sp_initiated", id.InResponseTo != "")
	http.Redirect(w, r, s.AppURL(), http.StatusSeeOther)
}

// refused answers a refusal and logs its reason code and short detail;
// never the assertion.
func (s *SP) refused(w http.ResponseWriter, re *RefusalError, attrs ...any) {
	s.log.Warn("saml sign-in refused", append([]any{"reason", ReasonCode(re), "detail", re.Detail}, attrs...)...)
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, re.Error(), re.Status)
}

func (s *SP) cookiePath() string {
	if s.basePath == "" {
		return "/"
	}
	return s.basePath + "/"
}

func (s *SP) serveApp(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(SessionCookie)
	var sess session
	ok := false
	if err == nil {
		sess, ok = s.sessions.get(c.Value, s.cfg.Now())
	}
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_ = appTmpl.Execute(w, appData{Login: s.LoginURL()})
		return
	}
	// The joint lifecycle: a user deactivated over SCIM loses the session too.
	if u, found, err := s.dir.UserByUserName(r.Context(), sess.userName); err == nil && (!found || !u.Active) {
		s.sessions.delete(c.Value)
		s.clearCookie(w, r)
		s.log.Warn("saml session ended", "reason", "inactive-user", "user", sess.userName)
		http.Error(w, "signed out: "+ErrInactiveUser.Error(), http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = appTmpl.Execute(w, appData{UserName: sess.userName, Name: sess.displayName, Logout: s.cfg.BaseURL + "/logout"})
}

func (s *SP) serveLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		s.sessions.delete(c.Value)
	}
	s.clearCookie(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = appTmpl.Execute(w, appData{SignedOut: true, Login: s.LoginURL()})
}

func (s *SP) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: s.cookiePath(), MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil || s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// newSessionID returns 32 random bytes, base64url-encoded.
func newSessionID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

type appData struct {
	UserName, Name, Logout, Login string
	SignedOut                     bool
}

var appTmpl = template.Must(template.New("app").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Reference app</title></head><body>
{{if .UserName}}<h1>Signed in</h1>
<p>Signed in as <strong id="user">{{.UserName}}</strong>{{if .Name}} ({{.Name}}){{end}}.</p>
<form method="post" action="{{.Logout}}"><button type="submit">Sign out</button></form>
{{else if .SignedOut}}<h1>Signed out</h1><p><a href="{{.Login}}">Sign in again</a></p>
{{else}}<h1>Not signed in</h1><p><a href="{{.Login}}">Sign in with SSO</a></p>{{end}}
</body></html>
`))
