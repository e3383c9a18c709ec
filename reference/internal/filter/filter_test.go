package filter

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

const ada = `{
 "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
 "id":"2819c223-7f76-453a-919d-413861904646","externalId":"00uAda",
 "userName":"Ada.Lovelace@Example.com","displayName":"Ada Lovelace","active":false,
 "name":{"givenName":"Ada","familyName":"Lovelace"},
 "emails":[{"value":"ada@work.example","type":"work","primary":true},{"value":"ada@home.example","type":"home"}],
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Analytics"},
 "meta":{"resourceType":"User","lastModified":"2026-11-28T10:00:00Z","created":"2026-11-01T10:00:00Z"}
}`

func doc(t testing.TB) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(ada), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatch(t *testing.T) {
	cases := []struct {
		filter string
		want   bool
	}{
		{`userName eq "ada.lovelace@example.com"`, true}, // caseExact=false (RFC 7643 §4.1.1)
		{`USERNAME eq "ADA.LOVELACE@EXAMPLE.COM"`, true},
		{`userName eq "ada"`, false},
		{`userName ne "ada"`, true},
		{`userName co "lovelace"`, true},
		{`userName sw "ada."`, true},
		{`userName ew "example.com"`, true},
		{`externalId eq "00uAda"`, true},
		{`externalId eq "00uada"`, false}, // caseExact
		{`id eq "2819c223-7f76-453a-919d-413861904646"`, true},
		{`active eq false`, true},
		{`active eq true`, false},
		{`name.givenName eq "ada"`, true},
		{`name.familyName pr`, true},
		{`name.middleName pr`, false},
		{`title pr`, false},
		{`emails.value eq "ada@home.example"`, true},
		{`emails eq "ada@home.example"`, true},
		{`emails[type eq "work" and value co "work"]`, true},
		{`emails[type eq "work" and value co "home"]`, false},
		{`emails[primary eq true]`, true},
		{`displayName eq "ada lovelace"`, true},
		{`meta.lastModified gt "2026-11-27T00:00:00Z"`, true},
		{`meta.lastModified lt "2026-11-27T00:00:00Z"`, false},
		{`meta.lastModified ge "2026-11-28T10:00:00.000Z"`, true},
		{`userName eq "x" or active eq false`, true},
		{`userName eq "x" and active eq false`, false},
		{`not (userName eq "x")`, true},
		{`(userName eq "x" or externalId eq "00uAda") and name.givenName sw "A"`, true},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ADA.lovelace@example.com"`, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "analytics"`, true},
		{`displayName eq null`, false},
		{`nickName eq null`, true},
	}
	d := doc(t)
	for _, c := range cases {
		f, err := Parse(c.filter)
		if err != nil {
			t.Errorf("Parse(%s): %v", c.filter, err)
			continue
		}
		if err := f.Validate(schema.UserResource); err != nil {
			t.Errorf("Validate(%s): %v", c.filter, err)
		}
		if got := f.Match(d, schema.UserResource); got != c.want {
			t.Errorf("%s: got %v, want %v", c.filter, got, c.want)
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, s := range []string{``, `userName`, `userName eq`, `userName eq "x`, `userName xx "x"`, `(userName eq "x"`, `userName eq "x" and`, `emails[type eq "work"`, "\x00", `userName eq 'x'`} {
		if f, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %v, want error", s, f)
		}
	}
	for _, s := range []string{`foo eq "x"`, `name.nope eq "x"`, `active gt true`, `active eq "yes"`, `name co "x"`} {
		f, err := Parse(s)
		if err != nil {
			continue
		}
		if err := f.Validate(schema.UserResource); err == nil {
			t.Errorf("Validate(%q) accepted", s)
		}
	}
}

func TestFastPathMatchesParser(t *testing.T) {
	for _, s := range []string{`userName eq "test.user@okta.local"`, `displayName EQ "Test SCIMv2"`, `externalId eq "00u1"`, `userName eq ""`, `userName eq "Ünïcode ✓"`, `a-b_c9 eq "x y"`} {
		fast, ok := fastEq(s)
		if !ok {
			t.Errorf("fast path refused %q", s)
			continue
		}
		full, err := parseFull(s)
		if err != nil {
			t.Errorf("full parser: %q: %v", s, err)
			continue
		}
		if !reflect.DeepEqual(fast, full.expr) {
			t.Errorf("%q: fast %#v full %#v", s, fast, full.expr)
		}
	}
	for _, s := range []string{`userName  eq "x"`, `userName eq "a\"b"`, `name.givenName eq "x"`, `userName eq x`, `userName co "x"`, `9x eq "y"`} {
		if _, ok := fastEq(s); ok {
			t.Errorf("fast path took %q", s)
		}
	}
}

func TestSimpleEq(t *testing.T) {
	cases := []struct {
		in, attr, value string
		ok              bool
	}{
		{`userName eq "a@b"`, "userName", "a@b", true},
		{`externalId eq "00u1"`, "externalId", "00u1", true},
		{`displayName eq "Test \"SCIMv2\""`, "displayName", `Test "SCIMv2"`, true},
		{`userName eq "a" or userName eq "b"`, "", "", false},
		{`name.givenName eq "a"`, "", "", false},
		{`active eq true`, "", "", false},
		{`userName co "a"`, "", "", false},
	}
	for _, c := range cases {
		f, err := Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		a, v, ok := f.SimpleEq(schema.UserResource)
		if a != c.attr || v != c.value || ok != c.ok {
			t.Errorf("%s: got %q %q %v", c.in, a, v, ok)
		}
	}
}

// FuzzParseFilter: parsing and evaluating any text must not panic.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`userName eq "a"`, `emails[type eq "work" and value co "@"]`, `not (active eq true)`, `meta.lastModified gt "2011-05-13T04:42:34Z"`, `name.givenName pr or title sw "x"`, `x eq 1.5e3`, `a eq null`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x"`,
		// The strict tier's shapes (FLT-005..007): every attribute operator, a
		// sub-attribute of a multi-valued attribute, meta times.
		`userName eq "a" and userName ne "b"`, `userName ew "b.c"`, `userName eq "a" and nickName pr`,
		`userName eq "a" and userName ge "a" and userName lt "b"`, `userName le "a"`, `emails.value eq "a@b.c"`,
		`userName eq "a" and meta.lastModified lt "2011-05-13T04:42:34Z"`} {
		f.Add(s)
	}
	d := doc(f)
	f.Add(`userName EQ "a@b.c"`)
	f.Add(`displayName eq "Test SCIMv2"`)
	// The strict tier's filters (features/strict_filters.feature, strict_listing.feature).
	for _, s := range []string{`USERNAME eq "a@b.c"`, `userName Eq "a@b.c"`,
		`(userName eq "a@b.c" or userName eq "nobody-a@b.c") and active eq true`,
		`userName eq "a@b.c" and not (userName eq "a@b.c")`,
		`userName eq "a@b.c" and emails[type eq "work" and value co "@"]`,
		`userName eq "a@b.c" and emails[type eq "home-a@b.c"]`, `userName eq "nobody-a@b.c"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fast, ok := fastEq(s); ok {
			full, err := parseFull(s)
			if err != nil {
				t.Fatalf("fast path accepted %q, full parser rejects it: %v", s, err)
			}
			if !reflect.DeepEqual(fast, full.expr) {
				t.Fatalf("fast path %#v != full parser %#v for %q", fast, full.expr, s)
			}
		}
		flt, err := Parse(s)
		if err != nil {
			return
		}
		_ = flt.Validate(schema.UserResource)
		_ = flt.Match(d, schema.UserResource)
		_ = flt.Match(d, schema.GroupResource)
		_, _, _ = flt.SimpleEq(schema.UserResource)
	})
}
