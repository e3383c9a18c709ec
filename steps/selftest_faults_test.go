package steps_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/scimconform/scimconform/features"
	"github.com/scimconform/scimconform/internal/faults"
	"github.com/scimconform/scimconform/internal/selftarget"
	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// The fault matrix: "test the tester". Each fault of the shared catalogue
// (internal/faults, reviewed there as data) is injected alone into the
// built-in target, in each client profile it applies to, and the suite
// must fail exactly the fault's targets and collateral; each target must
// fail at a Then step whose text and failure message the fault declares.
// A failure in a Given or When step proves nothing about the scenario.

// plannedStep is one step of a scenario as the feature files say it.
type plannedStep struct {
	// keyword is the effective keyword: Given, When or Then; And/But take
	// the one before them, Background steps are Given.
	keyword string
	text    string
}

// featureSteps returns, per scenario ID, its steps in the order the
// suite runs them (Background first), with effective keywords. It parses
// features.FS with gherkin and follows each pickle step's AstNodeIds to
// the step it came from.
func featureSteps(t testing.TB) map[string][]plannedStep {
	t.Helper()
	files, err := fs.Glob(features.FS, "*.feature")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]plannedStep{}
	idTag := regexp.MustCompile(`^@[A-Z]{2,5}-\d{3}$`)
	for _, name := range files {
		src, err := fs.ReadFile(features.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		var ids messages.Incrementing
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(src), ids.NewId)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		keyword := map[string]string{} // AST step id -> effective keyword
		for _, child := range doc.Feature.Children {
			switch {
			case child.Background != nil:
				for _, st := range child.Background.Steps {
					keyword[st.Id] = "Given"
				}
			case child.Scenario != nil:
				last := "Given"
				for _, st := range child.Scenario.Steps {
					switch st.KeywordType {
					case messages.StepKeywordType_CONTEXT:
						last = "Given"
					case messages.StepKeywordType_ACTION:
						last = "When"
					case messages.StepKeywordType_OUTCOME:
						last = "Then"
					}
					keyword[st.Id] = last
				}
			}
		}
		for _, p := range gherkin.Pickles(*doc, name, ids.NewId) {
			id := ""
			for _, tg := range p.Tags {
				if idTag.MatchString(tg.Name) {
					id = strings.TrimPrefix(tg.Name, "@")
				}
			}
			for _, ps := range p.Steps {
				kw, ok := keyword[ps.AstNodeIds[0]]
				if !ok {
					t.Fatalf("%s: pickle step %q has no AST step", id, ps.Text)
				}
				out[id] = append(out[id], plannedStep{keyword: kw, text: ps.Text})
			}
		}
	}
	return out
}

// proofOK checks that scenario sc failed the way br declares; it returns
// "" or what is wrong.
func proofOK(sc reports.Scenario, br faults.Break, want faults.Outcome, plan []plannedStep) string {
	switch want {
	case faults.Error:
		if sc.Status != reports.StatusError {
			return fmt.Sprintf("%s ended %s, want error", sc.ID, sc.Status)
		}
	case faults.ErrorOrFail:
		if sc.Status != reports.StatusError && sc.Status != reports.StatusFail {
			return fmt.Sprintf("%s ended %s, want error or fail", sc.ID, sc.Status)
		}
	default:
		if sc.Status != reports.StatusFail {
			return fmt.Sprintf("%s ended %s, want fail (%s)", sc.ID, sc.Status, sc.Reason)
		}
	}
	if br.Then == "" && br.Message == "" {
		return ""
	}
	if len(plan) != len(sc.Steps) {
		return fmt.Sprintf("%s ran %d steps, the feature file has %d", sc.ID, len(sc.Steps), len(plan))
	}
	for i, st := range sc.Steps {
		if st.Status != reports.StatusFail && st.Status != reports.StatusError {
			continue
		}
		msg := ""
		if st.Failure != nil {
			msg = st.Failure.Message
		}
		switch {
		case plan[i].text != st.Text:
			return fmt.Sprintf("%s step %d is %q in the report, %q in the feature file", sc.ID, i+1, st.Text, plan[i].text)
		case plan[i].keyword != "Then":
			return fmt.Sprintf("%s failed at %s step %q (%s), not at a Then step: a failing setup proves nothing", sc.ID, plan[i].keyword, st.Text, msg)
		case !strings.Contains(st.Text, br.Then):
			return fmt.Sprintf("%s failed at Then %q (%s), want the step %q", sc.ID, st.Text, msg, br.Then)
		case !strings.Contains(strings.ToLower(msg), strings.ToLower(br.Message)):
			return fmt.Sprintf("%s failed at Then %q with %q, want a message containing %q", sc.ID, st.Text, msg, br.Message)
		}
		return ""
	}
	return fmt.Sprintf("%s has no failed step (%s)", sc.ID, sc.Reason)
}

// runWithFault runs the whole catalogue against the built-in target with
// fault f injected, in profile. It may run on any goroutine: it reports
// through its error and registers cleanups only.
func runWithFault(t *testing.T, f faults.Fault, profile okta.Profile) (*reports.Run, error) {
	o := selftarget.Options{Token: selfTestToken}
	switch f.Kind {
	case faults.SCIM:
		o.Reference = []reference.Option{reference.WithFaults(f.Name)}
	case faults.SSO:
		o.SSOFaults = []string{f.Name}
	case faults.Target:
		o.Faults = []string{f.Name}
	default:
		return nil, fmt.Errorf("unknown kind %q", f.Kind)
	}
	tg, err := selftarget.Start(o)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = tg.Close() })
	ctx := context.Background()
	secret, info, err := tg.Server.Tokens().Create(ctx, "to be revoked")
	if err != nil {
		return nil, err
	}
	// Used once, as Okta would have, before the admin revoked it.
	c, err := okta.New(okta.Config{BaseURL: tg.BaseURL, Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: secret}})
	if err != nil {
		return nil, err
	}
	if ex := c.Do(ctx, okta.Request{Method: "GET", Path: "/Users?startIndex=1&count=1"}); ex.StatusCode != 200 {
		return nil, fmt.Errorf("new token refused before revocation: %d %s", ex.StatusCode, ex.Err)
	}
	if err := tg.Server.Tokens().Revoke(ctx, info.ID); err != nil {
		return nil, err
	}
	cfg := suiteConfig(tg.BaseURL, profile)
	cfg.SSO = tg.SSO
	cfg.RevokedToken = secret
	if targetsStrict(f) {
		cfg.Selection.Strict = "should" // selftest_strict_test.go
	}
	if f.ShortTimeout {
		// The target holds some requests until the client gives up; a
		// short timeout keeps the run quick (the answers that come, come
		// within milliseconds).
		cfg.Timeout = 400 * time.Millisecond
	}
	return steps.Run(ctx, cfg)
}

// checkFault compares one run with what f declares; it returns the
// problems found.
func checkFault(f faults.Fault, profile okta.Profile, run *reports.Run, plan map[string][]plannedStep) []string {
	want := map[string]bool{}
	for _, br := range f.Breaks {
		want[br.Scenario] = true
	}
	collateral := f.CollateralIn(string(profile))
	for _, id := range collateral {
		want[id] = true
	}
	byID := map[string]reports.Scenario{}
	var got []string
	for _, ft := range run.Features {
		for _, sc := range ft.Scenarios {
			byID[sc.ID] = sc
			// Not in scope is no verdict: the strict tier of a run
			// without --strict (every other capability is declared).
			if sc.Status != reports.StatusPass && sc.Status != reports.StatusNotInScope {
				got = append(got, sc.ID)
			}
		}
	}
	sort.Strings(got)
	var problems []string
	var unexpected []string
	for _, id := range got {
		if !want[id] {
			unexpected = append(unexpected, fmt.Sprintf("%s (%s: %s)", id, byID[id].Status, firstLine(byID[id].Reason)))
		}
	}
	if len(unexpected) > 0 {
		problems = append(problems, "undeclared non-passing scenarios: "+strings.Join(unexpected, "; "))
	}
	for _, br := range f.Breaks {
		sc, ran := byID[br.Scenario]
		if !ran {
			problems = append(problems, br.Scenario+" did not run")
			continue
		}
		if p := proofOK(sc, br, f.Expected(), plan[br.Scenario]); p != "" {
			problems = append(problems, p)
		}
	}
	for _, id := range collateral {
		if sc, ran := byID[id]; !ran || sc.Status == reports.StatusPass || sc.Status == reports.StatusSkip {
			problems = append(problems, fmt.Sprintf("collateral %s did not fail or error (%s)", id, sc.Status))
		}
	}
	return problems
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// TestEveryFaultBreaksExactlyItsScenarios runs the fault matrix: every
// fault of the catalogue, in both client profiles (unless it declares one).
// The runs overlap and all happen before the subtests report, so -run
// does not shorten it; SCIMCONFORM_FAULTS=name,name runs only those.
// matrixProfiles returns the profiles the matrix runs f in. full
// (SCIMCONFORM_MATRIX=full: CI and `make test-full`) is every profile f
// applies to. Otherwise, to keep `make test` near five minutes, a fault
// that behaves alike in both profiles runs in one of them, chosen by its
// name (stable, about half each); faults restricted to a profile or with
// profile-specific collateral still run in each profile they name.
func matrixProfiles(f faults.Fault, full bool) []okta.Profile {
	var out []okta.Profile
	for _, p := range []okta.Profile{okta.ProfileOIN, okta.ProfileAIW} {
		if f.AppliesTo(string(p)) {
			out = append(out, p)
		}
	}
	if full || len(out) < 2 || len(f.ProfileCollateral) > 0 {
		return out
	}
	i := nameShare(f.Name, 2)
	return out[i : i+1]
}

// nameShare puts a fault name in one of n stable shares (FNV-1a).
func nameShare(name string, n uint32) uint32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32() % n
}

func TestEveryFaultBreaksExactlyItsScenarios(t *testing.T) {
	if raceEnabled {
		// ~110 suite runs take minutes under the race detector; the
		// race-free part of `make test` runs this matrix (see Makefile),
		// and the race-enabled run covers the same code in the passing
		// suite (TestSuitePassesAgainstReference).
		t.Skip("the fault matrix runs in `make test` without -race")
	}
	plan := featureSteps(t)
	start := time.Now()
	t.Cleanup(func() { t.Logf("fault matrix: %v wall time", time.Since(start).Round(time.Millisecond)) })
	all := faults.All()
	// The slow ones (a target that hangs) first, so the others overlap them.
	sort.SliceStable(all, func(i, j int) bool { return all[i].ShortTimeout && !all[j].ShortTimeout })
	type job struct {
		f       faults.Fault
		profile okta.Profile
		run     *reports.Run
		err     error
	}
	only := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("SCIMCONFORM_FAULTS"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			only[n] = true
		}
	}
	var jobs []*job
	for _, f := range all {
		if len(only) > 0 && !only[f.Name] {
			continue
		}
		for _, profile := range matrixProfiles(f, os.Getenv("SCIMCONFORM_MATRIX") == "full") {
			jobs = append(jobs, &job{f: f, profile: profile})
		}
	}
	// Suite runs may overlap: godog's Run only sets GODOG_SEED and
	// GODOG_TESTED_PACKAGE, which its formatters read for display and the
	// suite discards. A run waits on loopback HTTP and SQLite as much as
	// it computes, so twice as many as there are CPUs run at once.
	sem := make(chan struct{}, 2*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			j.run, j.err = runWithFault(t, j.f, j.profile)
		}()
	}
	wg.Wait()
	for _, j := range jobs {
		t.Run(j.f.Name+"/"+string(j.profile), func(t *testing.T) {
			if j.err != nil {
				t.Fatalf("fault %s: %v", j.f.Name, j.err)
			}
			problems := checkFault(j.f, j.profile, j.run, plan)
			if len(problems) == 0 {
				return
			}
			prefix := ""
			if j.f.Pending != "" {
				prefix = "PENDING (" + j.f.Pending + "): "
			}
			t.Errorf("%sfault %s (%s):\n  %s", prefix, j.f.Name, j.f.Description, strings.Join(problems, "\n  "))
		})
	}
}

// TestConcurrentSuiteRuns backs the matrix's overlapping runs under the
// race detector: two suite runs with different faults at once, each must
// still produce its own verdicts.
func TestConcurrentSuiteRuns(t *testing.T) {
	if !raceEnabled {
		t.Skip("the fault matrix covers overlapping runs without -race")
	}
	plan := featureSteps(t)
	var wg sync.WaitGroup
	for _, name := range []string{"create-200", "sso-skip-signature"} {
		f, _ := faults.Lookup(name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, err := runWithFault(t, f, okta.ProfileOIN)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			if p := checkFault(f, okta.ProfileOIN, run, plan); len(p) > 0 {
				t.Errorf("%s: %s", name, strings.Join(p, "; "))
			}
		}()
	}
	wg.Wait()
}
