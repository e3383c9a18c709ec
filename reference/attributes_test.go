package reference

import (
	"strings"
	"testing"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// TestCustomExtension: the server's own User extension is described on
// /Schemas and /ResourceTypes, and stored and returned like the enterprise
// extension (mockidp/okta/WIRE.md §15.3).
func TestCustomExtension(t *testing.T) {
	ts := newT(t)
	r := ts.do("GET", "/scim/v2/Schemas/"+schema.ReferenceURN, "").must(t, 200)
	if !strings.Contains(r.raw, `"name":"badgeNumber"`) || !strings.Contains(r.raw, `"name":"deskLocation"`) || !strings.Contains(r.raw, `"mutability":"readWrite"`) {
		t.Fatalf("schema: %.400s", r.raw)
	}
	r = ts.do("GET", "/scim/v2/ResourceTypes/User", "").must(t, 200)
	if !strings.Contains(r.raw, `"schema":"`+schema.ReferenceURN+`"`) {
		t.Fatalf("resource type: %.400s", r.raw)
	}
	body := `{"schemas":["` + schema.UserURN + `","` + schema.ReferenceURN + `"],"userName":"ext@example.com",` +
		`"` + schema.ReferenceURN + `":{"badgeNumber":"B-1","deskLocation":"Floor 2","unknown":"x"}}`
	r = ts.do("POST", "/scim/v2/Users", body).must(t, 201)
	id := r.str("id")
	r = ts.do("GET", "/scim/v2/Users/"+id, "").must(t, 200)
	ext, _ := r.body[schema.ReferenceURN].(map[string]any)
	if ext["badgeNumber"] != "B-1" || ext["deskLocation"] != "Floor 2" || ext["unknown"] != nil || !strings.Contains(r.raw, `"`+schema.ReferenceURN+`"]`) && !strings.Contains(r.raw, `"`+schema.ReferenceURN+`",`) {
		t.Fatalf("user: %.600s", r.raw)
	}
}
