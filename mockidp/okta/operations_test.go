package okta_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// TestDisabledFeatures: operations whose feature is off send nothing (or
// stop before the forbidden request) and say so.
func TestDisabledFeatures(t *testing.T) {
	rec := newRecorder(t)
	rec.script(200, nil, []byte(emptyList))
	c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.Features = okta.Features{} })
	ctx := context.Background()
	p := ada()
	if _, out := c.Assign(ctx, p); !errors.Is(out.Err, okta.ErrFeatureDisabled) || len(out.Exchanges) != 1 {
		t.Errorf("assign with Create off: err %v, %d exchanges", out.Err, len(out.Exchanges))
	}
	c.Link(p, adaSCIM, true)
	if out := c.UpdateProfile(ctx, p); !errors.Is(out.Err, okta.ErrFeatureDisabled) || len(out.Exchanges) != 0 {
		t.Errorf("update with UpdateAttributes off: %v", out.Err)
	}
	if out := c.Unassign(ctx, p); !out.OK || len(out.Exchanges) != 0 || len(out.Notes) == 0 {
		t.Errorf("unassign with Deactivate off: ok %v, %d exchanges, notes %v", out.OK, len(out.Exchanges), out.Notes)
	}
	if _, ok := c.Assignment(p.ID); ok {
		t.Error("link kept after unassign")
	}
	g := &okta.Group{Name: "G", SCIMID: "g"}
	for _, out := range []okta.Outcome{c.PushGroup(ctx, g), c.PushNow(ctx, g), c.RenameGroup(ctx, g, "H"), c.UnlinkAndDeleteGroup(ctx, g), c.UpdateGroupMembers(ctx, g, nil, nil)} {
		if !errors.Is(out.Err, okta.ErrFeatureDisabled) || len(out.Exchanges) != 0 {
			t.Errorf("%s with PushGroups off: %v", out.Operation, out.Err)
		}
	}
	if _, out := c.ImportUsers(ctx); !errors.Is(out.Err, okta.ErrFeatureDisabled) {
		t.Errorf("import with ImportUsers off: %v", out.Err)
	}
	if got := len(rec.requests()); got != 1 {
		t.Errorf("server saw %d requests, want only the lookup", got)
	}
}

// TestStateErrors: operations that need an assignment or a pushed group.
func TestStateErrors(t *testing.T) {
	rec := newRecorder(t)
	c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.Features = allFeatures() })
	ctx := context.Background()
	if out := c.UpdateProfile(ctx, ada()); !errors.Is(out.Err, okta.ErrNotAssigned) {
		t.Errorf("update unassigned: %v", out.Err)
	}
	if out := c.Unassign(ctx, ada()); !errors.Is(out.Err, okta.ErrNotAssigned) {
		t.Errorf("unassign unassigned: %v", out.Err)
	}
	if out := c.PushNow(ctx, &okta.Group{Name: "x"}); !errors.Is(out.Err, okta.ErrGroupNotPushed) {
		t.Errorf("push now unpushed: %v", out.Err)
	}
	if _, out := c.Assign(ctx, &okta.Person{Login: "x"}); out.Err == nil {
		t.Error("assign of a person without ID accepted")
	}
	a := c.Link(ada(), adaSCIM, true)
	got, out := c.Assign(ctx, a.Person)
	if got != a || !out.OK || len(out.Exchanges) != 0 {
		t.Errorf("assign of an assigned person: %v %v %d", got, out.OK, len(out.Exchanges))
	}
	if len(rec.requests()) != 0 {
		t.Errorf("sent %d requests", len(rec.requests()))
	}
}

// TestCreateAnswers pins mockidp/okta/WIRE.md §4.3: 201 with id succeeds, 200 with
// id is accepted with a note, an answer without id fails.
func TestCreateAnswers(t *testing.T) {
	cases := []struct {
		status int
		body   string
		ok     bool
		msg    string
	}{
		{201, `{"id":"u-1","active":true}`, true, ""},
		{200, `{"id":"u-1"}`, true, ""},
		{201, `{"userName":"ada@example.com"}`, false, "Create new user returned empty user."},
		{201, `   `, false, "Create new user returned empty user."},
		{500, `Internal Server Error`, false, "Internal Server Error. Errors reported by remote server: Invalid JSON: Unrecognized token 'Internal': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{400, ``, false, "Bad Request. Errors reported by remote server: (empty response body)"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d %s", tc.status, tc.body), func(t *testing.T) {
			rec := newRecorder(t)
			rec.script(200, nil, []byte(emptyList))
			rec.script(tc.status, nil, []byte(tc.body))
			c, _ := newClient(t, rec.base(), nil)
			a, out := c.Assign(context.Background(), ada())
			if out.OK != tc.ok || out.Message != tc.msg || out.Err != nil {
				t.Fatalf("ok %v message %q err %v", out.OK, out.Message, out.Err)
			}
			if tc.ok && (a == nil || a.SCIMID != "u-1") {
				t.Errorf("assignment %+v", a)
			}
			if tc.status == 200 && tc.ok && len(out.Notes) == 0 {
				t.Error("200 on create not noted")
			}
		})
	}
}

// TestCreateBodyMapped: mapped attributes go into the body at their SCIM
// paths, in mapping order after Okta's own keys, and an extension adds its
// URN to schemas (mockidp/okta/WIRE.md §4.2, §15.2).
func TestCreateBodyMapped(t *testing.T) {
	rec := newRecorder(t)
	rec.script(404, nil, []byte(`{"detail":"User not found"}`))
	rec.script(201, nil, []byte(`{"id":"u-1"}`))
	m := &okta.Mapping{Name: "test", Attributes: []okta.MappedAttribute{
		{Okta: "title", SCIM: "title"},
		{Okta: "department", SCIM: okta.SchemaEnterprise + ":department"},
		{Okta: "honorificPrefix", SCIM: "name.honorificPrefix"},
		{Okta: "primaryPhone", SCIM: `phoneNumbers[type eq "work"].value`},
		{Okta: "nickName", SCIM: "nickName"},
	}}
	c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.Mapping = m })
	p := ada()
	p.MiddleName = "King"
	p.Locale = "en-GB"
	p.DisplayName = "Countess"
	p.Attributes = map[string]string{"title": "Analyst", "department": "Maths", "honorificPrefix": "Lady", "primaryPhone": "+44 20 7946 0000", "division": "not mapped"}
	if _, out := c.Assign(context.Background(), p); !out.OK {
		t.Fatal(out.Message)
	}
	body := rec.requests()[1].body
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"ada@example.com","name":{"givenName":"Ada","middleName":"King","familyName":"Lovelace","honorificPrefix":"Lady"},"emails":[{"primary":true,"value":"ada@example.com","type":"work"}],"displayName":"Countess","locale":"en-GB","externalId":"00ujl29u0le5T6Aj10h7","title":"Analyst","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Maths"},"phoneNumbers":[{"type":"work","value":"+44 20 7946 0000"}],"groups":[],"password":"`
	if !strings.HasPrefix(string(body), want) || !strings.HasSuffix(string(body), `","active":true}`) {
		t.Errorf("body (key order matters for this check):\n got %s\nwant %s…", body, want)
	}
}

// pagedServer answers /Users pages from a fixed total, with hooks to break
// the counters.
func pagedServer(t *testing.T, total int, resources func(start int) int, counter func(start int) any) (*httptest.Server, *int64) {
	t.Helper()
	var calls int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt64(&calls, 1)
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		n := resources(start)
		res := make([]map[string]any, n)
		for i := range res {
			res[i] = map[string]any{"id": fmt.Sprintf("u%d", start+i), "userName": fmt.Sprintf("u%d@x", start+i), "active": (start+i)%10 != 0}
		}
		var tot any = total
		if counter != nil {
			tot = counter(start)
		}
		json.NewEncoder(w).Encode(map[string]any{"schemas": []string{okta.SchemaListResponse}, "totalResults": tot, "startIndex": start, "itemsPerPage": n, "Resources": res})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// TestImportPaging pins mockidp/okta/WIRE.md §8 and the guards against broken
// servers.
func TestImportPaging(t *testing.T) {
	ctx := context.Background()
	t.Run("250 users", func(t *testing.T) {
		srv, calls := pagedServer(t, 250, func(s int) int { return min(100, 250-s+1) }, nil)
		c, _ := newClient(t, srv.URL, nil)
		users, out := c.ImportUsers(ctx)
		if !out.OK || *calls != 3 || len(users) != 225 {
			t.Fatalf("ok %v calls %d users %d (%s)", out.OK, *calls, len(users), out.Message)
		}
		for i, want := range []string{"startIndex=1&count=100", "startIndex=101&count=100", "startIndex=201&count=100"} {
			if !strings.HasSuffix(out.Exchanges[i].URL, "/Users?"+want) {
				t.Errorf("page %d: %s", i, out.Exchanges[i].URL)
			}
		}
	})
	t.Run("server caps pages at 50", func(t *testing.T) {
		srv, calls := pagedServer(t, 150, func(s int) int { return min(50, 150-s+1) }, nil)
		c, _ := newClient(t, srv.URL, nil)
		users, out := c.ImportUsers(ctx)
		// Okta advances by 100 regardless (§8 [I]): users 51-100 are lost.
		if !out.OK || *calls != 2 || len(users) != 90 {
			t.Fatalf("ok %v calls %d users %d", out.OK, *calls, len(users))
		}
	})
	t.Run("empty page before total", func(t *testing.T) {
		srv, _ := pagedServer(t, 1000, func(s int) int {
			if s > 100 {
				return 0
			}
			return 100
		}, nil)
		c, _ := newClient(t, srv.URL, nil)
		if _, out := c.ImportUsers(ctx); out.OK || !strings.Contains(out.Message, "returned no resources but totalResults is 1000") {
			t.Fatalf("ok %v message %q", out.OK, out.Message)
		}
	})
	t.Run("endless total", func(t *testing.T) {
		srv, calls := pagedServer(t, 1<<40, func(int) int { return 1 }, nil)
		c, _ := newClient(t, srv.URL, nil)
		if _, out := c.ImportUsers(ctx); out.OK || *calls != 1000 || !strings.Contains(out.Message, "stopped after 1000 pages") {
			t.Fatalf("ok %v calls %d message %q", out.OK, *calls, out.Message)
		}
	})
	t.Run("string counter", func(t *testing.T) {
		srv, _ := pagedServer(t, 2, func(int) int { return 2 }, func(int) any { return "2" })
		c, _ := newClient(t, srv.URL, nil)
		if _, out := c.ImportUsers(ctx); out.OK || !strings.Contains(out.Message, "totalResults is a string") {
			t.Fatalf("ok %v message %q", out.OK, out.Message)
		}
	})
}

// TestLookupFailures: a lookup that fails stops the assignment with Okta's
// message; a found user without id cannot be linked.
func TestLookupFailures(t *testing.T) {
	rec := newRecorder(t)
	rec.script(401, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Invalid token","status":"401"}`))
	rec.script(200, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[{"userName":"ada@example.com"}]}`))
	c, _ := newClient(t, rec.base(), nil)
	if _, out := c.Assign(context.Background(), ada()); out.OK || out.Message != "Unauthorized. Errors reported by remote server: Invalid token" {
		t.Errorf("401: %q", out.Message)
	}
	if a, out := c.Assign(context.Background(), ada()); out.OK || a != nil || !strings.Contains(out.Message, "no id") {
		t.Errorf("no id: %v %q", a, out.Message)
	}
	if len(rec.requests()) != 2 {
		t.Errorf("%d requests", len(rec.requests()))
	}
}

// TestImportGroups pages /Groups like users (mockidp/okta/WIRE.md §8).
func TestImportGroups(t *testing.T) {
	rec := newRecorder(t)
	rec.script(200, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":101,"startIndex":1,"itemsPerPage":1,"Resources":[{"id":"g1","displayName":"A"}]}`))
	rec.script(200, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":101,"startIndex":101,"itemsPerPage":1,"Resources":[{"id":"g2","displayName":"B"}]}`))
	c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.Features.ImportGroups = true })
	groups, out := c.ImportGroups(context.Background())
	got := rec.requests()
	if !out.OK || len(groups) != 2 || len(got) != 2 || got[1].rawQuery != "startIndex=101&count=100" || got[0].path != "/scim/v2/Groups" {
		t.Fatalf("ok %v groups %d requests %+v (%s)", out.OK, len(groups), got, out.Message)
	}
}

// TestLookupIgnoredFilter: a server that ignores the filter makes Okta link
// whoever comes first; the outcome notes it.
func TestLookupIgnoredFilter(t *testing.T) {
	rec := newRecorder(t)
	rec.script(200, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"startIndex":1,"itemsPerPage":2,"Resources":[{"id":"x","userName":"someone@else.com"},{"id":"y","userName":"ada@example.com"}]}`))
	rec.script(200, nil, []byte(`{"id":"x","userName":"someone@else.com"}`))
	rec.script(200, nil, []byte(`{"id":"x"}`))
	c, _ := newClient(t, rec.base(), nil)
	a, out := c.Assign(context.Background(), ada())
	if !out.OK || a.SCIMID != "x" || !strings.Contains(strings.Join(out.Notes, "\n"), `returned userName "someone@else.com"`) {
		t.Fatalf("ok %v id %v notes %q", out.OK, a, out.Notes)
	}
}

// TestRedirectNotFollowed: a 3xx is the answer; the task fails visibly.
func TestRedirectNotFollowed(t *testing.T) {
	rec := newRecorder(t)
	rec.script(200, nil, []byte(emptyList))
	rec.script(http.StatusFound, map[string]string{"Location": "/elsewhere"}, nil)
	c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.HTTPClient = &http.Client{} })
	_, out := c.Assign(context.Background(), ada())
	if out.OK || len(rec.requests()) != 2 || !strings.HasPrefix(out.Message, "Found. Errors reported by remote server") {
		t.Fatalf("ok %v requests %d message %q", out.OK, len(rec.requests()), out.Message)
	}
}
