package reference

import (
	"net/http"
	"strings"
	"sync"
)

// authFaults present the fault layer's own token in place of the client's
// credential, so they need one.
var authFaults = map[string]bool{"accept-any-token": true, "auth-skip-patch": true, "ignore-revocation": true}

func (f *faultLayer) trusted(r *http.Request) {
	r.Header.Set("Authorization", "Bearer "+f.token)
}

func init() {
	register(map[string]decorator{
		"accept-any-token": answer(anyRequest, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			if strings.TrimSpace(r.Header.Get("Authorization")) != "" {
				f.trusted(r)
			}
			next.ServeHTTP(w, r)
		}),
		"auth-skip-patch": answer(func(r *http.Request) bool {
			return is(r, http.MethodPatch, "Users", true) || is(r, http.MethodPatch, "Groups", true)
		}, func(f *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			f.trusted(r)
			next.ServeHTTP(w, r)
		}),
		"ignore-revocation": ignoreRevocation,
		"echo-token": rewrite(anyRequest, func(r *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusUnauthorized {
				m["detail"] = "invalid token: " + r.Header.Get("Authorization")
				c.setObject(m)
			}
		}),
		"plain-text-401": rewrite(anyRequest, func(_ *http.Request, c *captured) {
			if c.status == http.StatusUnauthorized {
				c.header.Set("Content-Type", "text/plain; charset=utf-8")
				c.body.Reset()
				c.body.WriteString("Unauthorized")
			}
		}),
		"hang-on-wrong-token": answer(func(r *http.Request) bool {
			_, _, ok := route(r)
			return ok && strings.HasPrefix(strings.ToLower(r.Header.Get("Authorization")), "bearer ")
		},
			func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
				c := capture(next, r)
				if c.status == http.StatusUnauthorized {
					<-r.Context().Done() // until the client gives up
					return
				}
				c.writeTo(w)
			}),
	})
}

// ignoreRevocation remembers every Authorization value that was once
// accepted (a verification cache without expiry) and keeps accepting it.
func ignoreRevocation(f *faultLayer, next http.Handler) http.Handler {
	var seen sync.Map
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if _, ok := seen.Load(h); ok && h != "" {
			f.trusted(r)
			next.ServeHTTP(w, r)
			return
		}
		c := capture(next, r)
		if res, _, ok := route(r); ok && (res == "Users" || res == "Groups") && h != "" && c.status != http.StatusUnauthorized {
			seen.Store(h, true)
		}
		c.writeTo(w)
	})
}
