package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/scimconform/scimconform/reports"
)

// reportOptions are the flags of `scimconform report`.
type reportOptions struct {
	from, out, formats string
	waivers            string
	waiversStrict      bool
	evidence           string
}

func newReportCmd(env *cliEnv) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report --from results.json",
		Short: "Re-render every report format from a results.json, without re-running the suite",
		Long: `report reads a results.json written by "scimconform run" (or demo) and writes
the other formats again: junit.xml, cucumber.json, report.html, summary.md and
transcript.har (and results.json itself). It redacts again before writing and
recomputes the totals from the scenario statuses. --waivers applies a waivers
file to the run (replacing the waivers it was run with). --evidence FILE.zip
also writes one archive for an Okta submission: results.json, report.html,
transcript.har, junit.xml, the catalogue version and a SHA-256 manifest.

It exits 0 when the reports were written, and 2 when the input is missing or
not a results.json of a schema version this scimconform reads; it does not
judge the run (the exit code of "run" does) and prints no verdict of its own.

"report diff OLD NEW" compares two runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "results.json to render (required)")
	f.StringVar(&o.out, "out", "", "directory to write the reports into (default: the directory of --from)")
	f.StringVar(&o.formats, "formats", "all", "report formats: all or a list of json,junit,cucumber,html,md,har")
	f.StringVar(&o.formats, "format", "all", "old name of --formats")
	_ = f.MarkDeprecated("format", "use --formats, as run and demo do")
	f.StringVar(&o.waivers, "waivers", "", "YAML file of known failures to apply (see run --help)")
	f.BoolVar(&o.waiversStrict, "waivers-strict", false, "stale waivers count as failures in the rendered totals")
	f.StringVar(&o.evidence, "evidence", "", "also write an evidence archive (.zip) for an Okta submission")
	cmd.AddCommand(newReportDiffCmd(env), newReportAnnotationsCmd(env))
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
	if o.waivers != "" {
		ws, err := readWaivers(o.waivers)
		if err != nil {
			return exitWith(exitUsage, fmt.Errorf("report: %w", err))
		}
		run.ApplyWaivers(ws, time.Now(), o.waiversStrict)
	} else if o.waiversStrict {
		return exitWith(exitUsage, errors.New("report: --waivers-strict needs --waivers FILE"))
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
	if o.evidence != "" {
		if err := writeEvidence(o.evidence, run); err != nil {
			return exitWith(exitUsage, fmt.Errorf("report: %w", err))
		}
		fmt.Fprintf(env.stdout, "wrote %s\n", o.evidence)
	}
	fmt.Fprintln(env.stdout)
	reports.WriteRenderedSummary(env.stdout, run, files.HTML)
	return nil
}

func newReportDiffCmd(env *cliEnv) *cobra.Command {
	var md string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "List the scenarios that changed between two runs",
		Long: `diff compares two runs, each given as a results.json or a report folder
holding one: newly failing, newly passing, changed reason (failing in both,
with another status or reason), other status changes, and added or removed
scenarios. It prints the changes on the terminal; --md FILE also writes them
as Markdown (for a pull-request comment). It exits 0 whatever changed, and 2
when an input cannot be read.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			old, err := readRun(args[0])
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("report diff: OLD: %w", err))
			}
			cur, err := readRun(args[1])
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("report diff: NEW: %w", err))
			}
			old.Redact()
			cur.Redact()
			d := reports.CompareRuns(old, cur)
			if err := reports.WriteDiffText(env.stdout, d, args[0], args[1]); err != nil {
				return exitWith(exitUsage, err)
			}
			if md != "" {
				f, err := os.Create(md)
				if err != nil {
					return exitWith(exitUsage, fmt.Errorf("report diff: --md: %w", err))
				}
				werr := reports.WriteDiffMarkdown(f, d, args[0], args[1])
				if cerr := f.Close(); werr == nil {
					werr = cerr
				}
				if werr != nil {
					return exitWith(exitUsage, fmt.Errorf("report diff: --md %s: %w", md, werr))
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&md, "md", "", "also write the changes as Markdown to this file")
	return cmd
}

func newReportAnnotationsCmd(env *cliEnv) *cobra.Command {
	return &cobra.Command{
		Use:   "annotations RESULTS",
		Short: "Print GitHub Actions error annotations for the failing required scenarios of a run",
		Long: `annotations reads a results.json (or a report folder holding one) and prints
one "::error title=ID title::reason" workflow command per required scenario that
failed or errored, escaped so that text from the server cannot inject workflow
commands. The GitHub Action runs it; it exits 0, or 2 when the input cannot be
read.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := readRun(args[0])
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("report annotations: %w", err))
			}
			run.Redact()
			run.ComputeTotals()
			if err := reports.WriteGitHubAnnotations(env.stdout, run); err != nil {
				return exitWith(exitUsage, err)
			}
			return nil
		},
	}
}
