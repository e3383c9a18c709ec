package sso_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reference/sso"
)

// TestJointLifecycleOnReferenceServer: a user provisioned over SCIM signs
// in through the SP mounted in the reference server; after Okta deactivates
// them (PATCH active=false, mockidp/okta/WIRE.md §12.3 row 8) the next sign-in is
// refused; after reactivation it works again. A user never provisioned is
// refused.
func TestJointLifecycleOnReferenceServer(t *testing.T) {
	e := newEnv(t, false) // for the shared IdP and its metadata server
	md := fetch(t, http.DefaultClient, e.idpS.URL+"/idp/metadata")

	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	logs := &syncBuffer{}
	const token = "test-token-123456"
	srv, err := reference.New(reference.WithToken(token), reference.WithHandler("/sso/", sso.Mount(sso.Config{
		IdPMetadata: md, BaseURL: base + "/sso", Now: e.clk.Now, Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)

	scim := func(method, path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, base+reference.BasePath+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, r.StatusCode, b)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	created := scim(http.MethodPost, "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},
		"emails":[{"value":"ada@example.com","type":"work","primary":true}],"active":true}`)
	id, _ := created["id"].(string)
	if id == "" {
		t.Fatalf("no id in %v", created)
	}
	sp := samlidp.SP{EntityID: base + "/sso/metadata", ACSURL: base + "/sso/acs"}
	signIn := func(u samlidp.User) *http.Response {
		t.Helper()
		resp, err := e.idp.Response(sp, u)
		if err != nil {
			t.Fatal(err)
		}
		r, err := samlidp.SignIn(context.Background(), ts.Client(), sp.ACSURL, resp)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r
	}
	setActive := func(active string) {
		scim(http.MethodPatch, "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			"Operations":[{"op":"replace","value":{"active":`+active+`}}]}`)
	}

	if ok, why := signedIn.Evaluate(signIn(ada)); !ok {
		t.Fatalf("provisioned user not signed in: %s; log %s", why, logs.String())
	}
	setActive("false")
	if r := signIn(ada); r.StatusCode != http.StatusForbidden {
		t.Fatalf("deactivated user: %d, want 403", r.StatusCode)
	}
	setActive("true")
	if ok, why := signedIn.Evaluate(signIn(ada)); !ok {
		t.Fatalf("reactivated user not signed in: %s", why)
	}
	if r := signIn(samlidp.User{Email: "never@example.com"}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("unprovisioned user: %d, want 403", r.StatusCode)
	}
	// The SP needs no SCIM token: its metadata is public.
	if b := fetch(t, http.DefaultClient, base+"/sso/metadata"); !strings.Contains(string(b), sp.EntityID) {
		t.Errorf("metadata through the reference server: %s", b)
	}
	for _, want := range []string{"reason=inactive-user", "reason=unknown-user"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s: %s", want, logs.String())
		}
	}
}
