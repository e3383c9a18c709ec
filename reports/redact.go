package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Redacted is what Redact writes in place of a secret.
const Redacted = "[REDACTED]"

// maskedHeaders are the request and response headers whose values Redact
// always masks, whatever secrets the caller named (defence in depth: the
// Okta client sends its credential in Authorization, okta-wire.md §2.2).
var maskedHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// sensitiveKeys are JSON object keys and form fields whose values Redact
// masks in bodies, compared case-insensitively. "password" is what Okta's
// password sync sends (okta-wire.md §6); the OAuth names cover token
// endpoints in the OAuth 2 auth mode (okta-wire.md §2.2).
var sensitiveKeys = map[string]bool{
	"password":      true,
	"newpassword":   true,
	"oldpassword":   true,
	"client_secret": true,
	"access_token":  true,
	"refresh_token": true,
	"id_token":      true,
	"api_key":       true,
	"apikey":        true,
}

// privateKeyPEM matches a PEM private key block (a SAML signing key, say),
// also when its newlines are JSON-escaped inside a body.
var privateKeyPEM = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----`)

// Redact removes secrets from every string of the run before it is written.
// Each non-empty secret is replaced by Redacted wherever it occurs: in clear,
// percent-encoded, JSON-escaped and base64-encoded (standard and URL
// alphabets, at any byte alignment, so a password inside a Basic credential
// "user:password" is found too). Independently of the secrets given, it
// masks the values of the Authorization, Proxy-Authorization, Cookie and
// Set-Cookie headers (keeping the auth scheme and cookie names), values of
// password-like JSON fields and form fields in bodies (including a SCIM
// PATCH operation whose path is "password"), passwords in URL user info and
// token-like URL query parameters, PEM private key blocks, and in any
// text a credential after "Bearer", "Basic" or "SSWS" (the request dump in
// an assertion message, a log line). Redact is
// idempotent and safe on a nil run. It is a second line of defence: callers
// redact exchanges at capture as well.
func (r *Run) Redact(secrets ...string) {
	if r == nil {
		return
	}
	forms := formsReplacer(secretForms(secrets))
	r.Target.BaseURL = redactURL(r.Target.BaseURL)
	for fi := range r.Features {
		for si := range r.Features[fi].Scenarios {
			sc := &r.Features[fi].Scenarios[si]
			for ti := range sc.Steps {
				for ei := range sc.Steps[ti].Exchanges {
					redactExchange(&sc.Steps[ti].Exchanges[ei])
				}
			}
		}
	}
	walkStrings(reflect.ValueOf(r).Elem(), func(s string) string { return redactString(s, forms) })
}

// redactExchange applies the structural rules (headers, bodies, URL) to one
// exchange; the secret strings are replaced afterwards by the generic walk.
func redactExchange(ex *Exchange) {
	maskHeaders(ex.RequestHeaders)
	maskHeaders(ex.ResponseHeaders)
	ex.URL = redactURL(ex.URL)
	ex.RequestBody = redactBody(ex.RequestBody)
	ex.ResponseBody = redactBody(ex.ResponseBody)
}

func maskHeaders(h http.Header) {
	for name, values := range h {
		canon := http.CanonicalHeaderKey(name)
		if !maskedHeaders[canon] {
			continue
		}
		for i, v := range values {
			switch canon {
			case "Cookie", "Set-Cookie":
				values[i] = maskCookie(v, canon == "Set-Cookie")
			default:
				values[i] = maskCredential(v)
			}
		}
	}
}

// maskCredential keeps the auth scheme ("Bearer", "Basic", ...) so a reader
// still sees which mode was used, and masks the credential. A value with
// no scheme (Okta's OIN "Header" mode sends the bare token) is masked whole.
func maskCredential(v string) string {
	v = strings.TrimSpace(v)
	if scheme, _, ok := strings.Cut(v, " "); ok && isToken(scheme) {
		return scheme + " " + Redacted
	}
	return Redacted
}

// isToken reports whether s looks like an auth scheme name (RFC 9110 §11.1).
func isToken(s string) bool {
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

// redactURL masks a password in the user info and the values of token-like
// query parameters. A URL that does not parse is left to the string rules.
func redactURL(raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	changed := false
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
			changed = true
		}
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err == nil {
			for k, vs := range q {
				if sensitiveKeys[strings.ToLower(k)] || strings.EqualFold(k, "token") {
					for i := range vs {
						vs[i] = Redacted
					}
					changed = true
				}
			}
			if changed {
				u.RawQuery = q.Encode()
			}
		}
	}
	if !changed {
		return raw
	}
	return u.String()
}

// redactBody masks sensitive values in a JSON or form-encoded body and
// returns other bodies unchanged. JSON is edited in place, byte ranges only,
// so the reader sees the body as the server sent it, key order included.
func redactBody(body string) string {
	t := strings.TrimSpace(body)
	if t == "" {
		return body
	}
	if !mayHoldSecret(t) {
		return body
	}
	if t[0] == '{' || t[0] == '[' {
		if out, ok := redactJSON(body); ok {
			return out
		}
		return body
	}
	if strings.Contains(t, "=") && !strings.ContainsAny(t, " \n<") {
		if q, err := url.ParseQuery(t); err == nil {
			changed := false
			for k, vs := range q {
				if sensitiveKeys[strings.ToLower(k)] {
					for i := range vs {
						vs[i] = Redacted
					}
					changed = true
				}
			}
			if changed {
				return q.Encode()
			}
		}
	}
	return body
}

// mayHoldSecret is a cheap test that lets redactBody skip the JSON scan of
// bodies that name no sensitive key at all (most SCIM bodies).
func mayHoldSecret(body string) bool {
	l := strings.ToLower(body)
	for _, k := range []string{"password", "secret", "token", "apikey", "api_key"} {
		if strings.Contains(l, k) {
			return true
		}
	}
	return false
}

type span struct{ start, end int }

// jsonFrame is one open object or array while scanning a JSON body.
type jsonFrame struct {
	object    bool
	key       string // the last key read in an object
	expectKey bool
	sensitive bool // every string value below is masked
	pathIsPwd bool // a PATCH operation with "path": "password"
	value     *span
}

// redactJSON scans body with a token decoder and replaces the string values
// to mask by a quoted Redacted. It reports false when body is not JSON.
func redactJSON(body string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var stack []*jsonFrame
	var masks []span
	prev := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false
		}
		end := int(dec.InputOffset())
		start := prev
		for start < end && strings.IndexByte(" \t\r\n:,", body[start]) >= 0 {
			start++
		}
		prev = end
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				f := &jsonFrame{object: d == '{', expectKey: d == '{'}
				if top != nil {
					f.sensitive = top.sensitive || (top.object && sensitiveKeys[strings.ToLower(top.key)])
					if top.object {
						top.expectKey = true
					}
				}
				stack = append(stack, f)
			case '}', ']':
				if top.pathIsPwd && top.value != nil {
					masks = append(masks, *top.value)
				}
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top != nil && top.object && top.expectKey {
			top.key, _ = tok.(string)
			top.expectKey = false
			continue
		}
		s, isString := tok.(string)
		if top != nil {
			key := ""
			if top.object {
				key = strings.ToLower(top.key)
			}
			switch {
			case (top.sensitive || sensitiveKeys[key]) && tok != nil:
				masks = append(masks, span{start, end})
			case !isString:
			case key == "path" && strings.EqualFold(strings.TrimSpace(s), "password"):
				top.pathIsPwd = true
			case key == "value":
				top.value = &span{start, end}
			}
		}
		if top != nil && top.object {
			top.expectKey = true
		}
	}
	if len(masks) == 0 {
		return body, true
	}
	sort.Slice(masks, func(i, j int) bool { return masks[i].start < masks[j].start })
	var b strings.Builder
	last := 0
	for _, m := range masks {
		if m.start < last {
			continue
		}
		b.WriteString(body[last:m.start])
		b.WriteString(`"` + Redacted + `"`)
		last = m.end
	}
	b.WriteString(body[last:])
	return b.String(), true
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

// credentialInText matches a credential after an auth scheme in free text,
// such as the request dump in an httpexpect failure message
// (library-notes.md gotcha (c)) or a target's log line.
var credentialInText = regexp.MustCompile(`(?i)\b(bearer|basic|ssws)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)`)

// looksLikeCredential tells a credential from a word ("Bearer
// authentication required"): it has a digit or token punctuation.
func looksLikeCredential(s string) bool {
	return strings.ContainsAny(s, "0123456789-._~+/=")
}

func redactString(s string, forms *strings.Replacer) string {
	if s == "" {
		return s
	}
	if forms != nil {
		s = forms.Replace(s)
	}
	if strings.Contains(s, "PRIVATE KEY-----") {
		s = privateKeyPEM.ReplaceAllString(s, "-----BEGIN ${1}PRIVATE KEY-----"+Redacted+"-----END ${1}PRIVATE KEY-----")
	}
	if !containsFold(s, "bearer") && !containsFold(s, "basic") && !containsFold(s, "ssws") {
		return s
	}
	s = credentialInText.ReplaceAllStringFunc(s, func(m string) string {
		sub := credentialInText.FindStringSubmatch(m)
		if !looksLikeCredential(sub[3]) {
			return m
		}
		return sub[1] + sub[2] + Redacted
	})
	return s
}

// walkStrings applies f to every string reachable from v, through structs,
// pointers, slices, arrays, maps and interfaces, so fields added to the model
// later are redacted without changes here.
func walkStrings(v reflect.Value, f func(string) string) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(f(v.String()))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			if v.Kind() == reflect.Interface {
				c := reflect.New(e.Type()).Elem()
				c.Set(e)
				walkStrings(c, f)
				if v.CanSet() {
					v.Set(c)
				}
				return
			}
			walkStrings(e, f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), f)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			c := reflect.New(v.Type().Elem()).Elem()
			c.Set(v.MapIndex(k))
			walkStrings(c, f)
			v.SetMapIndex(k, c)
		}
	}
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

// RedactText returns s with the secrets and credential-looking values
// removed, by the same rules Redact applies to every string of a run. The
// suite uses it for text it prints while the run is still going (progress
// lines); reports written from a Run are redacted by Run.Redact.
func RedactText(s string, secrets ...string) string {
	return redactString(s, formsReplacer(secretForms(secrets)))
}
