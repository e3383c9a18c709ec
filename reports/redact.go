package reports

import (
	"net/http"
	"strings"
)

// Redacted is what Redact writes in place of a secret.
const Redacted = "[REDACTED]"

// MinExactSecretLen is the length from which a secret is redacted wherever
// its value occurs. A shorter secret ("scim", "x", "1") could be any word
// or digit of a SCIM body, so it is redacted only in credential positions;
// see Run.Redact.
const MinExactSecretLen = 16

// Redact removes secrets from the run before it is written. It runs once,
// after every check has seen the real bytes.
//
// Harness-authored text is never changed: the catalogue and schema
// version, tool, config hash, scope, feature names, URIs and tags, scenario
// IDs, titles, tiers, tier notes, areas, tags and spec references, step keywords and
// texts, and the target's auth mode, profile and image. Everything the
// target or the transport produced is redacted: the base URL, the target's
// log, scenario and step reasons, failure messages and values, and every
// exchange (URL, headers, bodies, error).
//
// Independently of the secrets named, Redact masks the values of
// credential headers (Authorization, Proxy-Authorization, X-Api-Key,
// Api-Key, X-Auth-Token, keeping the auth scheme) and cookies (keeping the
// names), passwords in URL user info and token-like query parameters,
// password-like JSON and form fields (including a SCIM PATCH operation
// whose path is "password", mockidp/okta/WIRE.md §6), SAML responses (the
// SAMLResponse field and base64 or XML protocol responses), PEM private
// keys, and in text a credential after "Bearer", "Basic" or "SSWS" or after
// "Authorization:".
//
// Each non-empty secret is then replaced by Redacted according to its
// length. A secret of at least MinExactSecretLen bytes is replaced wherever
// it occurs: in clear, percent-encoded, JSON-escaped and base64-encoded (at
// any byte alignment, so a password inside a Basic credential is found). A
// shorter secret is replaced only in credential positions: after an auth
// scheme or "Authorization:", as a whole header value, as a JSON string
// value equal to it (`"tok"`), and as the value of a query parameter, form
// field or key=value pair in text whose name names a credential (token,
// password, secret, key, auth). So a token "scim" leaves
// "urn:ietf:params:scim:..." intact while "Bearer scim" and
// {"echo":"scim"} lose it.
//
// Redact is idempotent and safe on a nil run.
func (r *Run) Redact(secrets ...string) {
	if r == nil {
		return
	}
	x := newRedactor(secrets)
	r.Target.BaseURL = x.url(r.Target.BaseURL)
	r.Target.Logs = x.text(r.Target.Logs)
	r.StopReason = x.text(r.StopReason)
	for i := range r.RootCauses {
		rc := &r.RootCauses[i]
		rc.Key = x.text(rc.Key)
		rc.Exchange = x.text(rc.Exchange)
	}
	for i := range r.StaleWaivers {
		sw := &r.StaleWaivers[i]
		x.waiver(&sw.Waiver)
		sw.Why = x.text(sw.Why)
	}
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			sc.Reason = x.text(sc.Reason)
			sc.BlockedBy = x.text(sc.BlockedBy)
			if sc.Waiver != nil {
				x.waiver(sc.Waiver)
			}
			for ti := range sc.Steps {
				st := &sc.Steps[ti]
				st.Reason = x.text(st.Reason)
				if f := st.Failure; f != nil {
					f.Message = x.text(f.Message)
					f.Expected = x.text(f.Expected)
					f.Actual = x.text(f.Actual)
				}
				for ei := range st.Exchanges {
					x.exchange(&st.Exchanges[ei])
				}
			}
		}
	}
}

// waiver redacts the user-written text of a waiver: its reason and match
// may quote server text, its URL may hold a password.
func (x *redactor) waiver(w *Waiver) {
	w.Reason = x.text(w.Reason)
	w.Match = x.text(w.Match)
	w.URL = x.url(w.URL)
}

// RedactURL returns raw with the secrets and credential-looking parts
// removed by the rules Redact applies to Target.BaseURL: a password in
// the user-info, credential query parameters.
func RedactURL(raw string, secrets ...string) string {
	return newRedactor(secrets).url(raw)
}

// RedactText returns s with the secrets and credential-looking values
// removed, by the rules Redact applies to the text of a run (s is treated
// as text the target or transport produced). The suite uses it for text it
// prints while the run is still going.
func RedactText(s string, secrets ...string) string {
	return newRedactor(secrets).text(s)
}

// redactor applies the rules of Run.Redact for one set of secrets.
type redactor struct {
	// strong replaces every form of the long secrets; nil if none.
	strong *strings.Replacer
	// weak are the short secrets, redacted in credential positions only.
	weak []string
}

func newRedactor(secrets []string) *redactor {
	x := &redactor{}
	var strong []string
	seen := map[string]bool{}
	for _, s := range secrets {
		if s == "" || s == Redacted || seen[s] {
			continue
		}
		seen[s] = true
		if len(s) >= MinExactSecretLen {
			strong = append(strong, s)
		} else {
			x.weak = append(x.weak, s)
		}
	}
	x.strong = formsReplacer(secretForms(strong))
	return x
}

func (x *redactor) exchange(ex *Exchange) {
	x.headers(ex.RequestHeaders)
	x.headers(ex.ResponseHeaders)
	ex.URL = x.url(ex.URL)
	ex.RequestBody = x.body(ex.RequestBody)
	ex.ResponseBody = x.body(ex.ResponseBody)
	ex.Error = x.text(ex.Error)
}

// isWeak reports whether s is exactly one of the short secrets.
func (x *redactor) isWeak(s string) bool {
	for _, w := range x.weak {
		if s == w {
			return true
		}
	}
	return false
}

// headers masks credential headers and applies the text rules to the
// other values; a value equal to a short secret is masked whole.
func (x *redactor) headers(h http.Header) {
	for name, values := range h {
		canon := http.CanonicalHeaderKey(name)
		for i, v := range values {
			switch {
			case canon == "Cookie" || canon == "Set-Cookie":
				values[i] = maskCookie(v, canon == "Set-Cookie")
			case maskedHeaders[canon]:
				values[i] = maskCredential(v)
			case x.isWeak(strings.TrimSpace(v)):
				values[i] = Redacted
			default:
				values[i] = x.text(v)
			}
		}
	}
}
