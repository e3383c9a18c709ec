package patch

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

const user = `{"id":"u1","userName":"ada@example.com","active":true,
 "name":{"givenName":"Ada","familyName":"Lovelace"},
 "emails":[{"value":"ada@example.com","type":"work","primary":true}]}`

func decode(t testing.TB, s string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return m
}

func ops(t testing.TB, s string) []Operation {
	var r Request
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("decode ops %s: %v", s, err)
	}
	return r.Operations
}

func TestApplyUser(t *testing.T) {
	cases := []struct {
		name, ops, want string
	}{
		// mockidp/okta/WIRE.md §6: Okta's path-less deactivate, lowercase op.
		{"okta deactivate", `{"Operations":[{"op":"replace","value":{"active":false}}]}`, `{"active":false}`},
		{"capitalised op", `{"Operations":[{"op":"Replace","path":"active","value":false}]}`, `{"active":false}`},
		{"dotted key in value", `{"Operations":[{"op":"replace","value":{"name.givenName":"Augusta"}}]}`, `{"name":{"givenName":"Augusta","familyName":"Lovelace"}}`},
		{"sub path", `{"Operations":[{"op":"replace","path":"name.familyName","value":"King"}]}`, `{"name":{"givenName":"Ada","familyName":"King"}}`},
		{"value filter path", `{"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"ada@new.example"}]}`,
			`{"emails":[{"value":"ada@new.example","type":"work","primary":true}]}`},
		{"value filter creates", `{"Operations":[{"op":"add","path":"emails[type eq \"home\"].value","value":"ada@home.example"}]}`,
			`{"emails":[{"value":"ada@example.com","type":"work","primary":true},{"value":"ada@home.example","type":"home"}]}`},
		{"remove filtered", `{"Operations":[{"op":"remove","path":"emails[type eq \"work\"]"}]}`, `{"emails":null}`},
		{"add displayName", `{"Operations":[{"op":"add","path":"displayName","value":"Ada L"}]}`, `{"displayName":"Ada L"}`},
		{"remove sub", `{"Operations":[{"op":"remove","path":"name.givenName"}]}`, `{"name":{"familyName":"Lovelace"}}`},
		{"password dropped", `{"Operations":[{"op":"replace","value":{"password":"s3cret"}}]}`, `{"password":null}`},
		{"equal id ignored", `{"Operations":[{"op":"replace","value":{"id":"u1","displayName":"X"}}]}`, `{"displayName":"X"}`},
		{"extension object", `{"Operations":[{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}}}]}`,
			`{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}}`},
		{"extension path", `{"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Ops"}]}`,
			`{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := decode(t, user)
			if err := Apply(doc, ops(t, c.ops), schema.UserResource, Options{}); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			for k, want := range decode(t, c.want) {
				got, ok := doc[k]
				if want == nil {
					if ok {
						t.Errorf("%s = %v, want absent", k, got)
					}
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %v, want %v", k, got, want)
				}
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	cases := []struct {
		name, ops, scimType string
	}{
		{"unknown path", `{"Operations":[{"op":"replace","path":"favouriteColour","value":"red"}]}`, "invalidPath"},
		{"unknown sub path", `{"Operations":[{"op":"replace","path":"name.nope","value":"x"}]}`, "invalidPath"},
		{"unknown key in value", `{"Operations":[{"op":"replace","value":{"nope":1}}]}`, "invalidPath"},
		{"bad path syntax", `{"Operations":[{"op":"replace","path":"emails[type eq","value":"x"}]}`, "invalidPath"},
		{"active string", `{"Operations":[{"op":"replace","value":{"active":"yes"}}]}`, "invalidValue"},
		{"active string with path", `{"Operations":[{"op":"replace","path":"active","value":"False"}]}`, "invalidValue"},
		{"name not object", `{"Operations":[{"op":"replace","path":"name","value":"Ada"}]}`, "invalidValue"},
		{"value not object", `{"Operations":[{"op":"replace","value":"x"}]}`, "invalidValue"},
		{"remove without path", `{"Operations":[{"op":"remove"}]}`, "noTarget"},
		{"bad op", `{"Operations":[{"op":"merge","path":"active","value":true}]}`, "invalidSyntax"},
		{"other id", `{"Operations":[{"op":"replace","value":{"id":"u2"}}]}`, "mutability"},
		{"meta with path", `{"Operations":[{"op":"replace","path":"meta.created","value":"x"}]}`, "mutability"},
		{"no ops", `{"Operations":[]}`, "invalidValue"},
		{"filter on simple attr", `{"Operations":[{"op":"replace","path":"userName[value eq \"x\"]","value":"y"}]}`, "invalidPath"},
		{"non-eq filter no match", `{"Operations":[{"op":"replace","path":"emails[value co \"zzz\"].type","value":"y"}]}`, "noTarget"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Apply(decode(t, user), ops(t, c.ops), schema.UserResource, Options{})
			pe, ok := err.(*Error)
			if !ok || pe.ScimType != c.scimType {
				t.Fatalf("got %v, want scimType %s", err, c.scimType)
			}
		})
	}
}

// mockidp/okta/WIRE.md §9: the exact OIN Group Push PATCH bodies.
func TestApplyGroupOkta(t *testing.T) {
	doc := decode(t, `{"id":"g1","displayName":"Test SCIMv2","members":[{"value":"u1","display":"a"},{"value":"u2","display":"b"}]}`)
	steps := []string{
		`{"Operations":[{"op":"replace","value":{"id":"g1","displayName":"Renamed"}}]}`,
		`{"Operations":[{"op":"remove","path":"members[value eq \"u1\"]"},{"op":"add","path":"members","value":[{"value":"u3","display":"c"},{"value":"u2","display":"b"}]}]}`,
		`{"Operations":[{"op":"remove","path":"members[value eq \"not-there\"]"}]}`,
	}
	for _, s := range steps {
		if err := Apply(doc, ops(t, s), schema.GroupResource, Options{}); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	want := decode(t, `{"id":"g1","displayName":"Renamed","members":[{"value":"u2","display":"b"},{"value":"u3","display":"c"}]}`)
	if !reflect.DeepEqual(doc, want) {
		t.Fatalf("got %v\nwant %v", doc, want)
	}
	if err := Apply(doc, ops(t, `{"Operations":[{"op":"replace","path":"members","value":[{"value":"u9"}]}]}`), schema.GroupResource, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := doc["members"]; !reflect.DeepEqual(got, []any{map[string]any{"value": "u9"}}) {
		t.Fatalf("replace members: %v", got)
	}
	if err := Apply(doc, ops(t, `{"Operations":[{"op":"remove","path":"members","value":[{"value":"u9"}]}]}`), schema.GroupResource, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["members"]; ok {
		t.Fatalf("remove by value list left %v", doc["members"])
	}
}

// FuzzApply: any path, op and value must give nil or *Error, never a panic.
func FuzzApply(f *testing.F) {
	for _, s := range []string{"active", "name.givenName", `emails[type eq "work"].value`, `members[value eq "x"]`, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "emails[", "a.b.c", `emails[value sw "a" or not (type pr)].display`} {
		f.Add("replace", s, `"x"`)
		f.Add("remove", s, `null`)
		f.Add("add", s, `[{"value":"v"}]`)
	}
	f.Add("replace", "", `{"active":false,"name.givenName":"x"}`)
	// The strict tier's PATCH operations (features/strict_patch.feature).
	f.Add("remove", "", `null`)
	f.Add("replace", `emails[type eq "home"].value`, `"home@example.com"`)
	f.Add("replace", "displayName", `"Countess of Lovelace"`)
	f.Add("REMOVE", "", ``)
	f.Fuzz(func(t *testing.T, op, path, value string) {
		var v any
		if json.Unmarshal([]byte(value), &v) != nil {
			v = value
		}
		for _, res := range []schema.Resource{schema.UserResource, schema.GroupResource} {
			doc := decode(t, user)
			err := Apply(doc, []Operation{{Op: op, Path: path, Value: v}}, res, Options{})
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error of type %T: %v", err, err)
				}
			}
			if _, err := json.Marshal(doc); err != nil {
				t.Fatalf("result not JSON: %v", err)
			}
		}
	})
}

// TestImmutableMemberValues: RFC 7644 §3.5.2 / RFC 7643 §4.2 members may be
// added and removed, but an existing member's value is never changed.
func TestImmutableMemberValues(t *testing.T) {
	const group = `{"id":"g1","displayName":"G","members":[{"value":"a","display":"A"}]}`
	for _, c := range []struct {
		name, ops string
		refused   bool
	}{
		{"add a member", `{"Operations":[{"op":"add","path":"members","value":[{"value":"b"}]}]}`, false},
		{"remove a member", `{"Operations":[{"op":"remove","path":"members[value eq \"a\"]"}]}`, false},
		{"replace the list", `{"Operations":[{"op":"replace","path":"members","value":[{"value":"c"}]}]}`, false},
		{"same value", `{"Operations":[{"op":"replace","path":"members[value eq \"a\"].value","value":"a"}]}`, false},
		{"change a value", `{"Operations":[{"op":"replace","path":"members[value eq \"a\"].value","value":"c"}]}`, true},
		{"replace a member object", `{"Operations":[{"op":"replace","path":"members[value eq \"a\"]","value":{"value":"c"}}]}`, true},
		{"remove a value", `{"Operations":[{"op":"remove","path":"members[value eq \"a\"].value"}]}`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Apply(decode(t, group), ops(t, c.ops), schema.GroupResource, Options{})
			var pe *Error
			switch {
			case c.refused && (err == nil || !errors.As(err, &pe) || pe.ScimType != "mutability"):
				t.Fatalf("Apply = %v, want a mutability error", err)
			case !c.refused && err != nil:
				t.Fatalf("Apply: %v", err)
			}
		})
	}
}
