package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/steps"
)

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
	cmd.Flags().StringVar(&features, "features", "", "comma-separated areas: token,users,lifecycle,import,errors,groups,password,discovery,spec,sso,entitlements,attributes; strict tier: responses,filters,listing,resources,patch,versioning")
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
