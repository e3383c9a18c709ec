package schema

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestCanonical(t *testing.T) {
	var body map[string]any
	// mockidp/okta/WIRE.md §5.1: a PUT body is the GET body merged with Okta's values.
	_ = json.Unmarshal([]byte(`{"schemas":["x"],"id":"1","meta":{"resourceType":"User"},"USERNAME":"Ada","password":"p","groups":[],
		"emails":[{"value":"a@x","Display":"a@x","primary":true,"weird":1}],"nickname":"A","shoeSize":9,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R","nope":1}}`), &body)
	doc, ignored, err := UserResource.Canonical(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"userName": "Ada", "nickName": "A",
		"emails":      []any{map[string]any{"value": "a@x", "display": "a@x", "primary": true}},
		EnterpriseURN: map[string]any{"department": "R"},
	}
	if !reflect.DeepEqual(doc, want) {
		t.Fatalf("doc %v\nwant %v", doc, want)
	}
	if len(ignored) != 6 { // id, meta, password, groups, shoeSize, enterprise nope
		t.Fatalf("ignored %v", ignored)
	}
	if _, has := doc["password"]; has {
		t.Fatal("password was kept")
	}
	for _, bad := range []string{`{"active":"yes"}`, `{"active":1}`, `{"name":"x"}`, `{"emails":{"value":"x"}}`, `{"emails":[{"primary":"true"}]}`, `{"userName":["a"]}`, `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}`} {
		var m map[string]any
		_ = json.Unmarshal([]byte(bad), &m)
		_, _, err := UserResource.Canonical(m)
		var ve *ValueError
		if !errors.As(err, &ve) {
			t.Errorf("%s: got %v, want *ValueError", bad, err)
		}
	}
}

func TestLookup(t *testing.T) {
	if a, ext, ok := UserResource.Lookup("", "USERNAME"); !ok || a.Name != "userName" || ext != "" {
		t.Fatal("core lookup")
	}
	if a, _, ok := UserResource.Lookup(UserURN, "meta"); !ok || !a.ReadOnly() {
		t.Fatal("common attribute lookup")
	}
	if a, ext, ok := UserResource.Lookup(EnterpriseURN, "Department"); !ok || a.Name != "department" || ext != EnterpriseURN {
		t.Fatal("extension lookup")
	}
	if _, _, ok := GroupResource.Lookup("", "userName"); ok {
		t.Fatal("userName found on Group")
	}
}
