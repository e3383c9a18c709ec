// Package reports holds the one results model of a conformance run and the
// writers that render it (results.json, junit.xml, cucumber.json,
// report.html, summary.md, transcript.har and the terminal summary).
//
// It sits at the end of the data flow: the suite in steps/ fills a Run, and
// writers here turn it into files. It knows nothing of steps, mockidp or
// reference. Checks see the real bytes; Run.Redact removes the secrets once,
// before the run is written (see its contract for what is never touched).
package reports

import (
	"net/http"
	"time"
)

// SchemaVersion is the version of the results.json schema written by this
// package. It changes its major part when a field is removed or changes
// meaning; fields may be added within a major version.
const SchemaVersion = "1.6"

// Status is the outcome of a scenario or step.
type Status string

// The outcomes. Fail means the target behaved wrongly (a named defect);
// Error means the harness could not decide (the harness or its
// configuration broke, or the target gave no answer: a timeout or a
// connection error proves nothing); Skip means the check did not run, with a
// Reason saying why; NotInScope means the scenario needs a capability the
// run did not declare (Run.Scope says which flag would declare it). Only
// pass is a pass: a skipped or errored in-scope required scenario is not.
const (
	StatusPass       Status = "pass"
	StatusFail       Status = "fail"
	StatusError      Status = "error"
	StatusSkip       Status = "skip"
	StatusNotInScope Status = "not-in-scope"
)

// Run is one execution of the suite against one target. It is the source of
// truth that results.json serialises; every other format is derived from it.
type Run struct {
	SchemaVersion  string    `json:"schemaVersion"`
	Tool           Tool      `json:"tool"`
	CatalogVersion string    `json:"catalogVersion"`
	StartedAt      time.Time `json:"startedAt"`
	FinishedAt     time.Time `json:"finishedAt"`
	Target         Target    `json:"target"`
	// ConfigHash is a hash of the effective configuration without secrets,
	// so two reports can be told apart as "same settings" or not.
	ConfigHash string `json:"configHash"`
	// Scope lists the capabilities an app may or may not have (group push,
	// SSO, a revoked token, ...) and whether this run declared each one.
	// Scenarios needing an undeclared capability are StatusNotInScope.
	Scope []Capability `json:"scope,omitempty"`
	// Partial is true when the run stopped early (interrupt, run deadline,
	// a target that stopped answering, a rate limit without end): the
	// scenarios it did not run are StatusError with StopReason's reason.
	Partial bool `json:"partial,omitempty"`
	// StopReason says why a partial run stopped; "" otherwise.
	StopReason string `json:"stopReason,omitempty"`
	// StaleWaivers lists the waivers (see ApplyWaivers) that no longer
	// describe this run; WaiversStrict is true when they fail the verdict.
	StaleWaivers  []StaleWaiver `json:"staleWaivers,omitempty"`
	WaiversStrict bool          `json:"waiversStrict,omitempty"`
	// Baseline is the run this one was compared with (see MarkBaseline);
	// empty when none.
	Baseline string `json:"baseline,omitempty"`
	// FailOnNewOnly is true when only new failures (not in Baseline)
	// fail the verdict (--fail-on new).
	FailOnNewOnly bool `json:"failOnNewOnly,omitempty"`
	// RootCauses are the failing Okta operations that blocked scenarios
	// in their Given/When steps, largest first; see Scenario.BlockedBy.
	RootCauses []RootCause `json:"rootCauses,omitempty"`
	// Selection is what the run selected: its selection expression and
	// shard, or for a merged run the shards it was merged from. Nil in a
	// results.json written before schema 1.3.
	Selection *Selection `json:"selection,omitempty"`
	Totals    Totals     `json:"totals"`
	Features  []Feature  `json:"features"`
	// LoadReport is the file name of a load report (FileLoadHTML, written
	// by `scimconform load`) in the output directory the run is written
	// to, which report.html and summary.md link to; WriteFormats sets it
	// when that file exists there. Not part of results.json.
	LoadReport string `json:"-"`
}

// Selection records which scenarios of the catalogue a run lists.
type Selection struct {
	// Expression is the canonical selection without the shard (tags,
	// tier, areas, declared capabilities), e.g.
	// `tags="" tier=all features=all declared=groups`: runs with the same
	// Expression and CatalogVersion list the same scenarios.
	Expression string `json:"expression"`
	// Shard is "K/N" when the run ran only shard K of N of the selection
	// (`run --shard`); empty for a whole selection. Scenarios of other
	// shards are not listed in the run at all.
	Shard string `json:"shard,omitempty"`
	// MergedFrom lists the shards ("1/3", "2/3", ...) a merged run (`report
	// merge`) was built from, in order; empty for a run that was not merged.
	MergedFrom []string `json:"mergedFrom,omitempty"`
}

// Capability is one optional feature of the app under test that decides
// which scenarios are in scope.
type Capability struct {
	// Name is the capability's tag name without "needs-", e.g. "groups", "sso".
	Name string `json:"name"`
	// Declared is true when the run declared the app has it: its scenarios
	// are in scope and required.
	Declared bool `json:"declared"`
	// Flag is what declares it, e.g. "--groups" or "--saml-acs and --saml-audience".
	Flag string `json:"flag"`
	// Note says in one sentence what is (not) tested, e.g.
	// "SSO not tested: no --saml-acs given".
	Note string `json:"note"`
}

// Tool names the program that produced the run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target describes what was tested. It never holds a credential, not even a
// part of one.
type Target struct {
	BaseURL  string `json:"baseUrl"`
	AuthMode string `json:"authMode"`
	Profile  string `json:"profile"`
	// Image is the Docker image under test, when the target was started
	// from one; empty otherwise.
	Image string `json:"image,omitempty"`
	// Logs is the tail of the target's own log (a container's stdout and
	// stderr), redacted; empty when the harness could not see it.
	Logs string `json:"logs,omitempty"`
}

// Totals counts scenarios by status. Scenarios counts every listed
// scenario, the not-in-scope ones included. RequiredFailed counts required
// scenarios whose status is fail; RequiredErrored those in error;
// RequiredSkipped in-scope required scenarios that were skipped. Together
// with Errored they decide the Verdict.
type Totals struct {
	Scenarios       int `json:"scenarios"`
	Passed          int `json:"passed"`
	Failed          int `json:"failed"`
	Errored         int `json:"errored"`
	Skipped         int `json:"skipped"`
	NotInScope      int `json:"notInScope"`
	RequiredFailed  int `json:"requiredFailed"`
	RequiredErrored int `json:"requiredErrored"`
	RequiredSkipped int `json:"requiredSkipped"`
	// Waived counts scenarios whose failure a waiver covers (StatusWaived).
	Waived int `json:"waived,omitempty"`
	// StrictStale counts stale waivers when the run treats them as
	// failures (Run.WaiversStrict); zero otherwise.
	StrictStale int `json:"strictStale,omitempty"`
	// KnownFailed counts required failures also failing in the baseline,
	// when Run.FailOnNewOnly; they do not fail the verdict.
	KnownFailed int `json:"knownFailed,omitempty"`
}

// Feature is one .feature file.
type Feature struct {
	Name      string     `json:"name"`
	URI       string     `json:"uri"`
	Tags      []string   `json:"tags,omitempty"`
	Scenarios []Scenario `json:"scenarios"`
}

// Scenario is one scenario with its identity, tier and outcome.
type Scenario struct {
	// ID is the stable scenario ID from its tag, e.g. "USR-001".
	ID    string `json:"id"`
	Title string `json:"title"`
	// Tier is "required" or "optional"; "strict" for an RFC strict-tier
	// scenario of a run without --strict (it is then not in scope). The
	// @must/@should tag in Tags is the RFC key word of a strict scenario.
	Tier string `json:"tier"`
	// TierNote says, for a scenario that needs a capability (its
	// @needs-<name> tags), why it has its tier in this run: e.g.
	// "required: --groups declared", or "required if --groups declared"
	// when it is not in scope. ComputeTotals fills it from Tags and
	// Run.Scope; empty for a scenario that needs nothing.
	TierNote string `json:"tierNote,omitempty"`
	// Areas are the area tags without "@", e.g. ["users"].
	Areas []string `json:"areas,omitempty"`
	// Tags are all tags of the scenario, with "@".
	Tags []string `json:"tags,omitempty"`
	// SpecRefs are the spec references quoted above the scenario, e.g.
	// "RFC 7644 §3.4.2" or an Okta documentation URL.
	SpecRefs []string `json:"specRefs,omitempty"`
	// Fix is the catalogue's how-to-fix hint for the scenario (its
	// "# Fix:" comment), for the app's developer; empty when none.
	Fix    string `json:"fix,omitempty"`
	Line   int    `json:"line,omitempty"`
	Status Status `json:"status"`
	// Reason explains a skip or error, or summarises a failure in one line.
	Reason     string  `json:"reason,omitempty"`
	DurationMS float64 `json:"durationMs"`
	Steps      []Step  `json:"steps"`
	// Waiver is the waiver that covers this scenario's failure when Status
	// is StatusWaived; nil otherwise.
	Waiver *Waiver `json:"waiver,omitempty"`
	// BlockedBy is the key of the RootCause that stopped this failed
	// scenario in a setup (Given/When) step, before its own Then checks:
	// still a failure for the verdict, but caused by that operation.
	// Empty when the scenario's own check failed, or it did not fail.
	BlockedBy string `json:"blockedBy,omitempty"`
	// Regression is "new" or "known" for a failing scenario of a run
	// compared with a baseline (known: it failed there too); empty when
	// there is no baseline or the scenario did not fail.
	Regression string `json:"regression,omitempty"`
}

// Step is one Gherkin step and the HTTP exchanges it made.
type Step struct {
	Keyword    string     `json:"keyword"`
	Text       string     `json:"text"`
	Line       int        `json:"line,omitempty"`
	Status     Status     `json:"status"`
	Reason     string     `json:"reason,omitempty"`
	DurationMS float64    `json:"durationMs"`
	Failure    *Failure   `json:"failure,omitempty"`
	Exchanges  []Exchange `json:"exchanges,omitempty"`
}

// Failure is why a step failed. Expected and Actual are filled when the
// check compares two values; Message always is.
type Failure struct {
	Message  string `json:"message"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
}

// Exchange is one HTTP request and its response, already redacted.
// StatusCode is 0 and Error is set when no response arrived.
type Exchange struct {
	StartedAt       time.Time   `json:"startedAt"`
	DurationMS      float64     `json:"durationMs"`
	Method          string      `json:"method"`
	URL             string      `json:"url"`
	RequestHeaders  http.Header `json:"requestHeaders,omitempty"`
	RequestBody     string      `json:"requestBody,omitempty"`
	StatusCode      int         `json:"statusCode"`
	ResponseHeaders http.Header `json:"responseHeaders,omitempty"`
	ResponseBody    string      `json:"responseBody,omitempty"`
	// Truncated is true when a body was cut to keep the report small.
	Truncated bool `json:"truncated,omitempty"`
	// BodySize is the number of response body bytes the target sent (as
	// far as they were read; reading stops at --max-body) when
	// ResponseBody holds only part of them; 0 when the body is whole.
	BodySize int64 `json:"bodySize,omitempty"`
	// BodyDigest is "sha256:<hex>" of those BodySize bytes; "" when the
	// body is whole.
	BodyDigest string `json:"bodyDigest,omitempty"`
	Error      string `json:"error,omitempty"`
}
