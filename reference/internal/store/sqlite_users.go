package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Users in the SQLite store: the writes go through the committer
// (sqlite_commit.go) and keep the read index (sqlite_index.go) in step;
// one-user reads ask the index first.

// indexed returns u as the users table gives it back (times in UTC, to the
// nanosecond), for the read index.
func indexed(u User) User {
	u.Created, u.Modified = parseTS(ts(u.Created)), parseTS(ts(u.Modified))
	return u
}

// checkUnique returns ErrConflict if a user other than id has userName.
// Runs in the committer: when the read index proves the name is free
// (mayHaveName), no query is needed.
func (s *SQLite) checkUnique(ctx context.Context, tx *sql.Tx, userName, id string) error {
	if s.opts.AllowDuplicateUserNames || !s.index.mayHaveName(userName, id) {
		return nil
	}
	var one int
	err := s.writes.queryRow(ctx, tx, qUniqueUserName, userName, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("check userName: %w", err)
	default:
		return ErrConflict
	}
}

const insertUser = `INSERT INTO users(id, user_name, external_id, display_name, active, doc, created, modified, version) VALUES(?,?,?,?,?,?,?,?,1)`

// CreateUser implements Store.
func (s *SQLite) CreateUser(ctx context.Context, u *User) error {
	return s.createUser(ctx, u, false)
}

var _ CheckedCreator = (*SQLite)(nil)

// CreateUserUnlessActiveExternalID implements CheckedCreator.
func (s *SQLite) CreateUserUnlessActiveExternalID(ctx context.Context, u *User) error {
	return s.createUser(ctx, u, true)
}

func (s *SQLite) createUser(ctx context.Context, u *User, checkExt bool) error {
	var change indexChange
	return s.txUsers(ctx, &change, true, func(tx *sql.Tx) error {
		if checkExt && u.ExternalID != "" && s.index.mayHaveActiveExt(u.ExternalID) {
			var id string
			err := s.writes.queryRow(ctx, tx, qActiveExtID, u.ExternalID).Scan(&id)
			switch {
			case err == nil:
				return &ExternalIDConflict{ID: id}
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("check externalId: %w", err)
			}
		}
		if err := s.checkUnique(ctx, tx, u.UserName, u.ID); err != nil {
			return err
		}
		if _, err := s.writes.exec(ctx, tx, insertUser, u.ID, u.UserName, u.ExternalID, u.DisplayName, b2i(u.Active), string(u.Doc), ts(u.Created), ts(u.Modified)); err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		u.Version = 1
		s.index.claim(u)
		change.put = []User{indexed(*u)}
		return nil
	})
}

// BulkCreateUsers implements Store.
func (s *SQLite) BulkCreateUsers(ctx context.Context, us []User) error {
	var change indexChange
	return s.txUsers(ctx, &change, false, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, insertUser)
		if err != nil {
			return fmt.Errorf("prepare insert: %w", err)
		}
		defer st.Close()
		for i := range us {
			u := &us[i]
			if err := s.checkUnique(ctx, tx, u.UserName, u.ID); err != nil {
				return fmt.Errorf("user %q: %w", u.UserName, err)
			}
			if _, err := st.ExecContext(ctx, u.ID, u.UserName, u.ExternalID, u.DisplayName, b2i(u.Active), string(u.Doc), ts(u.Created), ts(u.Modified)); err != nil {
				return fmt.Errorf("insert user %q: %w", u.UserName, err)
			}
			u.Version = 1
			s.index.claim(u)
			change.put = append(change.put, indexed(*u))
		}
		return nil
	})
}

const userCols = `id, user_name, external_id, display_name, active, doc, created, modified, version`

func scanUser(r scanner) (User, error) {
	var u User
	var active int
	var doc, created, modified string
	if err := r.Scan(&u.ID, &u.UserName, &u.ExternalID, &u.DisplayName, &active, &doc, &created, &modified, &u.Version); err != nil {
		return User{}, err
	}
	u.Active = active != 0
	u.Doc = []byte(doc)
	u.Created, u.Modified = parseTS(created), parseTS(modified)
	return u, nil
}

// GetUser implements Store.
func (s *SQLite) GetUser(ctx context.Context, id string) (User, error) {
	if err := s.useIndex(); err != nil {
		return User{}, err
	}
	if u, err := s.index.byID(id); !errors.Is(err, errIndexUnanswered) {
		return u, err
	}
	u, err := scanUser(s.byID.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("get user %q: %w", id, err)
	}
	return u, nil
}

// UpdateUser implements Store.
func (s *SQLite) UpdateUser(ctx context.Context, u *User) error {
	var change indexChange
	return s.txUsers(ctx, &change, true, func(tx *sql.Tx) error {
		if err := s.checkUnique(ctx, tx, u.UserName, u.ID); err != nil {
			return err
		}
		var version int64
		var created string
		err := s.writes.queryRow(ctx, tx, qUpdateUser,
			u.UserName, u.ExternalID, u.DisplayName, b2i(u.Active), string(u.Doc), ts(u.Modified), u.ID).Scan(&version, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("update user %q: %w", u.ID, err)
		}
		u.Version = version
		s.index.claim(u)
		stored := indexed(*u)
		stored.Created = parseTS(created)
		change.put = []User{stored}
		return nil
	})
}

// DeleteUser implements Store.
func (s *SQLite) DeleteUser(ctx context.Context, id string) error {
	var change indexChange
	return s.txUsers(ctx, &change, true, func(tx *sql.Tx) error {
		if err := deleteByID(ctx, tx, "users", id); err != nil {
			return err
		}
		change.drop = []string{id}
		return nil
	})
}

func (s *SQLite) queryUsers(ctx context.Context, q string, args ...any) ([]User, error) {
	var rows *sql.Rows
	var err error
	if q == qUserByUserName {
		rows, err = s.byUserName.QueryContext(ctx, args...)
	} else {
		rows, err = s.db.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("query users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query users: %w", err)
	}
	return out, nil
}

// Queries used for Okta's lookups; store_test.go checks their plans use the indexes.
const (
	qUserByUserName    = `SELECT ` + userCols + ` FROM users WHERE user_name = ? ORDER BY seq`
	qUserByExternalID  = `SELECT ` + userCols + ` FROM users WHERE external_id = ? ORDER BY seq`
	qUserByDisplayName = `SELECT ` + userCols + ` FROM users WHERE display_name = ? ORDER BY seq`
	qGroupByName       = `SELECT ` + groupCols + ` FROM groups WHERE display_name = ? ORDER BY seq`
	qGroupByExternalID = `SELECT ` + groupCols + ` FROM groups WHERE external_id = ? ORDER BY seq`
)

// UsersByUserName implements Store.
func (s *SQLite) UsersByUserName(ctx context.Context, name string) ([]User, error) {
	if err := s.useIndex(); err != nil {
		return nil, err
	}
	if us, err := s.index.byUserName(name); !errors.Is(err, errIndexUnanswered) {
		return us, err
	}
	return s.queryUsers(ctx, qUserByUserName, name)
}

// UsersByExternalID implements Store.
func (s *SQLite) UsersByExternalID(ctx context.Context, ext string) ([]User, error) {
	if err := s.useIndex(); err != nil {
		return nil, err
	}
	return s.queryUsers(ctx, qUserByExternalID, ext)
}

// UsersByDisplayName implements Store.
func (s *SQLite) UsersByDisplayName(ctx context.Context, dn string) ([]User, error) {
	if err := s.useIndex(); err != nil {
		return nil, err
	}
	return s.queryUsers(ctx, qUserByDisplayName, dn)
}

// ListUsers implements Store.
func (s *SQLite) ListUsers(ctx context.Context, offset, limit int) ([]User, int, error) {
	if err := s.useIndex(); err != nil {
		return nil, 0, err
	}
	total, err := s.count(ctx, "users")
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || offset >= total {
		return nil, total, nil
	}
	us, err := s.queryUsers(ctx, `SELECT `+userCols+` FROM users ORDER BY seq LIMIT ? OFFSET ?`, limit, offset)
	return us, total, err
}

// ScanUsers implements Store. Rows are read in batches by seq so that fn may
// call the store (a single-connection :memory: store would deadlock otherwise).
func (s *SQLite) ScanUsers(ctx context.Context, fn func(User) error) error {
	if err := s.useIndex(); err != nil {
		return err
	}
	return s.scanUsers(ctx, fn)
}

// scanUsers is ScanUsers without the claim, for building the index.
func (s *SQLite) scanUsers(ctx context.Context, fn func(User) error) error {
	return scanBatches(ctx, s.db, "users", userCols, scanUser, fn)
}
