package steps

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/scimconform/scimconform/mockidp/okta"
)

// PreflightError says why the target cannot be tested at all, with a hint
// for the user. The CLI turns it into exit code 2 before any scenario runs.
type PreflightError struct {
	// Reason is one line: what went wrong.
	Reason string
	// Hint suggests what to check.
	Hint string
	// Err is the underlying error, if any.
	Err error
}

func (e *PreflightError) Error() string {
	s := "pre-flight: " + e.Reason
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

func (e *PreflightError) Unwrap() error { return e.Err }

// Preflight checks that the target is reachable, that TLS works and that
// the credentials are accepted, by sending Okta's "Test API Credentials"
// probe (okta-wire.md §3). It returns a *PreflightError describing the
// first problem, or nil. cfg must have been validated.
func Preflight(ctx context.Context, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return &PreflightError{Reason: err.Error(), Err: err}
	}
	client, err := newClient(&cfg)
	if err != nil {
		return &PreflightError{Reason: "cannot configure the client: " + err.Error(), Err: err}
	}
	o := client.TestCredentials(ctx)
	var ex *okta.Exchange
	for i := range o.Exchanges {
		if strings.Contains(o.Exchanges[i].URL, "/Users") {
			ex = &o.Exchanges[i]
			break
		}
	}
	if ex == nil || ex.StatusCode == 0 {
		cause := o.Err
		if cause == nil && ex != nil && ex.Err != "" {
			cause = errors.New(ex.Err)
		}
		return transportProblem(cfg.BaseURL, cause)
	}
	switch {
	case ex.StatusCode == 401 || ex.StatusCode == 403:
		return &PreflightError{
			Reason: fmt.Sprintf("the target refused the credentials: GET %s/Users?startIndex=1&count=2 answered %d", cfg.BaseURL, ex.StatusCode),
			Hint:   fmt.Sprintf("check SCIMCONFORM_TOKEN / --token-file and --auth (now %q: bearer sends \"Bearer <token>\", header sends the bare token)", cfg.Credentials.Mode),
		}
	case ex.StatusCode == 404:
		return &PreflightError{
			Reason: fmt.Sprintf("GET %s/Users answered 404", cfg.BaseURL),
			Hint:   "is the base URL right? Most apps serve SCIM under a path such as /scim/v2",
		}
	case ex.StatusCode >= 500:
		return &PreflightError{Reason: fmt.Sprintf("the target failed Okta's credentials test with %d", ex.StatusCode), Hint: "look at the server's log"}
	case ex.StatusCode != 200:
		return &PreflightError{Reason: fmt.Sprintf("GET %s/Users?startIndex=1&count=2 answered %d, not 200", cfg.BaseURL, ex.StatusCode),
			Hint: "Okta's \"Test API Credentials\" needs 200 with a SCIM ListResponse"}
	}
	m, err := ex.JSON()
	if err != nil || m["Resources"] == nil && m["totalResults"] == nil {
		return &PreflightError{Reason: fmt.Sprintf("GET %s/Users answered 200 but not with a SCIM ListResponse", cfg.BaseURL),
			Hint: "is this the SCIM base URL? (e.g. https://app.example.com/scim/v2)"}
	}
	return nil
}

func transportProblem(base string, err error) error {
	if err == nil {
		return &PreflightError{Reason: "no answer from " + base}
	}
	msg := err.Error()
	var uaErr x509.UnknownAuthorityError
	var hnErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var opErr *net.OpError
	switch {
	case errors.As(err, &uaErr) || strings.Contains(msg, "certificate signed by unknown authority"):
		return &PreflightError{Reason: "TLS: the server's certificate is not trusted", Hint: "give --ca-file with your CA, or --insecure for a test server", Err: err}
	case errors.As(err, &hnErr) || strings.Contains(msg, "certificate is valid for"):
		return &PreflightError{Reason: "TLS: the certificate does not match the host name", Hint: "use the host name on the certificate", Err: err}
	case errors.As(err, &recErr) || strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return &PreflightError{Reason: "TLS: the server does not speak HTTPS", Hint: "use http:// in --url", Err: err}
	case strings.Contains(msg, "connection refused"):
		return &PreflightError{Reason: "cannot reach " + base + ": connection refused", Hint: "is the server running and listening on that port?", Err: err}
	case strings.Contains(msg, "deadline exceeded") || strings.Contains(msg, "timeout"):
		return &PreflightError{Reason: "no answer from " + base + " within the timeout", Hint: "is the host right? raise --timeout for a slow server", Err: err}
	case errors.As(err, &opErr):
		return &PreflightError{Reason: "cannot reach " + base + ": " + msg, Hint: "check the host and port in --url", Err: err}
	}
	return &PreflightError{Reason: "cannot reach " + base + ": " + msg, Err: err}
}
