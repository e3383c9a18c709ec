package reference

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference/internal/filter"
	"github.com/scimconform/scimconform/reference/internal/schema"
	"github.com/scimconform/scimconform/reference/internal/store"
)

// The fast path of Okta's assignment lookup, `GET /Users?filter=userName eq
// "…"` without attributes/excludedAttributes: it answers the same
// ListResponse as listResources, but writes each stored document into the
// response as it is (its top-level values are not decoded and re-encoded)
// and does not evaluate the filter again on each candidate, because the
// userName index (ASCII case folding) only returns users the filter's
// case-insensitive eq matches. TestLookupFastPathSameAnswer checks the
// answers are equal.

// lookupByUserName answers the request and returns true when it has that
// shape; otherwise it returns false without answering.
func (s *Server) lookupByUserName(c *gin.Context) bool {
	q := c.Request.URL.Query()
	text := q.Get("filter")
	if text == "" || q.Has("attributes") || q.Has("excludedAttributes") {
		return false
	}
	f, err := filter.Parse(text)
	if err != nil || f.Validate(schema.UserResource) != nil {
		return false
	}
	attr, value, ok := f.SimpleEq(schema.UserResource)
	if !ok || !strings.EqualFold(attr, "userName") {
		return false
	}
	start, count, ok := s.paging(c)
	if !ok {
		return true
	}
	us, err := s.store.UsersByUserName(c.Request.Context(), value)
	if err != nil {
		s.failErr(c, "users", err)
		return true
	}
	total := len(us)
	var page []store.User
	if offset := start - 1; offset < total {
		page = us[offset:min(total, offset+count)]
	}
	base := baseURL(c)
	buf := make([]byte, 0, 256+len(page)*(512))
	buf = append(buf, `{"Resources":[`...)
	for i, u := range page {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = appendUserJSON(buf, base, u); err != nil {
			s.failErr(c, "users", err)
			return true
		}
	}
	buf = append(buf, `],"itemsPerPage":`...)
	buf = strconv.AppendInt(buf, int64(len(page)), 10)
	buf = append(buf, `,"schemas":["`+schema.ListURN+`"],"startIndex":`...)
	buf = strconv.AppendInt(buf, int64(start), 10)
	buf = append(buf, `,"totalResults":`...)
	buf = strconv.AppendInt(buf, int64(total), 10)
	buf = append(buf, '}')
	c.Data(http.StatusOK, scimMedia, buf)
	return true
}

// userMeta has meta's keys in the order json.Marshal gives a map's.
type userMeta struct {
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
	Location     string `json:"location"`
	ResourceType string `json:"resourceType"`
	Version      string `json:"version"`
}

// appendUserJSON appends the user as renderUser and writeJSON would write
// it: the document's top-level members plus schemas, id and meta, with
// keys sorted.
func appendUserJSON(buf []byte, base string, u store.User) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(u.Doc, &top); err != nil {
		top = map[string]json.RawMessage{} // as decodeDoc: an unreadable document renders empty
	}
	res := schema.UserResource
	schemas := []string{res.URN}
	for ext := range res.Extensions {
		if _, ok := top[ext]; ok {
			schemas = append(schemas, ext)
		}
	}
	var err error
	if top["schemas"], err = json.Marshal(schemas); err != nil {
		return nil, err
	}
	if top["id"], err = json.Marshal(u.ID); err != nil {
		return nil, err
	}
	if top["meta"], err = json.Marshal(userMeta{
		Created:      u.Created.UTC().Format(time.RFC3339),
		LastModified: u.Modified.UTC().Format(time.RFC3339),
		Location:     base + res.Endpoint + "/" + u.ID,
		ResourceType: res.Name,
		Version:      `W/"` + strconv.FormatInt(u.Version, 10) + `"`,
	}); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf = append(buf, '{')
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		buf = append(buf, kb...)
		buf = append(buf, ':')
		buf = append(buf, top[k]...)
	}
	return append(buf, '}'), nil
}
