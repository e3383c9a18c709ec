package steps_test

import (
	"context"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// TestStrictSuitePassesAgainstReference: with --strict=should every
// scenario, the strict tier included, passes against the reference server
// in both client profiles.
func TestStrictSuitePassesAgainstReference(t *testing.T) {
	for _, profile := range []okta.Profile{okta.ProfileOIN, okta.ProfileAIW} {
		t.Run(string(profile), func(t *testing.T) {
			tg := startTarget(t, nil)
			cfg := suiteConfig(tg.BaseURL, profile)
			cfg.SSO = tg.SSO
			cfg.RevokedToken = revokedToken(t, tg.BaseURL, tg.Server)
			cfg.Selection.Strict = "should"
			run, err := steps.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			st := byStatus(run)
			if n := len(st[reports.StatusFail]) + len(st[reports.StatusError]) + len(st[reports.StatusSkip]) + len(st[reports.StatusNotInScope]); n > 0 {
				t.Fatalf("%d scenarios did not pass against the reference server with --strict=should:%s\nskip %v, not in scope %v",
					n, describeFailures(run), st[reports.StatusSkip], st[reports.StatusNotInScope])
			}
		})
	}
}
