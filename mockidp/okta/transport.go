package okta

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Request is a raw request for conformance probes that are not Okta
// operations (wrong tokens, malformed JSON, unknown ids). It is sent with the
// same headers, capture, redaction, timeout and retry rules as operations.
type Request struct {
	// Method is the HTTP method; empty means GET.
	Method string
	// Path is relative to BaseURL, e.g. "/Users/123"; it may carry a raw
	// query ("?filter=...") which is sent exactly as given.
	Path string
	// Query is appended to the path's query, encoded with Okta's rules
	// (%20 or '+' for spaces; filter, startIndex, count first, then the
	// other keys sorted).
	Query url.Values
	// Body is sent as-is when non-nil, with Okta's Content-Type unless
	// Header overrides it.
	Body []byte
	// Header holds extra headers; a key present here replaces Okta's
	// default for that key, an empty value list removes it.
	Header http.Header
	// Authorization is nil for the configured credentials; a pointer to ""
	// sends no Authorization header; any other value is sent verbatim.
	Authorization *string
}

// Do sends r and returns the final exchange (after any 429 retries; every
// attempt is in the Transcript). It never returns an error: transport
// failures are in Exchange.Error (a *TransportError) and Exchange.Err, with
// StatusCode 0.
func (c *Client) Do(ctx context.Context, r Request) Exchange {
	_, all, _ := c.send(ctx, r)
	return all[len(all)-1]
}

// queryParam is one ordered query parameter.
type queryParam struct{ key, value string }

// encodeQuery encodes params in the given order with Okta's encoding
// (mockidp/okta/WIRE.md §2.3): every byte outside unreserved characters is
// percent-encoded, spaces as %20 (SCIM20) or '+' (OLDREF, PlusForSpace).
func (c *Client) encodeQuery(params []queryParam) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(c.escape(p.key))
		b.WriteByte('=')
		b.WriteString(c.escape(p.value))
	}
	return b.String()
}

func (c *Client) escape(s string) string {
	// QueryEscape turns ' ' into '+' and a literal '+' into %2B, so every
	// '+' in its output is a space.
	e := url.QueryEscape(s)
	if !c.cfg.PlusForSpace {
		e = strings.ReplaceAll(e, "+", "%20")
	}
	return e
}

// oktaParamOrder is the order Okta sends list parameters in (mockidp/okta/WIRE.md §2.3 SCIM20).
var oktaParamOrder = []string{"filter", "startIndex", "count"}

func orderedValues(v url.Values) []queryParam {
	var out []queryParam
	seen := map[string]bool{}
	for _, k := range oktaParamOrder {
		for _, val := range v[k] {
			out = append(out, queryParam{k, val})
		}
		seen[k] = true
	}
	var rest []string
	for k := range v {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		for _, val := range v[k] {
			out = append(out, queryParam{k, val})
		}
	}
	return out
}

// buildURL joins the base URL, a relative path (possibly with a raw query)
// and extra encoded query text.
func (c *Client) buildURL(path, extraQuery string) string {
	if path != "" && !strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "?") {
		path = "/" + path
	}
	u := c.baseStr + path
	if extraQuery != "" {
		if strings.Contains(path, "?") {
			u += "&" + extraQuery
		} else {
			u += "?" + extraQuery
		}
	}
	return u
}

// send performs r with Okta's 429 policy. It returns the last exchange,
// every attempt, and an error when the request could not be completed at
// the transport level.
func (c *Client) send(ctx context.Context, r Request) (Exchange, []Exchange, error) {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	target := c.buildURL(r.Path, c.encodeQuery(orderedValues(r.Query)))
	pol := c.cfg.Retry
	var wait time.Duration
	var all []Exchange
	for attempt := 1; ; attempt++ {
		ex, err := c.once(ctx, method, target, r, attempt)
		all = append(all, ex)
		if err != nil || ex.StatusCode != http.StatusTooManyRequests {
			return ex, all, err
		}
		if attempt >= pol.MaxAttempts {
			// mockidp/okta/WIRE.md §2.5 CONCEPT: after 10 attempts the task fails permanently.
			return ex, all, nil
		}
		// mockidp/okta/WIRE.md §2.5 CONCEPT: integer Retry-After seconds, else 5 min,
		// each further wait twice the previous one. [I] A later Retry-After
		// does not reset the doubling sequence.
		if attempt == 1 {
			wait = retryAfter(ex.ResponseHeader.Get("Retry-After"), pol.DefaultWait)
		} else {
			wait *= 2
		}
		if pol.MaxWait > 0 && wait > pol.MaxWait {
			wait = pol.MaxWait
		}
		if pol.OnWait != nil {
			pol.OnWait(RetryWait{Method: method, URL: target, Attempt: attempt + 1, MaxAttempts: pol.MaxAttempts,
				RetryAfter: ex.ResponseHeader.Get("Retry-After"), Wait: wait})
		}
		if err := pol.Sleep(ctx, wait); err != nil {
			return ex, all, fmt.Errorf("waiting %s after 429 (attempt %d): %w", wait, attempt, err)
		}
	}
}

// retryAfter parses a Retry-After value as non-negative integer seconds;
// anything else (absent, HTTP-date, garbage) yields def (mockidp/okta/WIRE.md §2.5).
func retryAfter(v string, def time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > int64(365*24*time.Hour/time.Second) {
		return def
	}
	return time.Duration(n) * time.Second
}

// once performs one attempt and records it in the transcript.
func (c *Client) once(ctx context.Context, method, target string, r Request, attempt int) (Exchange, error) {
	ex := Exchange{Method: method, URL: target, Attempt: attempt, StartedAt: c.cfg.Now(), RequestBody: r.Body}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(rctx, method, target, body)
	if err != nil {
		terr := &TransportError{Kind: KindRequest, Err: fmt.Errorf("build request %s %s: %w", method, c.Redact(target), err)}
		ex.Err, ex.Error = terr.Error(), terr
		return c.record(ex), terr
	}
	// mockidp/okta/WIRE.md §2.1: Okta's header set; Content-Type only with a body.
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("Accept-Charset", "utf-8")
	req.Header.Set("Accept-Encoding", "gzip,deflate")
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	switch {
	case r.Authorization == nil:
		req.Header.Set("Authorization", c.authVal)
	case *r.Authorization != "":
		req.Header.Set("Authorization", *r.Authorization)
	}
	for k, vs := range r.Header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	ex.RequestHeader = req.Header.Clone()
	if r.Body != nil {
		ex.RequestHeader.Set("Content-Length", strconv.Itoa(len(r.Body)))
	}

	resp, err := c.http.Do(req)
	if err != nil {
		ex.Duration = c.cfg.Now().Sub(ex.StartedAt)
		terr := c.transportError(ctx, rctx, err)
		ex.Err, ex.Error = terr.Error(), terr
		return c.record(ex), terr
	}
	defer resp.Body.Close()
	ex.StatusCode = resp.StatusCode
	ex.ResponseHeader = resp.Header.Clone()
	ex.statusText = resp.Status
	data, truncated, size, digest, rerr := c.readBody(resp)
	ex.Duration = c.cfg.Now().Sub(ex.StartedAt)
	ex.ResponseBody = data
	ex.Truncated = truncated
	ex.ResponseSize, ex.ResponseDigest = size, digest
	if rerr != nil {
		terr := c.transportError(ctx, rctx, rerr)
		ex.Err, ex.Error = terr.Error(), terr
		return c.record(ex), terr
	}
	return c.record(ex), nil
}

// errBodyTooLarge is wrapped when a response body exceeds MaxBodyBytes.
var errBodyTooLarge = errors.New("response body too large")

// ErrBodyTooLarge is wrapped by the KindBody TransportError of an answer
// longer than Config.MaxBodyBytes.
var ErrBodyTooLarge = errBodyTooLarge

// readBody reads the response body, decompressing gzip/deflate itself
// (setting Accept-Encoding turns off Go's transparent decompression), and
// stops at MaxBodyBytes. It returns the body, whether it was longer than
// the cap, the number of decompressed bytes read and their SHA-256.
func (c *Client) readBody(resp *http.Response) ([]byte, bool, int64, string, error) {
	var rd io.Reader = resp.Body
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, false, 0, "", fmt.Errorf("decompress gzip response body: %w", err)
		}
		defer zr.Close()
		rd = zr
	case "deflate":
		// HTTP "deflate" is zlib-wrapped; some servers send raw deflate.
		raw, truncated, err := limitedRead(resp.Body, c.cfg.MaxBodyBytes)
		if err != nil || truncated {
			return raw, truncated, int64(len(raw)), digestOf(raw), c.bodyErr(err, truncated)
		}
		var zr io.ReadCloser
		if zr, err = zlib.NewReader(bytes.NewReader(raw)); err != nil {
			zr = flate.NewReader(bytes.NewReader(raw))
		}
		defer zr.Close()
		rd = zr
	default:
		return nil, false, 0, "", fmt.Errorf("unsupported response Content-Encoding %q", enc)
	}
	data, truncated, err := limitedRead(rd, c.cfg.MaxBodyBytes)
	n := int64(len(data))
	if truncated {
		n++ // the byte past the cap was read and dropped
	}
	return data, truncated, n, digestOf(data), c.bodyErr(err, truncated)
}

func digestOf(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (c *Client) bodyErr(err error, truncated bool) error {
	if err != nil {
		return fmt.Errorf("read response body: %w", err)
	}
	if truncated {
		return fmt.Errorf("%w: the answer exceeded %s; %s", errBodyTooLarge, ByteSize(c.cfg.MaxBodyBytes), c.cfg.MaxBodyHint)
	}
	return nil
}

// byteSize renders n as "4 MiB", "64 KiB" or "123 bytes".
// ByteSize formats a byte count the way the client's messages do
// ("4 MiB", "1.5 MiB", "64 KiB", "100 bytes").
func ByteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func limitedRead(r io.Reader, max int64) ([]byte, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(data)) > max {
		return data[:max], true, nil
	}
	return data, false, err
}

// TransportKind classifies a transport failure.
type TransportKind string

// Kinds of transport failure.
const (
	// KindTimeout: no complete answer within Config.Timeout.
	KindTimeout TransportKind = "timeout"
	// KindRefused: the connection was refused (nothing listens there).
	KindRefused TransportKind = "refused"
	// KindTLS: the TLS handshake failed (untrusted or mismatched
	// certificate, or the server does not speak TLS).
	KindTLS TransportKind = "tls"
	// KindCancelled: the caller's context ended.
	KindCancelled TransportKind = "cancelled"
	// KindBody: the answer's body could not be read (too large, bad encoding).
	KindBody TransportKind = "body"
	// KindRequest: the request could not be built.
	KindRequest TransportKind = "request"
	// KindNetwork: any other network failure (DNS, reset, dial error).
	KindNetwork TransportKind = "network"
)

// TransportError is why an exchange got no complete HTTP answer. It wraps
// the cause, so errors.As finds e.g. an x509.UnknownAuthorityError.
type TransportError struct {
	Kind TransportKind
	Err  error
}

// Error returns the cause's message, in the words an admin would read.
func (e *TransportError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// transportError explains a transport failure in the words an admin would
// read, keeping the cause wrapped, and classifies it.
func (c *Client) transportError(parent, rctx context.Context, err error) *TransportError {
	if parent.Err() != nil {
		return &TransportError{Kind: KindCancelled, Err: fmt.Errorf("request cancelled by caller: %w", err)}
	}
	if errors.Is(rctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return &TransportError{Kind: KindTimeout, Err: fmt.Errorf("no complete response within %s (mockidp/okta/WIRE.md §2.5: Okta closes the connection after 60 s): %w", c.cfg.Timeout, err)}
	}
	if errors.Is(err, errBodyTooLarge) {
		return &TransportError{Kind: KindBody, Err: err}
	}
	if isTLSError(err) {
		return &TransportError{Kind: KindTLS, Err: fmt.Errorf("TLS with %s failed: %w", c.base.Host, err)}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &TransportError{Kind: KindRefused, Err: fmt.Errorf("could not connect to %s: %w", c.base.Host, err)}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &TransportError{Kind: KindTimeout, Err: fmt.Errorf("no complete response within %s: %w", c.cfg.Timeout, err)}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return &TransportError{Kind: KindNetwork, Err: fmt.Errorf("could not connect to %s: %w", c.base.Host, err)}
	}
	if strings.HasPrefix(err.Error(), "read response body") || strings.HasPrefix(err.Error(), "decompress") || strings.HasPrefix(err.Error(), "unsupported response Content-Encoding") {
		return &TransportError{Kind: KindBody, Err: err}
	}
	return &TransportError{Kind: KindNetwork, Err: err}
}

// isTLSError reports whether err is a failed TLS handshake.
func isTLSError(err error) bool {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	if errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) || errors.As(err, &cv) || errors.As(err, &rh) {
		return true
	}
	// net/http reports a plain-HTTP answer to a TLS hello with an error
	// value it does not export; its text is the only handle.
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// record appends ex to the transcript, its response body cut to
// MaxRecordedBody, tells Observe, and returns ex whole.
func (c *Client) record(ex Exchange) Exchange {
	kept := ex
	if int64(len(kept.ResponseBody)) > c.cfg.MaxRecordedBody {
		kept.ResponseBody = bytes.Clone(kept.ResponseBody[:c.cfg.MaxRecordedBody])
		kept.ResponseCut = true
	}
	c.mu.Lock()
	c.transcript = append(c.transcript, kept)
	c.mu.Unlock()
	if c.cfg.Observe != nil {
		c.cfg.Observe(kept)
	}
	return ex
}
