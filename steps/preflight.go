package steps

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/scimconform/scimconform/mockidp/okta"
	"github.com/scimconform/scimconform/reports"
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
// probe (mockidp/okta/WIRE.md §3). It returns a *PreflightError describing the
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
	if ex != nil && (ex.Truncated || errors.Is(ex.Error, okta.ErrBodyTooLarge)) {
		return &PreflightError{
			Reason: fmt.Sprintf("GET %s/Users?startIndex=1&count=2 answered %d, but the answer exceeded %s: Okta asked for 2 users; an app that ignores count sends its whole user list",
				cfg.BaseURL, ex.StatusCode, okta.ByteSize(cfg.MaxBody)),
			Hint: "raise --max-body to test anyway, and make the app honour count (Okta pages with count=100)",
			Err:  ex.Error,
		}
	}
	if ex == nil || ex.StatusCode == 0 || ex.Error != nil {
		// No answer, or an answer whose body could not be read in time.
		cause := o.Err
		if ex != nil && ex.Error != nil {
			cause = ex.Error
		}
		if speaksTLS(ctx, cfg) {
			return plainHTTPToTLS(cfg, cause)
		}
		return transportProblem(cfg.BaseURL, cause)
	}
	if ex.StatusCode != 200 && speaksTLS(ctx, cfg) {
		return plainHTTPToTLS(cfg, nil)
	}
	switch {
	case ex.StatusCode >= 300 && ex.StatusCode < 400:
		loc := reports.SafeText(ex.ResponseHeader.Get("Location"))
		if loc == "" {
			loc = "(no Location header)"
		}
		return &PreflightError{
			Reason: fmt.Sprintf("GET %s/Users?startIndex=1&count=2 answered %d, a redirect to %s", cfg.BaseURL, ex.StatusCode, loc),
			Hint:   "Okta does not follow redirects: give the URL it redirects to in --url (e.g. https:// instead of http://, or the path with or without a trailing /scim/v2)",
		}
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

// speaksTLS reports whether an http:// base URL points at a port that
// completes a TLS handshake, i.e. the URL should have been https://.
func speaksTLS(ctx context.Context, cfg Config) bool {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: cfg.ProbeTimeout},
		Config: &tls.Config{InsecureSkipVerify: true, ServerName: u.Hostname()}} // #nosec G402 -- only asks whether the port speaks TLS; nothing is sent
	dctx, cancel := context.WithTimeout(ctx, cfg.ProbeTimeout)
	defer cancel()
	conn, err := d.DialContext(dctx, "tcp", host)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

func plainHTTPToTLS(cfg Config, cause error) error {
	https := "https://" + strings.TrimPrefix(cfg.BaseURL, "http://")
	return &PreflightError{Reason: "this port speaks TLS: use https:// (" + https + ")",
		Hint: "--url " + https, Err: cause}
}

// transportProblem explains a failed probe from the typed transport error
// of the mock client (okta.TransportError).
func transportProblem(base string, err error) error {
	if err == nil {
		return &PreflightError{Reason: "no answer from " + base}
	}
	msg := err.Error()
	var te *okta.TransportError
	if !errors.As(err, &te) {
		return &PreflightError{Reason: "cannot reach " + base + ": " + msg, Err: err}
	}
	var uaErr x509.UnknownAuthorityError
	var hnErr x509.HostnameError
	switch te.Kind {
	case okta.KindTLS:
		switch {
		case errors.As(err, &uaErr):
			return &PreflightError{Reason: "TLS: the server's certificate is not trusted", Hint: "give --ca-file with your CA, or --insecure for a test server", Err: err}
		case errors.As(err, &hnErr):
			return &PreflightError{Reason: "TLS: the certificate does not match the host name", Hint: "use the host name on the certificate", Err: err}
		}
		var recErr tls.RecordHeaderError
		if errors.As(err, &recErr) || !strings.Contains(msg, "certificate") {
			return &PreflightError{Reason: "TLS: the server does not speak HTTPS", Hint: "use http:// in --url", Err: err}
		}
		return &PreflightError{Reason: "TLS: " + msg, Hint: "check the server's certificate, --ca-file or --insecure", Err: err}
	case okta.KindRefused:
		return &PreflightError{Reason: "cannot reach " + base + ": connection refused", Hint: "is the server running and listening on that port?", Err: err}
	case okta.KindTimeout:
		return &PreflightError{Reason: "no answer from " + base + " within the timeout", Hint: "is the host right? raise --timeout for a slow server", Err: err}
	case okta.KindNetwork:
		return &PreflightError{Reason: "cannot reach " + base + ": " + msg, Hint: "check the host and port in --url", Err: err}
	}
	return &PreflightError{Reason: "cannot reach " + base + ": " + msg, Err: err}
}
