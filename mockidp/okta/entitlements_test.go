package okta_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// The entitlement operations' fixtures (testdata/{oin,aiw}/*-entitlements.json,
// mockidp/okta/WIRE.md §16) are driven from here.
func init() {
	fixtureOps["discover-entitlements"] = func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.DiscoverEntitlements(ctx)
		return out
	}
	fixtureOps["import-entitlements"] = func(ctx context.Context, c *okta.Client) okta.Outcome {
		_, out := c.ImportEntitlements(ctx, roleType, 0)
		return out
	}
	fixtureOps["assign-with-entitlements"] = func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := ada()
		p.SCIMAttributes = okta.EntitlementAttributes(grants())
		_, out := c.Assign(ctx, p)
		return out
	}
	fixtureOps["set-entitlements"] = func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := ada()
		c.Link(p, adaSCIM, true)
		return c.SetEntitlements(ctx, p, grants())
	}
	fixtureOps["revoke-entitlements"] = func(ctx context.Context, c *okta.Client) okta.Outcome {
		p := ada()
		c.Link(p, adaSCIM, true)
		return c.SetEntitlements(ctx, p, nil)
	}
}

var (
	roleType    = okta.EntitlementType{ID: "Role", Name: "Role", Endpoint: "/Roles", Schema: okta.SchemaOktaRole}
	licenseType = okta.EntitlementType{ID: "License", Name: "License", Endpoint: "/Licenses", Schema: okta.SchemaOktaEntitlement}
)

func grants() []okta.Entitlement {
	return []okta.Entitlement{
		{Type: roleType, ID: "role-1", DisplayName: "First Role"},
		{Type: licenseType, ID: "license-pro", DisplayName: "Professional"},
	}
}

func TestDiscoverEntitlementsFindsOnlyOktaSchemas(t *testing.T) {
	rec := newRecorder(t)
	rec.script(200, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"startIndex":1,"itemsPerPage":3,"Resources":[
		{"id":"User","name":"User","endpoint":"/Users","schema":"urn:ietf:params:scim:schemas:core:2.0:User"},
		{"id":"Role","name":"Role","endpoint":"/Roles","schema":"urn:okta:scim:schemas:core:1.0:Role"},
		{"id":"License","name":"License","endpoint":"/Licenses","schema":"urn:okta:scim:schemas:core:1.0:Entitlement"}]}`))
	rec.script(404, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}`))
	c := newTestClient(t, rec)
	d, out := c.DiscoverEntitlements(context.Background())
	if !out.OK {
		t.Fatalf("outcome failed: %s", out.Message)
	}
	if len(d.Types) != 2 || !d.Types[0].IsRole() || d.Types[1].IsRole() || d.Types[1].Endpoint != "/Licenses" {
		t.Fatalf("types = %+v", d.Types)
	}
	if d.Schemas != nil {
		t.Errorf("schemas = %v, want nil after a 404", d.Schemas)
	}
}

func TestDiscoverEntitlementsNeedsSchemasForExtensions(t *testing.T) {
	rec := newRecorder(t)
	rec.script(200, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[
		{"id":"Profile","name":"Profile","endpoint":"/Profiles","schema":"urn:okta:scim:schemas:core:1.0:Entitlement","schemaExtensions":[{"schema":"urn:x:Profile","required":true}]}]}`))
	rec.script(404, nil, nil)
	_, out := newTestClient(t, rec).DiscoverEntitlements(context.Background())
	if out.OK {
		t.Fatal("discovery passed although /Schemas is missing and an extension needs it")
	}
}

func TestImportEntitlementsPagesUntilTotalResults(t *testing.T) {
	rec := newRecorder(t)
	page := func(total, start int, ids ...string) []byte {
		var rs []map[string]any
		for _, id := range ids {
			rs = append(rs, map[string]any{"id": id, "displayName": id})
		}
		b, _ := json.Marshal(map[string]any{"schemas": []string{okta.SchemaListResponse}, "totalResults": total, "startIndex": start, "itemsPerPage": len(rs), "Resources": rs})
		return b
	}
	rec.script(200, nil, page(3, 1, "a"))
	rec.script(200, nil, page(3, 1, "a", "b"))
	rec.script(200, nil, page(3, 3, "c"))
	imp, out := newTestClient(t, rec).ImportEntitlements(context.Background(), roleType, 2)
	if !out.OK {
		t.Fatalf("outcome failed: %s", out.Message)
	}
	if imp.Probe.ItemsPerPage != 1 || imp.Probe.Count != 1 || len(imp.Pages) != 2 || len(imp.Values) != 3 || imp.Values[2].ID != "c" {
		t.Fatalf("import = %+v", imp)
	}
	got := rec.requests()
	want := []string{"count=1&startIndex=1", "startIndex=1&count=2", "startIndex=3&count=2"}
	for i, r := range got {
		if r.path != "/scim/v2/Roles" || r.rawQuery != want[i] {
			t.Errorf("request %d = %s?%s, want /scim/v2/Roles?%s", i+1, r.path, r.rawQuery, want[i])
		}
	}
}

func TestImportEntitlementsRefusesAnEarlyEmptyPage(t *testing.T) {
	rec := newRecorder(t)
	body := []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":300,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
	rec.script(200, nil, body)
	rec.script(200, nil, body)
	_, out := newTestClient(t, rec).ImportEntitlements(context.Background(), roleType, 0)
	if out.OK {
		t.Fatal("import passed an empty page before totalResults")
	}
}

func TestSetEntitlementsNeedsAnAssignment(t *testing.T) {
	rec := newRecorder(t)
	out := newTestClient(t, rec).SetEntitlements(context.Background(), ada(), grants())
	if out.OK || !errors.Is(out.Err, okta.ErrNotAssigned) {
		t.Fatalf("outcome = %+v, want ErrNotAssigned", out)
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}

func newTestClient(t *testing.T, rec *recorder) *okta.Client {
	t.Helper()
	c, err := okta.New(okta.Config{BaseURL: rec.base(), Credentials: authCases["bearer"].creds, Features: okta.DefaultFeatures()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
