package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/internal/load"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reference"
)

// loadKeys are the settings load shares with run (same flags, env and YAML keys).
var loadKeys = []string{"url", "auth", "profile", "timeout", "insecure", "ca-file", "token-file", "basic-user", "max-retry-wait", "plus-encoding", "cleanup", "out"}

// demoUsers is the number of users of `load --demo` unless --users is given.
const demoUsers = 3000

func newLoadCmd(env *cliEnv) *cobra.Command {
	var (
		c                   config.Run
		users, conc, groups int
		overlap             int
		ops, slo            string
		rateLimit           float64
		ramp, deadline      time.Duration
		demo                bool
	)
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Play Okta's bulk provisioning (assign, profile push, unassign, reassign, Group Push) at scale and verify nothing was lost",
		Long: `load sends what Okta sends for bulk admin operations — per user the userName lookup then
POST /Users, GET + PUT profile pushes, deactivation (PATCH on oin, GET + PUT on aiw),
reassignment, Group Push — with --concurrency workers, and after each phase pages
/Users (and /Groups) as Okta's import does: each user must be listed exactly once, in
the state the phase leaves (no duplicates, none lost, none active after unassign,
group memberships exact).

Okta does not document how many requests it sends to one app at once; the default of
4 workers is a conservative floor, not Okta's ceiling. 429 answers are handled as Okta
does (Retry-After, else 5 minutes, doubling, 10 attempts; each wait capped by
--max-retry-wait) and counted.

Writes load.json and load.html into --out. Exit 0 when every phase verified, 1 when a
verification failed, a 5xx or a failed task occurred or --slo was missed, 2 for a
harness error or an interrupted run. On Ctrl-C or an exhausted --deadline the run's
users are deactivated; --cleanup also deletes them (and the groups) where allowed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			if err := c.Resolve(fs, env.getenv); err != nil {
				return exitWith(exitUsage, err)
			}
			if err := c.MaxRetryWait.Check(); err != nil {
				return exitWith(exitUsage, err)
			}
			opList, err := load.ParseOps(ops)
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("--ops: %w", err))
			}
			objective, err := load.ParseSLO(slo)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			cfg := load.Config{
				MaxRetryWait: loadRetryWait(c.MaxRetryWait), Users: users, Ops: opList, Concurrency: conc,
				Rate: rateLimit, Ramp: ramp, Groups: groups, Overlap: overlap, Cleanup: c.Cleanup, SLO: objective,
			}
			var secrets []string
			if demo {
				if !fs.Changed("users") {
					cfg.Users = demoUsers
				}
				if !fs.Changed("ops") {
					cfg.Ops = load.AllOps
				}
				stop, base, token, err := startDemoTarget()
				if err != nil {
					return exitWith(exitHarness, err)
				}
				defer stop()
				cfg.Client = okta.Config{BaseURL: base, Credentials: okta.Credentials{Token: token}, Timeout: c.Timeout}
				secrets = []string{token}
				fmt.Fprintf(env.stdout, "load demo: built-in reference server at %s, %d users\n", base, cfg.Users)
			} else {
				if c.URL == "" {
					return exitWith(exitUsage, fmt.Errorf("give --url (or %s), or --demo", config.EnvName("url")))
				}
				sec, err := c.Secrets(env.getenv)
				if err != nil {
					return exitWith(exitUsage, err)
				}
				for _, w := range sec.Warnings() {
					fmt.Fprintln(env.stderr, "warning:", w)
				}
				hc, err := httpClient(c.Insecure, c.CAFile)
				if err != nil {
					return exitWith(exitUsage, err)
				}
				cfg.Client = okta.Config{
					BaseURL: c.URL, Profile: okta.Profile(c.Profile), PlusForSpace: c.PlusEncoding,
					HTTPClient: hc, Timeout: c.Timeout,
					Credentials: okta.Credentials{Mode: okta.AuthMode(c.Auth), Token: sec.Token, Username: c.BasicUser, Password: sec.BasicPassword},
				}
				secrets = sec.List()
			}
			cfg.Progress = load.NewProgress(env.stdout, isTerminal(env.stdout))

			ctx, stopSignals := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stopSignals()
			if deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeoutCause(ctx, deadline, fmt.Errorf("run budget --deadline %s exhausted", deadline))
				defer cancel()
			}
			res, err := load.Run(ctx, cfg)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			red := load.Redact(res, secrets...)
			if err := load.WriteTable(env.stdout, red); err != nil {
				return exitWith(exitHarness, err)
			}
			paths, err := load.WriteReports(c.Out, red)
			if err != nil {
				return exitWith(exitHarness, err)
			}
			for _, p := range paths {
				fmt.Fprintln(env.stdout, "wrote", p)
			}
			switch res.Verdict {
			case load.VerdictPass:
				return nil
			case load.VerdictFail:
				return exitWith(exitConformance, nil)
			default:
				return exitWith(exitHarness, nil)
			}
		},
	}
	fs := cmd.Flags()
	c.RegisterKeys(fs, loadKeys...)
	fs.IntVar(&users, "users", 1000, "number of users assigned (the demo's default is 3000)")
	fs.StringVar(&ops, "ops", "assign,update,unassign", "phases: some of assign,update,unassign,reassign,groups (played in that order; the demo plays all)")
	fs.IntVar(&conc, "concurrency", load.DefaultConcurrency, "workers sending Okta tasks in parallel (Okta's own concurrency is undocumented)")
	fs.Float64Var(&rateLimit, "rate", 0, "requests per second over all workers (0: unlimited)")
	fs.DurationVar(&ramp, "ramp", 0, "spread the workers' start over this duration")
	fs.IntVar(&groups, "group-count", load.DefaultGroups, "groups the groups phase pushes all users into")
	fs.IntVar(&overlap, "overlap", 0, "opt-in stress of concurrent duplicate creates: every Nth user's assignment runs as two concurrent tasks (0: off; that Okta re-sends a create is unverified, mockidp/okta/WIRE.md §2.5)")
	fs.StringVar(&slo, "slo", "", "objectives per phase, e.g. p99=500ms,errors=0 (keys p50, p95, p99, max, errors)")
	fs.DurationVar(&deadline, "deadline", 0, "run budget; when it ends the run stops and its users are deactivated (0: none)")
	fs.BoolVar(&demo, "demo", false, "run against the built-in reference server (in-process, in memory)")
	return cmd
}

// startDemoTarget serves the in-memory reference server on 127.0.0.1 with a
// fresh random token and returns a stop function, its SCIM base URL and the token.
func startDemoTarget() (func(), string, string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, "", "", fmt.Errorf("demo token: %w", err)
	}
	token := hex.EncodeToString(b)
	srv, err := reference.New(reference.WithToken(token))
	if err != nil {
		return nil, "", "", fmt.Errorf("demo reference server: %w", err)
	}
	run, err := srv.Start("127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, "", "", fmt.Errorf("demo reference server: %w", err)
	}
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = run.Shutdown(ctx)
		srv.Close()
	}
	return stop, run.BaseURL(), token, nil
}

// isTerminal reports whether w is a terminal (then progress is drawn as bars).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// loadRetryWait is load.Config.MaxRetryWait for --max-retry-wait: the cap,
// or 0 (load's "wait as Okta does") for "okta".
func loadRetryWait(w config.RetryWait) time.Duration {
	if w.LikeOkta {
		return 0
	}
	return w.Cap
}
