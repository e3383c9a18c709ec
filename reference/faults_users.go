package reference

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Faults of user creation, reads and updates, and of error answers.

func init() {
	register(map[string]decorator{
		"create-200": rewrite(func(r *http.Request) bool { return is(r, http.MethodPost, "Users", false) }, func(_ *http.Request, c *captured) {
			if c.status == http.StatusCreated {
				c.status = http.StatusOK
			}
		}),
		"create-empty-body": rewrite(func(r *http.Request) bool { return is(r, http.MethodPost, "Users", false) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusCreated {
				c.setObject(map[string]any{"schemas": m["schemas"], "id": m["id"], "meta": m["meta"]})
			}
		}),
		"get-omits-emails": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "Users", true) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK {
				delete(m, "emails")
				c.setObject(m)
			}
		}),
		"lowercase-username": answer(userWrite, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			if body := f.jsonBody(r); body != nil {
				if v, ok := body["userName"].(string); ok {
					body["userName"] = strings.ToLower(v)
				}
				for _, op := range patchOps(body) {
					if strings.EqualFold(opPath(op), "userName") {
						if v, ok := op["value"].(string); ok {
							op["value"] = strings.ToLower(v)
						}
					} else if v, ok := op["value"].(map[string]any); ok && opPath(op) == "" {
						if u, ok := v["userName"].(string); ok {
							v["userName"] = strings.ToLower(u)
						}
					}
				}
				setBody(r, mustJSON(body))
			}
			next.ServeHTTP(w, r)
		}),
		"refuse-unknown-schema": refuse(func(r *http.Request) bool {
			return is(r, http.MethodPost, "Users", false) || is(r, http.MethodPut, "Users", true) ||
				is(r, http.MethodPost, "Groups", false) || is(r, http.MethodPut, "Groups", true)
		}, func(f *faultLayer, r *http.Request) (int, string, string) {
			list, _ := f.jsonBody(r)["schemas"].([]any)
			for _, v := range list {
				if u, _ := v.(string); !knownResourceSchema[strings.ToLower(u)] {
					return http.StatusBadRequest, "invalidValue", fmt.Sprintf("schema %q is not supported by this server", u)
				}
			}
			return 0, "", ""
		}),
		"conflict-wrong-scimtype": rewrite(anyRequest, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusConflict {
				m["scimType"] = "invalidValue"
				c.setObject(m)
			}
		}),
		"echo-password":            echoPassword(func(m map[string]any, pw string) { m["password"] = pw }),
		"echo-password-credential": echoPassword(func(m map[string]any, pw string) { m["credential"] = map[string]any{"value": pw} }),
		"externalid-unique": answer(func(r *http.Request) bool { return is(r, http.MethodPost, "Users", false) },
			func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
				if ext := str(f.jsonBody(r), "externalId"); ext != "" {
					c := peek(next, r, "/Users?filter="+url.QueryEscape(fmt.Sprintf("externalId eq %q", ext)))
					if m := c.object(); m != nil && c.status == http.StatusOK && m["totalResults"] != float64(0) {
						writeError(w, http.StatusConflict, "uniqueness", fmt.Sprintf("externalId %q is already used", ext))
						return
					}
				}
				next.ServeHTTP(w, r)
			}),
		"put-ignores-name": answer(func(r *http.Request) bool { return is(r, http.MethodPut, "Users", true) },
			func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
				body := f.jsonBody(r)
				cur := peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath)).object()
				if body != nil && cur != nil {
					for _, k := range []string{"name", "displayName"} {
						if v, had := cur[k]; had {
							body[k] = v
						} else {
							delete(body, k)
						}
					}
					setBody(r, mustJSON(body))
				}
				next.ServeHTTP(w, r)
			}),
		"strict-put": refuse(func(r *http.Request) bool { return is(r, http.MethodPut, "Users", true) },
			func(f *faultLayer, r *http.Request) (int, string, string) {
				body := f.jsonBody(r)
				for k := range body {
					for _, bad := range []string{"id", "meta", "password", "groups"} {
						if strings.EqualFold(k, bad) {
							return http.StatusBadRequest, "invalidSyntax", fmt.Sprintf("attribute %q is not allowed in PUT", k)
						}
					}
				}
				if body != nil {
					if _, ignored, err := schema.UserResource.Canonical(body); err == nil && len(ignored) > 0 {
						return http.StatusBadRequest, "invalidSyntax", fmt.Sprintf("unknown attribute %q", ignored[0])
					}
				}
				return 0, "", ""
			}),
		"silent-email-ignore": answer(userUpdate, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			c := capture(next, r)
			if c.isSCIMError(http.StatusBadRequest, "mutability") {
				c = peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath))
			}
			c.writeTo(w)
		}),
		"ignore-deactivation":       ignoreActive(false, true),
		"ignore-reactivation":       ignoreActive(true, true),
		"ignore-reactivation-patch": ignoreActive(true, false),
		"path-only-patch": refuse(func(r *http.Request) bool { return r.Method == http.MethodPatch },
			func(f *faultLayer, r *http.Request) (int, string, string) {
				for i, op := range patchOps(f.jsonBody(r)) {
					if opPath(op) == "" {
						return http.StatusBadRequest, "invalidPath", fmt.Sprintf("Operations[%d]: path is required", i)
					}
				}
				return 0, "", ""
			}),
		"inactive-404": rewrite(func(r *http.Request) bool { return is(r, http.MethodGet, "Users", true) }, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK && m["active"] == false {
				c.status = http.StatusNotFound
				c.setObject(errorObject(http.StatusNotFound, "", fmt.Sprintf("user %q not found", str(m, "id"))))
			}
		}),
		"malformed-id-400": refuse(func(r *http.Request) bool {
			res, id, ok := route(r)
			return ok && id != "" && (res == "Users" || res == "Groups") && !uuidRe.MatchString(id)
		}, func(_ *faultLayer, r *http.Request) (int, string, string) {
			_, id, _ := route(r)
			return http.StatusBadRequest, "invalidValue", fmt.Sprintf("%q is not a valid id", id)
		}),
		"html-errors": rewrite(anyRequest, func(_ *http.Request, c *captured) {
			if c.status == http.StatusNotFound && strings.HasPrefix(c.header.Get("Content-Type"), "application/scim+json") {
				c.header.Set("Content-Type", "text/html; charset=utf-8")
				c.body.Reset()
				c.body.WriteString("<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>")
			}
		}),
		"bad-json-500": refuse(func(r *http.Request) bool {
			_, _, ok := route(r)
			return ok && (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch)
		}, func(f *faultLayer, r *http.Request) (int, string, string) {
			var m map[string]any
			if json.Unmarshal(f.body(r), &m) != nil {
				return http.StatusInternalServerError, "", "internal server error"
			}
			if res, _, _ := route(r); res == "Users" && r.Method != http.MethodPatch {
				if _, _, err := schema.UserResource.Canonical(m); err != nil {
					return http.StatusInternalServerError, "", "internal server error: " + err.Error()
				}
			}
			return 0, "", ""
		}),
	})
}

// uuidRe matches the ids this server hands out (malformed-id-400 refuses others).
var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// userWrite matches POST /Users and PUT/PATCH /Users/{id}.
func userWrite(r *http.Request) bool { return is(r, http.MethodPost, "Users", false) || userUpdate(r) }

func userUpdate(r *http.Request) bool {
	return is(r, http.MethodPut, "Users", true) || is(r, http.MethodPatch, "Users", true)
}

// sentPassword is the password a user write carries, if any.
func sentPassword(r *http.Request, body map[string]any) (string, bool) {
	if r.Method != http.MethodPatch {
		pw, ok := body["password"].(string)
		return pw, ok
	}
	for _, op := range patchOps(body) {
		if strings.EqualFold(opPath(op), "password") {
			pw, ok := op["value"].(string)
			return pw, ok
		}
		if v, ok := op["value"].(map[string]any); ok && opPath(op) == "" {
			if pw, ok := v["password"].(string); ok {
				return pw, true
			}
		}
	}
	return "", false
}

// echoPassword remembers the password last sent for each user and adds it
// (with put) to every answer that shows that user.
func echoPassword(put func(m map[string]any, pw string)) decorator {
	return func(f *faultLayer, next http.Handler) http.Handler {
		var mu sync.Mutex
		stored := map[string]string{}
		show := func(u map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			if pw, ok := stored[str(u, "id")]; ok {
				put(u, pw)
			}
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			res, id, ok := route(r)
			if !ok || res != "Users" {
				next.ServeHTTP(w, r)
				return
			}
			pw, sent := "", false
			if userWrite(r) {
				pw, sent = sentPassword(r, f.jsonBody(r))
			}
			c := capture(next, r)
			m := c.object()
			if m == nil || c.status >= 300 {
				c.writeTo(w)
				return
			}
			if sent {
				if id == "" {
					id = str(m, "id")
				}
				mu.Lock()
				stored[id] = pw
				mu.Unlock()
			}
			if _, isList := m["Resources"]; isList {
				for _, u := range resources(m) {
					show(u)
				}
			} else {
				show(m)
			}
			c.setObject(m)
			c.writeTo(w)
		})
	}
}

// setsActive reports the value of active a user write sets, if it sets one.
func setsActive(r *http.Request, body map[string]any) (bool, bool) {
	if r.Method == http.MethodPut {
		v, ok := body["active"].(bool)
		return v, ok
	}
	for _, op := range patchOps(body) {
		if k := opKind(op); k != "replace" && k != "add" {
			continue
		}
		if strings.EqualFold(opPath(op), "active") {
			v, ok := op["value"].(bool)
			return v, ok
		}
		if m, ok := op["value"].(map[string]any); ok && opPath(op) == "" {
			if v, ok := m["active"].(bool); ok {
				return v, true
			}
		}
	}
	return false, false
}

// setActive rewrites the active value of a user write to v.
func setActive(r *http.Request, body map[string]any, v bool) {
	if r.Method == http.MethodPut {
		body["active"] = v
		return
	}
	for _, op := range patchOps(body) {
		if strings.EqualFold(opPath(op), "active") {
			op["value"] = v
		} else if m, ok := op["value"].(map[string]any); ok && opPath(op) == "" {
			if _, has := m["active"]; has {
				m["active"] = v
			}
		}
	}
}

// ignoreActive makes updates that change active to want answer 200
// showing the change while the old value stays stored; withPut also
// covers PUT, else only PATCH.
func ignoreActive(want, withPut bool) decorator {
	return answer(func(r *http.Request) bool {
		return is(r, http.MethodPatch, "Users", true) || (withPut && is(r, http.MethodPut, "Users", true))
	}, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
		body := f.jsonBody(r)
		v, sets := setsActive(r, body)
		cur := peek(next, r, strings.TrimPrefix(r.URL.Path, BasePath)).object()
		if !sets || v != want || cur == nil || cur["active"] != !want {
			next.ServeHTTP(w, r)
			return
		}
		setActive(r, body, !want)
		setBody(r, mustJSON(body))
		c := capture(next, r)
		if m := c.object(); m != nil && c.status == http.StatusOK {
			m["active"] = want
			c.setObject(m)
		}
		c.writeTo(w)
	})
}

// knownResourceSchema are the resource schema URNs the reference server
// supports (lower-cased): what refuse-unknown-schema accepts.
var knownResourceSchema = map[string]bool{
	strings.ToLower(schema.UserURN):       true,
	strings.ToLower(schema.EnterpriseURN): true,
	strings.ToLower(schema.GroupURN):      true,
}
