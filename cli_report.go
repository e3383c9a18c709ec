package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/reports"
)

// reportOptions are the flags of `scimconform report`.
type reportOptions struct {
	from, out, formats string
}

func newReportCmd(env *cliEnv) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Re-render every report format from a results.json, without re-running the suite",
		Long: `report reads a results.json written by "scimconform run" (or demo) and writes
the other formats again: junit.xml, cucumber.json, report.html, summary.md and
transcript.har (and results.json itself). It redacts again before writing and
recomputes the totals from the scenario statuses. It exits 0 when the reports
were written, and 2 when the input is missing or not a results.json of a
schema version this scimconform reads; it does not judge the run (the exit
code of "run" does).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "results.json to render (required)")
	f.StringVar(&o.out, "out", "", "directory to write the reports into (default: the directory of --from)")
	f.StringVar(&o.formats, "format", "all", "formats to write: all, or a comma-separated list of json, junit, cucumber, html, md, har")
	return cmd
}

func runReport(env *cliEnv, o reportOptions) error {
	if o.from == "" {
		return exitWith(exitUsage, errors.New("report: --from is required (the results.json of a run)"))
	}
	fmts, err := reports.ParseFormats(o.formats)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("report: %w", err))
	}
	f, err := os.Open(o.from)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("report: cannot read --from: %w", err))
	}
	run, err := reports.ReadJSON(f)
	f.Close()
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("report: %s: %w", o.from, err))
	}
	out := o.out
	if out == "" {
		out = filepath.Dir(o.from)
	}
	// The file may come from anywhere (an older version, a hand edit):
	// redact and recount before rendering.
	run.Redact()
	run.ComputeTotals()
	files, err := reports.WriteFormats(out, run, fmts...)
	for _, p := range files.Paths() {
		fmt.Fprintf(env.stdout, "wrote %s\n", p)
	}
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("report: %w", err))
	}
	fmt.Fprintln(env.stdout)
	reports.WriteTerminalSummary(env.stdout, run, files.HTML)
	return nil
}
