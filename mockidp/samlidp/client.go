package samlidp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SignIn posts samlResponse to acsURL as the HTTP-POST binding does (a form
// with SAMLResponse) and returns the SP's answer without following
// redirects, so the caller sees the status, Location and Set-Cookie of the
// ACS itself. It uses client's cookie jar and transport (http.DefaultClient
// when client is nil). The caller must close the response body.
func SignIn(ctx context.Context, client *http.Client, acsURL, samlResponse string) (*http.Response, error) {
	return SignInWithRelayState(ctx, client, acsURL, samlResponse, "")
}

// SignInWithRelayState is SignIn with a RelayState field when relayState is
// not empty.
func SignInWithRelayState(ctx context.Context, client *http.Client, acsURL, samlResponse, relayState string) (*http.Response, error) {
	if client == nil {
		client = http.DefaultClient
	}
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	form := url.Values{"SAMLResponse": {samlResponse}}
	if relayState != "" {
		form.Set("RelayState", relayState)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, acsURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("sign in at %s: %w", acsURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign in at %s: %w", acsURL, err)
	}
	return resp, nil
}

// SuccessCheck says what "signed in" looks like at an SP's ACS, for SPs
// scimconform does not know (--saml-acs). Every condition that is set must
// hold; the zero SuccessCheck accepts any status below 400.
type SuccessCheck struct {
	// Status is the exact status code expected. If zero, any status below
	// 400 passes.
	Status int
	// LocationPrefix, if not empty, must prefix the Location header (a
	// redirect into the app). A relative Location is resolved against the
	// request URL first, so either form of prefix matches.
	LocationPrefix string
	// Cookie, if not empty, is the name of a cookie the ACS must set with
	// a non-empty value that is not being deleted.
	Cookie string
}

// Evaluate reports whether resp shows a successful sign-in, and a short
// explanation either way (naming the first condition that failed).
func (c SuccessCheck) Evaluate(resp *http.Response) (bool, string) {
	if resp == nil {
		return false, "no response"
	}
	switch {
	case c.Status != 0 && resp.StatusCode != c.Status:
		return false, fmt.Sprintf("status %d, want %d", resp.StatusCode, c.Status)
	case c.Status == 0 && resp.StatusCode >= 400:
		return false, fmt.Sprintf("status %d (refused)", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if c.LocationPrefix != "" {
		// Compare as given, resolved against the request URL, and by path
		// alone, so "/app" and "https://host/app" both match either form.
		cands := []string{loc}
		if loc != "" {
			base := &url.URL{}
			if resp.Request != nil && resp.Request.URL != nil {
				base = resp.Request.URL
			}
			if u, err := base.Parse(loc); err == nil {
				cands = append(cands, u.String(), u.RequestURI())
			}
		}
		matched := false
		for _, s := range cands {
			matched = matched || (loc != "" && strings.HasPrefix(s, c.LocationPrefix))
		}
		if !matched {
			return false, fmt.Sprintf("Location %q does not start with %q", loc, c.LocationPrefix)
		}
	}
	if c.Cookie != "" {
		found := false
		for _, ck := range resp.Cookies() {
			deleted := ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now()))
			if ck.Name == c.Cookie && ck.Value != "" && !deleted {
				found = true
			}
		}
		if !found {
			return false, fmt.Sprintf("no cookie %q set", c.Cookie)
		}
	}
	msg := fmt.Sprintf("status %d", resp.StatusCode)
	if loc != "" {
		msg += ", Location " + loc
	}
	if c.Cookie != "" {
		msg += ", cookie " + c.Cookie + " set"
	}
	return true, msg
}
