// Package config is the configuration of `scimconform run`: one table of
// keys shared by flags, SCIMCONFORM_* environment variables and an
// optional YAML file, their precedence, and the rules for secrets.
//
// It sits at the start of the data flow (flags/env/YAML -> config ->
// packages) and knows nothing of the suite, the mock client or the
// reports: package main turns a resolved Run into the suite's
// configuration. Precedence, highest first: a flag given on the command
// line, its SCIMCONFORM_* variable, the YAML file (--config or
// SCIMCONFORM_CONFIG), the default. Secrets never come from flags or YAML:
// the token from SCIMCONFORM_TOKEN or a token file, the Basic password from
// SCIMCONFORM_BASIC_PASSWORD.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// DefaultIdPEntityID is the mock Okta IdP's entity ID when none is given:
// both `scimconform idp` and `run --saml-*` use it, so an SP set up from
// the idp command's metadata trusts the issuer of run's assertions.
const DefaultIdPEntityID = "http://www.okta.com/exkscimconform"

// MinTokenLen is the token length below which Resolve warns: a shorter
// token is redacted from reports only in credential positions (see
// reports.MinExactSecretLen), and is weak besides.
const MinTokenLen = 16

// Run holds the settings of `run`, resolved.
type Run struct {
	URL              string
	Auth             string
	Profile          string
	Tags             string
	Tier             string
	Features         string
	Shard            string
	Out              string
	Timeout          time.Duration
	Insecure         bool
	CAFile           string
	Concurrency      int
	Groups           bool
	PasswordSync     bool
	Mapping          string
	Entitlements     bool
	Cleanup          bool
	PlusEncoding     bool
	TokenFile        string
	RevokedTokenFile string
	BasicUser        string
	Formats          string
	MaxRetryWait     RetryWait
	Deadline         time.Duration
	MaxBody          Size
	MaxRecordedBody  Size
	Waivers          string
	WaiversStrict    bool
	Baseline         string
	FailOn           string
	// Strict is the RFC strict tier: "" (off), "must" (--strict) or "should" (--strict=should).
	Strict string

	SAMLACS             string
	SAMLAudience        string
	SAMLLoginURL        string
	SAMLIdPEntityID     string
	SAMLKey             string
	SAMLCert            string
	SAMLSuccessStatus   int
	SAMLSuccessLocation string
	SAMLSuccessCookie   string

	// ConfigFile is the YAML file given with --config; empty if none.
	ConfigFile string
}

// Key is one setting: its flag name (also the YAML key, and the env
// variable's name through EnvName), default and meaning.
type Key struct {
	Name, Default, Usage string
	bind                 func(fs *pflag.FlagSet, r *Run, name, def, usage string)
}

func str(p func(*Run) *string) func(*pflag.FlagSet, *Run, string, string, string) {
	return func(fs *pflag.FlagSet, r *Run, n, d, u string) { fs.StringVar(p(r), n, d, u) }
}

func boolean(p func(*Run) *bool) func(*pflag.FlagSet, *Run, string, string, string) {
	return func(fs *pflag.FlagSet, r *Run, n, d, u string) { fs.BoolVar(p(r), n, d == "true", u) }
}

// optionalValue binds a string flag that may be given bare (--strict,
// which sets noValue) or with a value (--strict=should).
func optionalValue(noValue string, p func(*Run) *string) func(*pflag.FlagSet, *Run, string, string, string) {
	return func(fs *pflag.FlagSet, r *Run, n, d, u string) {
		fs.StringVar(p(r), n, d, u)
		fs.Lookup(n).NoOptDefVal = noValue
	}
}

func integer(p func(*Run) *int) func(*pflag.FlagSet, *Run, string, string, string) {
	return func(fs *pflag.FlagSet, r *Run, n, d, u string) {
		var v int
		fmt.Sscan(d, &v)
		fs.IntVar(p(r), n, v, u)
	}
}

func duration(p func(*Run) *time.Duration) func(*pflag.FlagSet, *Run, string, string, string) {
	return func(fs *pflag.FlagSet, r *Run, n, d, u string) {
		v, _ := time.ParseDuration(d)
		fs.DurationVar(p(r), n, v, u)
	}
}

// Keys lists every setting of `run` in --help and README order.
var Keys = []Key{
	{"url", "", "SCIM base URL of the app under test, e.g. https://app.example.com/scim/v2", str(func(r *Run) *string { return &r.URL })},
	{"auth", "bearer", "how Okta sends the token: bearer (Authorization: Bearer <t>), header (bare token, OIN \"Header\"), basic", str(func(r *Run) *string { return &r.Auth })},
	{"profile", "oin", "Okta client profile: oin (catalog app: PATCH for (de)activation and groups) or aiw (App Integration Wizard: GET+PUT)", str(func(r *Run) *string { return &r.Profile })},
	{"tags", "", "godog tag expression selecting scenarios, e.g. \"@users && ~@optional\" or \"@USR-001,@USR-002\"", str(func(r *Run) *string { return &r.Tags })},
	{"tier", "all", "required (only @required scenarios) or all", str(func(r *Run) *string { return &r.Tier })},
	{"features", "", "comma-separated areas to run: token,users,lifecycle,import,errors,groups,password,discovery,spec,sso,entitlements,attributes; strict tier (with --strict): responses,filters,listing,resources,patch,versioning, and errors (default all)", str(func(r *Run) *string { return &r.Features })},
	{"shard", "", "run only shard K of N of the selection, e.g. 2/3 (a scenario's shard is a hash of its ID); merge the N reports with `scimconform report merge`", str(func(r *Run) *string { return &r.Shard })},
	{"out", "scimconform-report", "directory for the reports (report files of an earlier run in it are replaced)", str(func(r *Run) *string { return &r.Out })},
	{"timeout", "60s", "per-request timeout (Okta waits 60s)", duration(func(r *Run) *time.Duration { return &r.Timeout })},
	{"insecure", "false", "skip TLS certificate verification (test servers only)", boolean(func(r *Run) *bool { return &r.Insecure })},
	{"ca-file", "", "PEM file with extra CA certificates to trust", str(func(r *Run) *string { return &r.CAFile })},
	{"concurrency", "1", "scenarios run in parallel", integer(func(r *Run) *int { return &r.Concurrency })},
	{"groups", "false", "the app uses Group Push: group scenarios are in scope and required", boolean(func(r *Run) *bool { return &r.Groups })},
	{"password-sync", "false", "the app has Okta's \"Sync password\" on: the password-push scenarios are in scope and required", boolean(func(r *Run) *bool { return &r.PasswordSync })},
	{"mapping", "", "the attribute mapping of Provisioning › To App: a preset (enterprise, okta-default, reference) or a YAML file of Okta attribute: SCIM path; the attribute scenarios are in scope and required", str(func(r *Run) *string { return &r.Mapping })},
	{"entitlements", "false", "the app offers SCIM 2.0 with entitlements: the entitlement scenarios are in scope and required", boolean(func(r *Run) *bool { return &r.Entitlements })},
	{"cleanup", "false", "delete created groups (and users, if the app allows DELETE) at the end; users are always deactivated", boolean(func(r *Run) *bool { return &r.Cleanup })},
	{"plus-encoding", "false", "encode spaces in filters as + (older Okta) instead of %20", boolean(func(r *Run) *bool { return &r.PlusEncoding })},
	{"token-file", "", "file holding the SCIM token (else SCIMCONFORM_TOKEN)", str(func(r *Run) *string { return &r.TokenFile })},
	{"revoked-token-file", "", "file holding a token the app has revoked: the revoked-token scenarios are in scope", str(func(r *Run) *string { return &r.RevokedTokenFile })},
	{"basic-user", "", "user name for --auth basic (password from SCIMCONFORM_BASIC_PASSWORD)", str(func(r *Run) *string { return &r.BasicUser })},
	{"formats", "all", "report formats: all or a list of json,junit,cucumber,html,md,har", str(func(r *Run) *string { return &r.Formats })},
	{"deadline", "10m", "run budget: when it is used up, no further scenario starts; the rest are errors \"not run (deadline)\", the partial report is written and the run exits 2", duration(func(r *Run) *time.Duration { return &r.Deadline })},
	{"max-retry-wait", "5s", "cap on each wait after a 429, or \"okta\" to wait exactly as Okta does (Retry-After, else 5m, doubling, 10 attempts)", retryWait(func(r *Run) *RetryWait { return &r.MaxRetryWait })},
	{"max-body", "4MiB", "largest response body read; a longer answer is an error \"the answer exceeded 4 MiB; raise --max-body\"", size(func(r *Run) *Size { return &r.MaxBody })},
	{"max-recorded-body", "64KiB", "largest part of each response body kept in the reports (the real size and a SHA-256 are noted)", size(func(r *Run) *Size { return &r.MaxRecordedBody })},
	{"waivers", "", "YAML file of known failures (id, reason, expires, optional match and url): a matching failure is reported as waived and does not fail the run", str(func(r *Run) *string { return &r.Waivers })},
	{"waivers-strict", "false", "stale waivers (expired, scenario passes, or fails for another reason) fail the run", boolean(func(r *Run) *bool { return &r.WaiversStrict })},
	{"baseline", "", "results.json of an earlier run: each failure is marked new or known", str(func(r *Run) *string { return &r.Baseline })},
	{"fail-on", "any", "which required failures fail the run: any, or new (only those the --baseline run did not have)", str(func(r *Run) *string { return &r.FailOn })},
	{"strict", "", "RFC 7643/7644 strict tier: --strict runs the @strict scenarios (MUST failures fail the run, SHOULD failures are reported); --strict=should fails on SHOULD too", optionalValue("must", func(r *Run) *string { return &r.Strict })},
	{"saml-acs", "", "your app's SAML ACS URL: the SSO scenarios are in scope (with --saml-audience, --saml-key, --saml-cert)", str(func(r *Run) *string { return &r.SAMLACS })},
	{"saml-audience", "", "your app's SAML SP entity ID (the audience)", str(func(r *Run) *string { return &r.SAMLAudience })},
	{"saml-login-url", "", "URL that starts an SP-initiated sign-in in your app: the SP-initiated scenarios are in scope", str(func(r *Run) *string { return &r.SAMLLoginURL })},
	{"saml-idp-entity-id", DefaultIdPEntityID, "entity ID of the mock Okta IdP your app trusts (the default is also `scimconform idp`'s)", str(func(r *Run) *string { return &r.SAMLIdPEntityID })},
	{"saml-key", "", "PEM RSA key of the mock IdP (the one your app trusts; serve its metadata with: scimconform idp --key K --cert C)", str(func(r *Run) *string { return &r.SAMLKey })},
	{"saml-cert", "", "PEM certificate of the mock IdP", str(func(r *Run) *string { return &r.SAMLCert })},
	{"saml-success-status", "0", "ACS answer status that means signed in (0: any status below 400)", integer(func(r *Run) *int { return &r.SAMLSuccessStatus })},
	{"saml-success-location", "", "Location prefix of the ACS answer that means signed in", str(func(r *Run) *string { return &r.SAMLSuccessLocation })},
	{"saml-success-cookie", "", "cookie the ACS answer must set when signed in", str(func(r *Run) *string { return &r.SAMLSuccessCookie })},
}

// EnvName is the environment variable of a key: SCIMCONFORM_ and the key in
// upper snake case ("ca-file" -> SCIMCONFORM_CA_FILE).
func EnvName(key string) string {
	return "SCIMCONFORM_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// Register adds a flag per key to fs, bound to r and with the key's
// default, and --config. Call Resolve after parsing.
func (r *Run) Register(fs *pflag.FlagSet) {
	for _, k := range Keys {
		k.bind(fs, r, k.Name, k.Default, k.Usage+" [env "+EnvName(k.Name)+"]")
	}
	fs.StringVar(&r.ConfigFile, "config", "", "optional YAML file with the same keys as the flags [env SCIMCONFORM_CONFIG]")
}

// RegisterKeys is Register limited to the named keys (and --config), for
// commands that share part of run's settings, such as load. Resolve then
// applies env and YAML to those keys only; other keys in the YAML file are
// unknown to such a command.
func (r *Run) RegisterKeys(fs *pflag.FlagSet, names ...string) {
	for _, k := range Keys {
		for _, n := range names {
			if k.Name == n {
				k.bind(fs, r, k.Name, k.Default, k.Usage+" [env "+EnvName(k.Name)+"]")
			}
		}
	}
	fs.StringVar(&r.ConfigFile, "config", "", "optional YAML file with the same keys as the flags [env SCIMCONFORM_CONFIG]")
}

// secretKeys may never appear in the YAML file.
var secretKeys = map[string]bool{"token": true, "password": true, "basic-password": true, "revoked-token": true}

// Resolve applies the YAML file and the environment to every key whose
// flag was not given on the command line, so that flags > env > YAML >
// defaults. fs must be the set Register filled, already parsed. It returns
// an error for an unreadable or malformed file, an unknown key, a secret in
// the file, or a value that does not parse.
func (r *Run) Resolve(fs *pflag.FlagSet, getenv func(string) string) error {
	path := r.ConfigFile
	if path == "" {
		path = getenv("SCIMCONFORM_CONFIG")
	}
	// Env first, marking what it set, so the file fills only the rest.
	fromEnv := map[string]bool{}
	for _, k := range Keys {
		f := fs.Lookup(k.Name)
		if f == nil || f.Changed {
			continue
		}
		if v := getenv(EnvName(k.Name)); v != "" {
			if err := f.Value.Set(v); err != nil {
				return fmt.Errorf("%s=%q: %w", EnvName(k.Name), v, err)
			}
			fromEnv[k.Name] = true
		}
	}
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	var y map[string]any
	if err := yaml.Unmarshal(b, &y); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	for k, v := range y {
		if secretKeys[k] {
			return fmt.Errorf("config file %s: do not put secrets in it (%q); use SCIMCONFORM_TOKEN or token-file", path, k)
		}
		f := fs.Lookup(k)
		if f == nil || k == "config" || !isKey(k) {
			return fmt.Errorf("config file %s: unknown key %q", path, k)
		}
		if f.Changed || fromEnv[k] {
			continue
		}
		if err := f.Value.Set(fmt.Sprint(v)); err != nil {
			return fmt.Errorf("config file %s: %s: %w", path, k, err)
		}
	}
	return nil
}

func isKey(name string) bool {
	for _, k := range Keys {
		if k.Name == name {
			return true
		}
	}
	return false
}

// Secrets are the credentials of a run. String never shows them.
type Secrets struct {
	Token         string
	BasicPassword string
	RevokedToken  string
}

// String describes which secrets are set, never their values.
func (s Secrets) String() string {
	mark := func(v string) string {
		if v == "" {
			return "unset"
		}
		return fmt.Sprintf("set (%d chars)", len(v))
	}
	return "token " + mark(s.Token) + ", basic password " + mark(s.BasicPassword) + ", revoked token " + mark(s.RevokedToken)
}

// GoString is String, so %#v does not show the values either.
func (s Secrets) GoString() string { return s.String() }

// List returns the non-empty secrets, for redaction.
func (s Secrets) List() []string {
	var out []string
	for _, v := range []string{s.Token, s.BasicPassword, s.RevokedToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Warnings are notes for the user about the secrets that do not stop the
// run: a token shorter than MinTokenLen.
func (s Secrets) Warnings() []string {
	var out []string
	for _, c := range []struct{ what, v string }{{"the SCIM token", s.Token}, {"the revoked token", s.RevokedToken}, {"the Basic password", s.BasicPassword}} {
		if c.v != "" && len(c.v) < MinTokenLen {
			out = append(out, fmt.Sprintf("%s is %d characters long; tokens shorter than %d are weak, and reports redact them only where a credential is expected (Authorization headers, \"Bearer …\", a JSON value or token= equal to it)", c.what, len(c.v), MinTokenLen))
		}
	}
	return out
}

// Secrets reads the credentials: the token from TokenFile or
// SCIMCONFORM_TOKEN (the file wins), the Basic password from
// SCIMCONFORM_BASIC_PASSWORD when Auth is basic, the revoked token from
// RevokedTokenFile. A named file that is missing or empty is an error.
func (r *Run) Secrets(getenv func(string) string) (Secrets, error) {
	var s Secrets
	if r.Auth == "basic" {
		s.BasicPassword = getenv("SCIMCONFORM_BASIC_PASSWORD")
	} else {
		s.Token = getenv("SCIMCONFORM_TOKEN")
		if r.TokenFile != "" {
			t, err := ReadSecretFile(r.TokenFile, "--token-file")
			if err != nil {
				return s, err
			}
			s.Token = t
		}
	}
	if r.RevokedTokenFile != "" {
		t, err := ReadSecretFile(r.RevokedTokenFile, "--revoked-token-file")
		if err != nil {
			return s, err
		}
		s.RevokedToken = t
	}
	return s, nil
}

// ReadSecretFile reads a secret from path, trimmed of surrounding white
// space. what names the option in errors; the content never appears in one.
func ReadSecretFile(path, what string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("%s %s is empty", what, path)
	}
	return s, nil
}

// Areas splits Features into area names, dropping empty entries.
func (r *Run) Areas() []string {
	var out []string
	for _, a := range strings.Split(r.Features, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// Check returns an error for settings that parse but make no sense:
// --concurrency below 1, a --timeout that is not positive (Okta always
// waits; 0 would mean "no timeout" to net/http and a hung target would
// hang the run), a --deadline that is not positive, a --max-retry-wait
// that is not positive (0 is ambiguous: "okta" names Okta's uncapped
// waits), a --max-body or --max-recorded-body below 1 KiB.
func (r *Run) Check() error {
	if r.Concurrency < 1 {
		return fmt.Errorf("--concurrency %d: want 1 or more scenarios in parallel", r.Concurrency)
	}
	if r.Timeout <= 0 {
		return fmt.Errorf("--timeout %s: want a positive per-request timeout, e.g. 60s (Okta's)", r.Timeout)
	}
	if r.Deadline <= 0 {
		return fmt.Errorf("--deadline %s: want a positive run budget, e.g. 10m", r.Deadline)
	}
	if err := r.MaxRetryWait.Check(); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		v    Size
	}{{"--max-body", r.MaxBody}, {"--max-recorded-body", r.MaxRecordedBody}} {
		if s.v < 1<<10 {
			return fmt.Errorf("%s %d: want at least 1KiB", s.name, int64(s.v))
		}
	}
	return nil
}

// ErrBothTargets is returned by CheckTarget when a URL and an image are both given.
var ErrBothTargets = errors.New("give --url or --image/--build, not both")

// CheckTarget checks that exactly one kind of target is configured when
// image says whether --image or --build was given.
func (r *Run) CheckTarget(image bool) error {
	if image && r.URL != "" {
		return ErrBothTargets
	}
	return nil
}

// EnvDB is the environment variable that names the reference server's
// database for `serve` (an SQLite path, ":memory:" or a postgres:// URL)
// when --db is not given; the Docker image is pointed at PostgreSQL with it.
const EnvDB = "SCIMCONFORM_DB"

// ServeDB resolves `serve`'s database with the same precedence as the run
// keys: the --db flag when it was given (flagSet), else SCIMCONFORM_DB when
// non-empty, else the flag's value (its default).
func ServeDB(flag string, flagSet bool, getenv func(string) string) string {
	if !flagSet {
		if v := getenv(EnvDB); v != "" {
			return v
		}
	}
	return flag
}
