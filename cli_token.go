package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/reference"
)

// openTokens opens the reference server's database for token management.
func openTokens(db string) (*reference.Server, error) {
	if db == "" || db == ":memory:" {
		return nil, fmt.Errorf("--db must name a database file (tokens in memory would vanish)")
	}
	srv, err := reference.New(reference.WithDB(db))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", reference.RedactDB(db), err)
	}
	return srv, nil
}

func newTokenCmd(env *cliEnv) *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke the reference server's SCIM tokens",
		Long: `Manage the SCIM tokens of a reference server database. Only SHA-256 digests
are stored: a secret is printed once by "create" and never again. A "serve"
running on the same database refuses a revoked token within a second (it
trusts a token it found valid for that long).`,
	}
	cmd.PersistentFlags().StringVar(&db, "db", "scim.db", "SQLite database file of the reference server")

	var label string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a token and print its secret once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := openTokens(db)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			defer srv.Close()
			secret, info, err := srv.Tokens().Create(cmd.Context(), label)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			fmt.Fprintf(env.stdout, "SCIM token (shown once): %s\n", secret)
			fmt.Fprintf(env.stdout, "id: %s\n", info.ID)
			return nil
		},
	}
	create.Flags().StringVar(&label, "label", "okta", "a label to recognise the token by")

	list := &cobra.Command{
		Use:   "list",
		Short: "List tokens (id, label, created, revoked); never secrets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := openTokens(db)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			defer srv.Close()
			ts, err := srv.Tokens().List(cmd.Context())
			if err != nil {
				return exitWith(exitUsage, err)
			}
			w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tLABEL\tCREATED\tREVOKED")
			for _, t := range ts {
				revoked := "-"
				if t.RevokedAt != nil {
					revoked = t.RevokedAt.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", t.ID, t.Label, t.Created.UTC().Format(time.RFC3339), revoked)
			}
			return w.Flush()
		},
	}

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token (a running serve refuses it within a second)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			srv, err := openTokens(db)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			defer srv.Close()
			if err := srv.Tokens().Revoke(cmd.Context(), args[0]); err != nil {
				return exitWith(exitUsage, err)
			}
			fmt.Fprintf(env.stdout, "revoked %s\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
