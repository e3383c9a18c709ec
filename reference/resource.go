package reference

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/scimconform/scimconform/reference/internal/filter"
	"github.com/scimconform/scimconform/reference/internal/schema"
)

// newID returns a new resource id: a version 7 UUID (RFC 9562 §5.7), whose
// leading millisecond timestamp makes ids created in sequence sort
// together, so each create adds to the end of the database's id index
// instead of to a random page of it (74 random bits keep ids unguessable).
func newID() string {
	id, err := uuid.NewV7()
	if err != nil { // only when the system's random source fails
		return uuid.NewString()
	}
	return id.String()
}

// location is the URL of resource id of type res under base (meta.location
// and the Location header, RFC 7644 §3.3).
func location(base string, res schema.Resource, id string) string {
	return base + res.Endpoint + "/" + id
}

// baseURL is the absolute SCIM base URL as the client addressed it.
func baseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host + BasePath
}

func decodeDoc(b []byte) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(b, &m) // documents are written by this package from maps
	return m
}

func copyDoc(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	return decodeDoc(b)
}

// render adds id, schemas and meta (RFC 7643 §3.1) to a stored document.
func render(c *gin.Context, res schema.Resource, doc map[string]any, id string, created, modified time.Time, version int64) map[string]any {
	out := make(map[string]any, len(doc)+3)
	for k, v := range doc {
		out[k] = v
	}
	schemas := []any{res.URN}
	for _, ext := range extensionURNs(res) {
		if _, ok := doc[ext]; ok {
			schemas = append(schemas, ext)
		}
	}
	out["schemas"] = schemas
	out["id"] = id
	if list, ok := doc["members"].([]any); ok {
		out["members"] = renderMembers(c, list)
	}
	out["meta"] = map[string]any{
		"resourceType": res.Name,
		"created":      created.UTC().Format(time.RFC3339),
		"lastModified": modified.UTC().Format(time.RFC3339),
		"location":     location(baseURL(c), res, id),
		"version":      etagOf(version),
	}
	return out
}

// renderMembers gives each group member its $ref and type (RFC 7643 §4.2),
// derived from value: only users can be members here (checkGroup).
func renderMembers(c *gin.Context, list []any) []any {
	out := make([]any, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			out = append(out, el)
			continue
		}
		cp := make(map[string]any, len(m)+2)
		for k, v := range m {
			cp[k] = v
		}
		if v, _ := m["value"].(string); v != "" {
			cp["$ref"] = baseURL(c) + "/Users/" + v
			cp["type"] = "User"
		}
		out = append(out, cp)
	}
	return out
}

// project applies the attributes / excludedAttributes query parameters
// (RFC 7644 §3.4.2.5) at the top level; id, schemas and meta always stay.
func project(c *gin.Context, m map[string]any) map[string]any {
	if ex := c.Query("excludedAttributes"); ex != "" {
		for _, a := range strings.Split(ex, ",") {
			a = strings.TrimSpace(a)
			for k := range m {
				if strings.EqualFold(k, a) && !alwaysReturned(k) {
					delete(m, k)
				}
			}
		}
	}
	if at := c.Query("attributes"); at != "" {
		keep := map[string]bool{}
		for _, a := range strings.Split(at, ",") {
			a, _, _ = strings.Cut(strings.TrimSpace(a), ".")
			keep[strings.ToLower(a)] = true
		}
		for k := range m {
			if !keep[strings.ToLower(k)] && !alwaysReturned(k) {
				delete(m, k)
			}
		}
	}
	return m
}

func alwaysReturned(k string) bool { return k == "id" || k == "schemas" || k == "meta" }

// paging reads startIndex and count (RFC 7644 §3.4.2.4): startIndex < 1 is
// 1, count < 0 is 0, count defaults to and is capped at MaxResults.
func (s *Server) paging(c *gin.Context) (start, count int, ok bool) {
	start, count = 1, MaxResults
	if v, has := c.GetQuery("startIndex"); has {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("startIndex %q is not an integer", v))
			return 0, 0, false
		}
		start = max(n, 1)
	}
	if v, has := c.GetQuery("count"); has {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("count %q is not an integer", v))
			return 0, 0, false
		}
		count = min(max(n, 0), MaxResults)
	}
	return start, count, true
}

// parseFilter parses and validates the filter parameter: 400 invalidFilter
// A missing parameter gives nil, true.
func (s *Server) parseFilter(c *gin.Context, res schema.Resource) (*filter.Filter, bool) {
	text, has := c.GetQuery("filter")
	if !has {
		return nil, true
	}
	f, err := filter.Parse(text)
	if err == nil {
		err = f.Validate(res)
	}
	if err != nil {
		s.fail(c, http.StatusBadRequest, "invalidFilter", err.Error())
		return nil, false
	}
	return f, true
}

// lister says how to list one resource type.
type lister[T any] struct {
	kind string // "user" or "group", for error details
	res  schema.Resource
	// page reads an unfiltered page from the store.
	page func(ctx context.Context, offset, count int) ([]T, int, error)
	// candidates feeds fn every resource the filter can match (a superset).
	candidates func(ctx context.Context, f *filter.Filter, fn func(T) error) error
	render     func(c *gin.Context, v T) map[string]any
}

// listResources answers GET on a collection (RFC 7644 §3.4.2): paging,
// an optional filter, optional sorting (sorting.go), and attribute projection.
func listResources[T any](s *Server, c *gin.Context, l lister[T]) {
	start, count, ok := s.paging(c)
	if !ok {
		return
	}
	f, ok := s.parseFilter(c, l.res)
	if !ok {
		return
	}
	order, ok := s.sortOrder(c, l.res)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	offset := start - 1
	var page []T
	var total int
	if f == nil && order == nil {
		var err error
		if page, total, err = l.page(ctx, offset, count); err != nil {
			s.failErr(c, l.kind+"s", err)
			return
		}
	} else {
		// A filtered listing renders each candidate once: the rendering
		// that matched is the one returned.
		var matched []map[string]any
		err := l.candidates(ctx, f, func(v T) error {
			if r := l.render(c, v); f == nil || f.Match(r, l.res) {
				matched = append(matched, r)
			}
			return nil
		})
		if err != nil {
			s.failErr(c, l.kind+"s", err)
			return
		}
		if order != nil {
			order.sort(matched)
		}
		total = len(matched)
		resources := make([]any, 0, min(count, max(0, total-offset)))
		if offset < total {
			for _, r := range matched[offset:min(total, offset+count)] {
				resources = append(resources, project(c, r))
			}
		}
		s.writeList(c, resources, total, start)
		return
	}
	resources := make([]any, 0, len(page))
	for _, v := range page {
		resources = append(resources, project(c, l.render(c, v)))
	}
	s.writeList(c, resources, total, start)
}

// writeList writes a ListResponse (RFC 7644 §3.4.2); Resources is never null.
func (s *Server) writeList(c *gin.Context, resources []any, total, start int) {
	if resources == nil {
		resources = []any{}
	}
	s.writeJSON(c, http.StatusOK, map[string]any{
		"schemas":      []string{schema.ListURN},
		"totalResults": total,
		"startIndex":   start,
		"itemsPerPage": len(resources),
		"Resources":    resources,
	})
}

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

// primaryEmail is the value of the primary email, else of the first one.
func primaryEmail(doc map[string]any) string {
	list, _ := doc["emails"].([]any)
	first := ""
	for i, el := range list {
		m, _ := el.(map[string]any)
		if m == nil {
			continue
		}
		if i == 0 {
			first = str(m, "value")
		}
		if p, _ := m["primary"].(bool); p {
			return str(m, "value")
		}
	}
	return first
}
