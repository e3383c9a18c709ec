package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/features"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
)

// ErrNothingSelected is returned by Run when the selection matches no scenario.
var ErrNothingSelected = errors.New("no scenario matches the selection (check --tags, --tier and --features; `scimconform list` shows the catalogue)")

// Run executes the selected scenarios against cfg.BaseURL and returns the
// results. It returns an error only when the suite could not run at all
// (invalid configuration, broken catalogue, nothing selected); failing
// scenarios are results, not errors.
//
// Scenarios that need a capability cfg does not declare (Selection.Declares)
// are not run: they are listed with reports.StatusNotInScope and the note
// of the missing capability, and Run.Scope lists every capability. A
// scenario whose setup failed (the mock client refused the configuration,
// a Before hook failed) or whose step hit a harness error is
// reports.StatusError, never a skip.
//
// Checks see the real bytes of every exchange; the returned run is redacted
// once, at the end, with Run.Redact and every secret of cfg (and the
// passwords the mock client generated). Progress lines are redacted with
// reports.RedactText. Run must not be called concurrently in one process,
// because godog sets process-wide environment variables.
func Run(ctx context.Context, cfg Config) (*reports.Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	all, err := Catalog()
	if err != nil {
		return nil, fmt.Errorf("scenario catalogue: %w", err)
	}
	selected := cfg.Selection.Select(all)
	if len(selected) == 0 {
		return nil, ErrNothingSelected
	}
	var runnable []ScenarioInfo
	for _, s := range selected {
		if cfg.Selection.InScope(s) {
			runnable = append(runnable, s)
		}
	}
	rs := newRunState(ctx, &cfg)
	defer rs.close()
	c := newCollector(&cfg, all, len(runnable))
	c.rs = rs
	for _, s := range selected {
		if !cfg.Selection.InScope(s) {
			c.notInScope(s)
		}
	}
	c.progressScope(selected)
	run := &reports.Run{
		SchemaVersion:  reports.SchemaVersion,
		Tool:           reports.Tool{Name: "scimconform", Version: cfg.ToolVersion},
		CatalogVersion: features.CatalogVersion,
		StartedAt:      time.Now().UTC(),
		Target: reports.Target{
			BaseURL:  cfg.BaseURL,
			AuthMode: string(cfg.Credentials.Mode),
			Profile:  string(cfg.Profile),
			Image:    cfg.Image,
		},
		ConfigHash: cfg.Hash(),
		Scope:      cfg.Selection.Scope(),
	}
	// An empty tag expression would make godog run everything.
	if len(runnable) > 0 {
		st := &suiteState{}
		suite := godog.TestSuite{
			Name: "scimconform",
			ScenarioInitializer: func(sc *godog.ScenarioContext) {
				initScenario(rs, sc, &cfg, st, c)
			},
			Options: &godog.Options{
				FS:             features.FS,
				Paths:          []string{"."},
				Tags:           idExpr(runnable),
				Format:         "progress",
				Output:         io.Discard,
				Strict:         true,
				Concurrency:    cfg.Concurrency,
				NoColors:       true,
				DefaultContext: rs.stepCtx,
			},
		}
		if code := suite.Run(); code == 2 {
			return nil, fmt.Errorf("godog refused the suite options (exit 2)")
		}
	}
	run.FinishedAt = time.Now().UTC()
	// Every runnable scenario is accounted for, even one godog never
	// reported.
	c.unfinished(runnable, rs.stopped())
	run.Features = c.features()
	if stop := rs.stopped(); stop != nil {
		run.Partial = true
		run.StopReason = stop.notRun
	}
	run.ComputeTotals()
	run.Redact(append(cfg.secrets(), c.generatedSecrets()...)...)
	return run, nil
}

// newClientFunc builds the mock Okta client of a scenario; tests replace
// it to exercise setup failures.
var newClientFunc = newClient

// newClient builds the mock Okta client for one scenario.
func newClient(cfg *Config) (*okta.Client, error) {
	var hc *http.Client
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	return okta.New(okta.Config{
		BaseURL:         cfg.BaseURL,
		Credentials:     cfg.Credentials,
		Profile:         cfg.Profile,
		Features:        clientFeatures(cfg),
		PlusForSpace:    cfg.PlusForSpace,
		Mapping:         cfg.Mapping,
		HTTPClient:      hc,
		Timeout:         cfg.Timeout,
		Retry:           cfg.Retry,
		MaxBodyBytes:    cfg.MaxBody,
		MaxBodyHint:     "raise --max-body",
		MaxRecordedBody: cfg.MaxRecordedBody,
		Observe:         cfg.observe,
	})
}

func clientFeatures(cfg *Config) okta.Features {
	f := okta.DefaultFeatures()
	f.PushGroups = true
	f.SyncPassword = cfg.PasswordSync // "Sync Password" on: Okta pushes password changes (CapPasswordSync)
	// Group import pages /Groups (GRP-011); the credential probe already
	// reads /Groups with PushGroups on, so this adds no request elsewhere.
	f.ImportGroups = true
	return f
}

// initScenario registers hooks and steps for one scenario.
func initScenario(rs *runState, sc *godog.ScenarioContext, cfg *Config, st *suiteState, c *collector) {
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		c.begin(s)
		if stop := rs.stopped(); stop != nil {
			return ctx, stop // classify: an error with the stop's reason
		}
		id := scenarioID(s)
		scfg := *cfg
		scfg.observe = rs.observer(id)
		scfg.Retry.OnWait = rs.progressWait(id)
		if rs.isRateLimited() {
			scfg.Retry.MaxAttempts = 1
		}
		client, err := newClientFunc(&scfg)
		if err != nil {
			return ctx, harnessf("setup: the mock Okta client refused the configuration: %w", err)
		}
		w := &world{
			cfg: cfg, suite: st, client: client, rec: &recorder{},
			people: map[string]*okta.Person{}, groups: map[string]*okta.Group{}, pushed: map[string]bool{},
			previousID: map[string]string{}, oldLogin: map[string]string{},
		}
		// @exclusive scenarios (paging over the whole tenant) must not see
		// other scenarios create or delete users midway.
		w.unlock = st.enter(hasTag(s, "@exclusive"))
		return context.WithValue(ctx, worldKey{}, w), nil
	})
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		if w := worldFrom(ctx); w != nil {
			w.transcriptMark = len(w.client.Transcript())
			w.rec.err() // drop anything left over
			c.stepStarted(st)
		}
		return ctx, nil
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		w := worldFrom(ctx)
		if w == nil {
			// The Before hook failed: the first step carries its error.
			if err != nil {
				c.stepDone(st, status, err, nil)
			}
			return ctx, nil
		}
		defer func() { _ = recover() }() // godog does not recover After hooks (godog #662)
		tr := w.client.Transcript()
		var ex []okta.Exchange
		if w.transcriptMark <= len(tr) {
			ex = tr[w.transcriptMark:]
		}
		ex = append(ex, w.extra...)
		w.extra = nil
		c.stepDone(st, status, err, ex)
		return ctx, nil
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		w := worldFrom(ctx)
		func() {
			defer func() { _ = recover() }()
			if w != nil {
				if cctx, cancel := rs.cleanupContext(); cctx != nil {
					defer cancel()
					w.cleanup(cctx)
				} else if w.sso != nil {
					w.sso.close()
				}
			}
		}()
		if w != nil {
			c.addSecrets(w.sentPasswords()) // redacted from every report, as Okta's own
			if w.unlock != nil {
				w.unlock()
			}
		}
		c.end(s, err)
		return ctx, nil
	})
	registerSteps(sc)
}

// cleanup deactivates every user the scenario assigned (Okta never deletes
// users) and deletes pushed groups and users when cfg.Cleanup is set. It
// runs after the last step, within ctx (runState.cleanupContext); its
// requests are not part of any step.
func (w *world) cleanup(ctx context.Context) {
	if w.sso != nil {
		w.sso.close()
	}
	if w.cfg.Cleanup {
		for alias, g := range w.groups {
			if w.pushed[alias] && g.SCIMID != "" {
				w.client.UnlinkAndDeleteGroup(ctx, g)
			}
		}
	}
	deactivate := mustJSON(map[string]any{"schemas": []string{patchOpURN},
		"Operations": []any{map[string]any{"op": "replace", "value": map[string]any{"active": false}}}})
	for _, id := range w.strays {
		w.client.Do(ctx, okta.Request{Method: http.MethodPatch, Path: "/Users/" + url.PathEscape(id), Body: deactivate})
	}
	aliases := make([]string, 0, len(w.people))
	for a := range w.people {
		aliases = append(aliases, a)
	}
	sort.Strings(aliases)
	for _, a := range aliases {
		p := w.people[a]
		asg, ok := w.client.Assignment(p.ID)
		if !ok || asg.SCIMID == "" {
			continue
		}
		if asg.Active {
			w.client.Unassign(ctx, p)
		}
		if w.cfg.Cleanup {
			w.client.Do(ctx, okta.Request{Method: http.MethodDelete, Path: "/Users/" + asg.SCIMID})
		}
	}
}
