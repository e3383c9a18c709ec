package reference

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/scimconform/scimconform/reference/internal/filter"
	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Faults of lookups and listings: they rewrite ListResponses.

func init() {
	register(map[string]decorator{
		"counters-as-strings": rewrite(unfilteredUserList, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK {
				for _, k := range []string{"totalResults", "startIndex", "itemsPerPage"} {
					if v, ok := m[k]; ok {
						m[k] = fmt.Sprint(v)
					}
				}
				c.setObject(m)
			}
		}),
		"lookup-miss-404": rewrite(filteredList, func(_ *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK && m["totalResults"] == float64(0) {
				c.status = http.StatusNotFound
				c.setObject(errorObject(http.StatusNotFound, "", "not found"))
			}
		}),
		"case-sensitive-filter": rewrite(userNameLookup, func(r *http.Request, c *captured) {
			exactOnly(r, c)
		}),
		"case-sensitive-lookup-404": rewrite(userNameLookup, func(r *http.Request, c *captured) {
			if exactOnly(r, c) {
				if m := c.object(); m != nil && len(resources(m)) == 0 {
					c.status = http.StatusNotFound
					c.setObject(errorObject(http.StatusNotFound, "", "user not found"))
				}
			}
		}),
		"filter-hides-inactive": rewrite(func(r *http.Request) bool { return filteredList(r) && is(r, http.MethodGet, "Users", false) }, func(_ *http.Request, c *captured) {
			m := c.object()
			if m == nil || c.status != http.StatusOK {
				return
			}
			var keep []map[string]any
			for _, u := range resources(m) {
				if u["active"] != false {
					keep = append(keep, u)
				}
			}
			setResources(m, keep, len(resources(m))-len(keep))
			c.setObject(m)
		}),
		"zero-based-paging": answer(unfilteredUserList, func(_ *faultLayer, next http.Handler, w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			n, err := strconv.Atoi(q.Get("startIndex"))
			if err != nil || n < 1 {
				next.ServeHTTP(w, r)
				return
			}
			q.Set("startIndex", strconv.Itoa(n+1)) // taken as an offset: one more is skipped
			r.URL.RawQuery = q.Encode()
			c := capture(next, r)
			if m := c.object(); m != nil && c.status == http.StatusOK {
				m["startIndex"] = n
				c.setObject(m)
			}
			c.writeTo(w)
		}),
		"listing-order-rotates": rotatingOrder,
		"items-per-page-requested": rewrite(func(r *http.Request) bool {
			return r.Method == http.MethodGet && r.URL.Query().Has("count") && isList(r)
		}, func(r *http.Request, c *captured) {
			if m := c.object(); m != nil && c.status == http.StatusOK {
				if n, err := strconv.Atoi(r.URL.Query().Get("count")); err == nil {
					m["itemsPerPage"] = n
					c.setObject(m)
				}
			}
		}),
		"past-end-400": rewrite(func(r *http.Request) bool { return r.Method == http.MethodGet && isList(r) }, func(r *http.Request, c *captured) {
			m := c.object()
			start, err := strconv.Atoi(r.URL.Query().Get("startIndex"))
			if m == nil || err != nil || c.status != http.StatusOK {
				return
			}
			if total, _ := m["totalResults"].(float64); start > 1 && start > int(total) {
				c.status = http.StatusBadRequest
				c.setObject(errorObject(http.StatusBadRequest, "invalidValue", fmt.Sprintf("startIndex %d is past the end (%d results)", start, int(total))))
			}
		}),
		"invalid-filter-500": rewrite(anyRequest, func(_ *http.Request, c *captured) {
			if c.isSCIMError(http.StatusBadRequest, "invalidFilter") {
				c.status = http.StatusInternalServerError
				c.setObject(errorObject(http.StatusInternalServerError, "", "internal server error"))
			}
		}),
	})
}

func errorObject(status int, scimType, detail string) map[string]any {
	return map[string]any{"schemas": []any{schema.ErrorURN}, "status": strconv.Itoa(status), "scimType": scimType, "detail": detail}
}

// isList matches GET on a resource collection (Users, Groups).
func isList(r *http.Request) bool {
	return is(r, http.MethodGet, "Users", false) || is(r, http.MethodGet, "Groups", false)
}

func filteredList(r *http.Request) bool { return isList(r) && r.URL.Query().Has("filter") }

// userNameLookup matches Okta's `userName eq "..."` lookup.
func userNameLookup(r *http.Request) bool {
	_, ok := lookupValue(r)
	return ok
}

func lookupValue(r *http.Request) (string, bool) {
	if !is(r, http.MethodGet, "Users", false) || !r.URL.Query().Has("filter") {
		return "", false
	}
	f, err := filter.Parse(r.URL.Query().Get("filter"))
	if err != nil {
		return "", false
	}
	attr, value, ok := f.SimpleEq(schema.UserResource)
	return value, ok && strings.EqualFold(attr, "userName")
}

// exactOnly drops the listed users whose userName differs from the
// lookup value in letter case; it reports whether it dropped any.
func exactOnly(r *http.Request, c *captured) bool {
	value, _ := lookupValue(r)
	m := c.object()
	if m == nil || c.status != http.StatusOK {
		return false
	}
	var keep []map[string]any
	for _, u := range resources(m) {
		if str(u, "userName") == value {
			keep = append(keep, u)
		}
	}
	dropped := len(resources(m)) - len(keep)
	setResources(m, keep, dropped)
	c.setObject(m)
	return dropped > 0
}

// rotatingOrder serves unfiltered user listings from the full listing
// rotated by one more position on every request.
func rotatingOrder(_ *faultLayer, next http.Handler) http.Handler {
	var calls atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !unfilteredUserList(r) {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		start, err1 := strconv.Atoi(q.Get("startIndex"))
		count, err2 := strconv.Atoi(q.Get("count"))
		if err1 != nil || start < 1 {
			start = 1
		}
		if err2 != nil || count < 0 || count > MaxResults {
			count = MaxResults
		}
		var all []map[string]any
		var first map[string]any
		for page := 1; ; page += MaxResults {
			pq := url.Values{}
			for k, v := range q {
				pq[k] = v
			}
			pq.Set("startIndex", strconv.Itoa(page))
			pq.Set("count", strconv.Itoa(MaxResults))
			c := peek(next, r, "/Users?"+pq.Encode())
			m := c.object()
			if m == nil || c.status != http.StatusOK {
				c.writeTo(w)
				return
			}
			if first == nil {
				first = m
			}
			rs := resources(m)
			all = append(all, rs...)
			if total, _ := m["totalResults"].(float64); len(rs) == 0 || len(all) >= int(total) {
				break
			}
		}
		if n := len(all); n > 0 {
			k := int(calls.Add(1)) % n
			all = append(all[k:], all[:k]...)
		}
		var page []map[string]any
		if start-1 < len(all) {
			page = all[start-1 : min(len(all), start-1+count)]
		}
		setResources(first, page, 0)
		first["startIndex"] = start
		c := &captured{status: http.StatusOK, header: http.Header{"Content-Type": {scimMedia}}}
		c.setObject(first)
		c.writeTo(w)
	})
}
