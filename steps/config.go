// Package steps holds the godog step definitions and the suite runner of
// scimconform.
//
// It sits in the middle of the data flow: a validated Config comes in from
// the CLI, the embedded features/ catalogue is selected by tags and tier,
// each step drives the mock Okta client (mockidp/okta) against the target's
// URL and asserts with httpexpect, and the run comes out as a reports.Run.
// It sees only a URL and credentials, never the reference server's
// internals, and it never exits the process or prints secrets.
package steps

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Config is everything a run needs. The zero value is not usable: BaseURL
// and credentials are required; Validate fills defaults and reports errors.
type Config struct {
	// BaseURL is the SCIM base URL of the target, e.g. http://127.0.0.1:8080/scim/v2.
	BaseURL string
	// Credentials are what Okta would send (bearer, bare header token or Basic).
	Credentials okta.Credentials
	// Profile is the Okta client profile: okta.ProfileOIN (default) or okta.ProfileAIW.
	Profile okta.Profile
	// PlusForSpace encodes spaces in filters as '+' instead of %20.
	PlusForSpace bool
	// Timeout is the per-request timeout; default 60s like Okta.
	Timeout time.Duration
	// HTTPClient carries TLS settings (--insecure, --ca-file); may be nil.
	HTTPClient *http.Client
	// Retry is the 429 retry policy. Zero fields take Okta's defaults (10
	// attempts, Retry-After seconds else 5 min, doubling), except MaxWait:
	// zero caps every wait at DefaultMaxRetryWait so that a target that
	// always answers 429 ends within the run budget; okta.RetryLikeOkta
	// asks for Okta's waits without a cap (Retry-After: 3600 waits an hour).
	Retry okta.RetryPolicy
	// Deadline is the run budget: when it has passed, no further scenario
	// starts (they are errors "not run (deadline: ...)"), steps in flight
	// get Grace to finish, and Run returns a partial run. Default
	// DefaultDeadline (10 min).
	Deadline time.Duration
	// MaxTransportFailures is how many requests in a row may get no answer
	// (timeout, refused, reset) before the target is probed once with
	// Okta's credentials test; when the probe gets no answer either, the
	// remaining scenarios are errors "target stopped answering after ...".
	// Default 3.
	MaxTransportFailures int
	// ProbeTimeout bounds that probe; default the smaller of Timeout and 10s.
	ProbeTimeout time.Duration
	// Grace is how long a step in flight may go on after an interrupt or
	// the deadline; default the smaller of Timeout and 5s.
	Grace time.Duration
	// CleanupTimeout bounds each scenario's cleanup (deactivating what it
	// created) once the run has stopped early; default 15s.
	CleanupTimeout time.Duration
	// MaxBody caps each response body read; a longer answer is an error
	// "the answer exceeded 4 MiB; raise --max-body". Default 4 MiB.
	MaxBody int64
	// MaxRecordedBody caps each response body kept in the report (its real
	// size and SHA-256 are kept with it); default 64 KiB.
	MaxRecordedBody int64

	// Selection chooses scenarios and tiers.
	Selection Selection
	// Concurrency is how many scenarios run at once; default 1.
	Concurrency int
	// RevokedToken is an optional token the target has revoked; non-empty
	// declares the capability "revoked-token" (AUTH-006 in scope and
	// required), empty reports AUTH-006 as not in scope.
	RevokedToken string
	// Cleanup deletes groups the run created (users are always deactivated,
	// as Okta never deletes users) and, when the target allows DELETE, users.
	Cleanup bool
	// RunID is the run-unique prefix of every resource the run creates;
	// default: random.
	RunID string
	// SSO configures the sign-in scenarios; non-nil declares the capability
	// "sso" (and "saml-login" when its LoginURL is set); nil reports them as
	// not in scope.
	SSO *SSOConfig
	// PasswordSync declares the capability "password-sync": the app has
	// Okta's "Sync password" on, so Okta pushes password changes
	// (@needs-password-sync scenarios in scope and required).
	PasswordSync bool
	// Mapping is the admin's attribute mapping (Provisioning › To App); nil
	// leaves the capability "attributes" undeclared, non-nil declares it
	// and makes the mock Okta send the mapped attributes.
	Mapping *okta.Mapping
	// Entitlements declares the capability "entitlements": the app offers
	// "SCIM 2.0 with entitlements" (entitlement resource types Okta
	// discovers, imports and assigns).
	Entitlements bool
	// Progress receives one line per finished scenario; nil discards.
	Progress io.Writer
	// ToolVersion is written into the report.
	ToolVersion string
	// Image names the Docker image under test, when there is one (report only).
	Image string

	// observe is the okta.Config.Observe hook of a scenario's client.
	observe func(okta.Exchange)
}

// Defaults of Config.Validate.
const (
	DefaultDeadline        = 10 * time.Minute
	DefaultMaxRetryWait    = 5 * time.Second
	DefaultMaxBody         = okta.DefaultMaxBodyBytes
	DefaultMaxRecordedBody = okta.DefaultMaxRecordedBody
)

// Validate checks c and fills defaults. It returns an error that names the
// offending setting. It rejects every base URL the mock Okta client would
// reject (no absolute http(s) URL, a query, a fragment, userinfo), and it
// sets Selection.Declared from SSO, RevokedToken, PasswordSync, Mapping
// and Entitlements.
func (c *Config) Validate() error {
	if c.BaseURL == "" {
		return errors.New("no target: give --url (the SCIM base URL, e.g. https://app.example.com/scim/v2)")
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q is not an absolute http(s) URL", c.BaseURL)
	}
	// The mock Okta client refuses these too (okta.New): Okta's base URL
	// field takes a plain base, and credentials belong in the token.
	switch {
	case u.User != nil:
		return fmt.Errorf("--url must not carry credentials (user:password@): give the token in SCIMCONFORM_TOKEN or use --auth basic")
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("--url %q must not have a query string: give the SCIM base URL only, e.g. https://app.example.com/scim/v2", c.BaseURL)
	case u.Fragment != "" || strings.Contains(c.BaseURL, "#"):
		return fmt.Errorf("--url %q must not have a fragment (#...): give the SCIM base URL only", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	switch c.Credentials.Mode {
	case "":
		c.Credentials.Mode = okta.AuthBearer
	case okta.AuthBearer, okta.AuthHeader, okta.AuthBasic:
	default:
		return fmt.Errorf("--auth %q: use bearer, header or basic", c.Credentials.Mode)
	}
	if c.Credentials.Mode == okta.AuthBasic {
		if c.Credentials.Username == "" || c.Credentials.Password == "" {
			return errors.New("--auth basic needs a username and password (SCIMCONFORM_BASIC_USER / SCIMCONFORM_BASIC_PASSWORD)")
		}
	} else if c.Credentials.Token == "" {
		return errors.New("no SCIM token: set SCIMCONFORM_TOKEN or give --token-file")
	}
	switch c.Profile {
	case "":
		c.Profile = okta.ProfileOIN
	case okta.ProfileOIN, okta.ProfileAIW:
	default:
		return fmt.Errorf("--profile %q: use oin or aiw", c.Profile)
	}
	if c.Timeout == 0 {
		c.Timeout = 60 * time.Second
	}
	if c.Timeout < 0 {
		return fmt.Errorf("--timeout %v must be positive", c.Timeout)
	}
	if c.Deadline == 0 {
		c.Deadline = DefaultDeadline
	}
	if c.Deadline < 0 {
		return fmt.Errorf("--deadline %v must be positive", c.Deadline)
	}
	if c.MaxTransportFailures <= 0 {
		c.MaxTransportFailures = 3
	}
	if c.ProbeTimeout <= 0 {
		c.ProbeTimeout = min(c.Timeout, 10*time.Second)
	}
	if c.Grace <= 0 {
		c.Grace = min(c.Timeout, 5*time.Second)
	}
	if c.CleanupTimeout <= 0 {
		c.CleanupTimeout = 15 * time.Second
	}
	if c.Retry.MaxAttempts <= 0 {
		c.Retry.MaxAttempts = okta.DefaultMaxAttempts
	}
	if c.Retry.MaxWait == 0 {
		c.Retry.MaxWait = DefaultMaxRetryWait
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.MaxRecordedBody <= 0 {
		c.MaxRecordedBody = DefaultMaxRecordedBody
	}
	if c.Concurrency == 0 {
		c.Concurrency = 1
	}
	if c.Concurrency < 0 || c.Concurrency > 64 {
		return fmt.Errorf("--concurrency %d: use 1 to 64", c.Concurrency)
	}
	switch c.Selection.Tier {
	case "":
		c.Selection.Tier = "all"
	case "all", "required":
	default:
		return fmt.Errorf("--tier %q: use required or all", c.Selection.Tier)
	}
	switch strings.ToLower(strings.TrimSpace(c.Selection.Strict)) {
	case "", "false", "off":
		c.Selection.Strict = ""
	case "must", "true":
		c.Selection.Strict = "must"
	case "should":
		c.Selection.Strict = "should"
	default:
		return fmt.Errorf("--strict=%q: use --strict (RFC MUST checks fail the run) or --strict=should (SHOULD checks too)", c.Selection.Strict)
	}
	if err := ValidateTagExpr(c.Selection.Tags); err != nil {
		return err
	}
	if c.SSO != nil && (c.SSO.IdP == nil || c.SSO.SP.ACSURL == "" || c.SSO.SP.EntityID == "") {
		return errors.New("SSO needs the mock IdP, the app's ACS URL (--saml-acs) and its entity ID (--saml-audience)")
	}
	c.Selection.Declared = c.declared()
	if c.RunID == "" {
		c.RunID = newRunID()
	}
	return nil
}

// secrets returns every credential in c, for redaction.
func (c *Config) secrets() []string {
	var s []string
	for _, v := range []string{c.Credentials.Token, c.Credentials.Password, c.RevokedToken} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// Hash returns a short hash of the settings that change results, without
// any secret, so reports made with the same settings can be recognised.
func (c *Config) Hash() string {
	v := struct {
		BaseURL, Auth, Profile, Tags, Tier string
		Areas                              []string
		Plus, Groups, Revoked, SSO         bool
		Timeout                            time.Duration
		// Strict and the later capabilities are omitted when unset, so
		// hashes of runs without them stay what they were.
		Strict       string   `json:",omitempty"`
		PasswordSync bool     `json:",omitempty"`
		Mapping      []string `json:",omitempty"`
		Entitlements bool     `json:",omitempty"`
	}{c.BaseURL, string(c.Credentials.Mode), string(c.Profile), c.Selection.Tags, c.Selection.Tier,
		c.Selection.Areas, c.PlusForSpace, c.Selection.Groups, c.RevokedToken != "", c.SSO != nil, c.Timeout, c.Selection.Strict,
		c.PasswordSync, c.Mapping.Keys(), c.Entitlements}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
