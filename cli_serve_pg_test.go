package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/internal/pgtest"
)

// TestServeSharedPostgres: two `serve` processes over one PostgreSQL
// database, one pointed at it by SCIMCONFORM_DB and one by --db, see each
// other's users and refuse a userName the other created; the URL's
// password is never printed.
func TestServeSharedPostgres(t *testing.T) {
	c := pgtest.Own(t)
	_, dsn, err := c.CreateDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Trust authentication ignores the password; it is there to be hidden.
	dsn = strings.Replace(dsn, "postgres@", "postgres:pw-s3cret-xyz@", 1)
	tok := "SCIMCONFORM_TOKEN=serve-pg-token-0123456789"
	a := startServe(t, []string{tok, "SCIMCONFORM_DB=" + dsn})
	b := startServe(t, []string{tok, "SCIMCONFORM_DB=/nonexistent/ignored.db"}, "--db", dsn)
	for _, p := range []*serveProc{a, b} {
		out := p.output()
		if strings.Contains(out, "pw-s3cret-xyz") || !strings.Contains(out, fmt.Sprintf("database: postgres://postgres:xxxxx@127.0.0.1:%d/", c.Port)) {
			t.Fatalf("serve output must name the database without its password:\n%s", out)
		}
	}
	user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Shared.User@example.com","active":true,"name":{"givenName":"S","familyName":"U"},"emails":[{"value":"Shared.User@example.com","primary":true,"type":"work"}]}`
	token := "serve-pg-token-0123456789"
	if code, body, err := scimReq("POST", a.base+"/Users", token, user); err != nil || code != 201 {
		t.Fatalf("create through A: %d %s %v", code, body, err)
	}
	code, body, err := scimReq("GET", b.base+`/Users?filter=userName%20eq%20%22shared.user@EXAMPLE.com%22`, token, "")
	if err != nil || code != 200 || !strings.Contains(body, `"totalResults":1`) {
		t.Fatalf("lookup through B: %d %s %v", code, body, err)
	}
	if code, body, err := scimReq("POST", b.base+"/Users", token, user); err != nil || code != 409 {
		t.Fatalf("duplicate through B: %d %s %v, want 409", code, body, err)
	}
}
