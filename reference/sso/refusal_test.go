package sso_test

// Refusals: every hostile response the mock IdP can make is refused with
// its reason, and refused assertions are never logged in full.

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scimconform/scimconform/mockidp/samlidp"
	"github.com/scimconform/scimconform/reference/sso"
)

func TestHostileResponsesRefused(t *testing.T) {
	want := map[samlidp.Attack]error{
		samlidp.Unsigned:          sso.ErrUnsigned,
		samlidp.ForeignKey:        sso.ErrUntrustedCert,
		samlidp.Expired:           sso.ErrExpired,
		samlidp.NotYetValid:       sso.ErrNotYetValid,
		samlidp.WrongAudience:     sso.ErrAudience,
		samlidp.WrongRecipient:    sso.ErrRecipient,
		samlidp.WrongInResponseTo: sso.ErrInResponseTo,
		samlidp.Tampered:          sso.ErrSignature,
		samlidp.SignatureWrapping: sso.ErrWrapping,
		samlidp.WrongIssuer:       sso.ErrIssuer,
	}
	if len(want) != len(samlidp.Attacks()) {
		t.Fatalf("a new attack needs a test: %v", samlidp.Attacks())
	}
	e := newEnv(t, false)
	for _, a := range samlidp.Attacks() {
		t.Run(string(a), func(t *testing.T) {
			// The attacker holds a response for Ada and tries to become Grace
			// where the variant allows it.
			resp := e.response(ada, samlidp.WithAttack(a), samlidp.WithTarget(grace))
			before := len(e.logs.String())
			r, body := e.post(e.client(), resp)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %q", r.StatusCode, body)
			}
			if !strings.Contains(body, want[a].Error()) {
				t.Errorf("body %q does not state %q", body, want[a])
			}
			if ck := r.Cookies(); len(ck) != 0 {
				t.Errorf("refusal set cookies: %v", ck)
			}
			logged := e.logs.String()[before:]
			if !strings.Contains(logged, "reason="+sso.ReasonCode(want[a])) {
				t.Errorf("log %q lacks reason %s", logged, sso.ReasonCode(want[a]))
			}
			assertNotLogged(t, logged, resp)
			// The same reason through the API.
			_, _, err := e.sp.Accept(context.Background(), e.response(ada, samlidp.WithAttack(a), samlidp.WithTarget(grace)))
			if !errors.Is(err, want[a]) {
				t.Errorf("Accept: %v, want %v", err, want[a])
			}
			if a == samlidp.Tampered && errors.Is(err, sso.ErrUntrustedCert) {
				t.Errorf("tampered reported as untrusted cert: %v", err)
			}
		})
	}
}

// assertNotLogged fails if the log holds the response or any XML of it.
func assertNotLogged(t *testing.T, logged, resp string) {
	t.Helper()
	if strings.Contains(logged, "<") || strings.Contains(logged, "Assertion") {
		t.Errorf("log holds XML: %q", logged)
	}
	raw, _ := base64.StdEncoding.DecodeString(resp)
	for i := 0; i+48 <= len(resp); i += 24 {
		if strings.Contains(logged, resp[i:i+48]) {
			t.Fatalf("log holds part of the SAMLResponse: %q", logged)
		}
	}
	if m := regexp.MustCompile(`SignatureValue>([^<]{40})`).FindSubmatch(raw); m != nil && strings.Contains(logged, string(m[1])) {
		t.Fatalf("log holds the signature value")
	}
}

func TestReplayRefused(t *testing.T) {
	e := newEnv(t, false)
	resp := e.response(ada)
	r1, _ := e.post(e.client(), resp)
	if ok, why := signedIn.Evaluate(r1); !ok {
		t.Fatal(why)
	}
	r2, body := e.post(e.client(), resp)
	if r2.StatusCode != http.StatusBadRequest || !strings.Contains(body, sso.ErrReplay.Error()) {
		t.Fatalf("replay: %d %q", r2.StatusCode, body)
	}
	assertNotLogged(t, e.logs.String(), resp)
	_, _, err := e.sp.Accept(context.Background(), resp)
	if !errors.Is(err, sso.ErrReplay) {
		t.Fatalf("Accept replay: %v", err)
	}
}

// TestReplayAfterExpiry: once the assertion's window and the skew have
// passed, its ID may be forgotten because the assertion is refused as
// expired anyway.
func TestReplayAfterExpiry(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := newEnv(t, false, func(c *sso.Config) { c.Now = clk.Now })
	resp := e.response(ada, samlidp.WithIssueInstant(clk.Now()))
	if _, _, err := e.sp.Accept(context.Background(), resp); err != nil {
		t.Fatal(err)
	}
	clk.add(5*time.Minute + 2*time.Minute + time.Second)
	if _, _, err := e.sp.Accept(context.Background(), resp); !errors.Is(err, sso.ErrExpired) {
		t.Fatalf("old replay: %v, want ErrExpired", err)
	}
}
