package okta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// PasswordLength is the length of the passwords PushPassword sends: Okta's
// generated passwords are 16 characters of upper- and lower-case letters
// and digits (mockidp/okta/WIRE.md §14, help.okta.com "Application password
// synchronization").
const PasswordLength = 16

// passwordPatch is the OIN password push: a path-less PatchOp replace of
// password. [I] mockidp/okta/WIRE.md §14: Okta documents that OIN apps sync
// passwords with PATCH (SCIM20) but publishes no body; this one is INFERRED
// from the documented (de)activation PatchOp (§6) with password in place of
// active.
func passwordPatch(password string) []byte {
	b, _ := json.Marshal(object{
		{"schemas", []string{SchemaPatchOp}},
		{"Operations", []object{{{"op", "replace"}, {"value", object{{"password", password}}}}}},
	})
	return b
}

// PushPassword is Okta's "Sync Password" push after the person's Okta
// password changed (mockidp/okta/WIRE.md §14, §6 row 'Password sync'): a new
// random password of PasswordLength letters and digits, registered as a
// secret (redacted from reports, listed by GeneratedPasswords). OIN sends
// PATCH /Users/{id} with the path-less replace {"password": "<new>"} ([I]:
// the body is inferred, see passwordPatch); AIW sends GET /Users/{id} and
// then PUT of the returned user, unchanged but for "password" ([D] SCIM20:
// AIW updates are PUT; echoing the GET answer follows §5.1 [I]). 200 or 204
// succeed (§6). It fails with ErrNotAssigned when the person is not
// assigned and with ErrFeatureDisabled when Features.SyncPassword is off
// (then nothing is sent). The new password is returned even when the push
// failed, so a caller can look for it in the answers.
func (c *Client) PushPassword(ctx context.Context, p *Person) (string, Outcome) {
	o := c.begin("push-password")
	if err := validPerson(p); err != nil {
		o.failErr(err)
		return "", o.out
	}
	a, ok := c.Assignment(p.ID)
	if !ok {
		o.failErr(fmt.Errorf("%w: %s", ErrNotAssigned, p.ID))
		return "", o.out
	}
	if !c.cfg.Features.SyncPassword {
		o.failErr(fmt.Errorf("%w: Sync Password is off", ErrFeatureDisabled))
		return "", o.out
	}
	password := randomString(PasswordLength, alnum)
	c.addSecret(password)
	c.mu.Lock()
	c.passwords = append(c.passwords, password)
	c.mu.Unlock()
	path := c.userPath(a.SCIMID)
	if c.cfg.Profile == ProfileOIN {
		ex, ok := o.do(ctx, Request{Method: http.MethodPatch, Path: path, Body: passwordPatch(password)})
		if ok && o.expect(ex, http.StatusOK, http.StatusNoContent) {
			if res, err := decodeObject(ex.ResponseBody); err == nil {
				a.LastResource = res
			}
		}
		return password, o.out
	}
	ex, ok := o.do(ctx, Request{Path: path})
	if !ok || !o.expect(ex, http.StatusOK) {
		return password, o.out
	}
	res, err := decodeObject(ex.ResponseBody)
	if err != nil {
		o.fail(fmt.Sprintf("GET %s: %v", path, err))
		return password, o.out
	}
	res["password"] = password
	body, err := json.Marshal(res)
	if err != nil {
		o.failErr(fmt.Errorf("PUT body for %s: %w", path, err))
		return password, o.out
	}
	ex, ok = o.do(ctx, Request{Method: http.MethodPut, Path: path, Body: body})
	// [I] like syncProfile: RFC 7644 §3.5.1 says 200; 204 is accepted as for PATCH (§6).
	if !ok || !o.expect(ex, http.StatusOK, http.StatusNoContent) {
		return password, o.out
	}
	delete(res, "password") // Okta's record of the app user holds no password
	a.LastResource = res
	if put, err := decodeObject(ex.ResponseBody); err == nil {
		a.LastResource = put
	}
	return password, o.out
}
