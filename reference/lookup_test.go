package reference

import (
	"fmt"
	"net/url"
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
