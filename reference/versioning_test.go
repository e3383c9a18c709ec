package reference

import (
	"strings"
	"testing"
)

// TestConditionalRequests: RFC 7644 §3.14 with weak ETags, for users and
// groups: If-None-Match of the current version → 304, If-Match of a stale
// one → 412 on PUT, PATCH and DELETE, the current one or "*" → applied.
func TestConditionalRequests(t *testing.T) {
	ts := newT(t)
	for _, kind := range []string{"Users", "Groups"} {
		t.Run(kind, func(t *testing.T) {
			var id string
			if kind == "Users" {
				id = ts.createUser("cond@x", "")
			} else {
				id = ts.createGroup("cond")
			}
			path := "/scim/v2/" + kind + "/" + id
			r := ts.do("GET", path, "").must(t, 200)
			tag := r.hdr.Get("ETag")
			meta, _ := r.body["meta"].(map[string]any)
			if tag == "" || meta["version"] != tag {
				t.Fatalf("ETag %q, meta.version %v", tag, meta["version"])
			}
			if r := ts.do("GET", path, "", "If-None-Match: "+tag); r.code != 304 || r.raw != "" || r.hdr.Get("ETag") != tag {
				t.Fatalf("If-None-Match current: %d %q", r.code, r.raw)
			}
			ts.do("GET", path, "", `If-None-Match: W/"0"`).must(t, 200)
			rename := patchBody(`{"op":"replace","path":"displayName","value":"Renamed"}`)
			ts.do("PATCH", path, rename, "If-Match: "+tag).must(t, 200)
			ts.do("PATCH", path, rename, "If-Match: "+tag).scimErr(t, 412, "")
			put := `{"userName":"cond@x"}`
			if kind == "Groups" {
				put = `{"displayName":"cond"}`
			}
			ts.do("PUT", path, put, "If-Match: "+tag).scimErr(t, 412, "")
			ts.do("DELETE", path, "", "If-Match: "+tag).scimErr(t, 412, "")
			ts.do("PUT", path, put, "If-Match: *").must(t, 200)
			now := ts.do("GET", path, "").hdr.Get("ETag")
			if now == tag {
				t.Fatalf("the version did not change: %s", now)
			}
			ts.do("DELETE", path, "", "If-Match: W/\"0\", "+now).must(t, 204)
		})
	}
}

// TestSorting: RFC 7644 §3.4.2.3 over the whole result, before paging;
// caseExact false compares case-insensitively; missing values come last.
func TestSorting(t *testing.T) {
	ts := newT(t)
	for _, n := range []string{"sort-b@x", "Sort-C@x", "sort-a@x"} {
		ts.createUser(n, "")
	}
	names := func(q string) string {
		r := ts.do("GET", "/scim/v2/Users?"+q, "").must(t, 200)
		var out []string
		for _, u := range resources(r.body) {
			out = append(out, str(u, "userName"))
		}
		return strings.Join(out, " ")
	}
	for q, want := range map[string]string{
		"sortBy=userName":                                       "sort-a@x sort-b@x Sort-C@x",
		"sortBy=userName&sortOrder=descending":                  "Sort-C@x sort-b@x sort-a@x",
		"sortBy=USERNAME&sortOrder=Descending&count=1":          "Sort-C@x",
		"sortBy=userName&startIndex=2&count=1":                  "sort-b@x",
		"sortBy=userName&filter=userName%20ne%20%22sort-b@x%22": "sort-a@x Sort-C@x",
		"sortBy=title": "sort-b@x Sort-C@x sort-a@x",
	} {
		if got := names(q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	for _, q := range []string{"sortBy=emails", "sortBy=nosuch", "sortBy=name", "sortBy=userName&sortOrder=up"} {
		ts.do("GET", "/scim/v2/Users?"+q, "").scimErr(t, 400, "invalidValue")
	}
	ts.do("GET", "/scim/v2/Users?sortBy=name.familyName", "").must(t, 200)
	ts.do("GET", "/scim/v2/Groups?sortBy=displayName&sortOrder=descending", "").must(t, 200)
}
