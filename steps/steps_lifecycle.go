package steps

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// registerLifecycleSteps binds the steps of deactivation, reactivation and
// primary-email changes (features/lifecycle.feature, USR-009).
func registerLifecycleSteps(sc *godog.ScenarioContext) {
	sc.Step(`^Okta changes the primary email of "([^"]*)" with a profile update$`, oktaChangesThePrimaryEmailWithAnUpdate)
	sc.Step(`^the change is applied, or refused with 400 mutability and a detail that tells the admin what to do$`, theChangeIsAppliedOrRefusedClearly)
	sc.Step(`^Okta unassigns "([^"]*)" from the app$`, oktaUnassigns)
	sc.Step(`^Okta has unassigned "([^"]*)" from the app$`, oktaHasUnassigned)
	sc.Step(`^the user "([^"]*)" keeps the same id in the app$`, theUserKeepsTheSameID)
	sc.Step(`^the app showed "([^"]*)" active after Okta's reactivation, before Okta sent the profile again$`, theAppShowedActiveAfterReactivation)
	sc.Step(`^Okta changes the primary email of "([^"]*)" by unassigning and reassigning$`, oktaChangesThePrimaryEmailByReassign)
	sc.Step(`^the listed user has the new email of "([^"]*)" as primary email$`, theListedUserHasTheNewEmail)
	sc.Step(`^the previous app user of "([^"]*)" is inactive or carries the new email$`, thePreviousAppUserIsInactiveOrRenamed)
}

func oktaChangesThePrimaryEmailWithAnUpdate(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	p := w.person(alias)
	w.oldLogin[alias] = p.Login
	email := w.newEmail(alias)
	p.Login, p.Email = email, email
	o := w.client.UpdateProfile(ctx, p)
	w.setOutcome(o)
	return nil
}

func theChangeIsAppliedOrRefusedClearly(ctx context.Context) error {
	w := worldFrom(ctx)
	ex := w.answer
	if ex == nil || unanswered(ex) {
		w.checkStatus(ex, 200)
		return w.rec.err()
	}
	alias := ""
	for a := range w.oldLogin {
		alias = a
	}
	p := w.person(alias)
	switch {
	case ex.StatusCode == 200 || ex.StatusCode == 204:
		id, err := w.scimID(alias)
		if err != nil {
			return err
		}
		get := w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(id)})
		m := w.decodeObject(&get)
		if m == nil {
			return w.rec.err()
		}
		u, _ := m["userName"].(string)
		e := primaryEmail(m)
		if !strings.EqualFold(u, p.Login) || !strings.EqualFold(e, p.Email) {
			w.rec.fail("the update answered success but the user kept the old email: Okta would believe the change was made",
				fmt.Sprintf("userName and primary email %s, or 400 mutability", p.Login), fmt.Sprintf("userName %s, primary email %s", u, e))
		}
	case ex.StatusCode == 400:
		// The one acceptable refusal (RFC 7644 §3.12, mockidp/okta/WIRE.md §7.2): a
		// SCIM error 400 with scimType "mutability", a detail that names the
		// attribute and says what to do, and the user left exactly as it was.
		w.checkSCIMError(ex, 400)
		m := w.decodeObject(ex)
		if m != nil {
			if st, _ := m["scimType"].(string); st != "mutability" {
				w.rec.fail(`a refused email change must say scimType "mutability" (RFC 7644 §3.12)`, "mutability", fmt.Sprint(m["scimType"]))
			}
			d, _ := m["detail"].(string)
			if len(strings.Fields(d)) < 4 || !containsAnyFold(d, "email", "userName", "user name") {
				w.rec.fail("the detail must name the attribute that cannot change and tell the Okta admin what to do (it is shown verbatim in Okta)",
					"an actionable sentence naming email or userName, e.g. \"email cannot change: unassign and reassign the user\"", fmt.Sprintf("%q", d))
			}
		}
		w.checkUnchanged(ctx, alias)
	default:
		w.rec.fail("an email change must be applied (200/204) or refused with 400 mutability", "200, 204 or 400", statusText(ex))
	}
	// Okta keeps its own view; put the person back so cleanup and later steps
	// address the user that exists.
	return w.rec.err()
}

// checkUnchanged reads alias's user after a refused update and checks it
// kept the old userName and primary email together: a refusal must not
// apply half of the change.
func (w *world) checkUnchanged(ctx context.Context, alias string) {
	id, err := w.scimID(alias)
	if err != nil {
		return
	}
	get := w.client.Do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(id)})
	m := w.decodeObject(&get)
	if m == nil {
		return
	}
	old := w.oldLogin[alias]
	u, _ := m["userName"].(string)
	if e := primaryEmail(m); !strings.EqualFold(u, old) || !strings.EqualFold(e, old) {
		w.rec.fail("the update was refused but the user changed anyway", fmt.Sprintf("userName and primary email %s", old), fmt.Sprintf("userName %s, primary email %s", u, e))
	}
}

func containsAnyFold(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(strings.ToLower(s), strings.ToLower(x)) {
			return true
		}
	}
	return false
}

func oktaUnassigns(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if id, err := w.scimID(alias); err == nil {
		w.previousID[alias] = id
	}
	w.setOutcome(w.client.Unassign(ctx, w.person(alias)))
	return nil
}

func oktaHasUnassigned(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if id, err := w.scimID(alias); err == nil {
		w.previousID[alias] = id
	}
	o := w.client.Unassign(ctx, w.person(alias))
	w.setOutcome(o)
	if !o.OK {
		return setupFailed(fmt.Sprintf("unassign %q", alias), o)
	}
	return nil
}

func theUserKeepsTheSameID(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	prev := w.previousID[alias]
	if prev == "" {
		return harnessf("no previous id recorded for %q", alias)
	}
	asg, ok := w.client.Assignment(w.person(alias).ID)
	got := ""
	if ok {
		got = asg.SCIMID
	}
	if got != prev {
		w.rec.fail("reassigning must reactivate the same app user (Okta CRUD test #11), not create another", prev, got)
	}
	return w.rec.err()
}

// theAppShowedActiveAfterReactivation checks the OIN reactivation on its
// own (mockidp/okta/WIRE.md §6): Okta's PATCH {"active": true} answered 2xx, and
// the app's answers that followed it (the PATCH body when it has one, and
// the GET Okta sends before its profile PUT) show the user active. Without
// this, the PUT that re-sends active true would hide a server that ignores
// the PATCH. In the AIW profile Okta reactivates with that PUT itself, so
// there is no PATCH to judge and the read-back after the PUT decides.
func theAppShowedActiveAfterReactivation(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if w.outcome == nil {
		return harnessf("no Okta operation ran before this step")
	}
	id, err := w.scimID(alias)
	if err != nil {
		return err
	}
	exs := w.outcome.Exchanges
	patch := -1
	for i, ex := range exs {
		if ex.Method == http.MethodPatch && strings.HasSuffix(ex.URL, "/Users/"+url.PathEscape(id)) && strings.Contains(string(ex.RequestBody), `"active":true`) {
			patch = i
		}
	}
	if patch < 0 {
		if w.cfg.Profile == okta.ProfileAIW {
			return nil
		}
		// Okta reactivates only a user its lookup found inactive
		// (mockidp/okta/WIRE.md §6): no PATCH means the app still showed the user
		// active after the unassignment.
		w.rec.fail(fmt.Sprintf("Okta sent no reactivation for %q: the app's lookup still showed the user active after Okta deactivated it", alias),
			"an inactive user to reactivate", "active")
		return w.rec.err()
	}
	ex := &exs[patch]
	w.rec.about("the reactivation PATCH")
	w.checkStatus(ex, http.StatusOK, http.StatusNoContent)
	if ex.StatusCode == http.StatusOK && len(bytes.TrimSpace(ex.ResponseBody)) > 0 {
		if m := w.decodeObject(ex); m != nil {
			checkActive(w, m, "true")
		}
	}
	w.rec.about("")
	for i := patch + 1; i < len(exs); i++ {
		if get := &exs[i]; get.Method == http.MethodGet && strings.HasSuffix(get.URL, "/Users/"+url.PathEscape(id)) {
			w.rec.about("GET after the reactivation PATCH, before Okta's PUT")
			if m := w.decodeObject(get); m != nil {
				checkActive(w, m, "true")
			}
			return w.rec.err()
		}
	}
	return harnessf("Okta read %q no more after the reactivation PATCH: nothing shows the PATCH took effect on its own", alias)
}

func oktaChangesThePrimaryEmailByReassign(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	p := w.person(alias)
	if id, err := w.scimID(alias); err == nil {
		w.previousID[alias] = id
	}
	w.oldLogin[alias] = p.Login
	_, o := w.client.ChangePrimaryEmail(ctx, p, w.newEmail(alias))
	w.setOutcome(o)
	return nil
}

func theListedUserHasTheNewEmail(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	if u := w.listedUser(); u != nil {
		p := w.person(alias)
		if e := primaryEmail(u); !strings.EqualFold(e, p.Email) {
			w.rec.fail("the user found by the new userName does not have the new primary email", p.Email, e)
		}
	}
	return w.rec.err()
}

func thePreviousAppUserIsInactiveOrRenamed(ctx context.Context, alias string) error {
	w := worldFrom(ctx)
	prev := w.previousID[alias]
	if prev == "" {
		return harnessf("no previous id recorded for %q", alias)
	}
	w.do(ctx, okta.Request{Method: http.MethodGet, Path: "/Users/" + url.PathEscape(prev)})
	w.checkStatus(w.answer, 200)
	if m := w.decodeObject(w.answer); m != nil {
		p := w.person(alias)
		active, _ := m["active"].(bool)
		u, _ := m["userName"].(string)
		renamed := strings.EqualFold(u, p.Login)
		if active && !renamed {
			w.rec.fail("the old app user is still active with the old email: two active users for one person", "inactive, or renamed to the new email", fmt.Sprintf("active user %s", u))
		}
	}
	return w.rec.err()
}
