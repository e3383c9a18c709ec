package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
)

// actionMeta is the part of action.yml the tests read.
type actionMeta struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Inputs      map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name       string            `yaml:"name"`
	ID         string            `yaml:"id"`
	If         string            `yaml:"if"`
	Uses       string            `yaml:"uses"`
	Shell      string            `yaml:"shell"`
	Run        string            `yaml:"run"`
	WorkingDir string            `yaml:"working-directory"`
	Env        map[string]string `yaml:"env"`
	With       map[string]string `yaml:"with"`
}

func readAction(t *testing.T) actionMeta {
	t.Helper()
	b, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionMeta
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// readmeWorkflow is the first example workflow in README.md: the yaml
// block that uses the action.
func readmeWorkflow(t *testing.T) []byte {
	t.Helper()
	return readmeWorkflows(t)[0]
}

// readmeWorkflows are the README's example workflows: every yaml block
// that uses the action (the single job, the sharded matrix).
func readmeWorkflows(t *testing.T) [][]byte {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(b, -1) {
		if bytes.Contains(m[1], []byte("uses: scimconform/scimconform@")) {
			out = append(out, m[1])
		}
	}
	if len(out) == 0 {
		t.Fatal("README.md has no example workflow using the action")
	}
	return out
}

func lint(t *testing.T, name string, wf []byte) []*actionlint.Error {
	t.Helper()
	opts := &actionlint.LinterOptions{WorkingDir: t.TempDir()}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, wf, 0o644); err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(path, wf, nil)
	if err != nil {
		t.Fatalf("actionlint: %v", err)
	}
	return errs
}

// TestReadmeWorkflowLints lints the README's example workflow with
// actionlint (the library: no network), and the action's own steps
// inlined into a workflow, so their expressions and scripts are checked
// too. It proves it can fail on a broken copy.
func TestReadmeWorkflowLints(t *testing.T) {
	wfs := readmeWorkflows(t)
	if len(wfs) < 2 || !bytes.Contains(wfs[1], []byte("report merge")) || !bytes.Contains(wfs[1], []byte("shard: ${{ matrix.shard }}/3")) {
		t.Error("README lacks the sharded matrix example (three shards and a merge job)")
	}
	for i, wf := range wfs {
		for _, e := range lint(t, fmt.Sprintf("example%d.yml", i+1), wf) {
			t.Errorf("README workflow %d: %s", i+1, e.Error())
		}
	}
	wf := wfs[0]
	broken := bytes.Replace(wf, []byte("runs-on: ubuntu-latest"), []byte("runs-on: ubuntu-latest\n    timeout-minutes: soon"), 1)
	if len(lint(t, "broken.yml", broken)) == 0 {
		t.Error("actionlint accepts a broken workflow: the lint proves nothing")
	}

	a := readAction(t)
	inputs := map[string]any{}
	for name, in := range a.Inputs {
		inputs[name] = map[string]any{"description": in.Description, "required": in.Required, "type": "string"}
	}
	steps := []any{map[string]any{"uses": "actions/checkout@v4"}}
	for _, s := range a.Runs.Steps {
		m := map[string]any{"name": s.Name}
		for k, v := range map[string]string{"id": s.ID, "if": s.If, "uses": s.Uses, "shell": s.Shell, "run": s.Run, "working-directory": s.WorkingDir} {
			if v != "" {
				m[k] = v
			}
		}
		if len(s.Env) > 0 {
			m["env"] = s.Env
		}
		if len(s.With) > 0 {
			m["with"] = s.With
		}
		steps = append(steps, m)
	}
	inlined, err := yaml.Marshal(map[string]any{
		"name": "action-inlined",
		"on":   map[string]any{"workflow_dispatch": map[string]any{"inputs": inputs}},
		"jobs": map[string]any{"check": map[string]any{"runs-on": "ubuntu-latest", "steps": steps}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range lint(t, "inlined.yml", inlined) {
		t.Errorf("action.yml steps: %s", e.Error())
	}
}

// TestActionStructure checks action.yml's metadata: the inputs, a
// composite run, a shell on every run step, no expression spliced into a
// script (inputs reach scripts only as environment variables), and the
// artifact upload.
func TestActionStructure(t *testing.T) {
	a := readAction(t)
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs a name and a description")
	}
	for _, in := range []string{"url", "token", "profile", "tags", "tier", "capabilities", "formats", "out"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("input %q missing", in)
		}
	}
	if !a.Inputs["url"].Required || !a.Inputs["token"].Required {
		t.Error("url and token must be required inputs")
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	uploads := false
	for _, s := range a.Runs.Steps {
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %q runs a script without a shell", s.Name)
		}
		if s.Run != "" && strings.Contains(s.Run, "${{") {
			t.Errorf("step %q splices an expression into its script", s.Name)
		}
		if strings.HasPrefix(s.Uses, "actions/upload-artifact@") {
			uploads = true
		}
	}
	if !uploads {
		t.Error("the action does not upload the report folder")
	}
}

// actionRunner runs the shell steps of action.yml as the runner would,
// with fake GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP and workspace.
type actionRunner struct {
	t                    *testing.T
	inputs               map[string]string
	outputs              map[string]map[string]string
	summary, tmp, work   string
	stdout               strings.Builder
	failed               bool
	lastCode             int
	env                  []string
	onlyStep, actionPath string
}

var exprRe = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

func (r *actionRunner) expand(s string) string {
	return exprRe.ReplaceAllStringFunc(s, func(m string) string {
		e := exprRe.FindStringSubmatch(m)[1]
		switch {
		case strings.HasPrefix(e, "inputs."):
			return r.inputs[strings.TrimPrefix(e, "inputs.")]
		case e == "github.action_path":
			return r.actionPath
		case strings.HasPrefix(e, "steps."):
			parts := strings.SplitN(e, ".", 4) // steps.ID.outputs.NAME
			if len(parts) == 4 {
				return r.outputs[parts[1]][parts[3]]
			}
		}
		r.t.Fatalf("unknown expression %q", e)
		return ""
	})
}

// run executes the steps (only the named one when onlyStep is set).
func (r *actionRunner) run(steps []actionStep) {
	for _, s := range steps {
		if r.onlyStep != "" && s.Name != r.onlyStep {
			continue
		}
		if s.Uses != "" || s.Run == "" {
			continue // setup-go and upload-artifact run only on GitHub
		}
		if r.failed && s.If != "always()" {
			continue
		}
		out := filepath.Join(r.tmp, "output-"+s.Name)
		script := filepath.Join(r.tmp, "script.sh")
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			r.t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = r.work
		if s.WorkingDir != "" {
			cmd.Dir = r.expand(s.WorkingDir)
		}
		cmd.Env = append(append(os.Environ(), r.env...), "GITHUB_STEP_SUMMARY="+r.summary, "GITHUB_OUTPUT="+out, "RUNNER_TEMP="+r.tmp, "GITHUB_WORKSPACE="+r.work)
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+r.expand(v))
		}
		var so bytes.Buffer
		cmd.Stdout, cmd.Stderr = &so, &so
		err := cmd.Run()
		cancel()
		r.stdout.WriteString(so.String())
		r.lastCode = 0
		if ee, ok := err.(*exec.ExitError); ok {
			r.lastCode = ee.ExitCode()
			r.failed = true
		} else if err != nil {
			r.t.Fatalf("step %q: %v", s.Name, err)
		}
		if s.ID != "" {
			r.outputs[s.ID] = readOutputs(r.t, out)
		}
	}
}

func readOutputs(t *testing.T, path string) map[string]string {
	m := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

func newActionRunner(t *testing.T, inputs map[string]string) *actionRunner {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	a := readAction(t)
	all := map[string]string{}
	for name, in := range a.Inputs {
		if in.Default != nil {
			all[name] = *in.Default
		}
	}
	for k, v := range inputs {
		all[k] = v
	}
	tmp := t.TempDir()
	r := &actionRunner{t: t, inputs: all, outputs: map[string]map[string]string{}, summary: filepath.Join(tmp, "step-summary.md"),
		tmp: tmp, work: filepath.Join(tmp, "workspace"), actionPath: wd}
	if err := os.MkdirAll(r.work, 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestActionShellSteps runs every shell step of action.yml locally (the
// build included) against a reference server with a defect: the run
// step's exit code is an output, summary.md lands in the step summary,
// USR-004 (broken) gets one ::error annotation and USR-001 (passing) none,
// the last step fails the job with exit 1, and the token appears nowhere.
// Then the summary step alone against a fake results folder with hostile
// text, and an unknown capability.
func TestActionShellSteps(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	a := readAction(t)
	url := referenceURL(t, reference.WithFaults("case-sensitive-filter"))
	r := newActionRunner(t, map[string]string{"url": url, "token": cliTestToken, "tags": "@USR-001,@USR-004", "formats": "junit"})
	r.run(a.Runs.Steps)
	if got := r.outputs["run"]["exit-code"]; got != "1" {
		t.Fatalf("exit-code output %q, want 1\n%s", got, r.stdout.String())
	}
	if r.lastCode != 1 {
		t.Errorf("the last step exits %d, want the run's 1", r.lastCode)
	}
	summary, _ := os.ReadFile(r.summary)
	if !strings.Contains(string(summary), "conformance: ❌ fail") {
		t.Errorf("step summary:\n%s", summary)
	}
	out := r.stdout.String()
	if n := strings.Count(out, "::error title=USR-004"); n != 1 || strings.Contains(out, "::error title=USR-001") {
		t.Errorf("annotations:\n%s", out)
	}
	for _, f := range []string{reports.FileJSON, reports.FileMarkdown, reports.FileJUnit} {
		if _, err := os.Stat(filepath.Join(r.work, "scimconform-report", f)); err != nil {
			t.Errorf("report folder: %v", err)
		}
	}
	if strings.Contains(out+string(summary), cliTestToken) {
		t.Error("the token appears in the log or the summary")
	}

	// The summary step alone, against a tiny fake results folder whose
	// server text tries to inject a workflow command.
	fake := newActionRunner(t, map[string]string{"out": "fake"})
	fake.env = []string{}
	if err := os.MkdirAll(filepath.Join(fake.work, "fake"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(r.tmp, "scimconform"), filepath.Join(fake.tmp, "scimconform")); err != nil {
		t.Fatal(err)
	}
	run := &reports.Run{SchemaVersion: reports.SchemaVersion, Features: []reports.Feature{{Name: "f", URI: "f", Scenarios: []reports.Scenario{{
		ID: "USR-001", Title: "t", Tier: "required", Status: reports.StatusFail,
		Steps: []reports.Step{{Keyword: "Then ", Text: "x", Status: reports.StatusFail, Failure: &reports.Failure{Message: "bad\n::add-mask::secret\n::warning::x"}}},
	}}}}}
	run.ComputeTotals()
	if _, err := reports.WriteFormats(filepath.Join(fake.work, "fake"), run, reports.FormatJSON, reports.FormatMarkdown); err != nil {
		t.Fatal(err)
	}
	fake.onlyStep = "Summary and annotations"
	fake.run(a.Runs.Steps)
	lines := strings.Split(strings.TrimSpace(fake.stdout.String()), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "::error title=USR-001 t::") || strings.Count(lines[0], "::") != 2 {
		t.Errorf("fake annotations:\n%s", fake.stdout.String())
	}
	if s, _ := os.ReadFile(fake.summary); !strings.Contains(string(s), "USR-001") {
		t.Errorf("fake summary:\n%s", s)
	}

	// The shard input reaches run --shard: the report records the shard.
	sh := newActionRunner(t, map[string]string{"url": url, "token": cliTestToken, "tags": "@users", "shard": "2/2"})
	if err := os.Link(filepath.Join(r.tmp, "scimconform"), filepath.Join(sh.tmp, "scimconform")); err != nil {
		t.Fatal(err)
	}
	sh.onlyStep = "Run the conformance suite"
	sh.run(a.Runs.Steps)
	if got := readRunJSON(t, filepath.Join(sh.work, "scimconform-report")); got.Selection == nil || got.Selection.Shard != "2/2" {
		t.Errorf("shard input: results record selection %+v\n%s", got.Selection, sh.stdout.String())
	}

	caps := newActionRunner(t, map[string]string{"url": url, "token": cliTestToken, "capabilities": "groups, password-sync,entitlements", "tags": "@PWD-001,@ENT-001"})
	if err := os.Link(filepath.Join(r.tmp, "scimconform"), filepath.Join(caps.tmp, "scimconform")); err != nil {
		t.Fatal(err)
	}
	caps.onlyStep = "Run the conformance suite"
	caps.run(a.Runs.Steps)
	declared := map[string]bool{}
	for _, c := range readRunJSON(t, filepath.Join(caps.work, "scimconform-report")).Scope {
		declared[c.Name] = c.Declared
	}
	if caps.lastCode != 0 || !declared["groups"] || !declared["password-sync"] || !declared["entitlements"] || declared["attributes"] {
		t.Errorf("capabilities input: exit %d, declared %v\n%s", caps.lastCode, declared, caps.stdout.String())
	}

	bad := newActionRunner(t, map[string]string{"url": url, "token": cliTestToken, "capabilities": "groups,gropus"})
	if err := os.Link(filepath.Join(r.tmp, "scimconform"), filepath.Join(bad.tmp, "scimconform")); err != nil {
		t.Fatal(err)
	}
	bad.onlyStep = "Run the conformance suite"
	bad.run(a.Runs.Steps)
	if bad.lastCode != 2 || !strings.Contains(bad.stdout.String(), "unknown capability 'gropus'") {
		t.Errorf("unknown capability: exit %d\n%s", bad.lastCode, bad.stdout.String())
	}
}
