package okta_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// fakeSCIM is a small in-memory SCIM 2.0 server used as a second lifecycle
// target next to the reference server: it implements exactly what Okta
// uses (mockidp/okta/WIRE.md §13) — eq filters on userName/displayName
// (case-insensitive), 1-based paging, POST with 409 on a duplicate
// userName, GET/PUT by id, Okta's path-less PATCH, group PATCH ops, DELETE.
type fakeSCIM struct {
	token  string
	mu     sync.Mutex
	next   int
	users  map[string]map[string]any
	groups map[string]map[string]any
	order  []string // user ids in creation order, for stable paging
	gorder []string
}

func newFakeSCIM(token string) *fakeSCIM {
	return &fakeSCIM{token: token, users: map[string]map[string]any{}, groups: map[string]map[string]any{}}
}

var eqFilter = regexp.MustCompile(`^(\w+) eq "((?:[^"\\]|\\.)*)"$`)

func (f *fakeSCIM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		f.fail(w, 401, "bad token")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/scim/v2/"), "/")
	var store map[string]map[string]any
	var order *[]string
	var key, schema string
	switch parts[0] {
	case "Users":
		store, order, key, schema = f.users, &f.order, "userName", "urn:ietf:params:scim:schemas:core:2.0:User"
	case "Groups":
		store, order, key, schema = f.groups, &f.gorder, "displayName", "urn:ietf:params:scim:schemas:core:2.0:Group"
	default:
		f.fail(w, 404, "no such endpoint")
		return
	}
	var body map[string]any
	if r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH" {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			f.fail(w, 400, "invalid JSON: "+err.Error())
			return
		}
	}
	if len(parts) == 1 {
		switch r.Method {
		case "GET":
			f.list(w, r, store, *order, key)
		case "POST":
			name, _ := body[key].(string)
			if name == "" {
				f.fail(w, 400, key+" required")
				return
			}
			if parts[0] == "Users" && f.find(store, key, name) != nil {
				f.fail(w, 409, "User already exists in the database.")
				return
			}
			f.next++
			id := fmt.Sprintf("%s-%04d", strings.ToLower(parts[0][:1]), f.next)
			delete(body, "password")
			body["id"] = id
			body["meta"] = map[string]any{"resourceType": strings.TrimSuffix(parts[0], "s"), "created": "2026-11-28T00:00:00Z", "location": "/scim/v2/" + parts[0] + "/" + id}
			store[id] = body
			*order = append(*order, id)
			f.write(w, 201, body)
		default:
			f.fail(w, 405, "method not allowed")
		}
		return
	}
	id := parts[1]
	res, ok := store[id]
	if !ok {
		f.fail(w, 404, "Resource "+id+" not found")
		return
	}
	switch r.Method {
	case "GET":
		f.write(w, 200, res)
	case "PUT":
		delete(body, "password")
		body["id"], body["meta"] = id, res["meta"]
		if parts[0] == "Groups" {
			body["schemas"] = []any{schema}
		}
		store[id] = body
		f.write(w, 200, body)
	case "PATCH":
		ops, _ := body["Operations"].([]any)
		for _, o := range ops {
			if err := applyOp(res, o.(map[string]any)); err != nil {
				f.fail(w, 400, err.Error())
				return
			}
		}
		if parts[0] == "Groups" {
			w.WriteHeader(204)
			return
		}
		f.write(w, 200, res)
	case "DELETE":
		delete(store, id)
		for i, x := range *order {
			if x == id {
				*order = append((*order)[:i], (*order)[i+1:]...)
				break
			}
		}
		w.WriteHeader(204)
	default:
		f.fail(w, 405, "method not allowed")
	}
}

var memberFilter = regexp.MustCompile(`^members\[value eq "([^"]*)"\]$`)

func applyOp(res map[string]any, op map[string]any) error {
	path, _ := op["path"].(string)
	switch strings.ToLower(op["op"].(string)) {
	case "replace":
		if path == "" {
			v, ok := op["value"].(map[string]any)
			if !ok {
				return fmt.Errorf("path-less replace needs an object value")
			}
			for k, x := range v {
				if k != "id" && k != "password" { // password is writeOnly, never stored or returned
					res[k] = x
				}
			}
			return nil
		}
		res[path] = op["value"]
		return nil
	case "add":
		if path != "members" {
			return fmt.Errorf("unsupported add path %q", path)
		}
		cur, _ := res["members"].([]any)
		res["members"] = append(cur, op["value"].([]any)...)
		return nil
	case "remove":
		m := memberFilter.FindStringSubmatch(path)
		if m == nil {
			return fmt.Errorf("unsupported remove path %q", path)
		}
		cur, _ := res["members"].([]any)
		var keep []any
		for _, x := range cur {
			if x.(map[string]any)["value"] != m[1] {
				keep = append(keep, x)
			}
		}
		res["members"] = keep
		return nil
	}
	return fmt.Errorf("unsupported op %v", op["op"])
}

func (f *fakeSCIM) find(store map[string]map[string]any, key, val string) map[string]any {
	for _, r := range store {
		if s, _ := r[key].(string); strings.EqualFold(s, val) {
			return r
		}
	}
	return nil
}

func (f *fakeSCIM) list(w http.ResponseWriter, r *http.Request, store map[string]map[string]any, order []string, key string) {
	q := r.URL.Query()
	var all []map[string]any
	for _, id := range order {
		all = append(all, store[id])
	}
	if fl := q.Get("filter"); fl != "" {
		m := eqFilter.FindStringSubmatch(fl)
		if m == nil || m[1] != key {
			f.fail(w, 400, "unsupported filter")
			return
		}
		val := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
		all = nil
		if x := f.find(store, key, val); x != nil {
			all = append(all, x)
		}
	}
	start, count := 1, 100
	if v, err := strconv.Atoi(q.Get("startIndex")); err == nil && v > 0 {
		start = v
	}
	if v, err := strconv.Atoi(q.Get("count")); err == nil && v >= 0 {
		count = v
	}
	page := []map[string]any{}
	for i := start - 1; i < len(all) && len(page) < count; i++ {
		page = append(page, all[i])
	}
	f.write(w, 200, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
		"totalResults": len(all), "startIndex": start, "itemsPerPage": len(page), "Resources": page})
}

func (f *fakeSCIM) write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeSCIM) fail(w http.ResponseWriter, status int, detail string) {
	f.write(w, status, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"}, "detail": detail, "status": strconv.Itoa(status)})
}

// memberIDs returns the sorted member values of a group resource.
func memberIDs(g map[string]any) []string {
	var out []string
	ms, _ := g["members"].([]any)
	for _, m := range ms {
		if mm, ok := m.(map[string]any); ok {
			if v, ok := mm["value"].(string); ok {
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}
