package okta_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// vendorServer stands in for a vendor's SCIM endpoint: it knows no users,
// creates one on POST and accepts Okta's deactivation PATCH.
func vendorServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer vendor-test-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/scim+json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/scim/v2/Users":
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
		case r.Method == http.MethodPost && r.URL.Path == "/scim/v2/Users":
			var u map[string]any
			if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			u["id"] = "u-1"
			delete(u, "password")
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(u)
		case r.Method == http.MethodPatch && r.URL.Path == "/scim/v2/Users/u-1":
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"not found","status":"404"}`)
		}
	}))
}

// A vendor drives the mock Okta from their own Go test: configure the app
// instance like an Okta admin would, assign a person, and assert on both
// what Okta would record (the Outcome) and what went over the wire.
func ExampleClient_Assign() {
	srv := vendorServer() // in a real test: your server's base URL
	defer srv.Close()

	c, err := okta.New(okta.Config{
		BaseURL:     srv.URL + "/scim/v2",
		Credentials: okta.Credentials{Mode: okta.AuthBearer, Token: "vendor-test-token"},
		Profile:     okta.ProfileOIN, // an OIN catalog app, like Apollo.io
		Features:    okta.DefaultFeatures(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ada := &okta.Person{ID: okta.NewPersonID(), Login: "ada@example.com", Email: "ada@example.com", GivenName: "Ada", FamilyName: "Lovelace"}

	a, out := c.Assign(context.Background(), ada)
	fmt.Println("task ok:", out.OK, "linked SCIM id:", a.SCIMID)
	for _, ex := range out.Exchanges {
		fmt.Println(ex.Method, strings.TrimPrefix(ex.URL, srv.URL), ex.StatusCode)
	}

	out = c.Unassign(context.Background(), ada)
	fmt.Println("unassign ok:", out.OK, "body:", string(out.Exchanges[0].RequestBody))
	// Output:
	// task ok: true linked SCIM id: u-1
	// GET /scim/v2/Users?filter=userName%20eq%20%22ada%40example.com%22&startIndex=1&count=100 200
	// POST /scim/v2/Users 201
	// unassign ok: true body: {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}
}

// Failed tasks carry the message the Okta admin would see.
func ExampleOutcome() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusConflict)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User already exists","status":"409"}`)
			return
		}
		fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`)
	}))
	defer srv.Close()
	c, _ := okta.New(okta.Config{BaseURL: srv.URL, Credentials: okta.Credentials{Mode: okta.AuthHeader, Token: "t0k"}, Features: okta.DefaultFeatures()})
	_, out := c.Assign(context.Background(), &okta.Person{ID: okta.NewPersonID(), Login: "bob@example.com", Email: "bob@example.com", GivenName: "Bob", FamilyName: "B"})
	fmt.Println(out.OK)
	fmt.Println(out.Message)
	// Exchanges are raw; RedactExchange is the copy for a report.
	fmt.Println(out.Exchanges[1].RequestHeader.Get("Authorization"))
	fmt.Println(c.RedactExchange(out.Exchanges[1]).RequestHeader.Get("Authorization"))
	// Output:
	// false
	// Conflict. Errors reported by remote server: User already exists
	// t0k
	// <redacted>
}

// Raw probes use the same headers, retries and capture as operations.
func ExampleClient_Do() {
	srv := vendorServer()
	defer srv.Close()
	c, _ := okta.New(okta.Config{BaseURL: srv.URL + "/scim/v2", Credentials: okta.Credentials{Token: "vendor-test-token"}})
	wrong := "Bearer not-the-token"
	ex := c.Do(context.Background(), okta.Request{Path: "/Users/unknown", Authorization: &wrong})
	fmt.Println(ex.StatusCode, ex.RequestHeader.Get("Authorization"), ex.RequestHeader.Get("User-Agent"))
	// Output:
	// 401 Bearer not-the-token Okta SCIM Client 1.0.0
}

func ExampleUserFilter() {
	fmt.Println(okta.UserFilter(`o"brien\x@example.com`))
	// Output:
	// userName eq "o\"brien\\x@example.com"
}
