// Package load is `scimconform load`: Okta's bulk provisioning played at
// scale against a SCIM server, with the result checked afterwards.
//
// It sits beside the suite in the data flow: package main turns flags into
// a Config; Run drives the mock Okta client (mockidp/okta) — so every
// request is exactly what Okta sends, with Okta's 429 policy — through a
// metering transport, verifies after each phase by paging /Users (and
// /Groups) as Okta's import does, and returns a Result that the writers
// here turn into load.json and load.html. It knows nothing of the suite,
// the reference server or the CLI, and never exits the process.
//
// Phases, in this order when selected: assign (lookup then create, per
// user; mockidp/okta/WIRE.md §4.1), update (GET + PUT profile push, §5.1), unassign
// (deactivate: PATCH on OIN, GET + PUT on AIW, §6), reassign (lookup, then
// reactivate and sync the profile, §4.1), groups (Group Push of all users
// to a few groups: lookup + POST /Groups, then membership PATCHes, §9.1).
package load

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Op is a bulk operation (a phase).
type Op string

// The phases, in the order Run plays them.
const (
	OpAssign   Op = "assign"
	OpUpdate   Op = "update"
	OpUnassign Op = "unassign"
	OpReassign Op = "reassign"
	OpGroups   Op = "groups"
)

// AllOps lists every phase in play order.
var AllOps = []Op{OpAssign, OpUpdate, OpUnassign, OpReassign, OpGroups}

// DefaultConcurrency is the default number of workers. Okta does not
// document how many provisioning requests it sends to one app at once
// (mockidp/okta/WIRE.md §2.5: "Concurrency / request rate — not documented"; the
// dev-forum question about it is unanswered). [I] A handful of parallel
// tasks is what an admin's bulk assignment looks like from the app's side
// in public reports, so the default stays small: 4 workers is a
// conservative floor, not Okta's ceiling; raise it to find the headroom.
const DefaultConcurrency = 4

// DefaultGroups is the number of groups the groups phase pushes.
const DefaultGroups = 3

// memberChunk is the number of members added per membership PATCH. [I]
// Okta's batch size for large Group Push memberships is not documented.
const memberChunk = 100

// Config configures a load run. Client needs BaseURL and Credentials; Run
// sets its Features, HTTPClient transport and Retry.Sleep.
type Config struct {
	Client okta.Config
	// MaxRetryWait caps each wait after a 429 (0: wait as Okta does).
	MaxRetryWait time.Duration
	// Users is the number of people assigned; at least 1.
	Users int
	// Ops are the phases to play; assign is always played first when a
	// later phase needs the users. Empty: assign, update, unassign.
	Ops []Op
	// Concurrency is the number of workers; 0: DefaultConcurrency.
	Concurrency int
	// Rate limits requests per second over all workers; 0: unlimited.
	Rate float64
	// Ramp spreads the workers' start over this duration.
	Ramp time.Duration
	// Groups is the number of groups of the groups phase; 0: DefaultGroups.
	Groups int
	// Overlap makes every Overlap-th user's assignment run as two
	// concurrent tasks (0: none). [I] Okta re-sends a create it timed out
	// on (mockidp/okta/WIRE.md §2.5, unverified), so a server sees concurrent
	// creates of one userName; exactly one user must result. A 409 answer
	// to the second task is accepted.
	Overlap int
	// Prefix starts every userName and group name of the run; empty: a
	// random "load-xxxxxx-".
	Prefix string
	// Cleanup deletes the run's users and groups at the end where the
	// server allows DELETE; users are deactivated in any case.
	Cleanup bool
	// SLO is checked per phase; the zero value checks nothing.
	SLO SLO
	// Progress receives live progress; nil shows none.
	Progress Progress
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// Result is the outcome of a load run, complete enough for load.json.
type Result struct {
	Target      string        `json:"target"`
	Profile     string        `json:"profile"`
	Users       int           `json:"users"`
	Concurrency int           `json:"concurrency"`
	Rate        float64       `json:"rate_limit,omitempty"`
	Ops         []Op          `json:"ops"`
	StartedAt   time.Time     `json:"started_at"`
	DurationSec float64       `json:"duration_s"`
	Phases      []PhaseResult `json:"phases"`
	// Interrupted says why the run stopped early; "" when it did not.
	Interrupted string         `json:"interrupted,omitempty"`
	Cleanup     *CleanupResult `json:"cleanup,omitempty"`
	// Verdict is pass, fail or error (see Reasons).
	Verdict string   `json:"verdict"`
	Reasons []string `json:"reasons,omitempty"`
	// RunReport is the file name of a conformance run's report.html in
	// the directory WriteReports writes to, which load.html links to;
	// WriteReports sets it when that file exists. Not part of load.json.
	RunReport string `json:"-"`
}

// PhaseResult is one phase: its tasks, wire figures and verification.
type PhaseResult struct {
	Name        Op  `json:"name"`
	Tasks       int `json:"tasks"`
	TasksFailed int `json:"tasks_failed"`
	// Conflicts are 409 answers to the second of two racing assignments
	// (Config.Overlap), accepted.
	Conflicts int      `json:"accepted_conflicts,omitempty"`
	Failures  []string `json:"failures,omitempty"`
	// First5xx names the first request answered with a 5xx.
	First5xx     string       `json:"first_5xx,omitempty"`
	Stats        Stats        `json:"stats"`
	Verification Verification `json:"verification"`
	SLOMissed    []string     `json:"slo_missed,omitempty"`
}

// CleanupResult counts what the end of the run undid.
type CleanupResult struct {
	Deactivated int      `json:"deactivated"`
	Deleted     int      `json:"deleted"`
	Failed      int      `json:"failed"`
	Notes       []string `json:"notes,omitempty"`
}

// Verdicts of a Result.
const (
	VerdictPass  = "pass"
	VerdictFail  = "fail"
	VerdictError = "error"
)

// maxListed bounds the failures and problems kept per phase.
const maxListed = 50

// user is one person of the run and what the server should hold for it.
type user struct {
	p      *okta.Person
	id     string // SCIM id Okta linked
	ids    []string
	active bool
}

type runner struct {
	cfg    Config
	now    func() time.Time
	meter  *meter
	hc     *http.Client
	users  []*user
	groups []*okta.Group
	mu     sync.Mutex
	res    *Result
}

// Run plays the configured phases and returns the result. It returns an
// error only for a harness problem before anything was sent (invalid
// configuration); failures of the server, interruption (ctx done) and
// transport errors are in the Result and its Verdict. After ctx ends, the
// run's active users are deactivated with a fresh short context.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, err
	}
	start := r.now()
	r.res.StartedAt = start
	for _, op := range r.cfg.Ops {
		if ctx.Err() != nil {
			break
		}
		pr := r.phase(ctx, op)
		r.res.Phases = append(r.res.Phases, pr)
	}
	if err := ctx.Err(); err != nil {
		r.res.Interrupted = interruption(ctx)
	}
	r.cleanup()
	r.res.DurationSec = r.now().Sub(start).Seconds()
	r.verdict()
	return r.res, nil
}

func interruption(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return "run budget (--deadline) exhausted"
	}
	if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
		return c.Error()
	}
	return "interrupted"
}

func newRunner(cfg Config) (*runner, error) {
	if cfg.Users < 1 {
		return nil, fmt.Errorf("load: --users must be at least 1, got %d", cfg.Users)
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Concurrency < 1 || cfg.Rate < 0 || cfg.Ramp < 0 || cfg.Overlap < 0 || cfg.Groups < 0 {
		return nil, errors.New("load: concurrency must be positive; rate, ramp, overlap and groups must not be negative")
	}
	if cfg.Groups == 0 {
		cfg.Groups = DefaultGroups
	}
	ops, err := orderOps(cfg.Ops)
	if err != nil {
		return nil, err
	}
	cfg.Ops = ops
	if cfg.Prefix == "" {
		cfg.Prefix = "load-" + strings.ToLower(okta.NewPersonID()[3:9]) + "-"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Progress == nil {
		cfg.Progress = nopProgress{}
	}
	m := &meter{next: newTransport(cfg.Client.HTTPClient, cfg.Concurrency), now: cfg.Now}
	if cfg.Rate > 0 {
		m.limiter = rate.NewLimiter(rate.Limit(cfg.Rate), max(1, int(cfg.Rate/10)))
	}
	hc := &http.Client{Transport: m}
	if cfg.Client.HTTPClient != nil {
		cp := *cfg.Client.HTTPClient
		cp.Transport = m
		hc = &cp
	}
	cfg.Client.HTTPClient = hc
	cfg.Client.Features = okta.DefaultFeatures()
	cfg.Client.Features.PushGroups = true
	cfg.Client.Features.ImportGroups = true
	cfg.Client.Retry.Sleep = m.sleep429(cfg.MaxRetryWait)
	// Validate the client settings once, before anything is sent.
	if _, err := okta.New(cfg.Client); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	r := &runner{cfg: cfg, now: cfg.Now, meter: m, hc: hc}
	r.res = &Result{
		Target: cfg.Client.BaseURL, Profile: string(cfg.Client.Profile), Users: cfg.Users,
		Concurrency: cfg.Concurrency, Rate: cfg.Rate, Ops: ops,
	}
	if r.res.Profile == "" {
		r.res.Profile = string(okta.ProfileOIN)
	}
	r.users = make([]*user, cfg.Users)
	for i := range r.users {
		login := fmt.Sprintf("%s%05d@example.com", cfg.Prefix, i)
		r.users[i] = &user{p: &okta.Person{
			ID: okta.NewPersonID(), Login: login, Email: login,
			GivenName: "Load", FamilyName: fmt.Sprintf("User%05d", i),
		}}
	}
	for g := range cfg.Groups {
		r.groups = append(r.groups, &okta.Group{ID: okta.NewGroupID(), Name: fmt.Sprintf("%sgroup-%d", cfg.Prefix, g)})
	}
	return r, nil
}

// orderOps validates the selection and puts it in play order. Phases
// after assign need the users assigned, so assign is added when missing;
// groups needs them active, so it refuses unassign without reassign.
func orderOps(ops []Op) ([]Op, error) {
	if len(ops) == 0 {
		return []Op{OpAssign, OpUpdate, OpUnassign}, nil
	}
	for _, o := range ops {
		if !slices.Contains(AllOps, o) {
			return nil, fmt.Errorf("load: unknown operation %q (want %s)", o, joinOps(AllOps))
		}
	}
	var out []Op
	for _, o := range AllOps {
		if slices.Contains(ops, o) || o == OpAssign {
			out = append(out, o)
		}
	}
	if slices.Contains(out, OpGroups) && slices.Contains(out, OpUnassign) && !slices.Contains(out, OpReassign) {
		return nil, errors.New("load: groups pushes assigned users: with unassign, add reassign (or drop unassign)")
	}
	return out, nil
}

func joinOps(ops []Op) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ",")
}

// ParseOps splits a comma-separated list of operations.
func ParseOps(s string) ([]Op, error) {
	var out []Op
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !slices.Contains(AllOps, Op(f)) {
			return nil, fmt.Errorf("unknown operation %q (want some of %s)", f, joinOps(AllOps))
		}
		out = append(out, Op(f))
	}
	return out, nil
}

// client returns a fresh mock Okta client: one per task, so that no
// transcript grows with the run (the okta.Client keeps every exchange).
// The configuration was validated in newRunner.
func (r *runner) client() (*okta.Client, error) { return okta.New(r.cfg.Client) }
