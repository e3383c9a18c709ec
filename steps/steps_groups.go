package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

func registerGroupSteps(sc *godog.ScenarioContext) {
	sc.Step(`^a group "([^"]*)" in Okta with the members "([^"]*)"$`, aGroupInOktaWithMembers)
	sc.Step(`^a pushed group "([^"]*)" with the members "([^"]*)"$`, aPushedGroupWithMembers)
	sc.Step(`^a pushed group "([^"]*)" with no members$`, aPushedGroupWithNoMembers)
	sc.Step(`^Okta pushes the group "([^"]*)"$`, oktaPushesTheGroup)
	sc.Step(`^Okta adds "([^"]*)" to the group "([^"]*)"$`, oktaAddsToTheGroup)
	sc.Step(`^Okta removes "([^"]*)" from the group "([^"]*)"$`, oktaRemovesFromTheGroup)
	sc.Step(`^Okta removes "([^"]*)" and adds "([^"]*)" in one update of the group "([^"]*)"$`, oktaRemovesAndAddsInOneUpdate)
	sc.Step(`^Okta renames the group "([^"]*)" to "([^"]*)"$`, oktaRenamesTheGroup)
	sc.Step(`^the members of "([^"]*)" in Okta become "([^"]*)" and Okta pushes the group now$`, membersBecomeAndPushNow)
	sc.Step(`^Okta unlinks the group "([^"]*)" and deletes it in the app$`, oktaUnlinksAndDeletes)
	sc.Step(`^the group "([^"]*)" in the app has exactly the members "([^"]*)"$`, theGroupHasExactlyTheMembers)
	sc.Step(`^the group "([^"]*)" in the app is named "([^"]*)"$`, theGroupIsNamed)
	sc.Step(`^the group "([^"]*)" is gone from the app$`, theGroupIsGone)
	sc.Step(`^the app answered Okta's POST /Groups with 201$`, theAppAnsweredPostGroupsWith201)
	registerGroupImportSteps(sc)
}

func splitAliases(list string) []string {
	var out []string
	for _, a := range strings.Split(list, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// assignments returns Okta's app users for the aliases; each must be assigned.
func (w *world) assignments(aliases []string) ([]*okta.Assignment, error) {
	out := make([]*okta.Assignment, 0, len(aliases))
	for _, a := range aliases {
		asg, ok := w.client.Assignment(w.person(a).ID)
		if !ok || asg.SCIMID == "" {
			return nil, harnessf("%q must be assigned to the app before joining a group", a)
		}
		out = append(out, asg)
	}
	return out, nil
}

func (w *world) group(alias string) *okta.Group {
	if g, ok := w.groups[alias]; ok {
		return g
	}
	g := &okta.Group{ID: "00g" + randomHex(9)[:17], Name: w.groupName(alias)}
	w.groups[alias] = g
	return g
}

func aGroupInOktaWithMembers(ctx context.Context, alias, members string) error {
	w := worldFrom(ctx)
	m, err := w.assignments(splitAliases(members))
	if err != nil {
		return err
	}
	w.group(alias).Members = m
	return nil
}

func (w *world) push(ctx context.Context, alias string) okta.Outcome {
	o := w.client.PushGroup(ctx, w.group(alias))
	w.pushed[alias] = true
	w.setOutcome(o)
	return o
}

func aPushedGroupWithMembers(ctx context.Context, alias, members string) error {
	if err := aGroupInOktaWithMembers(ctx, alias, members); err != nil {
		return err
	}
	w := worldFrom(ctx)
	if o := w.push(ctx, alias); !o.OK {
		return setupFailed(fmt.Sprintf("push group %q", alias), o)
	}
	return nil
}

func aPushedGroupWithNoMembers(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	w.group(alias).Members = nil
	if o := w.push(ctx, alias); !o.OK {
		return setupFailed(fmt.Sprintf("push group %q", alias), o)
	}
	return nil
}

func oktaPushesTheGroup(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	w.push(ctx, alias)
	return nil
}

func oktaAddsToTheGroup(ctx context.Context, member, alias string) error {
	w := worldFrom(ctx)
	add, err := w.assignments([]string{member})
	if err != nil {
		return err
	}
	w.setOutcome(w.client.UpdateGroupMembers(ctx, w.group(alias), add, nil))
	return nil
}

// oktaRemovesFromTheGroup removes one member or a comma-separated list of
// them in one membership update (OIN: one remove op per member in one
// PATCH, mockidp/okta/WIRE.md §9.1; AIW: one full PUT).
func oktaRemovesFromTheGroup(ctx context.Context, members, alias string) error {
	return oktaRemovesAndAddsInOneUpdate(ctx, members, "", alias)
}

// oktaRemovesAndAddsInOneUpdate is one membership update that removes and
// adds (OIN: remove ops then one add op in the same PATCH, §9.1).
func oktaRemovesAndAddsInOneUpdate(ctx context.Context, removed, added, alias string) error {
	w := worldFrom(ctx)
	rm, err := w.assignments(splitAliases(removed))
	if err != nil {
		return err
	}
	add, err := w.assignments(splitAliases(added))
	if err != nil {
		return err
	}
	w.setOutcome(w.client.UpdateGroupMembers(ctx, w.group(alias), add, rm))
	return nil
}

func oktaRenamesTheGroup(ctx context.Context, alias, newName string) error {
	w := worldFrom(ctx)
	w.setOutcome(w.client.RenameGroup(ctx, w.group(alias), w.groupName(newName)))
	return nil
}

func membersBecomeAndPushNow(ctx context.Context, alias, members string) error {
	w := worldFrom(ctx)
	m, err := w.assignments(splitAliases(members))
	if err != nil {
		return err
	}
	g := w.group(alias)
	g.Members = m
	w.setOutcome(w.client.PushNow(ctx, g))
	return nil
}

func oktaUnlinksAndDeletes(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	w.setOutcome(w.client.UnlinkAndDeleteGroup(ctx, w.group(alias)))
	return nil
}

// readGroup GETs the pushed group from the app and makes it the answer.
func (w *world) readGroup(ctx context.Context, alias string) (map[string]any, error) {
	g := w.group(alias)
	if g.SCIMID == "" {
		return nil, &checkError{failures: []failure{{message: fmt.Sprintf("Okta has no app group id for %q (the push did not link a group)", alias), expected: "a SCIM id", actual: "none"}}}
	}
	ex := w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Groups/" + url.PathEscape(g.SCIMID)})
	w.checkStatus(ex, 200)
	return w.decodeObject(ex), w.rec.err()
}

func theGroupHasExactlyTheMembers(ctx context.Context, alias, members string) error {
	w := worldFrom(ctx)
	m, err := w.readGroup(ctx, alias)
	if err != nil || m == nil {
		return err
	}
	want, err := w.assignments(splitAliases(members))
	if err != nil {
		return err
	}
	var wantIDs, gotIDs []string
	for _, a := range want {
		wantIDs = append(wantIDs, a.SCIMID)
	}
	arr, _ := m["members"].([]any)
	for _, x := range arr {
		o, _ := x.(map[string]any)
		v, _ := o["value"].(string)
		gotIDs = append(gotIDs, v)
	}
	sort.Strings(wantIDs)
	sort.Strings(gotIDs)
	if strings.Join(wantIDs, ",") != strings.Join(gotIDs, ",") {
		w.rec.fail(fmt.Sprintf("the members of group %q in the app are not Okta's members %s: %s", alias, members, w.memberDiff(wantIDs, gotIDs)),
			"["+strings.Join(wantIDs, ", ")+"]", "["+strings.Join(gotIDs, ", ")+"]")
	}
	return w.rec.err()
}

// memberDiff names, by alias where the user is one of this scenario's,
// the members the app lacks, the ones it has but should not, and any it
// lists twice, e.g. `"Cy" is missing; "Grace" is a member but should not be`.
func (w *world) memberDiff(want, got []string) string {
	alias := map[string]string{}
	for a, p := range w.people {
		if asg, ok := w.client.Assignment(p.ID); ok && asg.SCIMID != "" {
			alias[asg.SCIMID] = a
		}
	}
	name := func(id string) string {
		if a, ok := alias[id]; ok {
			return fmt.Sprintf("%q", a)
		}
		return fmt.Sprintf("the unknown user %q", id)
	}
	wantN, gotN := map[string]int{}, map[string]int{}
	for _, id := range want {
		wantN[id]++
	}
	for _, id := range got {
		gotN[id]++
	}
	var missing, extra, twice []string
	for _, id := range want {
		if gotN[id] == 0 {
			missing = append(missing, name(id))
		}
	}
	for id, n := range gotN {
		switch {
		case wantN[id] == 0:
			extra = append(extra, name(id))
		case n > 1:
			twice = append(twice, fmt.Sprintf("%s (%d times)", name(id), n))
		}
	}
	var parts []string
	for _, l := range []struct {
		names []string
		what  string
	}{{missing, "is missing"}, {extra, "is a member but should not be"}, {twice, "is listed more than once"}} {
		sort.Strings(l.names)
		for _, n := range l.names {
			parts = append(parts, n+" "+l.what)
		}
	}
	return strings.Join(parts, "; ")
}

func theGroupIsNamed(ctx context.Context, alias, name string) error {
	w := worldFrom(ctx)
	m, err := w.readGroup(ctx, alias)
	if err != nil || m == nil {
		return err
	}
	want := w.group(alias).Name
	if !strings.HasPrefix(want, name+" ") {
		return harnessf("group %q was not renamed to %q in Okta", alias, name)
	}
	if got, _ := m["displayName"].(string); got != want {
		w.rec.fail("the group's displayName was not updated", want, got)
	}
	return w.rec.err()
}

func theGroupIsGone(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	g := w.group(alias)
	if g.SCIMID == "" {
		if id := w.deletedGroupID(alias); id != "" {
			g.SCIMID = id
		}
	}
	if g.SCIMID == "" {
		return harnessf("no app group id known for %q", alias)
	}
	ex := w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Groups/" + url.PathEscape(g.SCIMID)})
	w.rec.about("a deleted group must answer 404 (RFC 7644 §3.6)")
	w.checkStatus(ex, 404)
	return w.rec.err()
}

// deletedGroupID finds the group id in the DELETE request of the last outcome,
// for clients that forget the id after unlinking.
func (w *world) deletedGroupID(alias string) string {
	if w.outcome == nil {
		return ""
	}
	for _, ex := range w.outcome.Exchanges {
		if ex.Method == http.MethodDelete {
			if i := strings.LastIndex(ex.URL, "/Groups/"); i >= 0 {
				id, _ := url.PathUnescape(ex.URL[i+len("/Groups/"):])
				return id
			}
		}
	}
	return ""
}

// theAppAnsweredPostGroupsWith201 checks the create inside a push
// (RFC 7644 §3.3: "201 Created").
func theAppAnsweredPostGroupsWith201(ctx context.Context) error {
	w := worldFrom(ctx)
	if w.outcome == nil {
		return harnessf("no push ran before this step")
	}
	for i := range w.outcome.Exchanges {
		ex := &w.outcome.Exchanges[i]
		if ex.Method == http.MethodPost && strings.Contains(ex.URL, "/Groups") {
			w.rec.about("POST /Groups")
			w.checkStatus(ex, 201)
			return w.rec.err()
		}
	}
	w.rec.fail("Okta's push sent no POST /Groups", "a create", "none")
	return w.rec.err()
}
