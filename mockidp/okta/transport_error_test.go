package okta_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// TestTransportErrorKinds: a transport failure keeps its error value, typed
// with the kind the steps and pre-flight branch on.
func TestTransportErrorKinds(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block }))
	t.Cleanup(func() { close(block); slow.Close() })
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	for _, tc := range []struct {
		name, base string
		want       okta.TransportKind
		timeout    time.Duration
	}{
		{"refused", closed, okta.KindRefused, 10 * time.Second},
		{"timeout", slow.URL, okta.KindTimeout, 300 * time.Millisecond},
		// A TLS handshake under -race on a loaded machine can take longer
		// than the timeout case's 300 ms; the failure comes at once anyway.
		{"untrusted certificate", tlsSrv.URL, okta.KindTLS, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := okta.New(okta.Config{BaseURL: tc.base, Credentials: okta.Credentials{Token: "t"}, Timeout: tc.timeout})
			if err != nil {
				t.Fatal(err)
			}
			ex := c.Do(context.Background(), okta.Request{Path: "/Users"})
			var te *okta.TransportError
			if ex.StatusCode != 0 || !errors.As(ex.Error, &te) {
				t.Fatalf("status %d error %#v", ex.StatusCode, ex.Error)
			}
			if te.Kind != tc.want || ex.Err != te.Error() {
				t.Errorf("kind %q (%s), want %q", te.Kind, ex.Err, tc.want)
			}
		})
	}
}

// TestNewRejectsUnusableBaseURLs: the client refuses what Okta's base URL
// field would not hold; steps.Config.Validate mirrors this list.
func TestNewRejectsUnusableBaseURLs(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:1/scim/v2?x=1", "http://127.0.0.1:1/scim/v2#f", "http://u:p@127.0.0.1:1/scim/v2", "http://127.0.0.1:1/scim/v2?", "ftp://127.0.0.1/", "/scim/v2"} {
		if _, err := okta.New(okta.Config{BaseURL: u, Credentials: okta.Credentials{Token: "t"}}); err == nil {
			t.Errorf("New accepted %q", u)
		}
	}
}
