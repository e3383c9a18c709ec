package load

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// cleanupTimeout bounds the end of a run, interrupted or not.
const cleanupTimeout = 2 * time.Minute

// cleanup deactivates the run's active users (as `run` does: Okta's
// unassign) and, with Config.Cleanup, deletes users and groups where the
// server allows DELETE. It uses a fresh context, so it also runs after an
// interrupt or an exhausted budget.
func (r *runner) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	cr := &CleanupResult{}
	var active []*user
	for _, u := range r.users {
		if u.id != "" && u.active {
			active = append(active, u)
		}
	}
	var mu sync.Mutex
	discard := &PhaseResult{}
	r.cfg.Progress.Phase("cleanup", len(active))
	r.runTasks(ctx, discard, len(active), func(ctx context.Context, i int) taskResult {
		res := r.deactivate(ctx, active[i])
		mu.Lock()
		if res.ok {
			cr.Deactivated++
		} else {
			cr.Failed++
		}
		mu.Unlock()
		return res
	})
	r.cfg.Progress.End()
	if len(discard.Failures) > 0 {
		cr.Notes = append(cr.Notes, "deactivation failed: "+discard.Failures[0])
	}
	if r.cfg.Cleanup {
		r.deleteAll(ctx, cr)
	}
	if cr.Deactivated+cr.Deleted+cr.Failed > 0 || len(cr.Notes) > 0 {
		r.res.Cleanup = cr
	}
}

// deleteAll deletes the run's users and groups; the first refusal (404,
// 405, 501 and other non-2xx) of a collection stops deleting in it.
func (r *runner) deleteAll(ctx context.Context, cr *CleanupResult) {
	c, err := r.client()
	if err != nil {
		cr.Notes = append(cr.Notes, err.Error())
		return
	}
	del := func(collection string, ids []string) {
		for _, id := range ids {
			if ctx.Err() != nil {
				return
			}
			ex := c.Do(ctx, okta.Request{Method: http.MethodDelete, Path: collection + "/" + url.PathEscape(id)})
			if ex.StatusCode == http.StatusNoContent || ex.StatusCode == http.StatusOK {
				cr.Deleted++
				continue
			}
			cr.Failed++
			cr.Notes = append(cr.Notes, fmt.Sprintf("DELETE %s/%s answered %d %s; not deleting further %s", collection, id, ex.StatusCode, ex.Err, collection))
			return
		}
	}
	var gids, uids []string
	for _, g := range r.groups {
		if g.SCIMID != "" {
			gids = append(gids, g.SCIMID)
		}
	}
	for _, u := range r.users {
		uids = append(uids, u.ids...)
	}
	del("/Groups", gids)
	del("/Users", uids)
}

// verdict decides the run: fail for a verification problem, a 5xx, a
// failed task or a missed SLO; else error for an interruption, a skipped
// verification or requests without an answer; else pass.
func (r *runner) verdict() {
	res := r.res
	var fails, errs []string
	for _, p := range res.Phases {
		v := p.Verification
		if v.Skipped == "" && !v.OK {
			fails = append(fails, fmt.Sprintf("%s: verification found %d problems, first: %s", p.Name, v.ProblemCount, v.Problems[0]))
		}
		if n := p.Stats.Count5xx(); n > 0 {
			fails = append(fails, fmt.Sprintf("%s: %d answers with a 5xx status, first: %s", p.Name, n, p.First5xx))
		}
		if p.TasksFailed > 0 {
			fails = append(fails, fmt.Sprintf("%s: %d of %d tasks failed, first: %s", p.Name, p.TasksFailed, p.Tasks, p.Failures[0]))
		}
		for _, m := range p.SLOMissed {
			fails = append(fails, fmt.Sprintf("%s: SLO missed: %s", p.Name, m))
		}
		if n := p.Stats.TransportErrors; n > 0 {
			errs = append(errs, fmt.Sprintf("%s: %d requests got no answer", p.Name, n))
		}
		if v.Skipped != "" {
			errs = append(errs, fmt.Sprintf("%s: not verified: %s", p.Name, v.Skipped))
		}
	}
	if res.Interrupted != "" {
		errs = append(errs, "run stopped early: "+res.Interrupted)
	}
	switch {
	case len(fails) > 0:
		res.Verdict = VerdictFail
	case len(errs) > 0:
		res.Verdict = VerdictError
	default:
		res.Verdict = VerdictPass
	}
	res.Reasons = append(fails, errs...)
}
