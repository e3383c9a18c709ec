package load

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/scimconform/scimconform/reports"
)

// Files written by WriteReports into the output directory.
const (
	JSONFile = "load.json"
	HTMLFile = "load.html"
)

// Redact returns a copy of res whose text has the secrets and
// credential-looking values removed (reports.RedactText), fit for output.
func Redact(res *Result, secrets ...string) *Result {
	cp := *res
	red := func(s string) string { return reports.RedactText(s, secrets...) }
	cp.Target = reports.RedactURL(red(cp.Target), secrets...)
	cp.Interrupted = red(cp.Interrupted)
	cp.Reasons = redAll(cp.Reasons, red)
	cp.Phases = make([]PhaseResult, len(res.Phases))
	for i, p := range res.Phases {
		p.Failures = redAll(p.Failures, red)
		p.First5xx = red(p.First5xx)
		p.Verification.Problems = redAll(p.Verification.Problems, red)
		p.Verification.Skipped = red(p.Verification.Skipped)
		p.SLOMissed = redAll(p.SLOMissed, red)
		cp.Phases[i] = p
	}
	if res.Cleanup != nil {
		c := *res.Cleanup
		c.Notes = redAll(c.Notes, red)
		cp.Cleanup = &c
	}
	return &cp
}

func redAll(ss []string, red func(string) string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = red(s)
	}
	return out
}

// WriteReports writes load.json and load.html of res (already redacted)
// into dir, creating it. It returns the paths written. When dir holds a
// conformance run's report.html, load.html links to it (res is not
// modified).
func WriteReports(dir string, res *Result) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("load report: %w", err)
	}
	if st, err := os.Stat(filepath.Join(dir, reports.FileHTML)); err == nil && st.Mode().IsRegular() {
		cp := *res
		cp.RunReport = reports.FileHTML
		res = &cp
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("load.json: %w", err)
	}
	jp := filepath.Join(dir, JSONFile)
	if err := os.WriteFile(jp, append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("load.json: %w", err)
	}
	hp := filepath.Join(dir, HTMLFile)
	f, err := os.Create(hp)
	if err != nil {
		return nil, fmt.Errorf("load.html: %w", err)
	}
	if err := WriteHTML(f, res); err != nil {
		f.Close()
		return nil, fmt.Errorf("load.html: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("load.html: %w", err)
	}
	return []string{jp, hp}, nil
}

// WriteTable writes the end-of-run table, one row per phase: tasks,
// requests, throughput, latency percentiles, status counts, 429 waits
// and verification, then the verdict and its reasons.
func WriteTable(w io.Writer, res *Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tTASKS\tFAILED\tREQUESTS\tREQ/S\tP50\tP95\tP99\tMAX\tSTATUS\t429 WAITS\tVERIFIED")
	for _, p := range res.Phases {
		s := p.Stats
		ver := "ok"
		switch v := p.Verification; {
		case v.Skipped != "":
			ver = "skipped"
		case !v.OK:
			ver = fmt.Sprintf("FAILED (%d problems)", v.ProblemCount)
		default:
			ver = fmt.Sprintf("ok (%d listed, %d pages)", v.Listed, v.Pages)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.0f\t%.1fms\t%.1fms\t%.1fms\t%.1fms\t%s\t%d (%.1fs)\t%s\n",
			p.Name, p.Tasks, p.TasksFailed, s.Requests, s.Throughput, s.Latency.P50, s.Latency.P95, s.Latency.P99, s.Latency.Max,
			statusSummary(s), s.Waits429, s.Wait429Sec, ver)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.Cleanup != nil {
		fmt.Fprintf(w, "cleanup: %d deactivated, %d deleted, %d failed\n", res.Cleanup.Deactivated, res.Cleanup.Deleted, res.Cleanup.Failed)
		for _, n := range res.Cleanup.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	fmt.Fprintf(w, "verdict: %s\n", res.Verdict)
	for _, r := range res.Reasons {
		fmt.Fprintf(w, "  %s\n", r)
	}
	for _, p := range res.Phases {
		for i, pr := range p.Verification.Problems {
			if i == 10 {
				fmt.Fprintf(w, "  ... %d more problems in %s\n", p.Verification.ProblemCount-10, JSONFile)
				break
			}
			fmt.Fprintf(w, "  %s: %s\n", p.Name, pr)
		}
	}
	_, err := fmt.Fprint(w)
	return err
}

func statusSummary(s Stats) string {
	keys := make([]string, 0, len(s.Status))
	for k := range s.Status {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, s.Status[k]))
	}
	if s.TransportErrors > 0 {
		parts = append(parts, fmt.Sprintf("no-answer×%d", s.TransportErrors))
	}
	return strings.Join(parts, " ")
}
