package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure-Go driver "sqlite": CGO_ENABLED=0 builds work
)

// Groups and tokens in the SQLite store (users are in sqlite.go).

const groupCols = `id, display_name, external_id, doc, created, modified, version`

func scanGroup(r scanner) (Group, error) {
	var g Group
	var doc, created, modified string
	if err := r.Scan(&g.ID, &g.DisplayName, &g.ExternalID, &doc, &created, &modified, &g.Version); err != nil {
		return Group{}, err
	}
	g.Doc = []byte(doc)
	g.Created, g.Modified = parseTS(created), parseTS(modified)
	return g, nil
}

// CreateGroup implements Store.
func (s *SQLite) CreateGroup(ctx context.Context, g *Group) error {
	return s.tx1(ctx, func(tx *sql.Tx) error {
		if _, err := s.writes.exec(ctx, tx, qInsertGroup,
			g.ID, g.DisplayName, g.ExternalID, string(g.Doc), ts(g.Created), ts(g.Modified)); err != nil {
			return fmt.Errorf("insert group: %w", err)
		}
		g.Version = 1
		return nil
	})
}

// GetGroup implements Store.
func (s *SQLite) GetGroup(ctx context.Context, id string) (Group, error) {
	g, err := scanGroup(s.db.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Group{}, ErrNotFound
	}
	if err != nil {
		return Group{}, fmt.Errorf("get group %q: %w", id, err)
	}
	return g, nil
}

// UpdateGroup implements Store.
func (s *SQLite) UpdateGroup(ctx context.Context, g *Group) error {
	return s.tx1(ctx, func(tx *sql.Tx) error {
		var version int64
		err := s.writes.queryRow(ctx, tx, qUpdateGroupStmt,
			g.DisplayName, g.ExternalID, string(g.Doc), ts(g.Modified), g.ID).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("update group %q: %w", g.ID, err)
		}
		g.Version = version
		return nil
	})
}

// DeleteGroup implements Store.
func (s *SQLite) DeleteGroup(ctx context.Context, id string) error {
	return s.tx1(ctx, func(tx *sql.Tx) error { return deleteByID(ctx, tx, "groups", id) })
}

func (s *SQLite) queryGroups(ctx context.Context, q string, args ...any) ([]Group, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query groups: %w", err)
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("scan group: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query groups: %w", err)
	}
	return out, nil
}

// GroupsByDisplayName implements Store.
func (s *SQLite) GroupsByDisplayName(ctx context.Context, dn string) ([]Group, error) {
	return s.queryGroups(ctx, qGroupByName, dn)
}

// GroupsByExternalID implements Store.
func (s *SQLite) GroupsByExternalID(ctx context.Context, ext string) ([]Group, error) {
	return s.queryGroups(ctx, qGroupByExternalID, ext)
}

// ListGroups implements Store.
func (s *SQLite) ListGroups(ctx context.Context, offset, limit int) ([]Group, int, error) {
	total, err := s.count(ctx, "groups")
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || offset >= total {
		return nil, total, nil
	}
	gs, err := s.queryGroups(ctx, `SELECT `+groupCols+` FROM groups ORDER BY seq LIMIT ? OFFSET ?`, limit, offset)
	return gs, total, err
}

// ScanGroups implements Store.
func (s *SQLite) ScanGroups(ctx context.Context, fn func(Group) error) error {
	return scanBatches(ctx, s.db, "groups", groupCols, scanGroup, fn)
}

// CreateToken implements Store.
func (s *SQLite) CreateToken(ctx context.Context, t Token) error {
	return s.tx1(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens(id, label, hash, created) VALUES(?,?,?,?)`, t.ID, t.Label, t.Hash, ts(t.Created)); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("insert token: %w", ErrConflict)
			}
			return fmt.Errorf("insert token: %w", err)
		}
		return nil
	})
}

func scanToken(r scanner) (Token, error) {
	var t Token
	var created string
	var revoked sql.NullString
	if err := r.Scan(&t.ID, &t.Label, &t.Hash, &created, &revoked); err != nil {
		return Token{}, err
	}
	t.Created = parseTS(created)
	if revoked.Valid {
		rt := parseTS(revoked.String)
		t.RevokedAt = &rt
	}
	return t, nil
}

// TokenByHash implements Store.
func (s *SQLite) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	t, err := scanToken(s.tokenByHash.QueryRowContext(ctx, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, ErrNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("get token: %w", err)
	}
	return t, nil
}

// ListTokens implements Store.
func (s *SQLite) ListTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, label, hash, created, revoked_at FROM tokens ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("scan token: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken implements Store.
func (s *SQLite) RevokeToken(ctx context.Context, id string) error {
	return s.tx1(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, ts(time.Now()), id)
		if err != nil {
			return fmt.Errorf("revoke token %q: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
