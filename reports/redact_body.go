package reports

import (
	"encoding/json"
	"io"
	"net/url"
	"sort"
	"strings"
)

// sensitiveKeys are JSON object keys and form fields whose values Redact
// masks in bodies, compared case-insensitively. "password" is what Okta's
// password sync sends (mockidp/okta/WIRE.md §6); the OAuth names cover token
// endpoints in the OAuth 2 auth mode (mockidp/okta/WIRE.md §2.2); SAMLResponse is
// the signed assertion the mock IdP posts, a bearer credential itself.
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
	"samlresponse":  true,
}

func isSensitiveKey(k string) bool { return sensitiveKeys[strings.ToLower(k)] }

// isCredentialKey reports whether a parameter or field name names a
// credential (token, password, secret, key, auth anywhere in it): the
// positions where a short secret is redacted.
func isCredentialKey(k string) bool {
	l := strings.ToLower(k)
	for _, w := range []string{"token", "password", "passwd", "secret", "key", "auth"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// body masks sensitive values in a JSON or form-encoded body (byte ranges
// only, so the reader sees the body as the server sent it, key order
// included), then applies the text rules to the whole body.
func (x *redactor) body(body string) string {
	t := strings.TrimSpace(body)
	if t == "" {
		return body
	}
	if x.mayHoldSecret(t) {
		switch {
		case t[0] == '{' || t[0] == '[':
			if out, ok := x.redactJSON(body); ok {
				body = out
			}
		case strings.Contains(t, "=") && !strings.ContainsAny(t, " \n<{"):
			body = x.redactForm(t, body)
		}
	}
	return x.text(body)
}

// mayHoldSecret is a cheap test that lets body skip the structural scan of
// bodies that name no sensitive key and hold no short secret (most SCIM
// bodies).
func (x *redactor) mayHoldSecret(body string) bool {
	l := strings.ToLower(body)
	for _, k := range []string{"password", "secret", "token", "apikey", "api_key", "samlresponse"} {
		if strings.Contains(l, k) {
			return true
		}
	}
	for _, w := range x.weak {
		if strings.Contains(body, w) {
			return true
		}
	}
	return false
}

// redactForm masks sensitive fields, and a short secret as the value of a
// credential-named field, in an application/x-www-form-urlencoded body; body is returned unchanged
// when nothing is masked or it does not parse.
func (x *redactor) redactForm(t, body string) string {
	q, err := url.ParseQuery(t)
	if err != nil {
		return body
	}
	changed := false
	for k, vs := range q {
		for i, v := range vs {
			if (isSensitiveKey(k) || x.isWeak(v) && isCredentialKey(k)) && v != Redacted {
				vs[i] = Redacted
				changed = true
			}
		}
	}
	if !changed {
		return body
	}
	return q.Encode()
}

type span struct{ start, end int }

// jsonFrame is one open object or array while scanning a JSON body.
type jsonFrame struct {
	object    bool
	key       string // the last key read in an object
	expectKey bool
	sensitive bool // every value below is masked
	pathIsPwd bool // a PATCH operation with "path": "password"
	value     *span
}

// redactJSON scans body with a token decoder and replaces the values to
// mask by a quoted Redacted: values of sensitive keys, the value of a PATCH
// operation on "password", and string values equal to a short secret. It
// reports false when body is not JSON.
func (x *redactor) redactJSON(body string) (string, bool) {
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
					f.sensitive = top.sensitive || (top.object && isSensitiveKey(top.key))
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
		key := ""
		if top != nil && top.object {
			key = strings.ToLower(top.key)
		}
		switch {
		case isString && s == Redacted:
		case top != nil && (top.sensitive || sensitiveKeys[key]) && tok != nil:
			masks = append(masks, span{start, end})
		case !isString:
		case x.isWeak(s):
			masks = append(masks, span{start, end})
		case key == "path" && strings.EqualFold(strings.TrimSpace(s), "password"):
			top.pathIsPwd = true
		case key == "value":
			top.value = &span{start, end}
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
