package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/scimconform/scimconform/features"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// notStartedRun is the report of a run that ended before any scenario ran
// (a failed pre-flight, a suite that could not start): one required
// scenario id in error whose reason is err (with its hint), holding the
// exchanges that led to it. Its verdict is error, so the CLI exits 2 and
// --out shows why, never an earlier run's verdict.
func notStartedRun(cfg steps.Config, id, title, step string, err error, exs []reports.Exchange) *reports.Run {
	now := time.Now().UTC()
	reason := err.Error()
	var pe *steps.PreflightError
	if errors.As(err, &pe) {
		reason = "pre-flight: " + pe.Reason
	}
	st := reports.Step{Keyword: "When ", Text: step, Status: reports.StatusError, Reason: reason, Exchanges: exs}
	if pe != nil && pe.Hint != "" {
		st.Failure = &reports.Failure{Message: reason + " (hint: " + pe.Hint + ")"}
	}
	run := &reports.Run{
		SchemaVersion:  reports.SchemaVersion,
		Tool:           reports.Tool{Name: "scimconform", Version: version},
		CatalogVersion: features.CatalogVersion,
		StartedAt:      now,
		FinishedAt:     now,
		Target: reports.Target{
			BaseURL: cfg.BaseURL, AuthMode: string(cfg.Credentials.Mode), Profile: string(cfg.Profile), Image: cfg.Image,
		},
		ConfigHash: cfg.Hash(),
		Features: []reports.Feature{{
			Name: "Before the suite", URI: "(harness)",
			Scenarios: []reports.Scenario{{
				ID: id, Title: title, Tier: "required", Areas: []string{"harness"},
				Status: reports.StatusError, Reason: st.Reason, Steps: []reports.Step{st},
			}},
		}},
	}
	if st.Failure != nil {
		run.Features[0].Scenarios[0].Reason = st.Failure.Message
	}
	return run
}

// writeNotStarted writes run (redacted) in place of any earlier report,
// prints the summary and returns exit 2 with cause.
func writeNotStarted(env *cliEnv, run *reports.Run, out string, fmts []reports.Format, before func(*reports.Run), secrets []string, cause error) error {
	if before != nil {
		before(run)
	}
	run.Redact(secrets...)
	run.ComputeTotals()
	files, err := reports.ReplaceReports(out, run, fmts...)
	if err != nil {
		return exitWith(exitHarness, &redactedError{errors.Join(cause, fmt.Errorf("write reports: %w", err)), secrets})
	}
	reports.WriteTerminalSummary(env.stdout, run, files.HTML)
	return exitWith(exitHarness, &redactedError{cause, secrets})
}

// recorder captures the exchanges of an HTTP client (the pre-flight probe)
// for the report, with the real bytes: the report is redacted when written.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	exs  []reports.Exchange
}

// recordLimit caps each recorded body, as the suite's transcripts do.
const recordLimit = 64 << 10

func newRecorder(hc *http.Client) *recorder {
	rt := http.DefaultTransport
	if hc != nil && hc.Transport != nil {
		rt = hc.Transport
	}
	return &recorder{base: rt}
}

// client returns an HTTP client that records through r.
func (r *recorder) client() *http.Client { return &http.Client{Transport: r} }

func (r *recorder) exchanges() []reports.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]reports.Exchange(nil), r.exs...)
}

// RoundTrip sends req through the base transport and records it.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := reports.Exchange{StartedAt: time.Now().UTC(), Method: req.Method, URL: req.URL.String(), RequestHeaders: req.Header.Clone()}
	if req.Body != nil && req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			body, _ := io.ReadAll(io.LimitReader(b, recordLimit))
			b.Close()
			ex.RequestBody = string(body)
		}
	}
	resp, err := r.base.RoundTrip(req)
	ex.DurationMS = float64(time.Since(ex.StartedAt).Microseconds()) / 1000
	if err != nil {
		ex.Error = err.Error()
		r.add(ex)
		return nil, err
	}
	// Record up to recordLimit bytes; the caller still reads the whole body.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, recordLimit+1))
	ex.Truncated = len(head) > recordLimit
	ex.StatusCode = resp.StatusCode
	ex.ResponseHeaders = resp.Header.Clone()
	ex.ResponseBody = string(head[:min(len(head), recordLimit)])
	r.add(ex)
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return resp, nil
}

func (r *recorder) add(ex reports.Exchange) {
	r.mu.Lock()
	r.exs = append(r.exs, ex)
	r.mu.Unlock()
}
