package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/scimconform/scimconform/internal/selftarget"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

func init() {
	registerCommand(newRunCmd)
	registerCommand(newDemoCmd)
	registerCommand(newListCmd)
}

// runOptions are the settings of `run`. They come, in increasing order of
// precedence, from defaults, the YAML file (--config or SCIMCONFORM_CONFIG),
// SCIMCONFORM_* environment variables, and flags.
type runOptions struct {
	URL              string        `yaml:"url"`
	Auth             string        `yaml:"auth"`
	Profile          string        `yaml:"profile"`
	Tags             string        `yaml:"tags"`
	Tier             string        `yaml:"tier"`
	Features         string        `yaml:"features"`
	Out              string        `yaml:"out"`
	Timeout          time.Duration `yaml:"timeout"`
	Insecure         bool          `yaml:"insecure"`
	CAFile           string        `yaml:"ca-file"`
	Concurrency      int           `yaml:"concurrency"`
	Groups           bool          `yaml:"groups"`
	Cleanup          bool          `yaml:"cleanup"`
	PlusEncoding     bool          `yaml:"plus-encoding"`
	TokenFile        string        `yaml:"token-file"`
	RevokedTokenFile string        `yaml:"revoked-token-file"`
	BasicUser        string        `yaml:"basic-user"`
	Formats          string        `yaml:"formats"`
	MaxRetryWait     time.Duration `yaml:"max-retry-wait"`

	SAMLACS             string `yaml:"saml-acs"`
	SAMLAudience        string `yaml:"saml-audience"`
	SAMLLoginURL        string `yaml:"saml-login-url"`
	SAMLIdPEntityID     string `yaml:"saml-idp-entity-id"`
	SAMLKey             string `yaml:"saml-key"`
	SAMLCert            string `yaml:"saml-cert"`
	SAMLSuccessStatus   int    `yaml:"saml-success-status"`
	SAMLSuccessLocation string `yaml:"saml-success-location"`
	SAMLSuccessCookie   string `yaml:"saml-success-cookie"`

	configFile string
}

// runOptionKeys lists the keys shared by flags, env (SCIMCONFORM_ + upper
// snake case) and YAML, with their meaning for --help and the README.
var runOptionKeys = []struct{ key, def, usage string }{
	{"url", "", "SCIM base URL of the app under test, e.g. https://app.example.com/scim/v2"},
	{"auth", "bearer", "how Okta sends the token: bearer (Authorization: Bearer <t>), header (bare token, OIN \"Header\"), basic"},
	{"profile", "oin", "Okta client profile: oin (catalog app: PATCH for (de)activation and groups) or aiw (App Integration Wizard: GET+PUT)"},
	{"tags", "", "godog tag expression selecting scenarios, e.g. \"@users && ~@optional\" or \"@USR-001,@USR-002\""},
	{"tier", "all", "required (only @required scenarios) or all"},
	{"features", "", "comma-separated areas to run: token,users,lifecycle,import,errors,groups,discovery,spec,sso (default all)"},
	{"out", "scimconform-report", "directory for the reports"},
	{"timeout", "60s", "per-request timeout (Okta waits 60s)"},
	{"insecure", "false", "skip TLS certificate verification (test servers only)"},
	{"ca-file", "", "PEM file with extra CA certificates to trust"},
	{"concurrency", "1", "scenarios run in parallel"},
	{"groups", "false", "the app uses Group Push: group scenarios become required"},
	{"cleanup", "false", "delete created groups (and users, if the app allows DELETE) at the end; users are always deactivated"},
	{"plus-encoding", "false", "encode spaces in filters as + (older Okta) instead of %20"},
	{"token-file", "", "file holding the SCIM token (else SCIMCONFORM_TOKEN)"},
	{"revoked-token-file", "", "file holding a token the app has revoked (enables AUTH-006)"},
	{"basic-user", "", "user name for --auth basic (password from SCIMCONFORM_BASIC_PASSWORD)"},
	{"formats", "all", "report formats: all or a list of json,junit,cucumber,html,md,har"},
	{"max-retry-wait", "30s", "cap on each wait after a 429 (Okta waits Retry-After, else 5m, doubling, 10 attempts; 0 = wait like Okta)"},
	{"saml-acs", "", "your app's SAML ACS URL: enables the SSO scenarios (with --saml-audience, --saml-key, --saml-cert)"},
	{"saml-audience", "", "your app's SAML SP entity ID (the audience)"},
	{"saml-login-url", "", "URL that starts an SP-initiated sign-in in your app (optional; enables SSO-012)"},
	{"saml-idp-entity-id", "http://www.okta.com/exkscimconform", "entity ID of the mock Okta IdP your app trusts"},
	{"saml-key", "", "PEM RSA key of the mock IdP (the one your app trusts; serve its metadata with: scimconform idp --key K --cert C)"},
	{"saml-cert", "", "PEM certificate of the mock IdP"},
	{"saml-success-status", "0", "ACS answer status that means signed in (0: any status below 400)"},
	{"saml-success-location", "", "Location prefix of the ACS answer that means signed in"},
	{"saml-success-cookie", "", "cookie the ACS answer must set when signed in"},
}

func envName(key string) string {
	return "SCIMCONFORM_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

func addRunFlags(fs *pflag.FlagSet, o *runOptions) {
	usage := map[string]string{}
	for _, k := range runOptionKeys {
		usage[k.key] = k.usage + " [env " + envName(k.key) + "]"
	}
	fs.StringVar(&o.URL, "url", "", usage["url"])
	fs.StringVar(&o.Auth, "auth", "bearer", usage["auth"])
	fs.StringVar(&o.Profile, "profile", "oin", usage["profile"])
	fs.StringVar(&o.Tags, "tags", "", usage["tags"])
	fs.StringVar(&o.Tier, "tier", "all", usage["tier"])
	fs.StringVar(&o.Features, "features", "", usage["features"])
	fs.StringVar(&o.Out, "out", "scimconform-report", usage["out"])
	fs.DurationVar(&o.Timeout, "timeout", 60*time.Second, usage["timeout"])
	fs.BoolVar(&o.Insecure, "insecure", false, usage["insecure"])
	fs.StringVar(&o.CAFile, "ca-file", "", usage["ca-file"])
	fs.IntVar(&o.Concurrency, "concurrency", 1, usage["concurrency"])
	fs.BoolVar(&o.Groups, "groups", false, usage["groups"])
	fs.BoolVar(&o.Cleanup, "cleanup", false, usage["cleanup"])
	fs.BoolVar(&o.PlusEncoding, "plus-encoding", false, usage["plus-encoding"])
	fs.StringVar(&o.TokenFile, "token-file", "", usage["token-file"])
	fs.StringVar(&o.RevokedTokenFile, "revoked-token-file", "", usage["revoked-token-file"])
	fs.StringVar(&o.BasicUser, "basic-user", "", usage["basic-user"])
	fs.StringVar(&o.Formats, "formats", "all", usage["formats"])
	fs.DurationVar(&o.MaxRetryWait, "max-retry-wait", 30*time.Second, usage["max-retry-wait"])
	fs.StringVar(&o.SAMLACS, "saml-acs", "", usage["saml-acs"])
	fs.StringVar(&o.SAMLAudience, "saml-audience", "", usage["saml-audience"])
	fs.StringVar(&o.SAMLLoginURL, "saml-login-url", "", usage["saml-login-url"])
	fs.StringVar(&o.SAMLIdPEntityID, "saml-idp-entity-id", "http://www.okta.com/exkscimconform", usage["saml-idp-entity-id"])
	fs.StringVar(&o.SAMLKey, "saml-key", "", usage["saml-key"])
	fs.StringVar(&o.SAMLCert, "saml-cert", "", usage["saml-cert"])
	fs.IntVar(&o.SAMLSuccessStatus, "saml-success-status", 0, usage["saml-success-status"])
	fs.StringVar(&o.SAMLSuccessLocation, "saml-success-location", "", usage["saml-success-location"])
	fs.StringVar(&o.SAMLSuccessCookie, "saml-success-cookie", "", usage["saml-success-cookie"])
	fs.StringVar(&o.configFile, "config", "", "optional YAML file with the same keys as the flags [env SCIMCONFORM_CONFIG]")
}

// resolve applies YAML and environment values to every option whose flag
// was not given, so that flags > env > YAML > defaults.
func (o *runOptions) resolve(fs *pflag.FlagSet, getenv func(string) string) error {
	path := o.configFile
	if path == "" {
		path = getenv("SCIMCONFORM_CONFIG")
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("config file: %w", err)
		}
		var y map[string]any
		if err := yaml.Unmarshal(b, &y); err != nil {
			return fmt.Errorf("config file %s: %w", path, err)
		}
		for k, v := range y {
			if k == "token" || k == "password" {
				return fmt.Errorf("config file %s: do not put secrets in it (%q); use SCIMCONFORM_TOKEN or token-file", path, k)
			}
			f := fs.Lookup(k)
			if f == nil || k == "config" {
				return fmt.Errorf("config file %s: unknown key %q", path, k)
			}
			if f.Changed {
				continue
			}
			if err := f.Value.Set(fmt.Sprint(v)); err != nil {
				return fmt.Errorf("config file %s: %s: %w", path, k, err)
			}
		}
	}
	for _, k := range runOptionKeys {
		f := fs.Lookup(k.key)
		if f == nil || f.Changed {
			continue
		}
		if v := getenv(envName(k.key)); v != "" {
			if err := f.Value.Set(v); err != nil {
				return fmt.Errorf("%s=%q: %w", envName(k.key), v, err)
			}
		}
	}
	return nil
}

func readSecretFile(path, what string) (string, error) {
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

// suiteConfig turns resolved options into a steps.Config.
func (o *runOptions) suiteConfig(env *cliEnv) (steps.Config, error) {
	cfg := steps.Config{
		BaseURL:      o.URL,
		Profile:      okta.Profile(o.Profile),
		PlusForSpace: o.PlusEncoding,
		Timeout:      o.Timeout,
		Concurrency:  o.Concurrency,
		Cleanup:      o.Cleanup,
		ToolVersion:  version,
		Selection: steps.Selection{
			Tags: o.Tags, Tier: o.Tier, Groups: o.Groups,
		},
	}
	if o.Features != "" {
		for _, a := range strings.Split(o.Features, ",") {
			if a = strings.TrimSpace(a); a != "" {
				cfg.Selection.Areas = append(cfg.Selection.Areas, a)
			}
		}
	}
	cfg.Credentials.Mode = okta.AuthMode(o.Auth)
	switch cfg.Credentials.Mode {
	case okta.AuthBasic:
		cfg.Credentials.Username = o.BasicUser
		cfg.Credentials.Password = env.getenv("SCIMCONFORM_BASIC_PASSWORD")
	default:
		cfg.Credentials.Token = env.getenv("SCIMCONFORM_TOKEN")
		if o.TokenFile != "" {
			t, err := readSecretFile(o.TokenFile, "--token-file")
			if err != nil {
				return cfg, err
			}
			cfg.Credentials.Token = t
		}
	}
	if o.RevokedTokenFile != "" {
		t, err := readSecretFile(o.RevokedTokenFile, "--revoked-token-file")
		if err != nil {
			return cfg, err
		}
		cfg.RevokedToken = t
	}
	hc, err := httpClient(o.Insecure, o.CAFile)
	if err != nil {
		return cfg, err
	}
	cfg.HTTPClient = hc
	cfg.Retry = okta.RetryPolicy{Sleep: cappedSleep(o.MaxRetryWait)}
	if cfg.SSO, err = o.ssoConfig(hc); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// cappedSleep sleeps like Okta after a 429 but never longer than max per
// wait (0: no cap), so a run against a rate-limited server finishes in
// minutes instead of Okta's hours; it returns early when ctx ends.
func cappedSleep(max time.Duration) func(ctx context.Context, d time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		if max > 0 && d > max {
			d = max
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
}

// httpClient builds the client carrying TLS settings; nil when defaults do.
func httpClient(insecure bool, caFile string) (*http.Client, error) {
	if !insecure && caFile == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // explicit user opt-in for test servers
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-file %s: no PEM certificate found", caFile)
		}
		tc.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	return &http.Client{Transport: tr}, nil
}

func newRunCmd(env *cliEnv) *cobra.Command {
	o := &runOptions{}
	img := &imageOptions{}
	cmd := &cobra.Command{
		Use:   "run --url URL",
		Short: "Run the conformance suite against a SCIM endpoint",
		Long: `Run the conformance suite against a SCIM 2.0 endpoint the way Okta provisions into it.

The SCIM token comes from SCIMCONFORM_TOKEN or --token-file (never a flag, so it
stays out of shell history and process lists). A flag wins over the matching
SCIMCONFORM_* environment variable, which wins over the YAML file named by
--config, which wins over the default.

Exit codes: 0 every selected required scenario passed; 1 a conformance failure;
2 a usage, configuration or harness error (including a failed pre-flight).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.resolve(cmd.Flags(), env.getenv); err != nil {
				return exitWith(exitUsage, err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if img.enabled() {
				if o.URL != "" {
					return exitWith(exitUsage, errors.New("give --url or --image/--build, not both"))
				}
				o.URL = "http://127.0.0.1/container-not-started-yet"
			}
			cfg, err := o.suiteConfig(env)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			if img.enabled() {
				return runAgainstImage(ctx, env, img, cfg, o.Out, o.Formats)
			}
			return runSuite(ctx, env, cfg, o.Out, o.Formats)
		},
	}
	addRunFlags(cmd.Flags(), o)
	addImageFlags(cmd.Flags(), img)
	return cmd
}

// runSuite runs pre-flight, the suite and the report writers, prints the
// summary and returns the exit error for the outcome.
func runSuite(ctx context.Context, env *cliEnv, cfg steps.Config, out, formats string) error {
	return runSuiteWith(ctx, env, cfg, out, formats, nil)
}

// runSuiteWith is runSuite with a hook that adds to the run before the
// reports are written (the container's log).
func runSuiteWith(ctx context.Context, env *cliEnv, cfg steps.Config, out, formats string, before func(*reports.Run)) error {
	fmts, err := reports.ParseFormats(formats)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if err := cfg.Validate(); err != nil {
		return exitWith(exitUsage, err)
	}
	fmt.Fprintf(env.stdout, "scimconform %s: testing %s (auth %s, profile %s)\n", version, cfg.BaseURL, cfg.Credentials.Mode, cfg.Profile)
	if err := steps.Preflight(ctx, cfg); err != nil {
		return exitWith(exitUsage, err)
	}
	cfg.Progress = env.stdout
	run, err := steps.Run(ctx, cfg)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if ctx.Err() != nil {
		return exitWith(exitUsage, errors.New("interrupted; no report written"))
	}
	if before != nil {
		before(run)
		run.Redact(cfg.Credentials.Token, cfg.Credentials.Password, cfg.RevokedToken)
	}
	files, err := reports.WriteFormats(out, run, fmts...)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("write reports: %w", err))
	}
	reports.WriteTerminalSummary(env.stdout, run, files.HTML)
	if run.Totals.RequiredFailed > 0 {
		return exitWith(exitConformance, nil)
	}
	return nil
}

func newDemoCmd(env *cliEnv) *cobra.Command {
	var out, profile, formats string
	var concurrency int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the full suite against the built-in reference server and write a report",
		Long: `Start the reference SCIM server in-process on 127.0.0.1 with an in-memory
store and a random token, run every scenario against it, write the reports to
--out and print where they are. It needs no network and no configuration.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			token, err := randomToken()
			if err != nil {
				return exitWith(exitUsage, err)
			}
			tg, err := selftarget.Start(selftarget.Options{Token: token})
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("reference server: %w", err))
			}
			defer tg.Close()
			// A revoked token lets AUTH-006 run too.
			revoked, info, err := tg.Server.Tokens().Create(ctx, "demo: revoked")
			if err == nil {
				err = tg.Server.Tokens().Revoke(ctx, info.ID)
			}
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("reference server tokens: %w", err))
			}
			fmt.Fprintf(env.stdout, "reference server listening on %s (SAML SP at %s)\n", tg.BaseURL, tg.SSO.SP.ACSURL)
			cfg := steps.Config{
				BaseURL:      tg.BaseURL,
				Credentials:  okta.Credentials{Mode: okta.AuthBearer, Token: token},
				Profile:      okta.Profile(profile),
				Concurrency:  concurrency,
				ToolVersion:  version,
				Selection:    steps.Selection{Tier: "all", Groups: true},
				SSO:          tg.SSO,
				Cleanup:      true,
				RevokedToken: revoked,
			}
			err = runSuite(ctx, env, cfg, out, formats)
			if abs, aerr := filepath.Abs(out); aerr == nil && err == nil {
				fmt.Fprintf(env.stdout, "reports written to %s\n", abs)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&out, "out", "scimconform-report", "directory for the reports")
	cmd.Flags().StringVar(&profile, "profile", "oin", "Okta client profile: oin or aiw")
	cmd.Flags().StringVar(&formats, "formats", "all", "report formats: all or a list of json,junit,cucumber,html,md,har")
	cmd.Flags().IntVar(&concurrency, "concurrency", 1, "scenarios run in parallel")
	return cmd
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func newListCmd(env *cliEnv) *cobra.Command {
	var format, tags, tier, features string
	var groups bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the scenario catalogue (ID, tier, areas, title, spec reference)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all, err := steps.Catalog()
			if err != nil {
				return exitWith(exitUsage, err)
			}
			if err := steps.ValidateTagExpr(tags); err != nil {
				return exitWith(exitUsage, err)
			}
			sel := steps.Selection{Tags: tags, Tier: tier, Groups: groups}
			if features != "" {
				sel.Areas = strings.Split(features, ",")
			}
			list := sel.Select(all)
			for i := range list {
				list[i].Tier = sel.EffectiveTier(list[i])
			}
			switch format {
			case "json":
				return writeCatalogJSON(env.stdout, list)
			case "table", "":
				writeCatalogTable(env.stdout, list)
				return nil
			}
			return exitWith(exitUsage, fmt.Errorf("--format %q: use table or json", format))
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().StringVar(&tags, "tags", "", "tag expression to filter by")
	cmd.Flags().StringVar(&tier, "tier", "all", "required or all")
	cmd.Flags().StringVar(&features, "features", "", "comma-separated areas")
	cmd.Flags().BoolVar(&groups, "groups", false, "show group scenarios as required (the app uses Group Push)")
	return cmd
}

func writeCatalogTable(w io.Writer, list []steps.ScenarioInfo) {
	fmt.Fprintf(w, "%-9s %-9s %-22s %s\n", "ID", "TIER", "AREAS", "TITLE / SPEC")
	for _, s := range list {
		fmt.Fprintf(w, "%-9s %-9s %-22s %s\n", s.ID, s.Tier, strings.Join(s.Areas, ","), s.Title)
		if len(s.SpecRefs) > 0 {
			fmt.Fprintf(w, "%-42s %s\n", "", s.SpecRefs[0])
		}
	}
	fmt.Fprintf(w, "%s scenarios\n", strconv.Itoa(len(list)))
}

func writeCatalogJSON(w io.Writer, list []steps.ScenarioInfo) error {
	if list == nil {
		list = []steps.ScenarioInfo{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(list); err != nil {
		return exitWith(exitUsage, fmt.Errorf("write catalogue: %w", err))
	}
	return nil
}
