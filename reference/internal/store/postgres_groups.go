package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Groups and tokens in the PostgreSQL store (users are in postgres.go).

const pgGroupCols = `id, display_name, external_id, doc, created, modified, version`

func pgScanGroup(r pgx.Row) (Group, error) {
	var g Group
	var doc string
	if err := r.Scan(&g.ID, &g.DisplayName, &g.ExternalID, &doc, &g.Created, &g.Modified, &g.Version); err != nil {
		return Group{}, err
	}
	g.Doc = []byte(doc)
	g.Created, g.Modified = g.Created.UTC(), g.Modified.UTC()
	return g, nil
}

// CreateGroup implements Store.
func (s *Postgres) CreateGroup(ctx context.Context, g *Group) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO groups(id, display_name, external_id, doc, created, modified, version) VALUES($1,$2,$3,$4,$5,$6,1)`,
		g.ID, g.DisplayName, g.ExternalID, string(g.Doc), g.Created.UTC(), g.Modified.UTC()); err != nil {
		return fmt.Errorf("insert group: %w", err)
	}
	g.Version = 1
	return nil
}

// GetGroup implements Store.
func (s *Postgres) GetGroup(ctx context.Context, id string) (Group, error) {
	g, err := pgScanGroup(s.pool.QueryRow(ctx, `SELECT `+pgGroupCols+` FROM groups WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Group{}, ErrNotFound
	}
	if err != nil {
		return Group{}, fmt.Errorf("get group %q: %w", id, err)
	}
	return g, nil
}

// UpdateGroup implements Store.
func (s *Postgres) UpdateGroup(ctx context.Context, g *Group) error {
	var version int64
	err := s.pool.QueryRow(ctx, `UPDATE groups SET display_name=$1, external_id=$2, doc=$3, modified=$4, version=version+1 WHERE id=$5 RETURNING version`,
		g.DisplayName, g.ExternalID, string(g.Doc), g.Modified.UTC(), g.ID).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("update group %q: %w", g.ID, err)
	}
	g.Version = version
	return nil
}

// DeleteGroup implements Store.
func (s *Postgres) DeleteGroup(ctx context.Context, id string) error {
	return s.deleteByID(ctx, "groups", id)
}

func (s *Postgres) queryGroups(ctx context.Context, q string, args ...any) ([]Group, error) {
	gs, err := pgQuery(ctx, s.pool, pgScanGroup, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query groups: %w", err)
	}
	return gs, nil
}

// GroupsByDisplayName implements Store.
func (s *Postgres) GroupsByDisplayName(ctx context.Context, dn string) ([]Group, error) {
	return s.queryGroups(ctx, pqGroupByName, dn)
}

// GroupsByExternalID implements Store.
func (s *Postgres) GroupsByExternalID(ctx context.Context, ext string) ([]Group, error) {
	return s.queryGroups(ctx, pqGroupByExternalID, ext)
}

// ListGroups implements Store (count and page in one snapshot, as ListUsers).
func (s *Postgres) ListGroups(ctx context.Context, offset, limit int) ([]Group, int, error) {
	var gs []Group
	total, err := s.page(ctx, "groups", offset, limit, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+pgGroupCols+` FROM groups ORDER BY seq LIMIT $1 OFFSET $2`, limit, offset)
		if err != nil {
			return err
		}
		gs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Group, error) { return pgScanGroup(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list groups: %w", err)
	}
	return gs, total, nil
}

// ScanGroups implements Store.
func (s *Postgres) ScanGroups(ctx context.Context, fn func(Group) error) error {
	return pgScanBatches(ctx, s.pool, "groups", pgGroupCols, pgScanGroup, fn)
}

// CreateToken implements Store; a digest already stored is ErrConflict.
func (s *Postgres) CreateToken(ctx context.Context, t Token) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO tokens(id, label, hash, created) VALUES($1,$2,$3,$4)`, t.ID, t.Label, t.Hash, t.Created.UTC()); err != nil {
		return fmt.Errorf("insert token: %w", uniqueViolation(err))
	}
	return nil
}

const pgTokenCols = `id, label, hash, created, revoked_at`

func pgScanToken(r pgx.Row) (Token, error) {
	var t Token
	if err := r.Scan(&t.ID, &t.Label, &t.Hash, &t.Created, &t.RevokedAt); err != nil {
		return Token{}, err
	}
	t.Created = t.Created.UTC()
	if t.RevokedAt != nil {
		rt := t.RevokedAt.UTC()
		t.RevokedAt = &rt
	}
	return t, nil
}

// TokenByHash implements Store.
func (s *Postgres) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	t, err := pgScanToken(s.pool.QueryRow(ctx, `SELECT `+pgTokenCols+` FROM tokens WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, ErrNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("get token: %w", err)
	}
	return t, nil
}

// ListTokens implements Store.
func (s *Postgres) ListTokens(ctx context.Context) ([]Token, error) {
	ts, err := pgQuery(ctx, s.pool, pgScanToken, `SELECT `+pgTokenCols+` FROM tokens ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken implements Store; the first revocation time is kept.
func (s *Postgres) RevokeToken(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`, time.Now().UTC(), id)
	if err != nil {
		return fmt.Errorf("revoke token %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
