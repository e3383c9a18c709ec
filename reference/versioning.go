package reference

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// Resource versioning (RFC 7644 §3.14): every user and group carries a
// version counter that each change increments; its weak ETag (W/"3") is
// the ETag header and meta.version of every answer that carries the
// resource (render, writeJSON). ServiceProviderConfig advertises
// etag.supported, so the conditional requests of RFC 7232 are honoured:
// If-Match on PUT, PATCH and DELETE (412 when stale), If-None-Match on GET
// (304 when current). Okta sends neither header.

// etagOf is the weak ETag of a resource version.
func etagOf(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// etagMatches reports whether a list of entity tags (an If-Match or
// If-None-Match value) names tag, by weak comparison (RFC 7232 §2.3.2);
// "*" matches any current resource.
func etagMatches(list, tag string) bool {
	want := strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// ifMatch checks the request's If-Match against the current version of
// the resource about to be changed. It returns false after answering 412
// (RFC 7644 §3.12 Table 8) when the client's version is stale.
func (s *Server) ifMatch(c *gin.Context, kind string, version int64) bool {
	h := c.GetHeader("If-Match")
	if h == "" || etagMatches(h, etagOf(version)) {
		return true
	}
	s.fail(c, http.StatusPreconditionFailed, "", "the "+kind+" has changed: If-Match "+h+" is not the current version "+etagOf(version))
	return false
}

// notModified answers 304 with no body and returns true when the request's
// If-None-Match names the current version (RFC 7644 §3.14, RFC 7232 §3.2).
func (s *Server) notModified(c *gin.Context, version int64) bool {
	h := c.GetHeader("If-None-Match")
	if h == "" || !etagMatches(h, etagOf(version)) {
		return false
	}
	c.Header("ETag", etagOf(version))
	c.Status(http.StatusNotModified)
	c.Abort()
	return true
}
