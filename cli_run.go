package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

func newRunCmd(env *cliEnv) *cobra.Command {
	c := &config.Run{}
	img := &imageOptions{}
	cmd := &cobra.Command{
		Use:   "run --url URL",
		Short: "Run the conformance suite against a SCIM endpoint",
		Long: `Run the conformance suite against a SCIM 2.0 endpoint the way Okta provisions into it.

The SCIM token comes from SCIMCONFORM_TOKEN or --token-file (never a flag, so it
stays out of shell history and process lists). A flag wins over the matching
SCIMCONFORM_* environment variable, which wins over the YAML file named by
--config, which wins over the default.

Optional app features are declared, not guessed: --groups, --saml-acs with
--saml-audience, --saml-login-url and --revoked-token-file bring their
scenarios into scope (and make them required); the others are reported as
not in scope.

Known failures: --waivers FILE (YAML list of id, reason, expires, optional
match and url) reports a matching failure as waived; a run whose only failures
are waived exits 0; stale waivers are listed, and fail the run with
--waivers-strict. --baseline OLD/results.json marks each failure new or known;
--fail-on new (default any) lets only new required failures fail the run.

--out holds the reports of this run only: report files of an earlier run are
removed when the run starts, and a failed pre-flight writes a report too.

Exit codes: 0 every in-scope required scenario passed and nothing errored;
1 a required scenario failed (also when others errored: the summary says
both); 2 a usage, configuration or harness error, a failed pre-flight, an
errored scenario or an in-scope required scenario that was skipped; 130
interrupted. With --strict a failed @must strict scenario exits 1; a failed
@should one is reported and exits 1 only with --strict=should.

Bounds: --timeout per request, --deadline for the whole run (then the
scenarios not run are errors "not run (deadline)" and the run exits 2 unless
a required scenario already failed), --max-retry-wait per wait after a 429,
--max-body per answer read, --max-recorded-body per body kept in the reports.
A target that stops answering ends the run early (the rest are errors
"target stopped answering after ...", exit 2).

Ctrl-C (SIGINT) or SIGTERM stops the run: no further scenario starts, the
request in flight may finish briefly, the users the run created are
deactivated, the unfinished scenarios are errors "not run (interrupted)",
and a partial report (marked partial in every format) is written; exit 130.
A second Ctrl-C exits at once, without report or cleanup.

--out is created and checked for writing before the target is contacted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := c.Resolve(cmd.Flags(), env.getenv); err != nil {
				return exitWith(exitUsage, err)
			}
			ctx, stop := interruptContext(cmd.Context(), env.stderr)
			defer stop()
			if err := c.Check(); err != nil {
				return exitWith(exitUsage, err)
			}
			if err := c.CheckTarget(img.enabled()); err != nil {
				return exitWith(exitUsage, err)
			}
			if img.enabled() {
				c.URL = "http://127.0.0.1/container-not-started-yet"
			}
			sec, err := c.Secrets(env.getenv)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			for _, w := range sec.Warnings() {
				fmt.Fprintln(env.stderr, "scimconform: warning:", w)
			}
			cfg, err := suiteConfig(c, sec)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			plan, err := planOf(c)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			if img.enabled() {
				return runAgainstImage(ctx, env, img, cfg, plan)
			}
			return runSuite(ctx, env, cfg, plan)
		},
	}
	c.Register(cmd.Flags())
	addImageFlags(cmd.Flags(), img)
	return cmd
}

// runSuite runs pre-flight, the suite and the report writers, prints the
// summary and returns the exit error for the outcome.
func runSuite(ctx context.Context, env *cliEnv, cfg steps.Config, plan reportPlan) error {
	return runSuiteWith(ctx, env, cfg, plan, nil)
}

// runSuiteWith is runSuite with a hook that adds to the run before the
// reports are written (the container's log). Whatever ends the run, out
// afterwards holds this run's reports: out is created, checked for writing
// and cleared of earlier report files before the target is contacted (an
// unusable out is exit 2 with nothing sent); a failed pre-flight or a
// suite that cannot start is written as a report with verdict error; an
// interrupted run writes its partial report and exits exitInterrupted.
func runSuiteWith(ctx context.Context, env *cliEnv, cfg steps.Config, plan reportPlan, before func(*reports.Run)) error {
	out := plan.out
	fmts, err := reports.ParseFormats(plan.formats)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if err := cfg.Validate(); err != nil {
		return exitWith(exitUsage, err)
	}
	if err := reports.PrepareOutDir(out); err != nil {
		return exitWith(exitUsage, fmt.Errorf("--out %s: %w (nothing was sent to the target; give a writable --out, or mount a writable volume there)", out, err))
	}
	secrets := []string{cfg.Credentials.Token, cfg.Credentials.Password, cfg.RevokedToken, urlPassword(cfg.BaseURL)}
	// The URL may carry a password (https://user:pass@host): the terminal
	// shows it redacted, as the reports do.
	fmt.Fprintf(env.stdout, "scimconform %s: testing %s (auth %s, profile %s)\n", version, reports.RedactURL(cfg.BaseURL, secrets...), cfg.Credentials.Mode, cfg.Profile)

	probe := cfg
	rec := newRecorder(cfg.HTTPClient, cfg.MaxRecordedBody)
	probe.HTTPClient = rec.client()
	if err := steps.Preflight(ctx, probe); err != nil {
		if ctx.Err() != nil {
			run := notStartedRun(cfg, "PRE-FLIGHT", "Okta's Test API Credentials request succeeds", "When Okta tests the API credentials",
				errors.New("not run (interrupted)"), rec.exchanges())
			run.Partial, run.StopReason = true, "interrupted during pre-flight"
			werr := writeNotStarted(env, run, out, fmts, before, secrets, errInterrupted)
			return interruptedExit(werr)
		}
		run := notStartedRun(cfg, "PRE-FLIGHT", "Okta's Test API Credentials request succeeds", "When Okta tests the API credentials", err, rec.exchanges())
		return writeNotStarted(env, run, out, fmts, before, secrets, err)
	}
	cfg.Progress = env.stdout
	printShard(env.stdout, cfg)
	run, err := steps.Run(ctx, cfg)
	if empty, ok := emptyShardRun(cfg, err); ok {
		run, err = empty, nil
	}
	if err != nil {
		nrun := notStartedRun(cfg, "SUITE", "The suite starts", "When the suite starts", err, nil)
		werr := writeNotStarted(env, nrun, out, fmts, before, secrets, err)
		if ctx.Err() != nil {
			return interruptedExit(werr)
		}
		return werr
	}
	run.Selection = selectionOf(cfg)
	if before != nil {
		before(run)
	}
	plan.judge(run)
	run.Redact(secrets...)
	run.ComputeTotals()
	files, err := reports.ReplaceReports(out, run, fmts...)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("write reports: %w", err))
	}
	reports.WriteTerminalSummary(env.stdout, run, files.HTML)
	if ctx.Err() != nil {
		return exitWith(exitInterrupted, fmt.Errorf("interrupted: partial report in %s", out))
	}
	return verdictExit(run.Totals)
}

// interruptedExit turns the exit error of a report written after an
// interrupt into exitInterrupted, keeping its message.
func interruptedExit(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return exitWith(exitInterrupted, ee.err)
	}
	return exitWith(exitInterrupted, err)
}

// verdictExit maps a verdict to the exit code: pass 0, fail 1, error 2.
// The summary has already been printed, so no message is added.
func verdictExit(t reports.Totals) error {
	switch t.Verdict() {
	case reports.VerdictFail:
		return exitWith(exitConformance, nil)
	case reports.VerdictError:
		return exitWith(exitHarness, nil)
	}
	return nil
}

// urlPassword is the password in raw's user-info, or "".
func urlPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// redactedError is an error whose text is shown with the run's secrets
// redacted; errors.Is and errors.As still see the cause.
type redactedError struct {
	err     error
	secrets []string
}

func (e *redactedError) Error() string { return reports.RedactText(e.err.Error(), e.secrets...) }
func (e *redactedError) Unwrap() error { return e.err }
