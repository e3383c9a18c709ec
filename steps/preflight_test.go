package steps_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/steps"
)

// TestPreflightDiagnoses: the pre-flight names what is wrong in the words
// of the cause: an oversized but valid ListResponse (an app ignoring
// count), a redirect with its Location, and http:// to a TLS port.
func TestPreflightDiagnoses(t *testing.T) {
	big := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":60000,"startIndex":1,"itemsPerPage":60000,"Resources":[`)
		for i := 0; i < 60000; i++ {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"id":"%08d","userName":"user%08d@example.com","active":true,"name":{"givenName":"U","familyName":"Ser"}}`, i, i)
		}
		fmt.Fprint(w, `]}`)
	}
	redirect := func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://app.example.test/api/scim/v2/Users", http.StatusMovedPermanently)
	}
	ok := func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, okList) }
	for _, tc := range []struct {
		name string
		srv  *httptest.Server
		want string
	}{
		{"oversized list", httptest.NewServer(http.HandlerFunc(big)), "but the answer exceeded 4 MiB: Okta asked for 2 users; an app that ignores count"},
		{"redirect", httptest.NewServer(http.HandlerFunc(redirect)), "answered 301, a redirect to https://app.example.test/api/scim/v2/Users"},
		{"http to tls", httptest.NewTLSServer(http.HandlerFunc(ok)), "this port speaks TLS: use https://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(tc.srv.Close)
			base := strings.Replace(tc.srv.URL, "https://", "http://", 1)
			cfg := hostileConfig(base)
			cfg.Timeout = 10 * time.Second
			err := steps.Preflight(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("pre-flight: %v\nwant it to say %q", err, tc.want)
			}
			t.Log(err)
		})
	}
}
