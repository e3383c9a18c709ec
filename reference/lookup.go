package reference

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/tidwall/gjson"

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
// keys sorted. The document's member values are copied as stored (the
// store keeps what json.Marshal wrote, already compact and HTML-escaped),
// found with gjson without decoding them.
func appendUserJSON(buf []byte, base string, u store.User) ([]byte, error) {
	type member struct {
		key string // unescaped, the order json.Marshal sorts map keys by
		raw string // the quoted key as written
		val string // the value as written
	}
	var stack [24]member
	members := stack[:0]
	res := schema.UserResource
	schemas := append(make([]string, 0, 1+len(res.Extensions)), res.URN)
	// As decodeDoc: an unreadable document renders empty.
	if gjson.ValidBytes(u.Doc) {
		doc := gjson.ParseBytes(u.Doc)
		doc.ForEach(func(k, v gjson.Result) bool {
			switch k.Str {
			case "schemas", "id", "meta":
				return true
			}
			members = append(members, member{key: k.Str, raw: k.Raw, val: v.Raw})
			return true
		})
	}
	for _, ext := range extensionURNs(res) {
		for _, m := range members {
			if m.key == ext {
				schemas = append(schemas, ext)
				break
			}
		}
	}
	sch, err := json.Marshal(schemas)
	if err != nil {
		return nil, err
	}
	id, err := json.Marshal(u.ID)
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(userMeta{
		Created:      u.Created.UTC().Format(time.RFC3339),
		LastModified: u.Modified.UTC().Format(time.RFC3339),
		Location:     location(base, res, u.ID),
		ResourceType: res.Name,
		Version:      etagOf(u.Version),
	})
	if err != nil {
		return nil, err
	}
	members = append(members, member{"id", `"id"`, string(id)}, member{"meta", `"meta"`, string(meta)},
		member{"schemas", `"schemas"`, string(sch)})
	slices.SortStableFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
	buf = append(buf, '{')
	for i, m := range members {
		if i > 0 {
			if m.key == members[i-1].key {
				continue // a duplicate key: json.Unmarshal keeps the last, as here after the stable sort
			}
			buf = append(buf, ',')
		}
		if strings.IndexByte(m.raw, '\\') >= 0 {
			// A key written with escapes: spell it as json.Marshal does.
			kb, err := json.Marshal(m.key)
			if err != nil {
				return nil, err
			}
			buf = append(buf, kb...)
		} else {
			buf = append(buf, m.raw...)
		}
		buf = append(buf, ':')
		buf = append(buf, m.val...)
	}
	return append(buf, '}'), nil
}

// extensionURNs returns the resource's extension schema URNs sorted, the
// order every answer lists them in "schemas". The resource types are fixed
// at build time, so each list is sorted once (it is read on every answer).
func extensionURNs(res schema.Resource) []string {
	if len(res.Extensions) == 0 {
		return nil
	}
	if v, ok := sortedExtensions.Load(res.URN); ok {
		return v.([]string)
	}
	urns := slices.Sorted(maps.Keys(res.Extensions))
	sortedExtensions.Store(res.URN, urns)
	return urns
}

// sortedExtensions caches extensionURNs by resource URN; callers must not
// change the slices.
var sortedExtensions sync.Map
