package container

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// probeTimeout bounds one readiness probe (TCP connect plus HTTP answer).
const probeTimeout = 2 * time.Second

// prober performs the readiness check of one container.
type prober struct {
	client *http.Client
	path   string // path and query, relative to the host root
	health bool   // HealthPath semantics: 2xx/3xx only
	token  string
}

func newProber(o Options) *prober {
	p := &prober{
		client: &http.Client{
			Transport: &http.Transport{
				Proxy:             nil, // the target is on loopback; never via a proxy
				DisableKeepAlives: true,
			},
			// A redirect is an HTTP answer; following it could leave loopback.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		token: o.Token,
	}
	if o.HealthPath != "" {
		p.path, p.health = o.HealthPath, true
	} else {
		// Okta's "Test API Credentials" request (mockidp/okta/WIRE.md §3): the first
		// thing Okta sends, with constant query parameters.
		p.path = o.BasePath + "/Users?startIndex=1&count=2"
	}
	return p
}

// probe returns nil if the server at hostPort answers the readiness request
// acceptably, else an error saying what it saw.
func (p *prober) probe(ctx context.Context, hostPort string) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	// The TCP step only tells "port closed" apart from "no HTTP yet" in the
	// error: with Docker's userland proxy the host port accepts connections
	// even before the server listens, so only an HTTP answer counts.
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", hostPort)
	if err != nil {
		return fmt.Errorf("port %s not open: %w", hostPort, err)
	}
	_ = conn.Close()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+hostPort+p.path, nil)
	if err != nil {
		return fmt.Errorf("build probe request: %w", err)
	}
	req.Header.Set("User-Agent", "scimconform readiness probe")
	req.Header.Set("Accept", "application/scim+json")
	if !p.health && p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("no HTTP answer from GET %s: %w", p.path, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	code := resp.StatusCode
	if p.health {
		if code >= 200 && code < 400 {
			return nil
		}
		return &statusError{msg: fmt.Sprintf("GET %s answered HTTP %d, want 2xx or 3xx", p.path, code)}
	}
	if code < 500 {
		return nil
	}
	return &statusError{msg: fmt.Sprintf("GET %s answered HTTP %d", p.path, code)}
}

// statusError is a probe failure where the server did answer HTTP.
type statusError struct{ msg string }

func (e *statusError) Error() string { return e.msg }
