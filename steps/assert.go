package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"
	"sync"

	"github.com/gavv/httpexpect/v2"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// SCIM message schema URNs (RFC 7644 §3.4.2, §3.12).
const (
	listResponseURN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	errorURN        = "urn:ietf:params:scim:api:messages:2.0:Error"
	patchOpURN      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	userURN         = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupURN        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	spcURN          = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
)

// checkError is a conformance failure: the target answered, but wrongly.
// The collector reports it as "fail".
type checkError struct {
	failures []failure
}

type failure struct {
	message, expected, actual string
}

func (e *checkError) Error() string {
	msgs := make([]string, 0, len(e.failures))
	for _, f := range e.failures {
		m := f.message
		if f.expected != "" || f.actual != "" {
			m += fmt.Sprintf(" (expected %s, got %s)", f.expected, f.actual)
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; ")
}

// harnessError is a fault of scimconform itself or of its configuration,
// not of the target. The collector reports it as "error".
type harnessError struct{ err error }

func (e *harnessError) Error() string { return "harness error: " + e.err.Error() }
func (e *harnessError) Unwrap() error { return e.err }

// harnessf returns a harnessError; %w in format wraps.
func harnessf(format string, args ...any) error {
	return &harnessError{err: fmt.Errorf(format, args...)}
}

// recorder is an httpexpect.AssertionHandler that collects failures instead
// of calling t.Errorf, so steps run outside `go test` and return one error.
// Messages are stored raw (the run is redacted once, when it ends). A
// failure recorded with noAnswer makes the whole step a harness error: no
// answer proves nothing either way.
type recorder struct {
	mu       sync.Mutex
	what     string
	failures []failure
	// undecided is set when a check had no HTTP answer to judge.
	undecided bool
}

var _ httpexpect.AssertionHandler = (*recorder)(nil)

// Success implements httpexpect.AssertionHandler.
func (r *recorder) Success(*httpexpect.AssertionContext) {}

// Failure implements httpexpect.AssertionHandler.
func (r *recorder) Failure(_ *httpexpect.AssertionContext, f *httpexpect.AssertionFailure) {
	if f.Severity != httpexpect.SeverityError {
		return
	}
	var errs []string
	for _, e := range f.Errors {
		if e != nil {
			errs = append(errs, e.Error())
		}
	}
	msg := strings.Join(errs, ": ")
	var exp, act string
	if f.Expected != nil {
		exp = short(fmt.Sprintf("%v", f.Expected.Value))
	}
	if f.Actual != nil {
		act = short(fmt.Sprintf("%v", f.Actual.Value))
	}
	r.add(msg, exp, act)
}

// fail records a failure found by our own checks.
func (r *recorder) fail(msg, expected, actual string) {
	r.add(msg, expected, actual)
}

func (r *recorder) add(msg, expected, actual string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.what != "" {
		msg = r.what + ": " + msg
	}
	r.failures = append(r.failures, failure{msg, expected, actual})
}

// noAnswer records that a check could not run because no HTTP answer
// arrived (timeout, refused connection, TLS failure): the step becomes an
// error, never a failure and never a pass.
func (r *recorder) noAnswer(msg, actual string) {
	r.add(msg, "an HTTP answer", actual)
	r.mu.Lock()
	r.undecided = true
	r.mu.Unlock()
}

// about sets the description prefixed to the following failures.
func (r *recorder) about(what string) {
	r.mu.Lock()
	r.what = what
	r.mu.Unlock()
}

// err returns the failures recorded since the last call as one error, or nil.
func (r *recorder) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.what = ""
	if len(r.failures) == 0 {
		return nil
	}
	e := &checkError{failures: r.failures}
	r.failures = nil
	if r.undecided {
		r.undecided = false
		return &harnessError{err: fmt.Errorf("no answer to judge: %w", e)}
	}
	return e
}

func short(s string) string {
	const max = 300
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// expectConfig is the httpexpect configuration that reports into w.rec.
func (w *world) expectConfig() httpexpect.Config {
	return httpexpect.Config{
		AssertionHandler: w.rec,
		Formatter:        &httpexpect.DefaultFormatter{ColorMode: httpexpect.ColorModeNever},
	}
}

// answerOf returns ex as an httpexpect response, or records a failure and
// returns nil when no HTTP answer arrived.
func (w *world) answerOf(ex *okta.Exchange) *httpexpect.Response {
	if ex == nil {
		w.rec.fail("no request was made", "an HTTP answer", "nothing")
		return nil
	}
	resp := ex.Response()
	if resp == nil {
		w.rec.noAnswer(fmt.Sprintf("%s %s got no HTTP answer", ex.Method, ex.URL), ex.Err)
		return nil
	}
	if incomplete(ex) {
		w.rec.noAnswer(fmt.Sprintf("%s %s answered %d, but the answer never arrived complete", ex.Method, ex.URL, ex.StatusCode), ex.Err)
		return nil
	}
	return httpexpect.NewResponseC(w.expectConfig(), resp, ex.Duration)
}

// objectOf decodes ex's body as a JSON object; it records a failure and
// returns nil when the body is not one.
func (w *world) objectOf(ex *okta.Exchange) *httpexpect.Object {
	m := w.decodeObject(ex)
	if m == nil {
		return nil
	}
	return httpexpect.NewObjectC(w.expectConfig(), m)
}

// decodeObject decodes ex's JSON body or records why it cannot.
func (w *world) decodeObject(ex *okta.Exchange) map[string]any {
	if ex == nil {
		w.rec.fail("no request was made", "a JSON body", "nothing")
		return nil
	}
	if ex.StatusCode == 0 {
		w.rec.noAnswer(fmt.Sprintf("%s %s got no HTTP answer to decode", ex.Method, ex.URL), ex.Err)
		return nil
	}
	if incomplete(ex) {
		w.rec.noAnswer(fmt.Sprintf("%s %s answered %d, but the body never arrived complete", ex.Method, ex.URL, ex.StatusCode), ex.Err)
		return nil
	}
	if len(bytes.TrimSpace(ex.ResponseBody)) == 0 {
		w.rec.fail(fmt.Sprintf("%s %s answered %d with an empty body", ex.Method, ex.URL, ex.StatusCode), "a JSON object", "empty body")
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(ex.ResponseBody))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		w.rec.fail(fmt.Sprintf("%s %s answered a body that is not a JSON object (%v)", ex.Method, ex.URL, err),
			"a JSON object", short(string(ex.ResponseBody)))
		return nil
	}
	return normalizeNumbers(m).(map[string]any)
}

// normalizeNumbers turns json.Number into float64, keeping track of nothing
// else: decoding with UseNumber first lets us reject non-numbers precisely.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalizeNumbers(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = normalizeNumbers(x)
		}
		return t
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String()
		}
		return f
	}
	return v
}

// isJSONMediaType reports whether ct is application/json or application/scim+json.
func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/scim+json" || mt == "application/json"
}

// checkStatus records a failure unless ex answered one of codes.
func (w *world) checkStatus(ex *okta.Exchange, codes ...int) {
	if resp := w.answerOf(ex); resp != nil {
		if len(codes) == 1 {
			resp.Status(codes[0])
			return
		}
		ok := false
		for _, c := range codes {
			ok = ok || ex.StatusCode == c
		}
		if !ok {
			w.rec.fail(fmt.Sprintf("%s %s answered an unexpected status", ex.Method, ex.URL), fmt.Sprint(codes), fmt.Sprint(ex.StatusCode))
		}
	}
}

// checkSCIMError checks that ex carries an RFC 7644 §3.12 error body with
// the given status: a JSON media type, the Error schema, "status" equal to
// the code (a string per the RFC; Okta's own documents show numbers, which
// Okta accepts, so both pass), and a non-empty detail (Okta SPEC #4, #11, #12).
func (w *world) checkSCIMError(ex *okta.Exchange, status int) {
	if ex == nil {
		w.rec.fail("no request was made", fmt.Sprintf("a SCIM error with status %d", status), "nothing")
		return
	}
	if unanswered(ex) {
		w.rec.noAnswer(fmt.Sprintf("%s %s got no complete HTTP answer (a refusal must be an HTTP answer)", ex.Method, ex.URL), ex.Err)
		return
	}
	ct := ex.ResponseHeader.Get("Content-Type")
	if !isJSONMediaType(ct) {
		w.rec.fail(fmt.Sprintf("%s %s: the error body is not JSON (Okta shows \"Invalid JSON: Unrecognized token\")", ex.Method, ex.URL),
			"Content-Type application/scim+json", fmt.Sprintf("%q: %s", ct, short(string(ex.ResponseBody))))
		return
	}
	obj := w.objectOf(ex)
	if obj == nil {
		return
	}
	m := obj.Raw()
	if !containsString(m["schemas"], errorURN) {
		w.rec.fail(fmt.Sprintf("%s %s: the error body lacks the SCIM Error schema", ex.Method, ex.URL), `schemas containing "`+errorURN+`"`, short(fmt.Sprint(m["schemas"])))
	}
	switch s := m["status"].(type) {
	case string:
		if s != fmt.Sprint(status) {
			w.rec.fail(fmt.Sprintf("%s %s: wrong \"status\" in the error body", ex.Method, ex.URL), fmt.Sprintf("%q", fmt.Sprint(status)), fmt.Sprintf("%q", s))
		}
	case float64:
		if int(s) != status {
			w.rec.fail(fmt.Sprintf("%s %s: wrong \"status\" in the error body", ex.Method, ex.URL), fmt.Sprintf("%q", fmt.Sprint(status)), fmt.Sprint(s))
		}
	default:
		w.rec.fail(fmt.Sprintf("%s %s: the error body has no \"status\"", ex.Method, ex.URL), fmt.Sprintf("%q", fmt.Sprint(status)), fmt.Sprint(m["status"]))
	}
	if d, _ := m["detail"].(string); strings.TrimSpace(d) == "" {
		w.rec.fail(fmt.Sprintf("%s %s: the error body has no \"detail\" (Okta shows it to the admin)", ex.Method, ex.URL), "a non-empty detail", fmt.Sprint(m["detail"]))
	}
}

// checkListResponse checks the ListResponse shape Okta relies on: the
// ListResponse schema and integer totalResults, startIndex and itemsPerPage
// (mockidp/okta/WIRE.md §8), and Resources as an array when present or needed.
func (w *world) checkListResponse(ex *okta.Exchange) map[string]any {
	obj := w.objectOf(ex)
	if obj == nil {
		return nil
	}
	m := obj.Raw()
	if !containsString(m["schemas"], listResponseURN) {
		w.rec.fail("the answer lacks the ListResponse schema", `schemas containing "`+listResponseURN+`"`, short(fmt.Sprint(m["schemas"])))
	}
	for _, k := range []string{"totalResults", "startIndex", "itemsPerPage"} {
		v, ok := m[k]
		if !ok {
			w.rec.fail(fmt.Sprintf("the answer has no %q", k), "an integer", "missing")
			continue
		}
		f, isNum := v.(float64)
		if !isNum || f != float64(int64(f)) {
			w.rec.fail(fmt.Sprintf("%q must be a JSON integer (Okta fails on strings)", k), "an integer", fmt.Sprintf("%#v", v))
		}
	}
	res, present := m["Resources"]
	total, _ := m["totalResults"].(float64)
	if present {
		if _, ok := res.([]any); !ok {
			w.rec.fail(`"Resources" must be an array`, "an array", fmt.Sprintf("%T", res))
		}
	} else if total > 0 {
		w.rec.fail(`the answer has totalResults > 0 but no "Resources"`, "an array of resources", "missing")
	}
	return m
}

// resources returns the Resources array of a list answer (nil if absent).
func resources(m map[string]any) []map[string]any {
	arr, _ := m["Resources"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, r := range arr {
		if o, ok := r.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func containsString(v any, want string) bool {
	arr, _ := v.([]any)
	for _, x := range arr {
		if s, ok := x.(string); ok && s == want {
			return true
		}
	}
	return false
}

// lookupPath returns the value at a dotted path with [n] indexes, e.g.
// "Resources[0].emails[0].value"; ok is false when any part is missing.
func lookupPath(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			name = part[:i]
			if _, err := fmt.Sscanf(part[i:], "[%d]", &idx); err != nil {
				return nil, false
			}
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[name]; !ok {
			return nil, false
		}
		if idx >= 0 {
			arr, ok := v.([]any)
			if !ok || idx >= len(arr) {
				return nil, false
			}
			v = arr[idx]
		}
	}
	return v, true
}

// isEmptyValue reports whether v counts as empty for "non-empty" checks the
// way Okta's SPEC test does: missing, null, "" or an empty array/object.
// false and 0 are values.
func isEmptyValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

var errNoAnswer = errors.New("no answer yet: a When step must come first")

// incomplete reports whether ex has a status line but its body could not be
// read to the end for a reason that proves nothing about the target's SCIM
// behaviour: the read timed out or the connection broke midway, or the body
// exceeded the harness's --max-body. Judging such a half answer would be
// judging bytes the target never finished sending, so the checks treat it
// as no answer (an error). A body that arrived but does not decode (bad
// gzip, say) is the target's fault and is still judged.
// unanswered reports whether ex gave nothing to judge: no status line, or
// a status line whose body never arrived complete (incomplete).
func unanswered(ex *okta.Exchange) bool { return ex.StatusCode == 0 || incomplete(ex) }

func incomplete(ex *okta.Exchange) bool {
	if ex == nil || ex.StatusCode == 0 || ex.Error == nil {
		return false
	}
	var te *okta.TransportError
	if !errors.As(ex.Error, &te) {
		return false
	}
	switch te.Kind {
	case okta.KindTimeout, okta.KindNetwork, okta.KindCancelled:
		return true
	}
	return errors.Is(ex.Error, okta.ErrBodyTooLarge)
}
