// Package store persists the reference server's users, groups and SCIM
// tokens. It sits below the HTTP handlers: they hand it whole resources as
// JSON documents plus the few indexed columns Okta's lookups need, and get
// them back in a stable creation order. It knows nothing about SCIM
// semantics beyond userName uniqueness and must not log or return token
// secrets (it only ever sees their SHA-256 digests).
//
// Two backends implement Store: SQLite (one process; a file or memory) and
// PostgreSQL (several servers may share one database). runContract in
// store_test.go is the behaviour both must show. Open picks one from the
// database string.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors returned by every Store implementation; match them with errors.Is.
var (
	// ErrNotFound means no resource or token has the given id.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the userName is already used by another user
	// (case-insensitively).
	ErrConflict = errors.New("userName already exists")
	// ErrInUse means another process serves the users of this SQLite
	// database (an SQLite database serves one process; PostgreSQL is for
	// several).
	ErrInUse = errors.New("its users are served by another process (an SQLite database serves one process; use PostgreSQL for several)")
)

// User is a stored SCIM User. Doc is the full resource as JSON without id
// and meta (those are rebuilt from the other fields); UserName, ExternalID,
// DisplayName and Active mirror the document for indexed lookups.
type User struct {
	ID          string
	UserName    string
	ExternalID  string
	DisplayName string
	Active      bool
	Doc         []byte
	Created     time.Time
	Modified    time.Time
	Version     int64
}

// Group is a stored SCIM Group; Doc holds displayName, members and any other
// attributes as JSON without id and meta.
type Group struct {
	ID          string
	DisplayName string
	ExternalID  string
	Doc         []byte
	Created     time.Time
	Modified    time.Time
	Version     int64
}

// Token is a SCIM bearer token as stored: only the SHA-256 digest of the
// secret is kept. RevokedAt is nil while the token is valid.
type Token struct {
	ID        string
	Label     string
	Hash      []byte
	Created   time.Time
	RevokedAt *time.Time
}

// Store is the persistence the reference server needs. Every method is safe
// for concurrent use. Lists are ordered by creation (stable paging).
type Store interface {
	// CreateUser inserts u (ID set by the caller). It returns ErrConflict if
	// another user has the same userName case-insensitively, unless the store
	// was opened with AllowDuplicateUserNames. Version is set to 1.
	CreateUser(ctx context.Context, u *User) error
	// BulkCreateUsers inserts many users in one transaction (seeding,
	// benchmarks) with the same uniqueness rule as CreateUser.
	BulkCreateUsers(ctx context.Context, us []User) error
	// GetUser returns the user with id or ErrNotFound.
	GetUser(ctx context.Context, id string) (User, error)
	// UpdateUser replaces the stored user u.ID (everything but Created) and
	// increments Version. ErrNotFound if absent, ErrConflict as CreateUser.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user or returns ErrNotFound.
	DeleteUser(ctx context.Context, id string) error
	// UsersByUserName returns users whose userName equals name
	// case-insensitively (ASCII folding), through an index.
	UsersByUserName(ctx context.Context, name string) ([]User, error)
	// UsersByExternalID returns users whose externalId equals ext exactly, through an index.
	UsersByExternalID(ctx context.Context, ext string) ([]User, error)
	// UsersByDisplayName returns users whose displayName equals dn
	// case-insensitively, through an index.
	UsersByDisplayName(ctx context.Context, dn string) ([]User, error)
	// ListUsers returns up to limit users after skipping offset, and the total count.
	ListUsers(ctx context.Context, offset, limit int) ([]User, int, error)
	// ScanUsers calls fn for every user in creation order; an error from fn stops the scan and is returned.
	ScanUsers(ctx context.Context, fn func(User) error) error

	// CreateGroup inserts g (ID set by the caller); Version is set to 1.
	CreateGroup(ctx context.Context, g *Group) error
	// GetGroup returns the group with id or ErrNotFound.
	GetGroup(ctx context.Context, id string) (Group, error)
	// UpdateGroup replaces the stored group g.ID and increments Version; ErrNotFound if absent.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup removes the group or returns ErrNotFound.
	DeleteGroup(ctx context.Context, id string) error
	// GroupsByDisplayName returns groups whose displayName equals dn case-insensitively, through an index.
	GroupsByDisplayName(ctx context.Context, dn string) ([]Group, error)
	// GroupsByExternalID returns groups whose externalId equals ext exactly.
	GroupsByExternalID(ctx context.Context, ext string) ([]Group, error)
	// ListGroups returns up to limit groups after skipping offset, and the total count.
	ListGroups(ctx context.Context, offset, limit int) ([]Group, int, error)
	// ScanGroups calls fn for every group in creation order.
	ScanGroups(ctx context.Context, fn func(Group) error) error

	// CreateToken stores t (ID, Label, Hash, Created set by the caller).
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns the token whose digest is hash (revoked or not) or ErrNotFound.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	// ListTokens returns all tokens in creation order.
	ListTokens(ctx context.Context) ([]Token, error)
	// RevokeToken marks the token revoked now; ErrNotFound if no token has id.
	// Revoking twice keeps the first revocation time.
	RevokeToken(ctx context.Context, id string) error

	// LockWrites serialises read-modify-write sequences (read a user, check,
	// write it back) across every server sharing the database; call unlock
	// when the sequence is done. Stores that only one process can open
	// return a no-op: the caller's own mutex suffices there.
	LockWrites(ctx context.Context) (unlock func(), err error)

	// Close releases the database.
	Close() error
}

// Open opens the store named by db: a postgres:// or postgresql:// URL
// opens PostgreSQL (OpenPostgres), anything else is an SQLite path or
// ":memory:" (OpenSQLite).
func Open(ctx context.Context, db string, opts Options) (Store, error) {
	if IsPostgresURL(db) {
		return OpenPostgres(ctx, db, opts)
	}
	return OpenSQLite(db, opts)
}

// Preparer is implemented by stores with work that the first request
// would otherwise wait for (SQLite builds its read index and claims its
// users); serve calls it before it listens.
type Preparer interface {
	// Prepare does that work. It returns an error wrapping ErrInUse if
	// another process already serves this database's users.
	Prepare(ctx context.Context) error
}

// ExternalIDConflict is returned by CreateUserUnlessActiveExternalID when an
// active user (ID) already has the externalId.
type ExternalIDConflict struct{ ID string }

func (e *ExternalIDConflict) Error() string {
	return fmt.Sprintf("externalId is already used by active user %s", e.ID)
}

// CheckedCreator is implemented by stores that serialise every write
// themselves (SQLite's group commit), so that a handler can leave the
// check-then-insert of a create to the store instead of holding a lock
// across it (which would stop concurrent creates from sharing a commit).
type CheckedCreator interface {
	// CreateUserUnlessActiveExternalID is CreateUser that first checks, in
	// the same serialised write, Okta's rule (mockidp/okta/WIRE.md §7.2): if u.ExternalID
	// is non-empty and an active user already has it, nothing is written and
	// the error is an *ExternalIDConflict naming that user.
	CreateUserUnlessActiveExternalID(ctx context.Context, u *User) error
}
