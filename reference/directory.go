package reference

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/scimconform/scimconform/reference/internal/store"
)

// UserDirectory is the read-only view of provisioned users that a mounted
// handler (the SAML SP) uses to decide who may sign in.
type UserDirectory interface {
	// UserByUserName finds the user whose userName equals userName
	// case-insensitively; found is false (and err nil) when there is none.
	UserByUserName(ctx context.Context, userName string) (DirectoryUser, bool, error)
}

// DirectoryUser is what the directory tells about a user. Email is the
// primary email (else the first one); Active is false for deactivated users.
type DirectoryUser struct {
	ID, UserName, Email, GivenName, FamilyName string
	Active                                     bool
}

type directory struct{ store store.Store }

// UserByUserName implements UserDirectory.
func (d directory) UserByUserName(ctx context.Context, userName string) (DirectoryUser, bool, error) {
	us, err := d.store.UsersByUserName(ctx, userName)
	if err != nil {
		return DirectoryUser{}, false, fmt.Errorf("look up user %q: %w", userName, err)
	}
	if len(us) == 0 {
		return DirectoryUser{}, false, nil
	}
	u := us[0]
	doc := decodeDoc(u.Doc)
	name, _ := doc["name"].(map[string]any)
	return DirectoryUser{ID: u.ID, UserName: u.UserName, Email: primaryEmail(doc), GivenName: str(name, "givenName"), FamilyName: str(name, "familyName"), Active: u.Active}, true, nil
}

// mustJSON encodes a document built from decoded JSON, which cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("{}")
	}
	return b
}
