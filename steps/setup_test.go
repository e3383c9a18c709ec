package steps

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
)

// TestValidateRejectsWhatTheClientRejects: every base URL okta.New refuses
// is refused by Config.Validate first, with a message naming the problem.
func TestValidateRejectsWhatTheClientRejects(t *testing.T) {
	for url, want := range map[string]string{
		"http://127.0.0.1:1/scim/v2?x=1":  "query string",
		"http://127.0.0.1:1/scim/v2?":     "query string",
		"http://127.0.0.1:1/scim/v2#frag": "fragment",
		"http://u:pw@127.0.0.1:1/scim/v2": "credentials",
		"ftp://127.0.0.1:1/scim/v2":       "absolute http(s)",
		"http:///scim/v2":                 "absolute http(s)",
	} {
		cfg := Config{BaseURL: url, Credentials: okta.Credentials{Token: "t"}}
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%q) = %v, want an error about %s", url, err, want)
		}
		if _, cerr := okta.New(okta.Config{BaseURL: url, Credentials: okta.Credentials{Token: "t"}}); cerr == nil {
			t.Errorf("okta.New accepts %q, which Validate refuses: keep the lists equal", url)
		}
	}
}

// TestSetupFailureIsAnError: when the mock client cannot be built for a
// scenario (the path a base URL with a query string took before Validate
// refused it), steps.Run reports every scenario as error, never as skip,
// and the verdict is error.
func TestSetupFailureIsAnError(t *testing.T) {
	orig := newClientFunc
	t.Cleanup(func() { newClientFunc = orig })
	newClientFunc = func(*Config) (*okta.Client, error) {
		return nil, errors.New(`okta: base URL "http://127.0.0.1:1/scim/v2?x=1" must not have a query or fragment`)
	}
	cfg := Config{BaseURL: "http://127.0.0.1:1/scim/v2", Credentials: okta.Credentials{Token: "setup-test-token-0123456789"},
		Selection: Selection{Tags: "@USR-001,@AUTH-001,@SPEC-012"}}
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range run.Features {
		for _, s := range f.Scenarios {
			n++
			if s.Status != reports.StatusError || !strings.Contains(s.Reason, "must not have a query") {
				t.Errorf("%s: %s (%s), want error", s.ID, s.Status, s.Reason)
			}
			if len(s.Steps) == 0 || s.Steps[0].Status != reports.StatusError {
				t.Errorf("%s: the first step does not carry the setup error: %+v", s.ID, s.Steps)
			}
		}
	}
	if n != 3 || run.Totals.Errored != 3 || run.Totals.Verdict() != reports.VerdictError {
		t.Fatalf("%d scenarios, totals %+v, verdict %s", n, run.Totals, run.Totals.Verdict())
	}
}

// TestHarnessErrorInAStepIsAnError: a step that hits a harness error
// (here: a scenario needing a capability reached without it) makes the
// scenario error.
func TestHarnessErrorInAStepIsAnError(t *testing.T) {
	err := aRevokedSCIMToken(context.WithValue(context.Background(), worldKey{}, &world{cfg: &Config{}}))
	if st, _ := classify(err, 0); st != reports.StatusError {
		t.Fatalf("classified %v as %s", err, st)
	}
}
