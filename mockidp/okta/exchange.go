package okta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Exchange is one captured request/response pair. Exchanges handed out by
// the Client (Transcript, Outcome.Exchanges, Do) are raw: the real bytes
// sent and received, credentials and generated passwords included, so that
// checks judge what the server really answered. Whoever writes an exchange
// anywhere (a log, a report) must redact it first, e.g. with
// Client.RedactExchange.
type Exchange struct {
	StartedAt time.Time
	Duration  time.Duration
	// Method and URL are as sent; URL keeps the query encoding byte for byte.
	Method string
	URL    string
	// RequestHeader is the header set sent, including Content-Length when a
	// body was sent (Host and Connection are added by net/http and omitted).
	RequestHeader http.Header
	// RequestBody is nil when no body was sent.
	RequestBody []byte
	// StatusCode is 0 when no response was received.
	StatusCode int
	// ResponseHeader is the header as received (Content-Encoding included).
	ResponseHeader http.Header
	// ResponseBody is the decompressed body, at most Config.MaxBodyBytes;
	// in the Transcript at most Config.MaxRecordedBody (see ResponseCut).
	ResponseBody []byte
	// Truncated reports that the body was longer than Config.MaxBodyBytes:
	// reading stopped there and the exchange failed (KindBody).
	Truncated bool
	// ResponseSize is the number of decompressed body bytes received; when
	// Truncated, reading stopped after this many (the body was longer).
	ResponseSize int64
	// ResponseDigest is "sha256:<hex>" of the ResponseSize bytes received
	// ("" when no body was read).
	ResponseDigest string
	// ResponseCut reports that ResponseBody holds only the first
	// Config.MaxRecordedBody bytes of the ResponseSize received (transcript
	// copies only).
	ResponseCut bool
	// Err describes a transport-level failure ("" when the exchange
	// completed): refused connection, timeout, unreadable or too large body.
	// It is Error's message.
	Err string
	// Error is the transport-level failure as a *TransportError (nil when
	// the exchange completed); use errors.As to read its Kind.
	Error error
	// Attempt is the 1-based attempt number of this request (429 retries).
	Attempt int

	statusText string // "429 Too Many Requests" as received
}

// Response rebuilds a fresh *http.Response from the captured response, for
// assertion libraries such as httpexpect.NewResponseC. The body is the
// decompressed captured body, so Content-Encoding and Content-Length are
// removed and Uncompressed is set, as net/http does when it decompresses.
// It returns nil when no response was received.
func (e Exchange) Response() *http.Response {
	if e.StatusCode == 0 {
		return nil
	}
	h := e.ResponseHeader.Clone()
	if h == nil {
		h = http.Header{}
	}
	uncompressed := h.Get("Content-Encoding") != ""
	if uncompressed {
		h.Del("Content-Encoding")
		h.Del("Content-Length")
	}
	status := e.statusText
	if status == "" {
		status = fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	req, _ := http.NewRequest(e.Method, e.URL, bytes.NewReader(e.RequestBody))
	if req != nil {
		req.Header = e.RequestHeader.Clone()
	}
	return &http.Response{
		Status:        status,
		StatusCode:    e.StatusCode,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(e.ResponseBody)),
		ContentLength: int64(len(e.ResponseBody)),
		Uncompressed:  uncompressed,
		Request:       req,
	}
}

// JSON decodes the response body as one JSON object (numbers as float64).
// It returns an error when the body is empty, not JSON, or not an object.
func (e Exchange) JSON() (map[string]any, error) {
	if len(bytes.TrimSpace(e.ResponseBody)) == 0 {
		return nil, fmt.Errorf("%s %s: empty response body", e.Method, e.URL)
	}
	var m map[string]any
	if err := json.Unmarshal(e.ResponseBody, &m); err != nil {
		return nil, fmt.Errorf("%s %s: response body is not a JSON object: %w", e.Method, e.URL, err)
	}
	return m, nil
}

// String is a one-line summary "POST <url> -> 201 (12ms)".
func (e Exchange) String() string {
	res := strconv.Itoa(e.StatusCode)
	if e.Err != "" {
		res = "error: " + e.Err
	}
	return fmt.Sprintf("%s %s -> %s (%s)", e.Method, e.URL, res, e.Duration.Round(time.Millisecond))
}

const redacted = "<redacted>"

// passwordField matches a JSON member named password with a string value.
var passwordField = regexp.MustCompile(`(?i)("password"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// Redact replaces every configured secret (token, Basic username:password,
// its base64 form, Basic password, passwords this client generated) in s with
// "<redacted>".
func (c *Client) Redact(s string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.redactLocked(s)
}

func (c *Client) redactLocked(s string) string {
	for _, sec := range c.secrets {
		s = strings.ReplaceAll(s, sec, redacted)
	}
	return s
}

// addSecret registers a string to redact, with the forms it takes in a
// query string, a path and a JSON string. Short strings are kept too: a
// short password is still a password.
func (c *Client) addSecret(s string) {
	if s == "" {
		return
	}
	forms := []string{s, url.QueryEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20"), url.PathEscape(s)}
	if j, err := json.Marshal(s); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range forms {
		if f != "" && !slices.Contains(c.secrets, f) {
			c.secrets = append(c.secrets, f)
		}
	}
	sort.Slice(c.secrets, func(i, j int) bool { return len(c.secrets[i]) > len(c.secrets[j]) })
}

// RedactExchange returns a copy of ex fit for a report: the Authorization
// value becomes "Bearer <redacted>", "Basic <redacted>" or "<redacted>",
// JSON "password" string values become "<redacted>", and the configured
// token, Basic credentials and every password this client generated are
// replaced by "<redacted>" wherever they occur (URL, headers, bodies, Err).
// Error is dropped, since its text is unredacted.
func (c *Client) RedactExchange(ex Exchange) Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.redactExchangeLocked(ex)
}

// RedactedTranscript returns the transcript with every exchange passed
// through RedactExchange.
func (c *Client) RedactedTranscript() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Exchange, len(c.transcript))
	for i, ex := range c.transcript {
		out[i] = c.redactExchangeLocked(ex)
	}
	return out
}

// GeneratedPasswords returns the passwords this client generated for
// create requests (Okta's random placeholders), for callers that redact
// exchanges themselves.
func (c *Client) GeneratedPasswords() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.passwords...)
}

func (c *Client) redactExchangeLocked(ex Exchange) Exchange {
	ex.Error = nil
	ex.URL = c.redactLocked(ex.URL)
	ex.Err = c.redactLocked(ex.Err)
	ex.RequestHeader = c.redactHeader(ex.RequestHeader, true)
	ex.ResponseHeader = c.redactHeader(ex.ResponseHeader, false)
	ex.RequestBody = c.redactBody(ex.RequestBody)
	ex.ResponseBody = c.redactBody(ex.ResponseBody)
	return ex
}

func (c *Client) redactHeader(h http.Header, request bool) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		nv := make([]string, len(vs))
		for i, v := range vs {
			if request && strings.EqualFold(k, "Authorization") {
				nv[i] = redactAuthorization(v)
				continue
			}
			nv[i] = c.redactLocked(v)
		}
		out[k] = nv
	}
	return out
}

// redactAuthorization keeps the scheme so a transcript still shows which
// auth form was sent (mockidp/okta/WIRE.md §2.2).
func redactAuthorization(v string) string {
	for _, scheme := range []string{"Bearer", "Basic"} {
		if len(v) > len(scheme) && strings.EqualFold(v[:len(scheme)+1], scheme+" ") {
			return v[:len(scheme)] + " " + redacted
		}
	}
	return redacted
}

func (c *Client) redactBody(b []byte) []byte {
	if b == nil {
		return nil
	}
	s := passwordField.ReplaceAllString(string(b), `$1"`+redacted+`"`)
	return []byte(c.redactLocked(s))
}
