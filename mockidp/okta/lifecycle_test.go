package okta_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// lifecycleTarget starts a SCIM server for one lifecycle run and returns its
// base URL and bearer token.
type lifecycleTarget func(t *testing.T) (base, token string)

// lifecycleTargets are the servers the whole lifecycle runs against; the
// reference server registers itself in lifecycle_reference_test.go.
var lifecycleTargets = map[string]lifecycleTarget{
	"fake": func(t *testing.T) (string, string) {
		srv := httptest.NewServer(newFakeSCIM("life-token"))
		t.Cleanup(srv.Close)
		return srv.URL + "/scim/v2", "life-token"
	},
}

// TestLifecycle drives the whole Okta lifecycle (mockidp/okta/WIRE.md §13) in both
// profiles against every target: assign new, assign existing (link),
// assign existing inactive (reactivate), update, unassign, reassign, email
// change, password push, import of more than 100 users across pages, group push and
// membership changes, Push Now, rename, unlink and delete.
func TestLifecycle(t *testing.T) {
	for name, target := range lifecycleTargets {
		for _, profile := range []okta.Profile{okta.ProfileOIN, okta.ProfileAIW} {
			t.Run(name+"/"+string(profile), func(t *testing.T) {
				base, token := target(t)
				runLifecycle(t, base, token, profile)
			})
		}
	}
}

// life bundles the client under test and a second client for reading and
// seeding the server's state directly (what the vendor's app holds).
type life struct {
	t      *testing.T
	ctx    context.Context
	c, raw *okta.Client
}

func (l *life) ok(out okta.Outcome) {
	l.t.Helper()
	if !out.OK {
		for _, ex := range out.Exchanges {
			l.t.Logf("  %s\n    > %s\n    < %s", ex, ex.RequestBody, ex.ResponseBody)
		}
		l.t.Fatalf("%s failed: %s (err %v)", out.Operation, out.Message, out.Err)
	}
}

// methods returns "GET POST ..." for the outcome's exchanges.
func methods(out okta.Outcome) string {
	var m []string
	for _, ex := range out.Exchanges {
		m = append(m, ex.Method)
	}
	return strings.Join(m, " ")
}

// get reads a resource straight from the server.
func (l *life) get(path string) (int, map[string]any) {
	l.t.Helper()
	ex := l.raw.Do(l.ctx, okta.Request{Path: path})
	if ex.StatusCode != http.StatusOK {
		return ex.StatusCode, nil
	}
	m, err := ex.JSON()
	if err != nil {
		l.t.Fatalf("GET %s: %v", path, err)
	}
	return ex.StatusCode, m
}

// seed creates a user on the server as the vendor's app would (not via Okta).
func (l *life) seed(userName string, active bool) string {
	l.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"schemas": []string{okta.SchemaUser}, "userName": userName,
		"name":   map[string]any{"givenName": "Seed", "familyName": "User"},
		"emails": []any{map[string]any{"primary": true, "value": userName, "type": "work"}},
		"active": active,
	})
	ex := l.raw.Do(l.ctx, okta.Request{Method: "POST", Path: "/Users", Body: body})
	if ex.StatusCode != http.StatusCreated {
		l.t.Fatalf("seed %s: %d %s", userName, ex.StatusCode, ex.ResponseBody)
	}
	m, _ := ex.JSON()
	id, _ := m["id"].(string)
	if !active {
		// Some servers ignore active:false on create; make sure.
		if _, u := l.get("/Users/" + id); u["active"] != false {
			patch := []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`)
			if ex := l.raw.Do(l.ctx, okta.Request{Method: "PATCH", Path: "/Users/" + id, Body: patch}); ex.StatusCode >= 300 {
				l.t.Fatalf("deactivate seed %s: %d", userName, ex.StatusCode)
			}
		}
	}
	return id
}

func person(login, given, family string) *okta.Person {
	return &okta.Person{ID: okta.NewPersonID(), Login: login, Email: login, GivenName: given, FamilyName: family}
}

func runLifecycle(t *testing.T, base, token string, profile okta.Profile) {
	features := okta.DefaultFeatures()
	features.PushGroups = true
	features.SyncPassword = true
	c, err := okta.New(okta.Config{BaseURL: base, Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: token}, Profile: profile, Features: features})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := okta.New(okta.Config{BaseURL: base, Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: token}})
	l := &life{t: t, ctx: context.Background(), c: c, raw: raw}

	l.ok(c.TestCredentials(l.ctx))

	// Assign new: lookup, POST (§4).
	ada := person("ada.lovelace@example.com", "Ada", "Lovelace")
	a, out := c.Assign(l.ctx, ada)
	l.ok(out)
	if methods(out) != "GET POST" {
		t.Errorf("assign new sent %s", methods(out))
	}
	_, u := l.get("/Users/" + a.SCIMID)
	if u["externalId"] != ada.ID || u["active"] != true || u["userName"] != ada.Login {
		t.Errorf("created user: %v", u)
	}

	// Assign existing active user: link, GET, PUT (§4.1 step 3, KB-EXIST).
	bobID := l.seed("bob.babbage@example.com", true)
	bob := person("bob.babbage@example.com", "Bob", "Babbage")
	b, out := c.Assign(l.ctx, bob)
	l.ok(out)
	if b.SCIMID != bobID || methods(out) != "GET GET PUT" {
		t.Errorf("link existing: id %s want %s, sent %s", b.SCIMID, bobID, methods(out))
	}
	if _, u := l.get("/Users/" + bobID); u["name"].(map[string]any)["givenName"] != "Bob" {
		t.Errorf("profile not synced on link: %v", u["name"])
	}

	// Assign existing inactive user: reactivate (§6, §13).
	carolID := l.seed("carol@example.com", false)
	carol := person("carol@example.com", "Carol", "Shaw")
	cr, out := c.Assign(l.ctx, carol)
	l.ok(out)
	wantSeq := map[okta.Profile]string{okta.ProfileOIN: "GET PATCH GET PUT", okta.ProfileAIW: "GET GET PUT"}[profile]
	if cr.SCIMID != carolID || methods(out) != wantSeq {
		t.Errorf("reactivate: id %s want %s, sent %s want %s", cr.SCIMID, carolID, methods(out), wantSeq)
	}
	if _, u := l.get("/Users/" + carolID); u["active"] != true {
		t.Errorf("carol not reactivated: %v", u["active"])
	}

	// Update profile: GET + PUT merged (§5.1); server-owned attributes survive.
	_, before := l.get("/Users/" + a.SCIMID)
	ada.FamilyName = "King"
	out = c.UpdateProfile(l.ctx, ada)
	l.ok(out)
	_, after := l.get("/Users/" + a.SCIMID)
	if after["name"].(map[string]any)["familyName"] != "King" || after["displayName"] != "Ada King" {
		t.Errorf("update not applied: %v %v", after["name"], after["displayName"])
	}
	if bm, am := before["meta"].(map[string]any), after["meta"].(map[string]any); bm["created"] != am["created"] {
		t.Errorf("meta.created changed by PUT: %v -> %v", bm["created"], am["created"])
	}

	// Password push: OIN PATCH, AIW GET + PUT (§14); nothing else changes
	// and the password is never shown.
	_, before = l.get("/Users/" + a.SCIMID)
	pw, out := c.PushPassword(l.ctx, ada)
	l.ok(out)
	if want := map[okta.Profile]string{okta.ProfileOIN: "PATCH", okta.ProfileAIW: "GET PUT"}[profile]; methods(out) != want {
		t.Errorf("password push sent %s, want %s", methods(out), want)
	}
	_, after = l.get("/Users/" + a.SCIMID)
	for _, k := range []string{"userName", "name", "emails", "externalId", "active"} {
		if fmt.Sprint(before[k]) != fmt.Sprint(after[k]) {
			t.Errorf("password push changed %s: %v -> %v", k, before[k], after[k])
		}
	}
	for _, ex := range out.Exchanges {
		if strings.Contains(string(ex.ResponseBody), pw) {
			t.Errorf("%s %s answered the pushed password", ex.Method, ex.URL)
		}
	}

	// Unassign: deactivated, link forgotten (§6, §7.1).
	l.ok(c.Unassign(l.ctx, ada))
	if _, ok := c.Assignment(ada.ID); ok {
		t.Error("assignment kept after unassign")
	}
	if st, u := l.get("/Users/" + a.SCIMID); st != 200 || u["active"] != false {
		t.Errorf("after unassign: status %d active %v", st, u["active"])
	}

	// Reassign: same SCIM id, active again (PLAN C9293).
	a2, out := c.Assign(l.ctx, ada)
	l.ok(out)
	if a2.SCIMID != a.SCIMID {
		t.Errorf("reassign created %s instead of reactivating %s", a2.SCIMID, a.SCIMID)
	}
	if _, u := l.get("/Users/" + a.SCIMID); u["active"] != true {
		t.Errorf("reassign left user inactive")
	}

	// Email change the Apollo way (§7): unassign, reassign with new userName.
	a3, out := c.ChangePrimaryEmail(l.ctx, ada, "ada.king@example.com")
	l.ok(out)
	if a3.SCIMID == a.SCIMID {
		t.Errorf("email change reused id %s; the new userName should be a new user", a3.SCIMID)
	}
	if _, u := l.get("/Users/" + a3.SCIMID); u["userName"] != "ada.king@example.com" || u["externalId"] != ada.ID || u["active"] != true {
		t.Errorf("new user after email change: %v", u)
	}
	if _, u := l.get("/Users/" + a.SCIMID); u["active"] != false {
		t.Errorf("old user after email change should stay inactive: %v", u["active"])
	}

	// Import > 100 users across pages (§8).
	for i := 0; i < 130; i++ {
		l.seed(fmt.Sprintf("bulk%03d@example.com", i), true)
	}
	_, list := l.get("/Users?count=1")
	total := int(list["totalResults"].(float64))
	users, out := c.ImportUsers(l.ctx)
	l.ok(out)
	if len(out.Exchanges) != (total+99)/100 {
		t.Errorf("import used %d pages for %d users", len(out.Exchanges), total)
	}
	inactive := 1 // the old Ada record
	if len(users) != total-inactive {
		t.Errorf("imported %d users, want %d active of %d", len(users), total-inactive, total)
	}
	seen := map[string]bool{}
	for _, u := range users {
		id, _ := u["id"].(string)
		if seen[id] {
			t.Errorf("user %s imported twice (unstable paging)", id)
		}
		seen[id] = true
	}

	// Groups: push with members, change members, Push Now, rename, delete (§9).
	g := &okta.Group{ID: okta.NewGroupID(), Name: "Engineering " + string(profile), Members: []*okta.Assignment{a3, b}}
	l.ok(c.PushGroup(l.ctx, g))
	if g.SCIMID == "" {
		t.Fatal("group not linked")
	}
	checkMembers := func(when string, want ...string) {
		t.Helper()
		_, gr := l.get("/Groups/" + g.SCIMID)
		got := memberIDs(gr)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: members %v, want %v", when, got, want)
		}
	}
	checkMembers("after push", a3.SCIMID, b.SCIMID)
	l.ok(c.UpdateGroupMembers(l.ctx, g, []*okta.Assignment{cr}, []*okta.Assignment{b}))
	checkMembers("after membership change", a3.SCIMID, cr.SCIMID)
	l.ok(c.PushNow(l.ctx, g))
	checkMembers("after push now", a3.SCIMID, cr.SCIMID)
	l.ok(c.RenameGroup(l.ctx, g, "Research "+string(profile)))
	if _, gr := l.get("/Groups/" + g.SCIMID); gr["displayName"] != "Research "+string(profile) {
		t.Errorf("rename: displayName %v", gr["displayName"])
	}
	checkMembers("after rename", a3.SCIMID, cr.SCIMID)
	// Push of an existing group name links instead of creating (§9.1).
	g2 := &okta.Group{ID: okta.NewGroupID(), Name: "Research " + string(profile), Members: []*okta.Assignment{b}}
	out = c.PushGroup(l.ctx, g2)
	l.ok(out)
	if g2.SCIMID != g.SCIMID || strings.Contains(methods(out), "POST") {
		t.Errorf("push of existing name: id %s want %s, sent %s", g2.SCIMID, g.SCIMID, methods(out))
	}
	id := g.SCIMID
	l.ok(c.UnlinkAndDeleteGroup(l.ctx, g))
	if st, _ := l.get("/Groups/" + id); st != http.StatusNotFound {
		t.Errorf("deleted group answers %d", st)
	}
}
