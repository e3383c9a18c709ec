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
// an existing user id (okta-wire §9: value = the server's user id);
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
		if seen[id] && !s.faults.on(faultGroupReplaceAppends) {
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
	doc, _, err := schema.GroupResource.Canonical(body, false)
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
	status := http.StatusCreated
	if s.faults.on(faultGroupCreate200) {
		status = http.StatusOK
	}
	s.writeJSON(c, status, out)
}

func (s *Server) loadGroup(c *gin.Context) (store.Group, bool) {
	return loadResource(s, c, "group", s.store.GetGroup)
}

func (s *Server) getGroup(c *gin.Context) {
	g, ok := s.loadGroup(c)
	if !ok {
		return
	}
	s.writeJSON(c, http.StatusOK, project(c, s.renderGroup(c, g)))
}

func (s *Server) putGroup(c *gin.Context) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	g, ok := s.loadGroup(c)
	if !ok {
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

func isMembersPath(p string) bool { return strings.EqualFold(strings.TrimSpace(p), "members") }

func (s *Server) patchGroup(c *gin.Context) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	g, ok := s.loadGroup(c)
	if !ok {
		return
	}
	ops, ok := s.patchOps(c)
	if !ok {
		return
	}
	dropped := false
	kept := ops[:0:0]
	for i, op := range ops {
		kind := strings.ToLower(op.Op)
		if s.faults.on(faultGroupRemoveFilterUnsupp) && kind == "remove" && strings.Contains(op.Path, "[") {
			s.fail(c, http.StatusBadRequest, "invalidPath", fmt.Sprintf("Operations[%d]: filtered paths are not supported", i))
			return
		}
		if s.faults.on(faultGroupRenameRejectsID) && kind == "replace" && op.Path == "" {
			if m, ok := op.Value.(map[string]any); ok {
				for k := range m {
					if strings.EqualFold(k, "id") {
						s.fail(c, http.StatusBadRequest, "mutability", fmt.Sprintf("Operations[%d]: id is readOnly", i))
						return
					}
				}
			}
		}
		if s.faults.on(faultGroupPatchAddIgnored) && kind == "add" && isMembersPath(op.Path) {
			dropped = true
			continue
		}
		kept = append(kept, op)
	}
	doc := decodeDoc(g.Doc)
	doc["id"] = g.ID
	if len(kept) > 0 {
		if err := patch.Apply(doc, kept, schema.GroupResource, patch.Options{AppendOnReplace: s.faults.on(faultGroupReplaceAppends)}); err != nil {
			s.failErr(c, "group", err)
			return
		}
	}
	delete(doc, "id")
	if status, scimType, detail := s.checkGroup(c.Request.Context(), doc); status != 0 {
		s.fail(c, status, scimType, detail)
		return
	}
	if dropped {
		// The faulty server acknowledges without doing the membership add.
		fillGroup(&g, doc)
		g.Modified = time.Now().UTC()
		if err := s.store.UpdateGroup(c.Request.Context(), &g); err != nil {
			s.failErr(c, "group", err)
			return
		}
		c.Status(http.StatusNoContent)
		return
	}
	s.saveGroup(c, g, doc)
}

func (s *Server) deleteGroup(c *gin.Context) {
	id, ok := s.checkID(c)
	if !ok {
		return
	}
	if s.faults.on(faultGroupDeleteNoop) {
		if _, ok := s.loadGroup(c); !ok {
			return
		}
		c.Status(http.StatusNoContent)
		return
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
	start, count, requested, ok := s.paging(c)
	if !ok {
		return
	}
	f, ok := s.parseFilter(c, schema.GroupResource)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	offset := s.offset(c, start)
	var page []store.Group
	var total int
	if f == nil {
		var err error
		if page, total, err = s.store.ListGroups(ctx, offset, count); err != nil {
			s.failErr(c, "groups", err)
			return
		}
	} else {
		var matched []store.Group
		fn := func(g store.Group) error {
			if f.Match(s.renderGroup(c, g), schema.GroupResource, filter.Options{}) {
				matched = append(matched, g)
			}
			return nil
		}
		var err error
		attr, value, simple := f.SimpleEq(schema.GroupResource)
		switch {
		case simple && strings.EqualFold(attr, "displayName"):
			var gs []store.Group
			gs, err = s.store.GroupsByDisplayName(ctx, value)
			for _, g := range gs {
				_ = fn(g)
			}
		case simple && strings.EqualFold(attr, "externalId"):
			var gs []store.Group
			gs, err = s.store.GroupsByExternalID(ctx, value)
			for _, g := range gs {
				_ = fn(g)
			}
		default:
			err = s.store.ScanGroups(ctx, fn)
		}
		if err != nil {
			s.failErr(c, "groups", err)
			return
		}
		total = len(matched)
		if offset < total {
			page = matched[offset:min(total, offset+count)]
		}
	}
	resources := make([]any, 0, len(page))
	for _, g := range page {
		resources = append(resources, project(c, s.renderGroup(c, g)))
	}
	s.writeList(c, resources, total, start, requested, f != nil, "group")
}
