package okta_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scimconform/scimconform/mockidp/okta"
)

const adaUserJSON = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"` + adaSCIM + `","userName":"ada@example.com","active":true}`

// TestPushPasswordPreconditions: with Sync Password off or the person not
// assigned, PushPassword sends nothing and says why.
func TestPushPasswordPreconditions(t *testing.T) {
	rec := newRecorder(t)
	c, _ := newClient(t, rec.base(), nil) // DefaultFeatures: SyncPassword off
	ctx := context.Background()
	if _, out := c.PushPassword(ctx, ada()); !errors.Is(out.Err, okta.ErrNotAssigned) {
		t.Errorf("push for an unassigned person: %v", out.Err)
	}
	c.Link(ada(), adaSCIM, true)
	if pw, out := c.PushPassword(ctx, ada()); !errors.Is(out.Err, okta.ErrFeatureDisabled) || pw != "" || len(out.Exchanges) != 0 {
		t.Errorf("push with Sync Password off: err %v, password %q, %d exchanges", out.Err, pw, len(out.Exchanges))
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("server saw %d requests", n)
	}
	if len(c.GeneratedPasswords()) != 0 {
		t.Error("a password was generated for a push that was not sent")
	}
}

// TestPushPasswordAnswers pins the answers Okta accepts for a password
// push (mockidp/okta/WIRE.md §14, §6: 200 or 204) and those that fail the
// task with Okta's message, in both profiles; the new password is returned
// either way and is a fresh secret each time.
func TestPushPasswordAnswers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile okta.Profile
		answers []int
		ok      bool
		sent    int
	}{
		{"oin 200", okta.ProfileOIN, []int{200}, true, 1},
		{"oin 204", okta.ProfileOIN, []int{204}, true, 1},
		{"oin 400", okta.ProfileOIN, []int{400}, false, 1},
		{"aiw 200", okta.ProfileAIW, []int{200, 200}, true, 2},
		{"aiw get 404", okta.ProfileAIW, []int{404}, false, 1},
		{"aiw put 400", okta.ProfileAIW, []int{200, 400}, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t)
			for _, st := range tc.answers {
				switch st {
				case 204:
					rec.script(st, nil, nil)
				case 200:
					rec.script(st, nil, []byte(adaUserJSON))
				default:
					rec.script(st, nil, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"password cannot be changed","status":"`+strconv.Itoa(st)+`"}`))
				}
			}
			c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.Profile = tc.profile; cfg.Features = allFeatures() })
			c.Link(ada(), adaSCIM, true)
			pw, out := c.PushPassword(context.Background(), ada())
			if out.OK != tc.ok {
				t.Fatalf("ok %v (%s), want %v", out.OK, out.Message, tc.ok)
			}
			if !tc.ok && !strings.Contains(out.Message, "Errors reported by remote server") {
				t.Errorf("failure message %q is not Okta's", out.Message)
			}
			if got := rec.requests(); len(got) != tc.sent {
				t.Fatalf("sent %d requests, want %d", len(got), tc.sent)
			}
			if len(pw) != okta.PasswordLength || !slices.Contains(c.GeneratedPasswords(), pw) {
				t.Errorf("password %q not returned or not registered", pw)
			}
			for _, ex := range c.RedactedTranscript() {
				if strings.Contains(string(ex.RequestBody), pw) {
					t.Errorf("the redacted transcript shows the pushed password: %s", ex.RequestBody)
				}
			}
			last := rec.requests()[len(rec.requests())-1]
			if tc.sent == len(tc.answers) && last.method != "GET" && !strings.Contains(string(last.body), pw) {
				t.Errorf("the %s did not carry the new password: %s", last.method, last.body)
			}
		})
	}
	// Two pushes send two different passwords.
	rec := newRecorder(t)
	rec.script(204, nil, nil)
	rec.script(204, nil, nil)
	c, _ := newClient(t, rec.base(), func(cfg *okta.Config) { cfg.Features = allFeatures() })
	c.Link(ada(), adaSCIM, true)
	a, _ := c.PushPassword(context.Background(), ada())
	b, _ := c.PushPassword(context.Background(), ada())
	if a == b {
		t.Errorf("two pushes sent the same password")
	}
}
