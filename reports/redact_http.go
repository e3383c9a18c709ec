package reports

import (
	"net/url"
	"strings"
)

// maskedHeaders are the headers whose values Redact always masks, whatever
// secrets the caller named: the Okta client sends its credential in
// Authorization (mockidp/okta/WIRE.md §2.2); the others are common API-key headers.
var maskedHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"X-Api-Key":           true,
	"Api-Key":             true,
	"X-Auth-Token":        true,
}

// maskCredential keeps the auth scheme ("Bearer", "Basic", ...) so a reader
// still sees which mode was used, and masks the credential. A value with
// no scheme (Okta's OIN "Header" mode sends the bare token) is masked whole.
func maskCredential(v string) string {
	v = strings.TrimSpace(v)
	if v == Redacted {
		return v
	}
	if scheme, _, ok := strings.Cut(v, " "); ok && isAuthScheme(scheme) {
		return scheme + " " + Redacted
	}
	return Redacted
}

// isAuthScheme reports whether s looks like an auth scheme name (RFC 9110 §11.1).
func isAuthScheme(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// maskCookie masks cookie values and keeps names (and, for Set-Cookie, the
// attributes after the first pair, which carry no secret).
func maskCookie(v string, set bool) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if set && i > 0 {
			continue
		}
		name, _, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			parts[i] = Redacted
			continue
		}
		lead := ""
		if i > 0 {
			lead = " "
		}
		parts[i] = lead + name + "=" + Redacted
	}
	return strings.Join(parts, ";")
}

// url masks a password in the user info, the values of token-like query
// parameters and a short secret as the value of a credential-named
// parameter, then applies the text rules. A URL that does not parse gets the text rules only.
func (x *redactor) url(raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return x.text(raw)
	}
	changed := false
	if u.User != nil {
		if p, has := u.User.Password(); has && p != Redacted {
			u.User = url.UserPassword(u.User.Username(), Redacted)
			changed = true
		}
	}
	if u.RawQuery != "" {
		if q, err := url.ParseQuery(u.RawQuery); err == nil {
			qChanged := false
			for k, vs := range q {
				for i, v := range vs {
					if (isSensitiveKey(k) || strings.EqualFold(k, "token") || x.isWeak(v) && isCredentialKey(k)) && v != Redacted {
						vs[i] = Redacted
						qChanged = true
					}
				}
			}
			if qChanged {
				u.RawQuery = q.Encode()
				changed = true
			}
		}
	}
	if changed {
		raw = u.String()
	}
	return x.text(raw)
}
