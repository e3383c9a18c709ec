package okta

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strings"
)

// SCIM URNs used in Okta's bodies (RFC 7643/7644, mockidp/okta/WIRE.md §4.2, §6, §9).
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaEnterprise   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaError        = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// Person is a person in Okta (an Okta user). The caller owns it and may
// change its fields between operations (UpdateProfile pushes the change).
type Person struct {
	// ID is the Okta user id "00u…", sent as externalId (mockidp/okta/WIRE.md §4.2).
	ID string
	// Login is the Okta username = app username = SCIM userName (usually the email).
	Login string
	// Email is the primary (work) email.
	Email string
	// GivenName, FamilyName and MiddleName map to name.*; MiddleName is sent only when set.
	GivenName, FamilyName, MiddleName string
	// DisplayName defaults to "GivenName FamilyName".
	DisplayName string
	// Locale defaults to "en-US" (mockidp/okta/WIRE.md §4.2 SCIM20).
	Locale string
	// Attributes are the person's values of Okta profile attributes beyond
	// the ones above, by Okta attribute name ("department"). The client
	// sends those the app's Config.Mapping maps, at their SCIM paths, on
	// create and in every PUT; a mapped attribute without a value (absent
	// or "") is left out of both (mockidp/okta/WIRE.md §15.2).
	Attributes map[string]string
	// SCIMAttributes are SCIM attributes Okta sends as given, outside the
	// attribute mapping: the entitlement grants "roles" and
	// "entitlements" (EntitlementAttributes, mockidp/okta/WIRE.md §16).
	// They go into the create body and every PUT, replacing the server's
	// values.
	SCIMAttributes map[string]any
}

func (p *Person) displayName() string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return strings.TrimSpace(p.GivenName + " " + p.FamilyName)
}

func (p *Person) locale() string {
	if p.Locale != "" {
		return p.Locale
	}
	return "en-US"
}

// NewPersonID returns a random Okta-style user id: "00u" followed by 17
// alphanumeric characters.
func NewPersonID() string { return "00u" + randomString(17, alnum) }

// NewGroupID returns a random Okta-style group id: "00g" followed by 17
// alphanumeric characters.
func NewGroupID() string { return "00g" + randomString(17, alnum) }

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerDigit = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			// crypto/rand does not fail on supported platforms (Go 1.24+ panics
			// inside Read instead); fall back to a fixed character.
			b[i] = alphabet[0]
			continue
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

// Assignment is Okta's app-user record for one person after assignment: the
// link to the SCIM resource (SCIMID, Okta's "External ID"), whether Okta
// believes it active, and the last resource the server returned.
// LastResource numbers are json.Number.
type Assignment struct {
	Person       *Person
	SCIMID       string
	Active       bool
	LastResource map[string]any
}

// Group is an Okta group pushed to the app. ID is the Okta group id
// ("00g…"), Name the group name (SCIM displayName), SCIMID the linked SCIM
// group id (set by PushGroup, cleared by UnlinkAndDeleteGroup), Members the
// assigned people whose membership Okta pushes (members without a SCIMID
// are not pushed, mockidp/okta/WIRE.md §9.1).
type Group struct {
	ID      string
	Name    string
	SCIMID  string
	Members []*Assignment
}

// UserFilter returns Okta's lookup filter `userName eq "x"` with '\' and '"'
// escaped as SCIM string literals require (mockidp/okta/WIRE.md §2.3, RFC 7644 §3.4.2.2).
func UserFilter(userName string) string { return `userName eq ` + quote(userName) }

func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`
}

// Outcome is what Okta records for one admin operation, plus the wire
// evidence.
type Outcome struct {
	// Operation names the admin operation, e.g. "assign", "unassign",
	// "test-credentials", "push-group".
	Operation string
	// OK reports that Okta would mark the task successful.
	OK bool
	// Message is the admin-visible text on failure, e.g. "Conflict. Errors
	// reported by remote server: User already exists" (mockidp/okta/WIRE.md §2.5);
	// "" when OK.
	Message string
	// Notes are remarks on accepted-but-unusual answers (e.g. 200 instead
	// of 201 on create) and on requests not sent (disabled features).
	Notes []string
	// Exchanges are the HTTP requests this operation made, in order,
	// including 429 retries (raw; see Exchange).
	Exchanges []Exchange
	// Err is non-nil when the failure was transport- or harness-level
	// (timeout, refused connection, bad input, disabled feature); nil for
	// failures the server caused with an HTTP answer.
	Err error
}

// op accumulates one Outcome.
type op struct {
	c   *Client
	out Outcome
}

func (c *Client) begin(name string) *op { return &op{c: c, out: Outcome{Operation: name, OK: true}} }

func (o *op) note(format string, args ...any) {
	o.out.Notes = append(o.out.Notes, fmt.Sprintf(format, args...))
}

// fail marks the outcome failed with msg (first failure wins).
func (o *op) fail(msg string) {
	if o.out.OK || o.out.Message == "" {
		o.out.Message = msg
	}
	o.out.OK = false
}

func (o *op) failErr(err error) {
	o.fail(err.Error())
	if o.out.Err == nil {
		o.out.Err = fmt.Errorf("%s: %w", o.out.Operation, err)
	}
}

// do sends r, collecting its exchanges. It returns false (with the outcome
// failed) on a transport failure.
func (o *op) do(ctx context.Context, r Request) (Exchange, bool) {
	ex, all, err := o.c.send(ctx, r)
	o.out.Exchanges = append(o.out.Exchanges, all...)
	if err != nil {
		o.failErr(fmt.Errorf("%s %s: %w", r.methodOrGet(), r.Path, err))
		return ex, false
	}
	return ex, true
}

// expect fails the outcome with Okta's message unless ex has one of codes.
func (o *op) expect(ex Exchange, codes ...int) bool {
	for _, c := range codes {
		if ex.StatusCode == c {
			return true
		}
	}
	msg := failureMessage(ex)
	if ex.StatusCode == http.StatusTooManyRequests {
		// mockidp/okta/WIRE.md §2.5 CONCEPT: after MaxAttempts the task fails permanently.
		o.note("rate limited: gave up after %d attempts", ex.Attempt)
	}
	o.fail(msg)
	return false
}

func (r Request) methodOrGet() string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

// failureMessage renders the admin-visible text Okta shows for a failed
// request: "<reason phrase>. Errors reported by remote server: <detail>"
// (mockidp/okta/WIRE.md §2.5), where detail is the SCIM error's "detail", or
// Jackson's parse error for a non-JSON body (mockidp/okta/WIRE.md §2.4 ROSTR).
func failureMessage(ex Exchange) string {
	reason := http.StatusText(ex.StatusCode)
	if reason == "" {
		reason = fmt.Sprintf("HTTP %d", ex.StatusCode)
	}
	return reason + ". Errors reported by remote server: " + errorDetail(ex.ResponseBody)
}

// errorDetail extracts the detail of an error body. [I] For an empty body
// and for JSON without "detail" the wording is ours, not Okta's.
func errorDetail(body []byte) string {
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return "(empty response body)"
	}
	var v any
	if err := json.Unmarshal(t, &v); err != nil {
		return invalidJSON(t)
	}
	if m, ok := v.(map[string]any); ok {
		if d, ok := m["detail"].(string); ok && d != "" {
			return d
		}
	}
	if len(t) > 500 {
		t = t[:500]
	}
	return string(t)
}

// invalidJSON imitates the Jackson message Okta shows for a body that is not
// JSON, e.g. "Invalid JSON: Unrecognized token 'error': was expecting (JSON
// String, Number, Array, Object or token 'null', 'true' or 'false')"
// (mockidp/okta/WIRE.md §2.4 ROSTR, keycloak-scim-server PR 114).
func invalidJSON(t []byte) string {
	const expecting = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
	first := t[0]
	if isTokenByte(first) {
		end := 0
		for end < len(t) && end < 256 && isTokenByte(t[end]) {
			end++
		}
		return fmt.Sprintf("Invalid JSON: Unrecognized token '%s': was expecting %s", t[:end], expecting)
	}
	if len(t) > 0 && (first == '{' || first == '[') {
		return "Invalid JSON: Unexpected end-of-input or malformed content"
	}
	return fmt.Sprintf("Invalid JSON: Unexpected character ('%c' (code %d)): expected a valid value %s", rune(first), first, expecting)
}

func isTokenByte(b byte) bool {
	return b == '_' || b == '-' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// decodeObject decodes a JSON object keeping numbers as json.Number, so
// values echoed back in a PUT keep their exact text.
func decodeObject(body []byte) (map[string]any, error) {
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return nil, fmt.Errorf("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		if json.Valid(t) {
			return nil, fmt.Errorf("JSON body is not an object")
		}
		return nil, fmt.Errorf("%s", invalidJSON(t))
	}
	if m == nil {
		return nil, fmt.Errorf("JSON body is null")
	}
	return m, nil
}

// member is one key of an ordered JSON object.
type member struct {
	k string
	v any
}

// object is a JSON object that keeps Okta's key order when marshalled.
type object []member

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.k)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, fmt.Errorf("marshal %q: %w", m.k, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// set replaces the value of k in place, or appends it.
func (o object) set(k string, v any) object {
	for i := range o {
		if o[i].k == k {
			o[i].v = v
			return o
		}
	}
	return append(o, member{k, v})
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
