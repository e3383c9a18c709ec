package main

import (
	"fmt"
	"os"
	"time"

	"github.com/scimconform/scimconform/internal/config"
	"github.com/scimconform/scimconform/reports"
)

// reportPlan is where a run's reports go and how the run is judged beyond
// its scenario statuses: waivers of known failures and a baseline run.
type reportPlan struct {
	out, formats string
	// waivers are applied on day now; strict makes stale ones fail.
	waivers []reports.Waiver
	strict  bool
	now     func() time.Time
	// baseline is an earlier run (nil: none) read from baselinePath;
	// failOnNew lets only failures it did not have fail the verdict.
	baseline     *reports.Run
	baselinePath string
	failOnNew    bool
}

// planOf reads the waivers and the baseline a resolved configuration
// names. A missing or malformed file, or --fail-on new without
// --baseline, is an error.
func planOf(c *config.Run) (reportPlan, error) {
	p := reportPlan{out: c.Out, formats: c.Formats, strict: c.WaiversStrict, now: time.Now}
	if c.Waivers != "" {
		ws, err := readWaivers(c.Waivers)
		if err != nil {
			return p, err
		}
		p.waivers = ws
	} else if c.WaiversStrict {
		return p, fmt.Errorf("--waivers-strict needs --waivers FILE")
	}
	switch c.FailOn {
	case "", "any":
	case "new":
		if c.Baseline == "" {
			return p, fmt.Errorf("--fail-on new needs --baseline OLD/results.json")
		}
		p.failOnNew = true
	default:
		return p, fmt.Errorf("--fail-on %q: want any or new", c.FailOn)
	}
	if c.Baseline != "" {
		b, err := readRun(c.Baseline)
		if err != nil {
			return p, fmt.Errorf("--baseline: %w", err)
		}
		p.baseline, p.baselinePath = b, c.Baseline
	}
	return p, nil
}

// readWaivers reads and checks a waivers file.
func readWaivers(path string) ([]reports.Waiver, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--waivers: %w", err)
	}
	defer f.Close()
	ws, err := reports.ParseWaivers(f)
	if err != nil {
		return nil, fmt.Errorf("--waivers %s: %w", path, err)
	}
	return ws, nil
}

// readRun reads a results.json, or the results.json in a report folder.
func readRun(path string) (*reports.Run, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = path + string(os.PathSeparator) + reports.FileJSON
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := reports.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// judge applies the plan's waivers and baseline to run, with the real
// bytes (before redaction), and recomputes its totals.
func (p reportPlan) judge(run *reports.Run) {
	if p.waivers != nil || p.strict {
		now := time.Now
		if p.now != nil {
			now = p.now
		}
		run.ApplyWaivers(p.waivers, now(), p.strict)
	}
	if p.baseline != nil {
		run.MarkBaseline(p.baseline, p.baselinePath, p.failOnNew)
	}
	run.ComputeTotals()
}
