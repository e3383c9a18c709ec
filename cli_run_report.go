package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
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
// runHeader is a run that starts and ends at now, with what cfg says about
// the tool, the catalogue, the target and the selection, and no scenario.
func runHeader(cfg steps.Config, now time.Time) *reports.Run {
	return &reports.Run{
		SchemaVersion:  reports.SchemaVersion,
		Tool:           reports.Tool{Name: "scimconform", Version: version},
		CatalogVersion: features.CatalogVersion,
		StartedAt:      now,
		FinishedAt:     now,
		Target: reports.Target{
			BaseURL: cfg.BaseURL, AuthMode: string(cfg.Credentials.Mode), Profile: string(cfg.Profile), Image: cfg.Image,
		},
		ConfigHash: cfg.Hash(),
		Selection:  selectionOf(cfg),
	}
}

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
	run := runHeader(cfg, now)
	run.Features = []reports.Feature{{
		Name: "Before the suite", URI: "(harness)",
		Scenarios: []reports.Scenario{{
			ID: id, Title: title, Tier: "required", Areas: []string{"harness"},
			Status: reports.StatusError, Reason: st.Reason, Steps: []reports.Step{st},
		}},
	}}
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
	base  http.RoundTripper
	limit int64
	mu    sync.Mutex
	exs   []reports.Exchange
}

// newRecorder records through hc's transport (the default when nil),
// keeping up to limit bytes of each body (the suite's transcripts keep
// --max-recorded-body too).
func newRecorder(hc *http.Client, limit int64) *recorder {
	rt := http.DefaultTransport
	if hc != nil && hc.Transport != nil {
		rt = hc.Transport
	}
	if limit <= 0 {
		limit = steps.DefaultMaxRecordedBody
	}
	return &recorder{base: rt, limit: limit}
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
			body, _ := io.ReadAll(io.LimitReader(b, r.limit))
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
	// Record up to r.limit bytes; the caller still reads the whole body,
	// and when it was cut, its real size and digest are noted as the
	// caller reads on.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, r.limit+1))
	ex.Truncated = int64(len(head)) > r.limit
	ex.StatusCode = resp.StatusCode
	ex.ResponseHeaders = resp.Header.Clone()
	ex.ResponseBody = string(head[:min(int64(len(head)), r.limit)])
	i := r.add(ex)
	if !ex.Truncated {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
		return resp, nil
	}
	h := sha256.New()
	h.Write(head)
	resp.Body = &measuredBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), body: resp.Body, skip: int64(len(head)), hash: h,
		done: func(n int64, digest string) {
			r.mu.Lock()
			r.exs[i].BodySize, r.exs[i].BodyDigest = n, digest
			r.mu.Unlock()
		}}
	return resp, nil
}

// measuredBody passes a response body through, hashing and counting what
// follows the first skip bytes (already hashed); at EOF or Close it reports
// the total read and its "sha256:<hex>" digest once.
type measuredBody struct {
	io.Reader
	body    io.Closer
	skip, n int64
	hash    hash.Hash
	done    func(n int64, digest string)
}

func (m *measuredBody) Read(p []byte) (int, error) {
	k, err := m.Reader.Read(p)
	b := p[:k]
	if m.skip > 0 {
		d := min(m.skip, int64(len(b)))
		b, m.skip = b[d:], m.skip-d
	}
	m.hash.Write(b)
	m.n += int64(k)
	if err == io.EOF {
		m.finish()
	}
	return k, err
}

func (m *measuredBody) Close() error {
	m.finish()
	return m.body.Close()
}

func (m *measuredBody) finish() {
	if m.done != nil {
		m.done(m.n, "sha256:"+hex.EncodeToString(m.hash.Sum(nil)))
		m.done = nil
	}
}

// add records ex and returns its index.
func (r *recorder) add(ex reports.Exchange) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exs = append(r.exs, ex)
	return len(r.exs) - 1
}
