package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/steps"
)

// suiteConfig turns a resolved configuration and its secrets into the
// suite's configuration, validated.
func suiteConfig(c *config.Run, sec config.Secrets) (steps.Config, error) {
	if err := checkAreas(c.Areas()); err != nil {
		return steps.Config{}, err
	}
	shard, err := steps.ParseShard(c.Shard)
	if err != nil {
		return steps.Config{}, err
	}
	cfg := steps.Config{
		BaseURL:      c.URL,
		Profile:      okta.Profile(c.Profile),
		PlusForSpace: c.PlusEncoding,
		Timeout:      c.Timeout,
		Concurrency:  c.Concurrency,
		Cleanup:      c.Cleanup,
		ToolVersion:  version,
		Selection: steps.Selection{
			Tags: c.Tags, Tier: c.Tier, Groups: c.Groups, Areas: c.Areas(), Shard: shard, Strict: c.Strict,
		},
		RevokedToken: sec.RevokedToken,
		PasswordSync: c.PasswordSync,
		Entitlements: c.Entitlements,
	}
	if c.Mapping != "" {
		if cfg.Mapping, err = okta.LoadMapping(c.Mapping); err != nil {
			return cfg, err
		}
	}
	cfg.Credentials.Mode = okta.AuthMode(c.Auth)
	if cfg.Credentials.Mode == okta.AuthBasic {
		cfg.Credentials.Username = c.BasicUser
		cfg.Credentials.Password = sec.BasicPassword
	} else {
		cfg.Credentials.Token = sec.Token
	}
	hc, err := httpClient(c.Insecure, c.CAFile)
	if err != nil {
		return cfg, err
	}
	cfg.HTTPClient = hc
	cfg.Retry = okta.RetryPolicy{MaxWait: retryCap(c.MaxRetryWait)}
	cfg.Deadline = c.Deadline
	cfg.MaxBody, cfg.MaxRecordedBody = int64(c.MaxBody), int64(c.MaxRecordedBody)
	if cfg.SSO, err = ssoConfig(c, hc); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// checkAreas returns an error naming the unknown ones when an area of
// --features is not an area of any scenario in the catalogue: a typo must
// not silently run fewer scenarios.
func checkAreas(areas []string) error {
	if len(areas) == 0 {
		return nil
	}
	cat, err := steps.Catalog()
	if err != nil {
		return fmt.Errorf("--features: %w", err)
	}
	known := map[string]bool{}
	for _, s := range cat {
		for _, a := range s.Areas {
			known[a] = true
		}
	}
	var bad, names []string
	for _, a := range areas {
		if !known[a] {
			bad = append(bad, a)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	for a := range known {
		names = append(names, a)
	}
	sort.Strings(names)
	return fmt.Errorf("--features: unknown area %s (known: %s)", strings.Join(bad, ", "), strings.Join(names, ","))
}

// retryCap is okta.RetryPolicy.MaxWait for --max-retry-wait: the cap, or
// okta.RetryLikeOkta for "okta".
func retryCap(w config.RetryWait) time.Duration {
	if w.LikeOkta {
		return okta.RetryLikeOkta
	}
	return w.Cap
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
