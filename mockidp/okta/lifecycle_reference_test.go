package okta_test

import (
	"net/http/httptest"
	"testing"

	"github.com/scimconform/scimconform/reference"
)

// The reference server (reference/) is the main lifecycle target: the mock
// Okta and the reference must agree on every step of mockidp/okta/WIRE.md §13.
func init() {
	lifecycleTargets["reference"] = func(t *testing.T) (string, string) {
		srv, err := reference.New(reference.WithToken("ref-life-token"))
		if err != nil {
			t.Fatalf("reference server: %v", err)
		}
		t.Cleanup(func() { srv.Close() })
		hs := httptest.NewServer(srv)
		t.Cleanup(hs.Close)
		return hs.URL + reference.BasePath, "ref-life-token"
	}
}
