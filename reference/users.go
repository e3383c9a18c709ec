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

// mutabilityDetail is what the Okta admin sees (mockidp/okta/WIRE.md §10: detail is
// shown verbatim) when Apollo's email policy refuses an update (§7.2).
const mutabilityDetail = "userName/primary email cannot be changed by an update; unassign the user from the app in Okta, change the email, then assign the user again"

func (s *Server) renderUser(c *gin.Context, u store.User) map[string]any {
	doc := decodeDoc(u.Doc)
	return render(c, schema.UserResource, doc, u.ID, u.Created, u.Modified, u.Version)
}

// writeUser answers with the user u, as writeJSON(project(renderUser))
// would (TestWriteUserSameAnswer), but when the request has no attributes
// or excludedAttributes parameter it writes the stored document as it is
// instead of decoding and encoding it again (appendUserJSON): a create, a
// read and an update are each answered so.
func (s *Server) writeUser(c *gin.Context, status int, u store.User) {
	_, attrs := c.GetQuery("attributes")
	_, excluded := c.GetQuery("excludedAttributes")
	if attrs || excluded {
		s.writeJSON(c, status, project(c, s.renderUser(c, u)))
		return
	}
	body, err := appendUserJSON(make([]byte, 0, len(u.Doc)+320), baseURL(c), u)
	if err != nil {
		s.failErr(c, "response", fmt.Errorf("encode response: %w", err))
		return
	}
	if status < 300 {
		c.Header("ETag", etagOf(u.Version)) // RFC 7643 §3.1: meta.version is the ETag
	}
	c.Data(status, scimMedia, body)
}

// fillUser copies the indexed columns from the document.
func fillUser(u *store.User, doc map[string]any) {
	u.UserName = str(doc, "userName")
	u.ExternalID = str(doc, "externalId")
	u.DisplayName = str(doc, "displayName")
	u.Active, _ = doc["active"].(bool)
}

// userBody decodes and canonicalises a POST/PUT body.
func (s *Server) userBody(c *gin.Context) (map[string]any, bool) {
	var body map[string]any
	if err := s.decodeBody(c, &body); err != nil {
		s.failErr(c, "user", err)
		return nil, false
	}
	doc, _, err := schema.UserResource.Canonical(body)
	if err != nil {
		s.failErr(c, "user", err)
		return nil, false
	}
	if strings.TrimSpace(str(doc, "userName")) == "" {
		s.fail(c, http.StatusBadRequest, "invalidValue", "userName is required and must be a non-empty string")
		return nil, false
	}
	if !s.checkEntitlements(c, doc) {
		return nil, false
	}
	return doc, true
}

func (s *Server) createUser(c *gin.Context) {
	doc, ok := s.userBody(c)
	if !ok {
		return
	}
	if _, has := doc["active"]; !has {
		doc["active"] = true
	}
	ctx := c.Request.Context()
	now := time.Now().UTC()
	u := store.User{ID: newID(), Doc: mustJSON(doc), Created: now, Modified: now}
	fillUser(&u, doc)
	var err error
	if cc, isChecked := s.store.(store.CheckedCreator); isChecked {
		// The store serialises the check and the insert itself: no lock
		// here, so concurrent creates share one commit (group commit).
		err = cc.CreateUserUnlessActiveExternalID(ctx, &u)
	} else {
		err = s.createUserLocked(c, &u)
	}
	var extErr *store.ExternalIDConflict
	switch {
	case errors.As(err, &extErr):
		s.fail(c, http.StatusConflict, "uniqueness", fmt.Sprintf("externalId %q is already used by user %s", u.ExternalID, extErr.ID))
		return
	case errors.Is(err, store.ErrConflict):
		s.fail(c, http.StatusConflict, "uniqueness", fmt.Sprintf("a user with userName %q already exists", u.UserName))
		return
	case errors.Is(err, errAnswered):
		return
	case err != nil:
		s.failErr(c, "user", err)
		return
	}
	c.Header("Location", location(baseURL(c), schema.UserResource, u.ID))
	s.writeUser(c, http.StatusCreated, u)
}

// errAnswered means the request has already been answered.
var errAnswered = errors.New("request answered")

// createUserLocked checks mockidp/okta/WIRE.md §7.2 and creates u under lockWrites, for
// stores that several servers share (PostgreSQL): an externalId shared with
// an ACTIVE user is a conflict; shared with an inactive one (unassign →
// reassign with a new email) a new user is created and the old one stays
// inactive.
func (s *Server) createUserLocked(c *gin.Context, u *store.User) error {
	ctx := c.Request.Context()
	unlock, ok := s.lockWrites(c)
	if !ok {
		return errAnswered
	}
	defer unlock()
	if u.ExternalID != "" {
		others, err := s.store.UsersByExternalID(ctx, u.ExternalID)
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.Active {
				return &store.ExternalIDConflict{ID: o.ID}
			}
		}
	}
	return s.store.CreateUser(ctx, u)
}

func (s *Server) loadUser(c *gin.Context) (store.User, bool) {
	return loadResource(s, c, "user", s.store.GetUser)
}

// loadResource reads the resource named by the :id path parameter with get.
// When it cannot, it has already answered: 404 with a SCIM error for an
// unknown id of any shape, or the mapped store error.
func loadResource[T any](s *Server, c *gin.Context, kind string, get func(context.Context, string) (T, error)) (T, bool) {
	var zero T
	// Any id shape is simply looked up: unknown ⇒ 404 (mockidp/okta/WIRE.md §10).
	id := c.Param("id")
	v, err := get(c.Request.Context(), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.fail(c, http.StatusNotFound, "", fmt.Sprintf("%s %q not found", kind, id))
			return zero, false
		}
		s.failErr(c, kind, err)
		return zero, false
	}
	return v, true
}

func (s *Server) getUser(c *gin.Context) {
	u, ok := s.loadUser(c)
	if !ok || s.notModified(c, u.Version) {
		return
	}
	// mockidp/okta/WIRE.md §7.2: deactivated users stay readable (200, active:false).
	s.writeUser(c, http.StatusOK, u)
}

func (s *Server) putUser(c *gin.Context) {
	unlock, ok := s.lockWrites(c)
	if !ok {
		return
	}
	defer unlock()
	old, ok := s.loadUser(c)
	if !ok || !s.ifMatch(c, "user", old.Version) {
		return
	}
	// Okta sends back what it read (id, meta, its own password and
	// groups, extensions the server never returned): unknown and read-only
	// attributes are ignored, not refused (RFC 7643 §3).
	doc, ok := s.userBody(c)
	if !ok {
		return
	}
	prev := decodeDoc(old.Doc)
	// RFC 7644 §3.5.1 replaces the resource; attributes Okta always sends
	// but a hand-written client may omit keep their value rather than being
	// wiped (mockidp/okta/WIRE.md §11 #24: never lose the externalId link).
	for _, k := range []string{"active", "externalId", "emails"} {
		if _, has := doc[k]; !has {
			if v, had := prev[k]; had {
				doc[k] = v
			}
		}
	}
	s.saveUser(c, old, prev, doc)
}

func (s *Server) patchUser(c *gin.Context) {
	unlock, ok := s.lockWrites(c)
	if !ok {
		return
	}
	defer unlock()
	old, ok := s.loadUser(c)
	if !ok || !s.ifMatch(c, "user", old.Version) {
		return
	}
	ops, ok := s.patchOps(c)
	if !ok {
		return
	}
	prev := decodeDoc(old.Doc)
	doc := copyDoc(prev)
	doc["id"] = old.ID
	if err := patch.Apply(doc, ops, schema.UserResource, patch.Options{}); err != nil {
		s.failErr(c, "user", err)
		return
	}
	delete(doc, "id")
	if strings.TrimSpace(str(doc, "userName")) == "" {
		s.fail(c, http.StatusBadRequest, "invalidValue", "userName is required and cannot be removed")
		return
	}
	if !s.checkEntitlements(c, doc) {
		return
	}
	s.saveUser(c, old, prev, doc)
}

// patchOps decodes a PatchOp body (RFC 7644 §3.5.2).
func (s *Server) patchOps(c *gin.Context) ([]patch.Operation, bool) {
	var req patch.Request
	if err := s.decodeBody(c, &req); err != nil {
		s.failErr(c, "patch", err)
		return nil, false
	}
	if len(req.Operations) == 0 {
		s.fail(c, http.StatusBadRequest, "invalidValue", "PatchOp needs a non-empty Operations array")
		return nil, false
	}
	return req.Operations, true
}

// saveUser applies the email policy and stores doc as the new state of old.
func (s *Server) saveUser(c *gin.Context, old store.User, prev, doc map[string]any) {
	// Same value = no change; a change of case only is still a change.
	// Adding a first email to a user that had none is not a change.
	oldEmail := primaryEmail(prev)
	// A change of letter case only is not a change of identity: Okta finds
	// the user with a case-insensitive lookup (RFC 7643 §4.1.1 userName is
	// caseExact=false) and then PUTs its own casing; refusing that would
	// break the link. The new casing is stored.
	changed := !strings.EqualFold(str(doc, "userName"), old.UserName) ||
		(oldEmail != "" && !strings.EqualFold(primaryEmail(doc), oldEmail))
	if changed && s.cfg.emailPolicy == EmailImmutable {
		s.fail(c, http.StatusBadRequest, "mutability", mutabilityDetail)
		return
	}
	if _, has := doc["active"]; !has {
		doc["active"] = old.Active
	}
	u := old
	u.Doc = mustJSON(doc)
	u.Modified = time.Now().UTC()
	fillUser(&u, doc)
	if err := s.store.UpdateUser(c.Request.Context(), &u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			s.fail(c, http.StatusConflict, "uniqueness", fmt.Sprintf("a user with userName %q already exists", u.UserName))
			return
		}
		s.failErr(c, "user", err)
		return
	}
	s.writeUser(c, http.StatusOK, u)
}

func (s *Server) deleteUser(c *gin.Context) {
	// Any id shape is simply looked up: unknown ⇒ 404 (mockidp/okta/WIRE.md §10).
	id := c.Param("id")
	unlock, ok := s.lockWrites(c)
	if !ok {
		return
	}
	defer unlock()
	if c.GetHeader("If-Match") != "" {
		if u, ok := s.loadUser(c); !ok || !s.ifMatch(c, "user", u.Version) {
			return
		}
	}
	if err := s.store.DeleteUser(c.Request.Context(), id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.fail(c, http.StatusNotFound, "", fmt.Sprintf("user %q not found", id))
			return
		}
		s.failErr(c, "user", err)
		return
	}
	if err := s.dropMember(c.Request.Context(), id); err != nil {
		s.failErr(c, "user", err)
		return
	}
	c.Status(http.StatusNoContent)
}

// dropMember removes a deleted user from every group, so that groups never
// reference a user that does not exist (member values must be user ids).
func (s *Server) dropMember(ctx context.Context, userID string) error {
	var changed []store.Group
	err := s.store.ScanGroups(ctx, func(g store.Group) error {
		doc := decodeDoc(g.Doc)
		list, _ := doc["members"].([]any)
		keep := list[:0:0]
		for _, el := range list {
			if m, _ := el.(map[string]any); str(m, "value") != userID {
				keep = append(keep, el)
			}
		}
		if len(keep) != len(list) {
			doc["members"] = keep
			g.Doc = mustJSON(doc)
			changed = append(changed, g)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove user %s from groups: %w", userID, err)
	}
	for _, g := range changed {
		g.Modified = time.Now().UTC()
		if err := s.store.UpdateGroup(ctx, &g); err != nil {
			return fmt.Errorf("remove user %s from group %s: %w", userID, g.ID, err)
		}
	}
	return nil
}

func (s *Server) listUsers(c *gin.Context) {
	if s.lookupByUserName(c) {
		return
	}
	listResources(s, c, lister[store.User]{
		kind: "user", res: schema.UserResource,
		page: s.store.ListUsers, candidates: s.candidateUsers, render: s.renderUser,
	})
}

// candidateUsers feeds fn the users a filter can match: through an index
// for Okta's `userName eq` (and externalId, displayName, id), else all.
func (s *Server) candidateUsers(ctx context.Context, f *filter.Filter, fn func(store.User) error) error {
	if f != nil {
		if attr, value, ok := f.SimpleEq(schema.UserResource); ok {
			var us []store.User
			var err error
			switch strings.ToLower(attr) {
			case "username":
				us, err = s.store.UsersByUserName(ctx, value)
			case "externalid":
				us, err = s.store.UsersByExternalID(ctx, value)
			case "displayname":
				us, err = s.store.UsersByDisplayName(ctx, value)
			case "id":
				var u store.User
				u, err = s.store.GetUser(ctx, value)
				if errors.Is(err, store.ErrNotFound) {
					return nil
				}
				us = []store.User{u}
			default:
				return s.store.ScanUsers(ctx, fn)
			}
			if err != nil {
				return err
			}
			for _, u := range us {
				if err := fn(u); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return s.store.ScanUsers(ctx, fn)
}
