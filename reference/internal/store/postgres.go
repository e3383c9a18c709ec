package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is the Store on PostgreSQL through jackc/pgx (pgxpool). Several
// reference servers may share one database: userName uniqueness is a unique
// index (the database decides, SQLSTATE 23505 becomes ErrConflict), paging
// follows an identity column, and LockWrites serialises read-modify-write
// sequences across all of them. Every session runs with
// synchronous_commit=on, so an acknowledged write is in the server's WAL on
// disk (as long as the server itself runs with fsync on, its default).
type Postgres struct {
	pool *pgxpool.Pool
	opts Options
}

var _ Store = (*Postgres)(nil)

// IsPostgresURL reports whether db names a PostgreSQL database
// (postgres:// or postgresql://) rather than an SQLite file.
func IsPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// DefaultPoolSize is the connection pool size unless the URL sets pool_max_conns.
const DefaultPoolSize = 16

// OpenPostgres connects to the database at url (postgres://user:pass@host/db?...;
// pgxpool parameters such as pool_max_conns are honoured) and applies the
// schema migrations. Errors never include the URL's password.
func OpenPostgres(ctx context.Context, url string, opts Options) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors redact the password themselves.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultPoolSize
	}
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	cfg.ConnConfig.RuntimeParams["application_name"] = "scimconform-reference"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	if _, err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	return &Postgres{pool: pool, opts: opts}, nil
}

// where names the database for messages: host, port and name, never credentials.
func where(cfg *pgxpool.Config) string {
	return fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
}

// Pool exposes the connection pool for tests (query plans) only.
func (s *Postgres) Pool() *pgxpool.Pool { return s.pool }

// Close closes every connection of the pool.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

// LockWrites implements Store: a session advisory lock held on one pooled
// connection until unlock. If that connection breaks, PostgreSQL releases
// the lock with the session.
func (s *Postgres) LockWrites(ctx context.Context) (func(), error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("write lock: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, writeLockKey); err != nil {
		conn.Release()
		return nil, fmt.Errorf("write lock: %w", err)
	}
	return func() {
		if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, writeLockKey); err != nil {
			// The lock's state is unknown: drop the session, which ends it.
			_ = conn.Conn().Close(context.Background())
		}
		conn.Release()
	}, nil
}

// uniqueViolation maps SQLSTATE 23505 on the userName index (or a token's
// digest) to ErrConflict; any other error is returned as is.
func uniqueViolation(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		switch pe.ConstraintName {
		case "users_user_name_key", "tokens_hash_key":
			return ErrConflict
		}
	}
	return err
}

func (s *Postgres) nameDup(u *User) string {
	if s.opts.AllowDuplicateUserNames {
		return u.ID
	}
	return ""
}

const pgUserCols = `id, user_name, external_id, display_name, active, doc, created, modified, version`

// Queries used for Okta's lookups; postgres_test.go checks their plans use the indexes.
const (
	pqUserByID          = `SELECT ` + pgUserCols + ` FROM users WHERE id = $1`
	pqUserByUserName    = `SELECT ` + pgUserCols + ` FROM users WHERE lower(user_name) = lower($1::text COLLATE "C") ORDER BY seq`
	pqUserByExternalID  = `SELECT ` + pgUserCols + ` FROM users WHERE external_id = $1 ORDER BY seq`
	pqUserByDisplayName = `SELECT ` + pgUserCols + ` FROM users WHERE lower(display_name) = lower($1::text COLLATE "C") ORDER BY seq`
	pqGroupByName       = `SELECT ` + pgGroupCols + ` FROM groups WHERE lower(display_name) = lower($1::text COLLATE "C") ORDER BY seq`
	pqGroupByExternalID = `SELECT ` + pgGroupCols + ` FROM groups WHERE external_id = $1 ORDER BY seq`
)

func pgScanUser(r pgx.Row) (User, error) {
	var u User
	var doc string
	if err := r.Scan(&u.ID, &u.UserName, &u.ExternalID, &u.DisplayName, &u.Active, &doc, &u.Created, &u.Modified, &u.Version); err != nil {
		return User{}, err
	}
	u.Doc = []byte(doc)
	u.Created, u.Modified = u.Created.UTC(), u.Modified.UTC()
	return u, nil
}

// CreateUser implements Store.
func (s *Postgres) CreateUser(ctx context.Context, u *User) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO users(id, user_name, name_dup, external_id, display_name, active, doc, created, modified, version) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,1)`,
		u.ID, u.UserName, s.nameDup(u), u.ExternalID, u.DisplayName, u.Active, string(u.Doc), u.Created.UTC(), u.Modified.UTC())
	if err != nil {
		return fmt.Errorf("insert user: %w", uniqueViolation(err))
	}
	u.Version = 1
	return nil
}

// BulkCreateUsers implements Store: one transaction, rows sent with COPY.
func (s *Postgres) BulkCreateUsers(ctx context.Context, us []User) error {
	rows := make([][]any, len(us))
	for i := range us {
		u := &us[i]
		rows[i] = []any{u.ID, u.UserName, s.nameDup(u), u.ExternalID, u.DisplayName, u.Active, string(u.Doc), u.Created.UTC(), u.Modified.UTC(), int64(1)}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"users"},
			[]string{"id", "user_name", "name_dup", "external_id", "display_name", "active", "doc", "created", "modified", "version"},
			pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && uniqueViolation(err) == ErrConflict {
			return fmt.Errorf("bulk insert users: %w (%s)", ErrConflict, pe.Detail)
		}
		return fmt.Errorf("bulk insert users: %w", err)
	}
	for i := range us {
		us[i].Version = 1
	}
	return nil
}

// GetUser implements Store.
func (s *Postgres) GetUser(ctx context.Context, id string) (User, error) {
	u, err := pgScanUser(s.pool.QueryRow(ctx, pqUserByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("get user %q: %w", id, err)
	}
	return u, nil
}

// UpdateUser implements Store: one UPDATE, checked by the unique index.
func (s *Postgres) UpdateUser(ctx context.Context, u *User) error {
	var version int64
	err := s.pool.QueryRow(ctx, `UPDATE users SET user_name=$1, name_dup=$2, external_id=$3, display_name=$4, active=$5, doc=$6, modified=$7, version=version+1 WHERE id=$8 RETURNING version`,
		u.UserName, s.nameDup(u), u.ExternalID, u.DisplayName, u.Active, string(u.Doc), u.Modified.UTC(), u.ID).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("update user %q: %w", u.ID, uniqueViolation(err))
	}
	u.Version = version
	return nil
}

func (s *Postgres) deleteByID(ctx context.Context, table, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM `+table+` WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete from %s %q: %w", table, id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteUser implements Store.
func (s *Postgres) DeleteUser(ctx context.Context, id string) error {
	return s.deleteByID(ctx, "users", id)
}

func pgQuery[T any](ctx context.Context, pool *pgxpool.Pool, scan func(pgx.Row) (T, error), q string, args ...any) ([]T, error) {
	rows, err := pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Postgres) queryUsers(ctx context.Context, q string, args ...any) ([]User, error) {
	us, err := pgQuery(ctx, s.pool, pgScanUser, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query users: %w", err)
	}
	return us, nil
}

// UsersByUserName implements Store (ASCII case folding, as SQLite's NOCASE).
func (s *Postgres) UsersByUserName(ctx context.Context, name string) ([]User, error) {
	return s.queryUsers(ctx, pqUserByUserName, name)
}

// UsersByExternalID implements Store.
func (s *Postgres) UsersByExternalID(ctx context.Context, ext string) ([]User, error) {
	return s.queryUsers(ctx, pqUserByExternalID, ext)
}

// UsersByDisplayName implements Store.
func (s *Postgres) UsersByDisplayName(ctx context.Context, dn string) ([]User, error) {
	return s.queryUsers(ctx, pqUserByDisplayName, dn)
}

// ListUsers implements Store. The count and the page are read in one
// REPEATABLE READ snapshot, so totalResults matches the page even while
// another server writes.
func (s *Postgres) ListUsers(ctx context.Context, offset, limit int) ([]User, int, error) {
	var us []User
	total, err := s.page(ctx, "users", offset, limit, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+pgUserCols+` FROM users ORDER BY seq LIMIT $1 OFFSET $2`, limit, offset)
		if err != nil {
			return err
		}
		us, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return pgScanUser(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return us, total, nil
}

func (s *Postgres) page(ctx context.Context, table string, offset, limit int, read func(pgx.Tx) error) (int, error) {
	var total int
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&total); err != nil {
			return err
		}
		if limit <= 0 || offset >= total {
			return nil
		}
		return read(tx)
	})
	return total, err
}

// ScanUsers implements Store: batches by seq, so fn may call the store.
func (s *Postgres) ScanUsers(ctx context.Context, fn func(User) error) error {
	return pgScanBatches(ctx, s.pool, "users", pgUserCols, pgScanUser, fn)
}

func pgScanBatches[T any](ctx context.Context, pool *pgxpool.Pool, table, cols string, scan func(pgx.Row) (T, error), fn func(T) error) error {
	const batch = 500
	var last int64
	for {
		items, err := pgQuery(ctx, pool, func(r pgx.Row) (T, error) {
			var v T
			var err error
			v, err = scan(seqRow{r, &last})
			return v, err
		}, `SELECT seq, `+cols+` FROM `+table+` WHERE seq > $1 ORDER BY seq LIMIT $2`, last, batch)
		if err != nil {
			return fmt.Errorf("scan %s: %w", table, err)
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(items) < batch {
			return nil
		}
	}
}

// seqRow reads the leading seq column into last before the resource columns.
type seqRow struct {
	r    pgx.Row
	last *int64
}

func (s seqRow) Scan(dest ...any) error {
	return s.r.Scan(append([]any{s.last}, dest...)...)
}
