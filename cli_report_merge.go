package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/reports"
)

// mergeOptions are the flags of `scimconform report merge`.
type mergeOptions struct {
	out, formats  string
	waivers       string
	waiversStrict bool
	force         bool
}

func newReportMergeCmd(env *cliEnv) *cobra.Command {
	var o mergeOptions
	cmd := &cobra.Command{
		Use:   "merge DIR|results.json ... --out DIR",
		Short: "Merge the reports of the shards of one run (run --shard K/N) into one report",
		Long: `merge reads the results.json of each shard of a sharded run (run --shard 1/N
... N/N), each given as a results.json or a report folder holding one, and
writes one report in every format (or --formats) into --out: every scenario
of the selection once, in catalogue order, with the totals and verdict an
unsharded run of the same selection against the same target would have.

It refuses, naming the inputs and saying why, when they are not the shards
of one run: a different catalogue version, target URL, auth mode, profile,
configuration hash or selection expression; a whole run among shards;
shards of different counts; a shard given twice or missing; a scenario in
two inputs. --force merges anyway (the first input's target and selection
win, a duplicated scenario is kept once) and prints the problems as warnings.
--waivers FILE applies a waivers file to the merged run, as report does.

Exit codes gate a CI job on the merged run, as run's do: 0 the merged
verdict is pass, 1 fail, 2 error, or the inputs could not be read or merged.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReportMerge(env, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "", "directory to write the merged reports into (required; report files of an earlier run in it are replaced)")
	f.StringVar(&o.formats, "formats", "all", "report formats: all or a list of json,junit,cucumber,html,md,har")
	f.StringVar(&o.waivers, "waivers", "", "YAML file of known failures to apply to the merged run (see run --help)")
	f.BoolVar(&o.waiversStrict, "waivers-strict", false, "stale waivers count as failures in the merged totals")
	f.BoolVar(&o.force, "force", false, "merge even when the inputs are not the shards of one run (the problems are printed as warnings)")
	return cmd
}

func runReportMerge(env *cliEnv, o mergeOptions, args []string) error {
	if o.out == "" {
		return exitWith(exitUsage, errors.New("report merge: --out DIR is required"))
	}
	fmts, err := reports.ParseFormats(o.formats)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("report merge: %w", err))
	}
	var ws []reports.Waiver
	if o.waivers != "" {
		if ws, err = readWaivers(o.waivers); err != nil {
			return exitWith(exitUsage, fmt.Errorf("report merge: %w", err))
		}
	} else if o.waiversStrict {
		return exitWith(exitUsage, errors.New("report merge: --waivers-strict needs --waivers FILE"))
	}
	parts := make([]reports.MergePart, 0, len(args))
	for _, a := range args {
		r, err := readRun(a)
		if err != nil {
			return exitWith(exitUsage, fmt.Errorf("report merge: %w", err))
		}
		parts = append(parts, reports.MergePart{Name: a, Run: r})
	}
	run, problems, err := reports.Merge(parts, o.force)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("report merge: %w", err))
	}
	for _, p := range problems {
		fmt.Fprintln(env.stderr, "scimconform: warning: report merge --force:", p)
	}
	if o.waivers != "" {
		run.ApplyWaivers(ws, time.Now(), o.waiversStrict)
	}
	// The inputs may come from anywhere: redact again before writing.
	run.Redact()
	run.ComputeTotals()
	files, err := reports.ReplaceReports(o.out, run, fmts...)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("report merge: write reports: %w", err))
	}
	fmt.Fprintf(env.stdout, "merged %d inputs (shards %v) into %s\n", len(parts), run.Selection.MergedFrom, o.out)
	reports.WriteTerminalSummary(env.stdout, run, files.HTML)
	return verdictExit(run.Totals)
}
