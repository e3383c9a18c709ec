package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/reference"
)

// shutdownGrace is how long serve waits for in-flight requests on SIGINT/SIGTERM.
const shutdownGrace = 15 * time.Second

func newServeCmd(env *cliEnv) *cobra.Command {
	var addr, db, policy string
	var bare, verbose bool
	var rate float64
	var faults []string
	var ssoFlags serveSSO
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the reference SCIM 2.0 server (SCIM API under /scim/v2)",
		Long: `Run the reference SCIM 2.0 server, a well-behaved Okta provisioning target,
with its SCIM API under /scim/v2 and data in a SQLite database (--db, default
scim.db; ":memory:" keeps everything in memory) or in PostgreSQL (--db
postgres://user:pass@host:5432/db; several serve processes may share it, the
schema is migrated at start). Without --db, SCIMCONFORM_DB names the
database.

The SCIM token comes from SCIMCONFORM_TOKEN (the variable "scimconform run"
reads, so one exported value serves both sides); without it serve creates a
token in the database and prints it once. Manage more tokens with
"scimconform token". SIGINT/SIGTERM stop the server gracefully: in-flight
requests finish and every answered write is on disk.

--sso also serves the reference app's SAML 2.0 service provider under /sso/
(metadata, ACS, SP-initiated sign-in, a signed-in page): it trusts the IdP
named by --sso-idp-metadata (a file or URL, such as your Okta app's metadata
URL or "scimconform idp"'s /metadata) or by --sso-idp-cert (with
--sso-idp-entity-id and --sso-idp-sso-url, whose defaults are the mock IdP's),
and signs in only active users provisioned over SCIM.

--fault turns on one named misbehaviour (see "scimconform serve --list-faults");
it exists for demos of what the suite catches, never for real use.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list, _ := cmd.Flags().GetBool("list-faults"); list {
				for _, f := range reference.Faults() {
					fmt.Fprintf(env.stdout, "%-32s %s\n", f.Name, f.Description)
				}
				return nil
			}
			if err := ssoFlags.check(cmd.Flags().Changed); err != nil {
				return exitWith(exitUsage, err)
			}
			db := config.ServeDB(db, cmd.Flags().Changed("db"), env.getenv)
			ep, err := reference.ParseEmailPolicy(policy)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			opts := []reference.Option{
				reference.WithDB(db),
				reference.WithEmailPolicy(ep),
				reference.WithBareTokenAuth(bare),
				reference.WithRateLimit(rate),
				reference.WithFaults(faults...),
			}
			if verbose {
				opts = append(opts, reference.WithLogger(slog.New(slog.NewTextHandler(env.stderr, nil))))
			}
			token := env.getenv("SCIMCONFORM_TOKEN")
			if token != "" {
				opts = append(opts, reference.WithToken(token))
			}
			// With --sso, listen first: the SP needs its absolute URL
			// before the server that mounts it is built. Without it, the
			// server is built (and its options checked) before listening.
			var ln net.Listener
			listen := func() error {
				var err error
				if ln, err = net.Listen("tcp", addr); err != nil {
					return exitWith(exitUsage, fmt.Errorf("listen on %s: %w", addr, err))
				}
				return nil
			}
			served := false
			defer func() {
				if ln != nil && !served {
					ln.Close()
				}
			}()
			if ssoFlags.on {
				if err := listen(); err != nil {
					return err
				}
				opts = append(opts, ssoFlags.option(reference.RootURL(ln.Addr()), env.stderr))
			}
			srv, err := reference.New(opts...)
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("start reference server: %w", err))
			}
			defer srv.Close()
			if err := srv.Prepare(cmd.Context()); err != nil {
				return exitWith(exitUsage, fmt.Errorf("start reference server: %w", err))
			}
			if token == "" {
				secret, info, err := srv.Tokens().Create(cmd.Context(), "serve")
				if err != nil {
					return exitWith(exitUsage, err)
				}
				fmt.Fprintf(env.stdout, "SCIM token (shown once): %s\n", secret)
				fmt.Fprintf(env.stdout, "token id: %s (revoke with: scimconform token revoke --db %s %s)\n", info.ID, reference.RedactDB(db), info.ID)
			} else {
				fmt.Fprintln(env.stdout, "SCIM token: from SCIMCONFORM_TOKEN")
			}
			for _, f := range faults {
				fmt.Fprintf(env.stderr, "WARNING: fault %q is on; this server misbehaves on purpose (demo only)\n", f)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if ln == nil {
				if err := listen(); err != nil {
					return err
				}
			}
			running := srv.Serve(ln)
			served = true
			fmt.Fprintf(env.stdout, "database: %s\n", reference.RedactDB(db))
			ssoFlags.banner(env.stdout)
			fmt.Fprintf(env.stdout, "SCIM base URL: %s\n", running.BaseURL())
			<-ctx.Done()
			fmt.Fprintln(env.stdout, "shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			if err := running.Shutdown(sctx); err != nil {
				return exitWith(exitUsage, err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	f.StringVar(&db, "db", "scim.db", `SQLite database file, ":memory:", or a postgres:// URL [env SCIMCONFORM_DB]`)
	f.StringVar(&policy, "email-policy", "immutable", "immutable: updates may not change userName/primary email (400 mutability); mutable: they may")
	f.BoolVar(&bare, "bare-token", false, `also accept "Authorization: <token>" without "Bearer" (Okta OIN "Header" mode)`)
	f.Float64Var(&rate, "rate-limit", 0, "requests per second per token (0 = unlimited); excess gets 429 with Retry-After")
	f.StringArrayVar(&faults, "fault", nil, "FOR DEMOS ONLY: inject a named fault (repeatable)")
	f.Bool("list-faults", false, "list the injectable faults and exit")
	f.BoolVar(&verbose, "log", false, "log one line per request to stderr (no headers, no bodies)")
	ssoFlags.register(f)
	return cmd
}
