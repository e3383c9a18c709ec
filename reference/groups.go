package reference

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference/internal/filter"
	"github.com/scimconform/scimconform/reference/internal/patch"
	"github.com/scimconform/scimconform/reference/internal/schema"
	"github.com/scimconform/scimconform/reference/internal/store"
)

func (s *Server) renderGroup(c *gin.Context, g store.Group) map[string]any {
	doc := decodeDoc(g.Doc)
	if _, has := doc["members"]; !has {
		doc["members"] = []any{}
	}
	return render(c, schema.GroupResource, doc, g.ID, g.Created, g.Modified, g.Version)
}

// checkGroup validates displayName and members: every member value must be
// an existing user id (mockidp/okta/WIRE.md §9: value = the server's user id);
// duplicates are merged and a missing display is filled with the userName.
func (s *Server) checkGroup(ctx context.Context, doc map[string]any) (int, string, string) {
	if strings.TrimSpace(str(doc, "displayName")) == "" {
		return http.StatusBadRequest, "invalidValue", "displayName is required and must be a non-empty string"
	}
	list, _ := doc["members"].([]any)
	seen := map[string]bool{}
	var members []any
	for i, el := range list {
		m, _ := el.(map[string]any)
		id := str(m, "value")
		if id == "" {
			return http.StatusBadRequest, "invalidValue", fmt.Sprintf("members[%d].value is required", i)
		}
		if t := str(m, "type"); t != "" && !strings.EqualFold(t, "User") {
			return http.StatusBadRequest, "invalidValue", fmt.Sprintf("members[%d].type %q: only User members are supported", i, t)
		}
		if seen[id] {
			continue
		}
		u, err := s.store.GetUser(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return http.StatusBadRequest, "invalidValue", fmt.Sprintf("members[%d].value %q is not the id of a user", i, id)
		}
		if err != nil {
			return http.StatusInternalServerError, "", "internal server error"
		}
		if str(m, "display") == "" {
			m["display"] = u.UserName
		}
		seen[id] = true
		members = append(members, m)
	}
	if len(members) == 0 {
		delete(doc, "members")
	} else {
		doc["members"] = members
	}
	return 0, "", ""
}

func (s *Server) groupBody(c *gin.Context) (map[string]any, bool) {
	var body map[string]any
	if err := s.decodeBody(c, &body); err != nil {
		s.failErr(c, "group", err)
		return nil, false
	}
	doc, _, err := schema.GroupResource.Canonical(body)
	if err != nil {
		s.failErr(c, "group", err)
		return nil, false
	}
	if status, scimType, detail := s.checkGroup(c.Request.Context(), doc); status != 0 {
		s.fail(c, status, scimType, detail)
		return nil, false
	}
	return doc, true
}

func fillGroup(g *store.Group, doc map[string]any) {
	g.DisplayName = str(doc, "displayName")
	g.ExternalID = str(doc, "externalId")
	g.Doc = mustJSON(doc)
}

func (s *Server) createGroup(c *gin.Context) {
	doc, ok := s.groupBody(c)
	if !ok {
		return
	}
	now := time.Now().UTC()
	g := store.Group{ID: newID(), Created: now, Modified: now}
	fillGroup(&g, doc)
	if err := s.store.CreateGroup(c.Request.Context(), &g); err != nil {
		s.failErr(c, "group", err)
		return
	}
	out := s.renderGroup(c, g)
	c.Header("Location", out["meta"].(map[string]any)["location"].(string))
	s.writeJSON(c, http.StatusCreated, out)
}

func (s *Server) loadGroup(c *gin.Context) (store.Group, bool) {
	return loadResource(s, c, "group", s.store.GetGroup)
}

func (s *Server) getGroup(c *gin.Context) {
	g, ok := s.loadGroup(c)
	if !ok || s.notModified(c, g.Version) {
		return
	}
	s.writeJSON(c, http.StatusOK, project(c, s.renderGroup(c, g)))
}

func (s *Server) putGroup(c *gin.Context) {
	unlock, ok := s.lockWrites(c)
	if !ok {
		return
	}
	defer unlock()
	g, ok := s.loadGroup(c)
	if !ok || !s.ifMatch(c, "group", g.Version) {
		return
	}
	doc, ok := s.groupBody(c)
	if !ok {
		return
	}
	s.saveGroup(c, g, doc)
}

func (s *Server) saveGroup(c *gin.Context, g store.Group, doc map[string]any) {
	fillGroup(&g, doc)
	g.Modified = time.Now().UTC()
	if err := s.store.UpdateGroup(c.Request.Context(), &g); err != nil {
		s.failErr(c, "group", err)
		return
	}
	s.writeJSON(c, http.StatusOK, project(c, s.renderGroup(c, g)))
}

func (s *Server) patchGroup(c *gin.Context) {
	unlock, ok := s.lockWrites(c)
	if !ok {
		return
	}
	defer unlock()
	g, ok := s.loadGroup(c)
	if !ok || !s.ifMatch(c, "group", g.Version) {
		return
	}
	ops, ok := s.patchOps(c)
	if !ok {
		return
	}
	doc := decodeDoc(g.Doc)
	doc["id"] = g.ID
	if err := patch.Apply(doc, ops, schema.GroupResource, patch.Options{}); err != nil {
		s.failErr(c, "group", err)
		return
	}
	delete(doc, "id")
	if status, scimType, detail := s.checkGroup(c.Request.Context(), doc); status != 0 {
		s.fail(c, status, scimType, detail)
		return
	}
	s.saveGroup(c, g, doc)
}

func (s *Server) deleteGroup(c *gin.Context) {
	// Any id shape is simply looked up: unknown ⇒ 404 (mockidp/okta/WIRE.md §10).
	id := c.Param("id")
	if c.GetHeader("If-Match") != "" {
		if g, ok := s.loadGroup(c); !ok || !s.ifMatch(c, "group", g.Version) {
			return
		}
	}
	if err := s.store.DeleteGroup(c.Request.Context(), id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.fail(c, http.StatusNotFound, "", fmt.Sprintf("group %q not found", id))
			return
		}
		s.failErr(c, "group", err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listGroups(c *gin.Context) {
	listResources(s, c, lister[store.Group]{
		kind: "group", res: schema.GroupResource,
		page: s.store.ListGroups, candidates: s.candidateGroups, render: s.renderGroup,
	})
}

// candidateGroups feeds fn the groups a filter can match: through an
// index for `displayName eq` and `externalId eq`, else all.
func (s *Server) candidateGroups(ctx context.Context, f *filter.Filter, fn func(store.Group) error) error {
	attr, value, simple := f.SimpleEq(schema.GroupResource)
	var gs []store.Group
	var err error
	switch {
	case simple && strings.EqualFold(attr, "displayName"):
		gs, err = s.store.GroupsByDisplayName(ctx, value)
	case simple && strings.EqualFold(attr, "externalId"):
		gs, err = s.store.GroupsByExternalID(ctx, value)
	default:
		return s.store.ScanGroups(ctx, fn)
	}
	if err != nil {
		return err
	}
	for _, g := range gs {
		if err := fn(g); err != nil {
			return err
		}
	}
	return nil
}
