package reference

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference/internal/patch"
	"github.com/scimconform/scimconform/reference/internal/schema"
	"github.com/scimconform/scimconform/reference/internal/store"
)

// scimMedia is the response media type (RFC 7644 §3.1).
const scimMedia = "application/scim+json; charset=utf-8"

// scimError is the RFC 7644 §3.12 error body; status is a string.
type scimError struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

// fail is the one place where the handlers write errors.
func (s *Server) fail(c *gin.Context, status int, scimType, detail string) {
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="scim"`)
	}
	c.Data(status, scimMedia, errorBody(status, scimType, detail))
	c.Abort()
}

// errorBody is the JSON of an RFC 7644 §3.12 error.
func errorBody(status int, scimType, detail string) []byte {
	body, _ := json.Marshal(scimError{Schemas: []string{schema.ErrorURN}, Status: strconv.Itoa(status), ScimType: scimType, Detail: detail})
	return body
}

// failErr maps an error from the store, the patch engine or body decoding
// to its SCIM answer; anything unexpected is a 500 without internals.
func (s *Server) failErr(c *gin.Context, what string, err error) {
	var pe *patch.Error
	var ve *schema.ValueError
	var be *bodyError
	switch {
	case errors.As(err, &be):
		s.fail(c, be.status, be.scimType, be.detail)
	case errors.As(err, &pe):
		s.fail(c, http.StatusBadRequest, pe.ScimType, pe.Detail)
	case errors.As(err, &ve):
		s.fail(c, http.StatusBadRequest, "invalidValue", ve.Error())
	case errors.Is(err, store.ErrNotFound):
		s.fail(c, http.StatusNotFound, "", what+" not found")
	case errors.Is(err, store.ErrConflict):
		s.fail(c, http.StatusConflict, "uniqueness", what+": userName is already taken (userName is unique, case-insensitively)")
	case errors.Is(err, store.ErrInUse):
		s.fail(c, http.StatusServiceUnavailable, "", "this server's SQLite database is served by another process")
	default:
		s.log.Error("internal error", "what", what, "err", err)
		s.fail(c, http.StatusInternalServerError, "", "internal server error")
	}
}

type bodyError struct {
	status   int
	scimType string
	detail   string
}

func (e *bodyError) Error() string { return e.detail }

// decodeBody reads a JSON object from the request: 413 over the limit,
// 400 invalidSyntax for malformed JSON or a non-object, 400 invalidValue
// for a wrong JSON type.
func (s *Server) decodeBody(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &bodyError{http.StatusRequestEntityTooLarge, "", fmt.Sprintf("request body exceeds %d bytes", mbe.Limit)}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &bodyError{http.StatusBadRequest, "invalidValue", fmt.Sprintf("%s: wrong JSON type (%s)", te.Field, te.Value)}
		}
		return &bodyError{http.StatusBadRequest, "invalidSyntax", "request body is not valid JSON: " + err.Error()}
	}
	if dec.More() {
		return &bodyError{http.StatusBadRequest, "invalidSyntax", "request body holds more than one JSON value"}
	}
	return nil
}

// writeJSON writes a SCIM resource or list.
func (s *Server) writeJSON(c *gin.Context, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.failErr(c, "response", fmt.Errorf("encode response: %w", err))
		return
	}
	if tag := versionOf(v); tag != "" && status < 300 {
		c.Header("ETag", tag) // RFC 7643 §3.1: meta.version is the ETag
	}
	c.Data(status, scimMedia, body)
}

// versionOf returns meta.version of a single resource written as a map
// ("" for anything else, ListResponses included).
func versionOf(v any) string {
	m, _ := v.(map[string]any)
	meta, _ := m["meta"].(map[string]any)
	s, _ := meta["version"].(string)
	return s
}
