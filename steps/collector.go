package steps

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
)

// collector builds the results model from godog's hooks. Under
// concurrency, hooks of different scenarios run on different goroutines.
type collector struct {
	mu       sync.Mutex
	cfg      *Config
	rs       *runState // nil in unit tests of the collector
	byID     map[string]ScenarioInfo
	order    []ScenarioInfo
	total    int
	done     int
	running  map[string]*scenarioRun // by pickle id
	finished map[string]*reports.Scenario
	// secrets are generated passwords seen during the run, for Run.Redact.
	secrets []string
}

// addSecrets remembers secrets a scenario produced (generated passwords).
func (c *collector) addSecrets(s []string) {
	c.mu.Lock()
	c.secrets = append(c.secrets, s...)
	c.mu.Unlock()
}

func (c *collector) generatedSecrets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.secrets...)
}

// notInScope records s as not run because the run does not declare a
// capability it needs.
func (c *collector) notInScope(s ScenarioInfo) {
	res := &reports.Scenario{
		ID: s.ID, Title: s.Title, Tier: c.cfg.Selection.EffectiveTier(s), Areas: s.Areas, Tags: s.Tags,
		SpecRefs: s.SpecRefs, Fix: s.Fix, Line: s.Line, Status: reports.StatusNotInScope,
		Reason: c.cfg.Selection.notInScopeReason(s), Steps: []reports.Step{},
	}
	c.mu.Lock()
	c.finished[s.ID] = res
	c.mu.Unlock()
}

// progressScope prints, before the first scenario, one line per
// undeclared capability that leaves listed scenarios out of scope.
func (c *collector) progressScope(selected []ScenarioInfo) {
	p := c.cfg.Progress
	if p == nil {
		return
	}
	for _, capb := range capabilities {
		if c.cfg.Selection.Declares(capb.name) {
			continue
		}
		n := 0
		for _, s := range selected {
			if slices.Contains(s.Needs, capb.name) {
				n++
			}
		}
		if n > 0 {
			fmt.Fprintf(p, "not in scope: %d scenario(s) — %s\n", n, capb.note(false))
		}
	}
}

type scenarioRun struct {
	res       *reports.Scenario
	started   time.Time
	stepIdx   map[string]int // pickle step id -> index
	stepStart time.Time
}

func newCollector(cfg *Config, all []ScenarioInfo, total int) *collector {
	c := &collector{cfg: cfg, byID: map[string]ScenarioInfo{}, total: total,
		running: map[string]*scenarioRun{}, finished: map[string]*reports.Scenario{}}
	for _, s := range all {
		c.byID[s.ID] = s
		c.order = append(c.order, s)
	}
	return c
}

func scenarioID(s *godog.Scenario) string {
	for _, t := range s.Tags {
		if idTag.MatchString(t.Name) {
			return strings.TrimPrefix(t.Name, "@")
		}
	}
	return ""
}

func (c *collector) begin(s *godog.Scenario) {
	id := scenarioID(s)
	info := c.byID[id]
	res := &reports.Scenario{
		ID: id, Title: s.Name, Tier: c.cfg.Selection.EffectiveTier(info), Areas: info.Areas,
		SpecRefs: info.SpecRefs, Fix: info.Fix, Line: info.Line, Status: reports.StatusPass,
	}
	for _, t := range s.Tags {
		res.Tags = append(res.Tags, t.Name)
	}
	sr := &scenarioRun{res: res, started: time.Now(), stepIdx: map[string]int{}}
	for i, ps := range s.Steps {
		st := reports.Step{Text: ps.Text, Status: reports.StatusSkip, Reason: "not run: an earlier step did not pass"}
		// Pickle steps are the Background steps and then the scenario's,
		// exactly as the catalogue lists them.
		if i < len(info.Steps) && info.Steps[i].Text == ps.Text {
			st.Keyword, st.Line = info.Steps[i].Keyword, info.Steps[i].Line
		}
		res.Steps = append(res.Steps, st)
		sr.stepIdx[ps.Id] = i
	}
	c.mu.Lock()
	c.running[s.Id] = sr
	c.mu.Unlock()
}

// find returns the running scenario that owns pickle step id.
func (c *collector) find(stepID string) (*scenarioRun, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, sr := range c.running {
		if i, ok := sr.stepIdx[stepID]; ok {
			return sr, i
		}
	}
	return nil, 0
}

func (c *collector) stepStarted(st *godog.Step) {
	if sr, _ := c.find(st.Id); sr != nil {
		c.mu.Lock()
		sr.stepStart = time.Now()
		c.mu.Unlock()
	}
}

func (c *collector) stepDone(st *godog.Step, status godog.StepResultStatus, err error, ex []okta.Exchange) {
	sr, i := c.find(st.Id)
	if sr == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	step := &sr.res.Steps[i]
	step.DurationMS = ms(time.Since(sr.stepStart))
	step.Reason = ""
	step.Exchanges = convertExchanges(ex)
	switch {
	case err == nil && status == godog.StepPassed:
		step.Status = reports.StatusPass
	case errors.Is(err, godog.ErrSkip) || status == godog.StepSkipped:
		step.Status = reports.StatusSkip
	default:
		step.Status, step.Failure = classify(err, status)
		c.stopped(step, ex)
		step.Reason = step.Failure.Message
	}
}

// stopped rewrites a failed step of a run that stopped early: a step cut
// short by the stop (one of its requests got no answer) proves nothing and
// is an error. Called with c.mu held.
func (c *collector) stopped(step *reports.Step, ex []okta.Exchange) {
	if c.rs == nil || step.Status != reports.StatusFail {
		return
	}
	cut := false
	for _, e := range ex {
		cut = cut || e.StatusCode == 0
	}
	if stop := c.rs.stopped(); stop != nil && cut {
		step.Status = reports.StatusError
		step.Failure.Message = stop.inFlight + ": " + step.Failure.Message
	}
}

// rateLimitedReason names the rate limit in the reason of a failed
// scenario that met a 429 once the app was found rate-limiting every
// request. Called with c.mu held.
func (c *collector) rateLimitedReason(res *reports.Scenario) {
	if c.rs == nil || res.Status != reports.StatusFail || !c.rs.isRateLimited() {
		return
	}
	for _, st := range res.Steps {
		for _, ex := range st.Exchanges {
			if ex.StatusCode == 429 {
				res.Reason = "the app rate-limits every request; Okta would pause provisioning: " + res.Reason
				return
			}
		}
	}
}

// unfinished records every scenario of runnable that godog did not report
// as an error: not run because of stop, or for an unknown reason.
func (c *collector) unfinished(runnable []ScenarioInfo, stop *stopReason) {
	reason := "not run: the suite runner did not report this scenario"
	if stop != nil {
		reason = stop.notRun
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range runnable {
		if _, ok := c.finished[s.ID]; ok {
			continue
		}
		c.finished[s.ID] = &reports.Scenario{
			ID: s.ID, Title: s.Title, Tier: c.cfg.Selection.EffectiveTier(s), Areas: s.Areas, Tags: s.Tags,
			SpecRefs: s.SpecRefs, Line: s.Line, Status: reports.StatusError, Reason: reason, Steps: []reports.Step{},
		}
	}
}

func (c *collector) end(s *godog.Scenario, err error) {
	c.mu.Lock()
	sr := c.running[s.Id]
	delete(c.running, s.Id)
	if sr == nil {
		c.mu.Unlock()
		return
	}
	res := sr.res
	res.DurationMS = ms(time.Since(sr.started))
	res.Status = reports.StatusPass
	for _, st := range res.Steps {
		if st.Status == reports.StatusFail || st.Status == reports.StatusError {
			res.Status, res.Reason = st.Status, st.Reason
			break
		}
		if st.Status == reports.StatusSkip && res.Status == reports.StatusPass {
			res.Status, res.Reason = reports.StatusSkip, st.Reason
		}
	}
	if res.Status != reports.StatusFail && res.Status != reports.StatusError && err != nil && !errors.Is(err, godog.ErrSkip) {
		// The scenario failed outside a step (hook error, setup failure,
		// undefined step): the harness could not decide, so it is an error,
		// never a skip.
		f := failureOf(err)
		res.Status, res.Reason = reports.StatusError, f.Message
	}
	c.rateLimitedReason(res)
	c.finished[res.ID] = res
	c.done++
	n, total := c.done, c.total
	c.mu.Unlock()
	if p := c.cfg.Progress; p != nil {
		// Only the reason can carry target text or a secret; the ID and
		// title are harness text and are never redacted.
		line := fmt.Sprintf("[%d/%d] %-5s %s %s", n, total, strings.ToUpper(string(res.Status)), res.ID, res.Title)
		if res.Reason != "" && res.Status != reports.StatusPass {
			line += " — " + reports.RedactText(reports.SafeText(firstLine(res.Reason)), c.cfg.secrets()...)
		}
		fmt.Fprintln(p, line)
	}
}

// features groups finished scenarios by feature in catalogue order.
func (c *collector) features() []reports.Feature {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []reports.Feature
	idx := map[string]int{}
	for _, info := range c.order {
		res, ok := c.finished[info.ID]
		if !ok {
			continue
		}
		i, ok := idx[info.URI]
		if !ok {
			i = len(out)
			idx[info.URI] = i
			out = append(out, reports.Feature{Name: info.Feature, URI: "features/" + info.URI})
		}
		out[i].Scenarios = append(out[i].Scenarios, *res)
	}
	return out
}

func classify(err error, status godog.StepResultStatus) (reports.Status, *reports.Failure) {
	f := failureOf(err)
	var he *harnessError
	var sr *stopReason
	var cs *cutShort
	switch {
	case errors.As(err, &sr), errors.As(err, &cs):
		return reports.StatusError, f
	case err == nil:
		return reports.StatusError, &reports.Failure{Message: fmt.Sprintf("step ended with status %v and no error", status)}
	case errors.As(err, &he):
		return reports.StatusError, f
	case status == godog.StepUndefined, status == godog.StepPending, status == godog.StepAmbiguous:
		return reports.StatusError, f
	}
	return reports.StatusFail, f
}

// failureOf renders err as a report failure. Messages quote server text
// (error details, bodies), so every field goes through reports.SafeText.
func failureOf(err error) *reports.Failure {
	if err == nil {
		return &reports.Failure{Message: "unknown failure"}
	}
	var sr *stopReason
	if errors.As(err, &sr) {
		return &reports.Failure{Message: sr.notRun}
	}
	var cs *cutShort
	if errors.As(err, &cs) {
		return &reports.Failure{Message: cs.r.inFlight + ": " + reports.SafeText(err.Error())}
	}
	var ce *checkError
	if errors.As(err, &ce) && len(ce.failures) > 0 {
		f := &reports.Failure{Message: reports.SafeText(ce.Error()), Expected: reports.SafeText(ce.failures[0].expected), Actual: reports.SafeText(ce.failures[0].actual)}
		return f
	}
	return &reports.Failure{Message: reports.SafeText(err.Error())}
}

func convertExchanges(in []okta.Exchange) []reports.Exchange {
	out := make([]reports.Exchange, 0, len(in))
	for _, e := range in {
		x := reports.Exchange{
			StartedAt: e.StartedAt.UTC(), DurationMS: ms(e.Duration), Method: e.Method, URL: e.URL,
			RequestHeaders: e.RequestHeader, RequestBody: string(e.RequestBody), StatusCode: e.StatusCode,
			ResponseHeaders: e.ResponseHeader, ResponseBody: string(e.ResponseBody), Truncated: e.Truncated || e.ResponseCut, Error: e.Err,
		}
		if e.ResponseCut || e.Truncated {
			x.BodySize, x.BodyDigest = e.ResponseSize, e.ResponseDigest
		}
		out = append(out, x)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return short(s)
}

func hasTag(s *godog.Scenario, tag string) bool {
	for _, t := range s.Tags {
		if t.Name == tag {
			return true
		}
	}
	return false
}
