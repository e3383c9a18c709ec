package load

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// Verification is the check after a phase: the listing as Okta's import
// pages it (mockidp/okta/WIRE.md §8: startIndex=1, count=100, startIndex+100 until
// totalResults) must show each of the run's users exactly once, in the
// state the phase should leave (and, after groups, each group once with
// exactly its members).
type Verification struct {
	// Skipped says why no verification ran; "" when it ran.
	Skipped string `json:"skipped,omitempty"`
	OK      bool   `json:"ok"`
	Pages   int    `json:"pages"`
	// Listed counts the run's resources seen in the listing.
	Listed int `json:"listed"`
	// Problems name the defects, each with the user or group (at most
	// maxListed; ProblemCount has them all).
	Problems     []string `json:"problems,omitempty"`
	ProblemCount int      `json:"problem_count"`
}

func (v *Verification) problem(format string, args ...any) {
	v.ProblemCount++
	if len(v.Problems) < maxListed {
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	}
}

// listPage is the part of a ListResponse the verification reads.
type listPage struct {
	TotalResults *int             `json:"totalResults"`
	Resources    []map[string]any `json:"Resources"`
}

// page pages collection as Okta's import does and calls each for every
// resource with its 1-based page number. It returns false after a
// problem that makes the listing unusable.
func (r *runner) page(ctx context.Context, c *okta.Client, v *Verification, collection string, each func(res map[string]any, page int)) bool {
	start, total := 1, -1
	for page := 1; ; page++ {
		if total >= 0 && page > total/100+10 {
			v.problem("listing %s did not end after %d pages (totalResults %d)", collection, page-1, total)
			return false
		}
		q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {"100"}}
		ex := c.Do(ctx, okta.Request{Path: collection, Query: q})
		v.Pages++
		if ex.Err != "" {
			v.problem("GET %s?startIndex=%d got no answer: %s", collection, start, ex.Err)
			return false
		}
		if ex.StatusCode != http.StatusOK {
			v.problem("GET %s?startIndex=%d answered %d", collection, start, ex.StatusCode)
			return false
		}
		var lp listPage
		if err := json.Unmarshal(ex.ResponseBody, &lp); err != nil || lp.TotalResults == nil {
			v.problem("GET %s?startIndex=%d: not a ListResponse with totalResults", collection, start)
			return false
		}
		if total >= 0 && *lp.TotalResults != total {
			v.problem("unstable listing: %s totalResults changed from %d to %d between pages (nothing was being written)", collection, total, *lp.TotalResults)
		}
		total = *lp.TotalResults
		for _, res := range lp.Resources {
			each(res, page)
		}
		if start+100 > total {
			return true
		}
		if len(lp.Resources) == 0 {
			v.problem("GET %s?startIndex=%d returned no resources before totalResults %d", collection, start, total)
			return false
		}
		start += 100
	}
}

func (r *runner) verify(ctx context.Context, op Op) Verification {
	c, err := r.client()
	if err != nil {
		return Verification{Skipped: err.Error()}
	}
	var v Verification
	r.verifyUsers(ctx, c, &v, op)
	if op == OpGroups {
		r.verifyGroups(ctx, c, &v)
	}
	v.OK = v.ProblemCount == 0
	return v
}

type seen struct {
	res   map[string]any
	pages []int
}

func (r *runner) verifyUsers(ctx context.Context, c *okta.Client, v *Verification, op Op) {
	byID := map[string]*seen{}
	var order []string
	prefix := strings.ToLower(r.cfg.Prefix)
	ext, linked := map[string]bool{}, map[string]bool{}
	for _, u := range r.users {
		ext[u.p.ID] = true
		for _, id := range u.ids {
			linked[id] = true
		}
	}
	if !r.page(ctx, c, v, "/Users", func(res map[string]any, page int) {
		id, _ := res["id"].(string)
		name, _ := res["userName"].(string)
		e, _ := res["externalId"].(string)
		if !strings.HasPrefix(strings.ToLower(name), prefix) && !ext[e] && !linked[id] {
			return // not this run's
		}
		if byID[id] == nil {
			byID[id] = &seen{res: res}
			order = append(order, id)
		}
		byID[id].pages = append(byID[id].pages, page)
	}) {
		return
	}
	v.Listed = len(order)
	byLogin := map[string][]string{}
	byExt := map[string][]string{}
	for _, id := range order {
		s := byID[id]
		name, _ := s.res["userName"].(string)
		e, _ := s.res["externalId"].(string)
		byLogin[strings.ToLower(name)] = append(byLogin[strings.ToLower(name)], id)
		if e != "" {
			byExt[e] = append(byExt[e], id)
		}
	}
	known := map[string]bool{}
	for _, u := range r.users {
		login := u.p.Login
		var ids []string
		// Every id a create answered for this person counts, so a
		// duplicate stored under another userName is still found.
		cands := append(byLogin[strings.ToLower(login)], byExt[u.p.ID]...)
		for _, id := range u.ids {
			if byID[id] != nil {
				cands = append(cands, id)
			}
		}
		for _, id := range cands {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
			known[id] = true
		}
		for _, id := range ids {
			if ps := byID[id].pages; len(ps) > 1 {
				v.problem("unstable listing: user %s (id %s) is listed %d times, on pages %v", login, id, len(ps), ps)
			}
		}
		switch {
		case len(ids) > 1:
			v.problem("duplicated: user %s has %d resources (ids %s)", login, len(ids), strings.Join(ids, ", "))
			continue
		case len(ids) == 0:
			r.missing(ctx, c, v, u)
			continue
		}
		res := byID[ids[0]].res
		if u.id != "" && ids[0] != u.id {
			v.problem("lost: user %s: Okta linked id %s (a create answered it), which the listing does not show; it shows id %s", login, u.id, ids[0])
		}
		active := res["active"] != false
		wantActive := op != OpUnassign
		switch {
		case wantActive && !active:
			v.problem("user %s (id %s) is inactive after %s", login, ids[0], op)
		case !wantActive && active:
			v.problem("user %s (id %s) is still active after unassign", login, ids[0])
		}
		if name, _ := res["name"].(map[string]any); name != nil {
			if fam, _ := name["familyName"].(string); fam != u.p.FamilyName {
				v.problem("user %s (id %s) has familyName %q, want %q", login, ids[0], fam, u.p.FamilyName)
			}
		}
	}
	for _, id := range order {
		if !known[id] {
			name, _ := byID[id].res["userName"].(string)
			v.problem("stray user %s (id %s): not one of the run's users", name, id)
		}
	}
}

// missing names a user the listing does not show: lost when the server
// no longer has it, an unstable listing when a direct GET finds it.
func (r *runner) missing(ctx context.Context, c *okta.Client, v *Verification, u *user) {
	if u.id == "" {
		v.problem("lost: user %s was never created (its assign task failed)", u.p.Login)
		return
	}
	ex := c.Do(ctx, okta.Request{Path: "/Users/" + url.PathEscape(u.id)})
	switch ex.StatusCode {
	case http.StatusOK:
		v.problem("unstable listing: user %s (id %s) exists (GET /Users/%s answered 200) but the paged listing skipped it", u.p.Login, u.id, u.id)
	case http.StatusNotFound:
		v.problem("lost: user %s (id %s, created successfully) is gone: not listed, GET /Users/%s answered 404", u.p.Login, u.id, u.id)
	default:
		v.problem("lost: user %s (id %s) is not listed; GET /Users/%s answered %d %s", u.p.Login, u.id, u.id, ex.StatusCode, ex.Err)
	}
}

func (r *runner) verifyGroups(ctx context.Context, c *okta.Client, v *Verification) {
	byName := map[string][]map[string]any{}
	prefix := strings.ToLower(r.cfg.Prefix)
	if !r.page(ctx, c, v, "/Groups", func(res map[string]any, _ int) {
		name, _ := res["displayName"].(string)
		if strings.HasPrefix(strings.ToLower(name), prefix) {
			byName[name] = append(byName[name], res)
		}
	}) {
		return
	}
	for gi, g := range r.groups {
		got := byName[g.Name]
		switch len(got) {
		case 0:
			v.problem("lost: group %s is not listed", g.Name)
			continue
		case 1:
		default:
			v.problem("duplicated: group %s is listed %d times", g.Name, len(got))
			continue
		}
		v.Listed++
		res := got[0]
		if _, ok := res["members"]; !ok {
			// The listing may leave members out; read the group itself.
			id, _ := res["id"].(string)
			ex := c.Do(ctx, okta.Request{Path: "/Groups/" + url.PathEscape(id)})
			if m, err := ex.JSON(); err == nil && ex.StatusCode == http.StatusOK {
				res = m
			}
		}
		have := map[string]int{}
		ms, _ := res["members"].([]any)
		for _, m := range ms {
			mm, _ := m.(map[string]any)
			val, _ := mm["value"].(string)
			have[val]++
		}
		var lacking, dup []string
		want := map[string]bool{}
		for _, u := range r.members(gi) {
			want[u.id] = true
			switch have[u.id] {
			case 0:
				lacking = append(lacking, u.p.Login)
			case 1:
			default:
				dup = append(dup, u.p.Login)
			}
		}
		var extra []string
		for id := range have {
			if !want[id] {
				extra = append(extra, id)
			}
		}
		slices.Sort(extra)
		if len(lacking) > 0 {
			v.problem("group %s lacks %d of its %d members: %s", g.Name, len(lacking), len(want), firstFew(lacking))
		}
		if len(dup) > 0 {
			v.problem("group %s lists %d members more than once: %s", g.Name, len(dup), firstFew(dup))
		}
		if len(extra) > 0 {
			v.problem("group %s has %d members it should not have: %s", g.Name, len(extra), firstFew(extra))
		}
	}
}

func firstFew(ss []string) string {
	if len(ss) <= 5 {
		return strings.Join(ss, ", ")
	}
	return strings.Join(ss[:5], ", ") + fmt.Sprintf(" and %d more", len(ss)-5)
}
