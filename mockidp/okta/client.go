package okta

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// AuthMode selects the Authorization header form Okta sends (mockidp/okta/WIRE.md §2.2).
type AuthMode string

// Authorization forms of mockidp/okta/WIRE.md §2.2.
const (
	// AuthBearer sends "Authorization: Bearer <token>" (AIW "HTTP Header", OIN Wizard "Bearer").
	AuthBearer AuthMode = "bearer"
	// AuthHeader sends the bare token, "Authorization: <token>" (OIN Wizard "Header").
	AuthHeader AuthMode = "header"
	// AuthBasic sends "Authorization: Basic base64(username:password)" (AIW "Basic Auth").
	AuthBasic AuthMode = "basic"
)

// Profile selects Okta's client behaviour profile (mockidp/okta/WIRE.md §1).
type Profile string

// Client profiles of mockidp/okta/WIRE.md §1.
const (
	// ProfileOIN is an OIN catalog app: PATCH for (de)activation and for groups.
	ProfileOIN Profile = "oin"
	// ProfileAIW is an App Integration Wizard app: GET then full PUT for every update.
	ProfileAIW Profile = "aiw"
)

// Credentials are the app's API credentials as an Okta admin enters them.
// Token is used by AuthBearer and AuthHeader; Username and Password by
// AuthBasic. The values are secrets: they never appear in a Transcript.
type Credentials struct {
	Mode     AuthMode
	Token    string
	Username string
	Password string
}

// Features are the provisioning features enabled on the app's "To App"
// settings page. An operation whose feature is disabled sends nothing and
// returns an Outcome with Err wrapping ErrFeatureDisabled.
type Features struct {
	Create           bool // "Create Users": POST /Users on assignment of an unknown user
	UpdateAttributes bool // "Update User Attributes": profile sync GET+PUT
	Deactivate       bool // "Deactivate Users": deactivation on unassign
	PushGroups       bool // "Push Groups": all group operations
	ImportUsers      bool // "Import Users": ImportUsers
	ImportGroups     bool // "Import Groups": also probes /Groups in TestCredentials
	SyncPassword     bool // "Sync Password": PushPassword (mockidp/okta/WIRE.md §14)
}

// DefaultFeatures returns the features of Apollo.io's integration (mockidp/okta/WIRE.md
// §1, APOLLO: create, update, deactivate) plus user import: Create,
// UpdateAttributes, Deactivate and ImportUsers are true, group features and
// SyncPassword false.
func DefaultFeatures() Features {
	return Features{Create: true, UpdateAttributes: true, Deactivate: true, ImportUsers: true}
}

// RetryPolicy is Okta's 429 handling (mockidp/okta/WIRE.md §2.5 CONCEPT). Zero
// fields take their defaults.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts per request, default 10.
	MaxAttempts int
	// DefaultWait is the first wait when Retry-After is absent or not an
	// integer number of seconds (HTTP-date, garbage, negative), default 5m.
	DefaultWait time.Duration
	// MaxWait caps every single wait. Zero or RetryLikeOkta means no cap:
	// the client waits exactly as Okta does (Retry-After seconds, else
	// DefaultWait, doubling), which against a server answering
	// "Retry-After: 3600" is hours per request.
	MaxWait time.Duration
	// Sleep waits d or until ctx ends, returning ctx.Err() in that case.
	// Tests inject a recorder here; the default really sleeps.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnWait, when set, is called before each wait after a 429, e.g. to
	// tell the user why nothing is happening. Its URL is raw (unredacted).
	OnWait func(RetryWait)
}

// RetryLikeOkta, as RetryPolicy.MaxWait, explicitly asks for Okta's own
// waits without any cap. (Callers that default a zero MaxWait to a cap,
// such as steps.Config, need a value that says "no cap".)
const RetryLikeOkta time.Duration = -1

// RetryWait describes one wait after a 429 answer.
type RetryWait struct {
	Method, URL string
	// Attempt is the attempt about to be made after the wait (2..MaxAttempts).
	Attempt, MaxAttempts int
	// RetryAfter is the Retry-After value as received ("" when absent).
	RetryAfter string
	// Wait is how long the client waits (after MaxWait).
	Wait time.Duration
}

// Config configures a Client. Only BaseURL and Credentials are required.
type Config struct {
	// BaseURL is the SCIM base, e.g. http://127.0.0.1:8080/scim/v2; it must
	// be an absolute http or https URL; a trailing slash is ignored.
	BaseURL     string
	Credentials Credentials
	// Profile defaults to ProfileOIN.
	Profile Profile
	// Features are the enabled provisioning features; the zero value
	// disables everything, so callers usually start from DefaultFeatures().
	Features Features
	// Mapping is the app's attribute mapping (Provisioning › To App): the
	// Person.Attributes it maps go into create and PUT bodies
	// (mockidp/okta/WIRE.md §15.2). Nil maps nothing beyond the base
	// attributes. The client does not change it.
	Mapping *Mapping
	// PlusForSpace encodes spaces in query values as '+' (older Okta,
	// mockidp/okta/WIRE.md §2.3 OLDREF) instead of %20 (current Okta, SCIM20).
	PlusForSpace bool
	// HTTPClient is used for requests when set (TLS settings, proxies);
	// the Client works on a copy. Its Timeout is not relied upon: every
	// request gets Config.Timeout. Redirects are never followed.
	HTTPClient *http.Client
	// Timeout bounds each request including reading its body, default 60s
	// (mockidp/okta/WIRE.md §2.5 FAQ).
	Timeout time.Duration
	// Retry is the 429 policy.
	Retry RetryPolicy
	// MaxBodyBytes bounds each (decompressed) response body, default 4 MiB.
	// Reading stops there and the exchange fails with a KindBody
	// TransportError "the answer exceeded 4 MiB; <MaxBodyHint>".
	MaxBodyBytes int64
	// MaxBodyHint says how to raise MaxBodyBytes, in the caller's words
	// (e.g. "raise --max-body"); default "raise Config.MaxBodyBytes".
	MaxBodyHint string
	// MaxRecordedBody bounds the response body kept in the Transcript,
	// default 64 KiB (DefaultMaxRecordedBody). The exchange returned to the
	// caller keeps the whole body (up to MaxBodyBytes) for checks; the
	// transcript copy is cut, with ResponseSize and ResponseDigest telling
	// the real size and the SHA-256 of what was received.
	MaxRecordedBody int64
	// Observe, when set, is called with every exchange as it is recorded
	// (the transcript copy), from the goroutine that sent it. It must not
	// call back into the Client's request methods.
	Observe func(Exchange)
	// Now is the clock for Exchange.StartedAt and durations, default time.Now.
	Now func() time.Time
}

// Defaults applied by New to zero Config fields.
const (
	DefaultTimeout      = 60 * time.Second // mockidp/okta/WIRE.md §2.5 FAQ
	DefaultMaxAttempts  = 10               // mockidp/okta/WIRE.md §2.5 CONCEPT
	DefaultRetryWait    = 5 * time.Minute  // mockidp/okta/WIRE.md §2.5 CONCEPT
	DefaultMaxBodyBytes = 4 << 20
	// DefaultMaxRecordedBody is the body size kept per transcript exchange.
	DefaultMaxRecordedBody = 64 << 10
)

// UserAgent is the User-Agent Okta's SCIM client sends (mockidp/okta/WIRE.md §2.1).
const UserAgent = "Okta SCIM Client 1.0.0"

// ErrFeatureDisabled is wrapped by Outcome.Err when an operation needs a
// provisioning feature the Config does not enable; nothing is sent then.
var ErrFeatureDisabled = errors.New("provisioning feature disabled")

// ErrNotAssigned is wrapped by Outcome.Err when an operation needs an
// assignment (a linked SCIM id) that the Client does not have.
var ErrNotAssigned = errors.New("person is not assigned to the app")

// ErrGroupNotPushed is wrapped by Outcome.Err when a group operation needs a
// linked SCIM group id that the Group does not have.
var ErrGroupNotPushed = errors.New("group is not pushed to the app")

// Client is one Okta app instance provisioning into one SCIM server. It keeps
// Okta's state (assignments by Person.ID, pushed groups by Group.ID) and the
// transcript of every exchange. A Client is safe for concurrent use, but
// Okta operations on the same person should not run concurrently.
type Client struct {
	cfg     Config
	base    *url.URL
	baseStr string
	http    *http.Client
	authVal string // the Authorization value for the configured credentials

	mu          sync.Mutex
	transcript  []Exchange
	assignments map[string]*Assignment
	groups      map[string]*Group
	secrets     []string // strings replaced by "<redacted>", longest first
	passwords   []string // passwords generated for create requests
}

// New validates cfg, applies defaults and returns a Client. It returns an
// error when BaseURL is not an absolute http(s) URL or has a query, a
// fragment or userinfo, when the profile or
// auth mode is unknown, or when the credentials of the mode are empty.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil {
		return nil, fmt.Errorf("okta: base URL %q: %w", cfg.BaseURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("okta: base URL %q must be an absolute http or https URL", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("okta: base URL %q must not have a query or fragment", cfg.BaseURL)
	}
	if u.User != nil {
		return nil, errors.New("okta: base URL must not carry userinfo (user:password@); give credentials in Config.Credentials")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	if cfg.Profile == "" {
		cfg.Profile = ProfileOIN
	}
	if cfg.Profile != ProfileOIN && cfg.Profile != ProfileAIW {
		return nil, fmt.Errorf("okta: unknown profile %q (want %q or %q)", cfg.Profile, ProfileOIN, ProfileAIW)
	}
	var authVal string
	switch cfg.Credentials.Mode {
	case AuthBearer, "":
		cfg.Credentials.Mode = AuthBearer
		authVal = "Bearer " + cfg.Credentials.Token
	case AuthHeader:
		authVal = cfg.Credentials.Token
	case AuthBasic:
		authVal = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Credentials.Username+":"+cfg.Credentials.Password))
	default:
		return nil, fmt.Errorf("okta: unknown auth mode %q (want bearer, header or basic)", cfg.Credentials.Mode)
	}
	if cfg.Credentials.Mode == AuthBasic {
		if cfg.Credentials.Username == "" && cfg.Credentials.Password == "" {
			return nil, errors.New("okta: basic auth needs a username or password")
		}
	} else if cfg.Credentials.Token == "" {
		return nil, fmt.Errorf("okta: auth mode %q needs a token", cfg.Credentials.Mode)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Retry.MaxAttempts <= 0 {
		cfg.Retry.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Retry.DefaultWait <= 0 {
		cfg.Retry.DefaultWait = DefaultRetryWait
	}
	if cfg.Retry.Sleep == nil {
		cfg.Retry.Sleep = sleepCtx
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxBodyHint == "" {
		cfg.MaxBodyHint = "raise Config.MaxBodyBytes"
	}
	if cfg.MaxRecordedBody <= 0 {
		cfg.MaxRecordedBody = DefaultMaxRecordedBody
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		cp := *cfg.HTTPClient
		hc = &cp
	}
	// [I] Redirects are not followed: a 3xx is the server's answer, shown
	// in the transcript and failing the task, rather than a silent retarget
	// that would turn a POST into a GET and drop Authorization.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &Client{
		cfg:         cfg,
		base:        u,
		baseStr:     u.String(),
		http:        hc,
		authVal:     authVal,
		assignments: map[string]*Assignment{},
		groups:      map[string]*Group{},
	}
	cr := cfg.Credentials
	c.addSecret(cr.Token)
	c.addSecret(cr.Password)
	if cr.Mode == AuthBasic {
		c.addSecret(cr.Username + ":" + cr.Password)
		c.addSecret(strings.TrimPrefix(authVal, "Basic "))
	}
	return c, nil
}

// Profile returns the client profile in effect (after defaults).
func (c *Client) Profile() Profile { return c.cfg.Profile }

// BaseURL returns the normalised SCIM base URL (no trailing slash).
func (c *Client) BaseURL() string { return c.baseStr }

// Assignment returns Okta's current assignment of the person with Okta user
// id personID, and false when the person is not assigned (never assigned,
// or unassigned since).
func (c *Client) Assignment(personID string) (*Assignment, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.assignments[personID]
	return a, ok
}

// Transcript returns a copy of every exchange so far, in order, raw (see
// Exchange; RedactedTranscript is the copy fit for a report).
func (c *Client) Transcript() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Exchange(nil), c.transcript...)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Link records that Okta already holds an assignment of p linked to the
// SCIM resource scimID (as after an import match or an earlier session),
// without sending anything. It replaces any existing assignment of p and
// returns the new one. It is the way to start from a known Okta state in
// probes and tests.
func (c *Client) Link(p *Person, scimID string, active bool) *Assignment {
	a := &Assignment{Person: p, SCIMID: scimID, Active: active}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.assignments[p.ID] = a
	return a
}
