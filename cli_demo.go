package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/internal/selftarget"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/steps"
)

func newDemoCmd(env *cliEnv) *cobra.Command {
	var out, profile, formats, strict string
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
				Selection:    steps.Selection{Tier: "all", Groups: true, Strict: strict},
				SSO:          tg.SSO,
				Cleanup:      true,
				RevokedToken: revoked,
				// demo declares every capability the reference server has.
				PasswordSync: true,
				Entitlements: true,
			}
			if cfg.Mapping, err = okta.LoadMapping("reference"); err != nil { // the reference server stores all of it, its own extension included
				return exitWith(exitUsage, err)
			}
			err = runSuite(ctx, env, cfg, reportPlan{out: out, formats: formats})
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
	cmd.Flags().StringVar(&strict, "strict", "", "run the RFC 7643/7644 strict tier too (--strict=should: SHOULD checks fail the run as well)")
	cmd.Flags().Lookup("strict").NoOptDefVal = "must"
	return cmd
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
