package load

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// taskResult is what one task reports: ok, or a failure message; a
// conflict is an accepted 409 of a racing assignment.
type taskResult struct {
	ok       bool
	conflict bool
	msg      string
}

// runTasks runs task(i) for i in [0, n) on the configured workers,
// spreading their start over the ramp, and stops dispatching when ctx
// ends. It reports progress and returns the failures.
func (r *runner) runTasks(ctx context.Context, pr *PhaseResult, n int, task func(ctx context.Context, i int) taskResult) {
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(r.cfg.Concurrency, n)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r.cfg.Ramp > 0 && w > 0 {
				t := time.NewTimer(r.cfg.Ramp * time.Duration(w) / time.Duration(workers))
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				res := task(ctx, i)
				r.mu.Lock()
				pr.Tasks++
				switch {
				case res.ok:
				case res.conflict:
					pr.Conflicts++
				default:
					pr.TasksFailed++
					if len(pr.Failures) < maxListed {
						pr.Failures = append(pr.Failures, res.msg)
					}
				}
				r.mu.Unlock()
				r.cfg.Progress.Done(1, !res.ok && !res.conflict)
			}
		}()
	}
	wg.Wait()
}

func outcome(who string, out okta.Outcome) taskResult {
	if out.OK {
		return taskResult{ok: true}
	}
	return taskResult{msg: fmt.Sprintf("%s: %s %s", who, out.Operation, out.Message)}
}

// phase plays one bulk operation, then verifies it.
func (r *runner) phase(ctx context.Context, op Op) PhaseResult {
	pr := PhaseResult{Name: op}
	rec := newRecorder(r.now())
	r.meter.rec.Store(rec)
	switch op {
	case OpAssign:
		r.assign(ctx, &pr, false)
	case OpReassign:
		r.assign(ctx, &pr, true)
	case OpUpdate:
		r.update(ctx, &pr)
	case OpUnassign:
		r.unassign(ctx, &pr)
	case OpGroups:
		r.pushGroups(ctx, &pr)
	}
	end := r.now()
	r.cfg.Progress.End()
	r.meter.rec.Store(nil)
	pr.Stats = rec.stats(end)
	pr.First5xx = rec.first5xx
	if ctx.Err() == nil {
		pr.Verification = r.verify(ctx, op)
	} else {
		pr.Verification = Verification{Skipped: "the run was interrupted"}
	}
	pr.SLOMissed = r.cfg.SLO.Check(pr)
	return pr
}

// assign is the bulk assignment (mockidp/okta/WIRE.md §4.1): per user, Okta's
// userName lookup then POST /Users when not found. As reassign, the lookup
// finds the deactivated user and Okta reactivates it and syncs its profile.
func (r *runner) assign(ctx context.Context, pr *PhaseResult, again bool) {
	var order []int // user index per task; racing pairs are adjacent
	for i := range r.users {
		order = append(order, i)
		if !again && r.cfg.Overlap > 0 && i%r.cfg.Overlap == r.cfg.Overlap-1 {
			order = append(order, i)
		}
	}
	name := "assign"
	if again {
		name = "reassign"
	}
	r.cfg.Progress.Phase(name, len(order))
	r.runTasks(ctx, pr, len(order), func(ctx context.Context, t int) taskResult {
		u := r.users[order[t]]
		racing := t > 0 && order[t-1] == order[t] || t+1 < len(order) && order[t+1] == order[t]
		c, err := r.client()
		if err != nil {
			return taskResult{msg: err.Error()}
		}
		// Copy the person: racing tasks must not share Okta's state.
		p := *u.p
		a, out := c.Assign(ctx, &p)
		if a != nil {
			r.mu.Lock()
			if u.id == "" || again {
				u.id = a.SCIMID
			}
			if !containsString(u.ids, a.SCIMID) {
				u.ids = append(u.ids, a.SCIMID)
			}
			u.active = a.Active
			r.mu.Unlock()
		}
		if !out.OK && racing && lastStatus(out) == http.StatusConflict {
			return taskResult{conflict: true}
		}
		return outcome(u.p.Login, out)
	})
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func lastStatus(out okta.Outcome) int {
	if len(out.Exchanges) == 0 {
		return 0
	}
	return out.Exchanges[len(out.Exchanges)-1].StatusCode
}

// linked returns a client that holds Okta's assignment of u, as after the
// assign phase, and the person to act on.
func (r *runner) linked(u *user) (*okta.Client, *okta.Person, error) {
	c, err := r.client()
	if err != nil {
		return nil, nil, err
	}
	r.mu.Lock()
	id, active := u.id, u.active
	r.mu.Unlock()
	if id == "" {
		return nil, nil, fmt.Errorf("%s: not assigned (the assign task failed)", u.p.Login)
	}
	p := *u.p
	c.Link(&p, id, active)
	return c, &p, nil
}

// update is the bulk profile push (mockidp/okta/WIRE.md §5.1): GET + PUT per user
// with a changed family name.
func (r *runner) update(ctx context.Context, pr *PhaseResult) {
	for i, u := range r.users {
		u.p.FamilyName = fmt.Sprintf("User%05d-updated", i)
	}
	r.cfg.Progress.Phase("update", len(r.users))
	r.runTasks(ctx, pr, len(r.users), func(ctx context.Context, i int) taskResult {
		c, p, err := r.linked(r.users[i])
		if err != nil {
			return taskResult{msg: err.Error()}
		}
		return outcome(p.Login, c.UpdateProfile(ctx, p))
	})
}

// unassign is the bulk unassignment (mockidp/okta/WIRE.md §6): deactivation by
// PATCH (OIN) or GET + PUT (AIW).
func (r *runner) unassign(ctx context.Context, pr *PhaseResult) {
	r.cfg.Progress.Phase("unassign", len(r.users))
	r.runTasks(ctx, pr, len(r.users), func(ctx context.Context, i int) taskResult {
		return r.deactivate(ctx, r.users[i])
	})
}

func (r *runner) deactivate(ctx context.Context, u *user) taskResult {
	c, p, err := r.linked(u)
	if err != nil {
		return taskResult{msg: err.Error()}
	}
	out := c.Unassign(ctx, p)
	if out.OK {
		r.mu.Lock()
		u.active = false
		r.mu.Unlock()
	}
	return outcome(p.Login, out)
}

// members returns the users of group g: user i is in group i mod G.
func (r *runner) members(g int) []*user {
	var out []*user
	for i := g; i < len(r.users); i += len(r.groups) {
		out = append(out, r.users[i])
	}
	return out
}

// pushGroups is Group Push of every user to a few groups (mockidp/okta/WIRE.md
// §9.1): per group Okta's displayName lookup and POST /Groups, then the
// membership in PATCHes of memberChunk members, sent concurrently.
func (r *runner) pushGroups(ctx context.Context, pr *PhaseResult) {
	type chunk struct {
		g       *okta.Group
		members []*user
	}
	var chunks []chunk
	for gi, g := range r.groups {
		ms := r.members(gi)
		for len(ms) > 0 {
			n := min(memberChunk, len(ms))
			chunks = append(chunks, chunk{g, ms[:n]})
			ms = ms[n:]
		}
	}
	r.cfg.Progress.Phase("groups", len(r.groups)+len(chunks))
	r.runTasks(ctx, pr, len(r.groups), func(ctx context.Context, i int) taskResult {
		c, err := r.client()
		if err != nil {
			return taskResult{msg: err.Error()}
		}
		g := &okta.Group{ID: r.groups[i].ID, Name: r.groups[i].Name}
		out := c.PushGroup(ctx, g)
		r.mu.Lock()
		r.groups[i].SCIMID = g.SCIMID
		r.mu.Unlock()
		return outcome("group "+g.Name, out)
	})
	r.runTasks(ctx, pr, len(chunks), func(ctx context.Context, i int) taskResult {
		ch := chunks[i]
		c, err := r.client()
		if err != nil {
			return taskResult{msg: err.Error()}
		}
		r.mu.Lock()
		g := &okta.Group{ID: ch.g.ID, Name: ch.g.Name, SCIMID: ch.g.SCIMID}
		r.mu.Unlock()
		if g.SCIMID == "" {
			return taskResult{msg: fmt.Sprintf("group %s: not pushed (its push task failed)", g.Name)}
		}
		add := make([]*okta.Assignment, 0, len(ch.members))
		r.mu.Lock()
		for _, u := range ch.members {
			if u.id != "" {
				p := *u.p
				add = append(add, &okta.Assignment{Person: &p, SCIMID: u.id, Active: u.active})
			}
		}
		r.mu.Unlock()
		return outcome("group "+g.Name, c.UpdateGroupMembers(ctx, g, add, nil))
	})
}
