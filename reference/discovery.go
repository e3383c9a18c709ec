package reference

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference/internal/schema"
)

// Discovery endpoints (RFC 7644 §4) are public: they describe the server,
// hold no tenant data, and Okta's OIN "Import User Schema" reads them
// (mockidp/okta/WIRE.md §3). Only GET is allowed; other methods get 405 with Allow.

func (s *Server) spc(c *gin.Context) map[string]any {
	return map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": "https://github.com/scimconform/scimconform/blob/main/reference/README.md",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": MaxResults},
		"changePassword":   map[string]any{"supported": true}, // a password replace is accepted and dropped (never stored or returned)
		"sort":             map[string]any{"supported": true}, // sorting.go
		"etag":             map[string]any{"supported": true}, // versioning.go
		"authenticationSchemes": []any{map[string]any{
			"type":        "oauthbearertoken",
			"name":        "OAuth Bearer Token",
			"description": "Authentication with a SCIM token: Authorization: Bearer <token>",
			"primary":     true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": baseURL(c) + "/ServiceProviderConfig"},
	}
}

func (s *Server) serviceProviderConfig(c *gin.Context) {
	s.writeJSON(c, http.StatusOK, s.spc(c))
}

func schemaDoc(c *gin.Context, id, name string, attrs []schema.Attribute) map[string]any {
	return map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Schema"},
		"id":          id,
		"name":        name,
		"description": name,
		"attributes":  attrs,
		"meta":        map[string]any{"resourceType": "Schema", "location": baseURL(c) + "/Schemas/" + id},
	}
}

func allSchemas(c *gin.Context) []map[string]any {
	user := append(append([]schema.Attribute{}, schema.Common[1]), schema.User...)
	group := append(append([]schema.Attribute{}, schema.Common[1]), schema.Group...)
	return append([]map[string]any{
		schemaDoc(c, schema.UserURN, "User", user),
		schemaDoc(c, schema.EnterpriseURN, "EnterpriseUser", schema.Enterprise),
		schemaDoc(c, schema.ReferenceURN, "ScimconformUser", schema.ReferenceExtension),
		schemaDoc(c, schema.GroupURN, "Group", group),
	}, entitlementSchemas(c)...)
}

func resourceTypeDoc(c *gin.Context, res schema.Resource) map[string]any {
	var exts []any
	for urn := range res.Extensions {
		exts = append(exts, map[string]any{"schema": urn, "required": false})
	}
	doc := map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
		"id":          res.Name,
		"name":        res.Name,
		"endpoint":    res.Endpoint,
		"description": res.Name,
		"schema":      res.URN,
		"meta":        map[string]any{"resourceType": "ResourceType", "location": baseURL(c) + "/ResourceTypes/" + res.Name},
	}
	if exts != nil {
		doc["schemaExtensions"] = exts
	}
	return doc
}

func (s *Server) schemas(c *gin.Context) {
	var rs []any
	for _, d := range allSchemas(c) {
		rs = append(rs, d)
	}
	s.writeList(c, rs, len(rs), 1)
}

func (s *Server) schemaByID(c *gin.Context) {
	id, _ := url.PathUnescape(c.Param("id"))
	for _, d := range allSchemas(c) {
		if strings.EqualFold(d["id"].(string), id) {
			s.writeJSON(c, http.StatusOK, d)
			return
		}
	}
	s.fail(c, http.StatusNotFound, "", "schema "+id+" not found")
}

func (s *Server) resourceTypes(c *gin.Context) {
	rs := []any{resourceTypeDoc(c, schema.UserResource), resourceTypeDoc(c, schema.GroupResource)}
	for _, d := range entitlementResourceTypes(c) {
		rs = append(rs, d)
	}
	s.writeList(c, rs, len(rs), 1)
}

func (s *Server) resourceTypeByName(c *gin.Context) {
	for _, res := range []schema.Resource{schema.UserResource, schema.GroupResource} {
		if strings.EqualFold(res.Name, c.Param("name")) {
			s.writeJSON(c, http.StatusOK, resourceTypeDoc(c, res))
			return
		}
	}
	for _, d := range entitlementResourceTypes(c) {
		if strings.EqualFold(d["name"].(string), c.Param("name")) {
			s.writeJSON(c, http.StatusOK, d)
			return
		}
	}
	s.fail(c, http.StatusNotFound, "", "resource type "+c.Param("name")+" not found")
}
