package reference

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference/internal/filter"
	"github.com/scimconform/scimconform/reference/internal/schema"
)

// newID returns a random (version 4) UUID: resource ids are UUIDs.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkID answers 400 for non-UUID ids under the malformed-id-400 fault;
// normally any id shape is simply looked up (unknown ⇒ 404, okta-wire §10).
func (s *Server) checkID(c *gin.Context) (string, bool) {
	id := c.Param("id")
	if s.faults.on(faultMalformedID400) && !uuidRe.MatchString(id) {
		s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("%q is not a valid id", id))
		return "", false
	}
	return id, true
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
	for ext := range res.Extensions {
		if _, ok := doc[ext]; ok {
			schemas = append(schemas, ext)
		}
	}
	out["schemas"] = schemas
	out["id"] = id
	out["meta"] = map[string]any{
		"resourceType": res.Name,
		"created":      created.UTC().Format(time.RFC3339),
		"lastModified": modified.UTC().Format(time.RFC3339),
		"location":     baseURL(c) + res.Endpoint + "/" + id,
		"version":      `W/"` + strconv.FormatInt(version, 10) + `"`,
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
func (s *Server) paging(c *gin.Context) (start, count, requested int, ok bool) {
	start, count = 1, MaxResults
	if v, has := c.GetQuery("startIndex"); has {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("startIndex %q is not an integer", v))
			return 0, 0, 0, false
		}
		start = max(n, 1)
	}
	requested = count
	if v, has := c.GetQuery("count"); has {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("count %q is not an integer", v))
			return 0, 0, 0, false
		}
		requested = n
		count = min(max(n, 0), MaxResults)
	}
	return start, count, requested, true
}

// offset turns a 1-based startIndex into a row offset. Under the
// zero-based-paging fault an explicit startIndex is taken as the offset
// itself (a missing one still means the first resource).
func (s *Server) offset(c *gin.Context, start int) int {
	if _, has := c.GetQuery("startIndex"); has && s.faults.on(faultZeroBasedPaging) {
		return start
	}
	return start - 1
}

// parseFilter parses and validates the filter parameter: 400 invalidFilter
// (500 under invalid-filter-500). A missing parameter gives nil, true.
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
		if s.faults.on(faultInvalidFilter500) {
			s.fail(c, http.StatusInternalServerError, "", "internal server error")
			return nil, false
		}
		s.fail(c, http.StatusBadRequest, "invalidFilter", err.Error())
		return nil, false
	}
	return f, true
}

// writeList writes a ListResponse (RFC 7644 §3.4.2); Resources is never null.
func (s *Server) writeList(c *gin.Context, resources []any, total, start, requested int, filtered bool, what string) {
	if filtered && total == 0 && s.faults.on(faultLookupMiss404) {
		s.fail(c, http.StatusNotFound, "", what+" not found")
		return
	}
	if s.faults.on(faultPastEnd400) && start > 1 && start > total {
		s.fail(c, http.StatusBadRequest, "invalidValue", fmt.Sprintf("startIndex %d is past the end (%d results)", start, total))
		return
	}
	if resources == nil {
		resources = []any{}
	}
	var totalV, startV, perPageV any = total, start, len(resources)
	if s.faults.on(faultItemsPerPageRequested) {
		perPageV = requested
	}
	if s.faults.on(faultCountersAsStrings) {
		totalV, startV, perPageV = fmt.Sprint(totalV), fmt.Sprint(startV), fmt.Sprint(perPageV)
	}
	s.writeJSON(c, http.StatusOK, map[string]any{
		"schemas":      []string{schema.ListURN},
		"totalResults": totalV,
		"startIndex":   startV,
		"itemsPerPage": perPageV,
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
