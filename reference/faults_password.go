package reference

import (
	"net/http"
)

// Faults of Okta's password push ("Sync Password", mockidp/okta/WIRE.md
// §14): OIN sends PATCH /Users/{id} with a path-less replace of password
// (the body is inferred), AIW a PUT of the user with password set. Each
// fault acts on a user update (PUT or PATCH /Users/{id}) that carries a
// password; the raw PUT of USR-008, which also carries one, is hit too
// where a fault changes the answer.

func init() {
	register(map[string]decorator{
		"refuse-password-patch": refuse(func(r *http.Request) bool { return is(r, http.MethodPatch, "Users", true) },
			func(f *faultLayer, r *http.Request) (int, string, string) {
				if _, sent := sentPassword(r, f.jsonBody(r)); sent {
					return http.StatusBadRequest, "invalidValue", "password cannot be changed by PATCH"
				}
				return 0, "", ""
			}),
		"refuse-password-put": refuse(func(r *http.Request) bool { return is(r, http.MethodPut, "Users", true) },
			func(f *faultLayer, r *http.Request) (int, string, string) {
				if pw, sent := sentPassword(r, f.jsonBody(r)); sent && pw != "" {
					return http.StatusBadRequest, "invalidValue", "password is not accepted in a PUT"
				}
				return 0, "", ""
			}),
		"echo-password-on-update": answer(userUpdate, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			pw, sent := sentPassword(r, f.jsonBody(r))
			c := capture(next, r)
			if m := c.object(); sent && m != nil && c.status == http.StatusOK {
				// The update handler answers with the request merged in,
				// writeOnly attributes included.
				m["password"] = pw
				c.setObject(m)
			}
			c.writeTo(w)
		}),
		"password-push-deactivates": passwordPushAlso(
			func() map[string]any {
				return map[string]any{"op": "replace", "value": map[string]any{"active": false}}
			},
			func(body map[string]any) { body["active"] = false }),
		"password-push-drops-name": passwordPushAlso(
			func() map[string]any { return map[string]any{"op": "remove", "path": "name"} },
			func(body map[string]any) { delete(body, "name") }),
	})
}

// passwordPushAlso makes a user update that carries a password also apply
// another change: a PATCH gets the operation op returns appended, a PUT
// body is changed by put.
// The clean server then stores and answers the changed user.
func passwordPushAlso(op func() map[string]any, put func(body map[string]any)) decorator {
	return answer(userUpdate, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		body := f.jsonBody(r)
		if _, sent := sentPassword(r, body); sent && body != nil {
			if r.Method == http.MethodPatch {
				setPatchOps(body, append(patchOps(body), op()))
			} else {
				put(body)
			}
			setBody(r, mustJSON(body))
		}
		next.ServeHTTP(w, r)
	})
}
