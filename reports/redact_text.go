package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// privateKeyPEM matches a PEM private key block (a SAML signing key, say),
// also when its newlines are JSON-escaped inside a body.
var privateKeyPEM = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----`)

// samlXML matches a SAML protocol response in clear XML (the assertion in
// it signs a user in, so it is a credential while it is valid).
var samlXML = regexp.MustCompile(`<([A-Za-z0-9]+:)?Response\b[^>]*urn:oasis:names:tc:SAML:2\.0:protocol[\s\S]*?</([A-Za-z0-9]+:)?Response>`)

// samlBase64 matches a base64-encoded SAML response: the encodings of
// "<samlp:Response", "<saml2p:Response" and "<?xml " followed by a long
// base64 run, percent-encoded padding included.
var samlBase64 = regexp.MustCompile(`(PHNhbWxwOlJlc3BvbnNl|PHNhbWwycDpSZXNwb25zZ|PD94bWwg)[A-Za-z0-9+/_-]{60,}(=|%3D){0,2}`)

// credentialAfterScheme matches a credential after an auth scheme in free
// text, such as the request dump in an httpexpect failure message
// (library-notes.md gotcha (c)) or a target's log line.
var credentialAfterScheme = regexp.MustCompile(`(?i)\b(bearer|basic|ssws)(\s+)([A-Za-z0-9\-._~+/]+=*)`)

// credentialAfterHeader matches the value after "Authorization:" (or a
// JSON dump of the header) when it is not an auth scheme, i.e. a bare
// token as Okta's OIN "Header" mode sends it.
var credentialAfterHeader = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token)("?\s*[:=]\s*\[?\s*"?)([^\s"\],;]+)`)

// credentialKeys names the keys of a key=value pair in text whose value is
// a credential position for a short secret.
const credentialKeys = `(?i)\b([A-Za-z_\-]*(?:token|password|passwd|secret|key|auth)[A-Za-z_\-]*)(\s*[=:]\s*)`

// text applies the text rules of Run.Redact to s.
func (x *redactor) text(s string) string {
	if s == "" {
		return s
	}
	if x.strong != nil {
		s = x.strong.Replace(s)
	}
	if strings.Contains(s, "PRIVATE KEY-----") {
		s = privateKeyPEM.ReplaceAllString(s, "-----BEGIN ${1}PRIVATE KEY-----"+Redacted+"-----END ${1}PRIVATE KEY-----")
	}
	if strings.Contains(s, "urn:oasis:names:tc:SAML:2.0:protocol") {
		s = samlXML.ReplaceAllString(s, Redacted)
	}
	if strings.Contains(s, "PHNhbW") || strings.Contains(s, "PD94bWwg") {
		s = samlBase64.ReplaceAllString(s, Redacted)
	}
	if containsFold(s, "bearer") || containsFold(s, "basic") || containsFold(s, "ssws") {
		s = credentialAfterScheme.ReplaceAllStringFunc(s, func(m string) string {
			sub := credentialAfterScheme.FindStringSubmatch(m)
			if !x.credentialWord(sub[1], sub[3]) {
				return m
			}
			return sub[1] + sub[2] + Redacted
		})
	}
	if containsFold(s, "authorization") || containsFold(s, "api-key") || containsFold(s, "auth-token") {
		s = credentialAfterHeader.ReplaceAllStringFunc(s, func(m string) string {
			sub := credentialAfterHeader.FindStringSubmatch(m)
			if isAuthScheme(sub[3]) && !x.isWeak(sub[3]) && !x.credentialWord("", sub[3]) || sub[3] == Redacted {
				return m // "Authorization: Bearer ..." is the scheme rule's
			}
			return sub[1] + sub[2] + Redacted
		})
	}
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = userinfoInText.ReplaceAllStringFunc(s, func(m string) string {
			sub := userinfoInText.FindStringSubmatch(m)
			if sub[2] == Redacted || sub[2] == url.PathEscape(Redacted) || sub[2] == "%5BREDACTED%5D" {
				return m
			}
			return sub[1] + Redacted + "@"
		})
	}
	for _, w := range x.weak {
		if strings.Contains(s, w) {
			s = weakRules(w).replace(s)
		}
	}
	return s
}

// userinfoInText finds the password of a URL's user-info in text
// ("cannot reach https://user:pass@host/"), as the URL rule masks it in
// a URL field.
var userinfoInText = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:)([^\s/?#@]+)@`)

// credentialWord tells a credential after an auth scheme from a word
// ("Bearer authentication required"): a short secret itself, a Basic
// credential decoding to one with a short secret in it, or a word of at
// least 8 characters with a digit or token punctuation.
func (x *redactor) credentialWord(scheme, w string) bool {
	if w == Redacted || strings.HasPrefix(Redacted, w) {
		return false
	}
	if x.isWeak(w) {
		return true
	}
	if strings.EqualFold(scheme, "basic") && len(x.weak) > 0 {
		if d, err := base64.StdEncoding.DecodeString(w); err == nil {
			user, pass, ok := strings.Cut(string(d), ":")
			if ok && (x.isWeak(pass) || x.isWeak(user)) {
				return true
			}
		}
	}
	return len(w) >= 8 && strings.ContainsAny(w, "0123456789-._~+/=")
}

// weakRule replaces a short secret in its credential positions in text.
type weakRule struct {
	quoted, pair *regexp.Regexp
	quotedForm   string
}

func weakRules(w string) weakRule {
	j, _ := json.Marshal(w)
	inner := regexp.QuoteMeta(string(j[1 : len(j)-1]))
	return weakRule{
		quotedForm: string(j),
		quoted:     regexp.MustCompile(`"` + inner + `"`),
		pair:       regexp.MustCompile(credentialKeys + `("?)(` + regexp.QuoteMeta(w) + `|` + regexp.QuoteMeta(url.QueryEscape(w)) + `)("?)(?:$|[^A-Za-z0-9_\-.~%])`),
	}
}

func (wr weakRule) replace(s string) string {
	s = wr.quoted.ReplaceAllString(s, `"`+Redacted+`"`)
	return wr.pair.ReplaceAllStringFunc(s, func(m string) string {
		sub := wr.pair.FindStringSubmatch(m)
		tail := m[len(sub[1])+len(sub[2])+len(sub[3])+len(sub[4])+len(sub[5]):]
		return sub[1] + sub[2] + sub[3] + Redacted + sub[5] + tail
	})
}

// secretForms returns every textual form of the secrets to replace, longest
// first so that a secret containing another is replaced whole.
func secretForms(secrets []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && s != Redacted && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		if j, err := json.Marshal(s); err == nil {
			add(string(j[1 : len(j)-1]))
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			add(enc.EncodeToString([]byte(s)))
			// The secret may sit at any byte offset inside a larger encoded
			// value (the password in base64("user:password")); the characters
			// that depend on the secret's bytes alone are the same for every
			// value with that alignment.
			for k := 0; k < 3; k++ {
				if core := base64Core(enc, s, k); len(core) >= 8 {
					add(core)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// formsReplacer replaces every form with Redacted in one pass; the forms
// are longest first, so the longest match at a position wins. It is nil
// when there is nothing to replace.
func formsReplacer(forms []string) *strings.Replacer {
	if len(forms) == 0 {
		return nil
	}
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Redacted)
	}
	return strings.NewReplacer(pairs...)
}

// base64Core is the part of the encoding of (k filler bytes + s + filler)
// that depends only on the bytes of s.
func base64Core(enc *base64.Encoding, s string, k int) string {
	buf := append(bytes.Repeat([]byte{0}, k), s...)
	buf = append(buf, 0, 0, 0)
	e := enc.EncodeToString(buf)
	from := (8*k + 5) / 6
	to := (8 * (k + len(s))) / 6
	if to > len(e) || from >= to {
		return ""
	}
	return e[from:to]
}

// containsFold reports whether s contains the lower-case ASCII word sub,
// ignoring case, without allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		c := s[i] | 0x20
		if c != sub[0] {
			continue
		}
		j := 1
		for ; j < n && s[i+j]|0x20 == sub[j]; j++ {
		}
		if j == n {
			return true
		}
	}
	return false
}
