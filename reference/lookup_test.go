package reference

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestLookupFastPathSameAnswer: the userName lookup fast path (lookup.go)
// answers byte for byte what the general listing answers (forced here by an
// empty excludedAttributes parameter), for users with an enterprise
// extension, HTML-escaped and non-ASCII characters, several versions, case
// variants of the name, paging past the end and a miss.
func TestLookupFastPathSameAnswer(t *testing.T) {
	ts := newT(t, WithEmailPolicy(EmailMutable))
	ts.createUser("plain@example.com", "00u1")
	ts.postUser("ext<&>@example.com", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName":"ext<&>@example.com","name":{"givenName":"Zoë","familyName":"Ünïcode \u2028"},"displayName":"<b>bold</b>",
		"emails":[{"value":"ext<&>@example.com","primary":true}],"active":true,"title":"x","externalId":"00u2",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42","department":"R&D"}}`)
	id := ts.createUser("versioned@example.com", "00u3")
	ts.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`).must(t, 200)
	for _, q := range []string{
		`userName eq "plain@example.com"`,
		`userName eq "PLAIN@example.COM"`,
		`username eq "ext<&>@example.com"`,
		`userName eq "versioned@example.com"`,
		`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "plain@example.com"`,
		`userName eq "nobody@example.com"`,
	} {
		for _, paging := range []string{"", "&startIndex=1&count=100", "&startIndex=2", "&count=0"} {
			path := "/scim/v2/Users?filter=" + url.QueryEscape(q) + paging
			fast := ts.do("GET", path, "").must(t, 200)
			slow := ts.do("GET", path+"&excludedAttributes=", "").must(t, 200)
			if fast.raw != slow.raw {
				t.Fatalf("%s%s:\nfast %s\nslow %s", q, paging, fast.raw, slow.raw)
			}
			if q == `userName eq "plain@example.com"` && paging == "" && fmt.Sprint(fast.body["totalResults"]) != "1" {
				t.Fatalf("lookup found nothing: %s", fast.raw)
			}
		}
	}
	// Bad paging is refused as by the general path.
	bad := ts.do("GET", "/scim/v2/Users?filter="+url.QueryEscape(`userName eq "plain@example.com"`)+"&count=abc", "")
	slowBad := ts.do("GET", "/scim/v2/Users?filter="+url.QueryEscape(`userName eq "plain@example.com"`)+"&count=abc&excludedAttributes=", "")
	if bad.code != slowBad.code || bad.raw != slowBad.raw {
		t.Fatalf("bad paging: fast %d %s, slow %d %s", bad.code, bad.raw, slowBad.code, slowBad.raw)
	}
}

// TestWriteUserSameAnswer: a user written by writeUser's fast path (no
// projection parameter) is byte for byte what the general path writes
// (an empty excludedAttributes forces it), headers included, after a
// create, a read, a PUT and a PATCH.
func TestWriteUserSameAnswer(t *testing.T) {
	ts := newT(t, WithEmailPolicy(EmailMutable))
	created := ts.do("POST", "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName":"ext<&>@example.com","name":{"givenName":"Zoë","familyName":"Ünïcode \u2028"},"displayName":"<b>bold</b>",
		"emails":[{"value":"ext<&>@example.com","primary":true}],"active":true,"title":"x","externalId":"00u2",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42","department":"R&D"}}`).must(t, 201)
	id, _ := created.body["id"].(string)
	path := "/scim/v2/Users/" + id
	same := func(what string, fast resp) {
		t.Helper()
		slow := ts.do("GET", path+"?excludedAttributes=", "").must(t, 200)
		if fast.raw != slow.raw || fast.hdr.Get("ETag") != slow.hdr.Get("ETag") || fast.hdr.Get("ETag") == "" {
			t.Fatalf("%s:\nfast %s %s\nslow %s %s", what, fast.hdr.Get("ETag"), fast.raw, slow.hdr.Get("ETag"), slow.raw)
		}
	}
	same("create", created)
	if loc := created.hdr.Get("Location"); !strings.HasSuffix(loc, path) || !strings.HasPrefix(loc, "http") {
		t.Fatalf("Location %q", loc)
	}
	same("read", ts.do("GET", path, "").must(t, 200))
	same("put", ts.do("PUT", path, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Renamed@example.com","active":true,
		"emails":[{"value":"renamed@example.com","primary":true}]}`).must(t, 200))
	same("patch", ts.do("PATCH", path, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`).must(t, 200))
	if r := ts.do("GET", path+"?attributes=userName", "").must(t, 200); r.body["emails"] != nil || r.body["userName"] == nil {
		t.Fatalf("attributes=userName not applied: %s", r.raw)
	}
}
