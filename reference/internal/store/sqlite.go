package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"

	_ "modernc.org/sqlite" // pure-Go driver "sqlite": CGO_ENABLED=0 builds work
)

// Options tune a store (both backends).
type Options struct {
	// AllowDuplicateUserNames disables the userName uniqueness check; it
	// exists only for the reference server's "no-uniqueness" fault.
	AllowDuplicateUserNames bool
}

// SQLite is the Store on modernc.org/sqlite. A file path gives a durable
// database in WAL mode (every acknowledged write survives a process crash
// and a power loss: its WAL frames were fsynced before it was answered,
// sqlite_commit.go); ":memory:" keeps everything in one
// connection's memory. Reads of one user by id or userName are answered
// by a read index derived from the users table (sqlite_index.go), so an
// SQLite database must be written by one process only (tokens excepted:
// `scimconform token` may change them beside a running server).
type SQLite struct {
	db     *sql.DB
	opts   Options
	path   string // "" in memory
	writer *committer
	index  *userIndex
	// claim is taken on the first use of the users table (useIndex).
	claim    sync.Once
	claimErr error
	lock     *os.File // holds path+"-users.lock", nil in memory
	// Prepared statements for the per-request hot paths (preparing costs
	// more than running an indexed lookup).
	byUserName, byID, tokenByHash *sql.Stmt
	// writes are the write statements (sqlite_stmt.go).
	writes stmts
}

var _ Store = (*SQLite)(nil)

// The user_name column is declared COLLATE NOCASE so that the plain
// `user_name = ?` uses its index (library-notes §2.6 (f)); NOCASE folds ASCII
// only. Uniqueness is checked inside the IMMEDIATE write transaction (writers
// are serialised), which lets the no-uniqueness fault switch it off without
// touching the schema of a durable database.
const schemaSQL = `
CREATE TABLE IF NOT EXISTS users (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  user_name    TEXT NOT NULL COLLATE NOCASE,
  external_id  TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
  active       INTEGER NOT NULL,
  doc          TEXT NOT NULL,
  created      TEXT NOT NULL,
  modified     TEXT NOT NULL,
  version      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS users_user_name ON users(user_name);
CREATE INDEX IF NOT EXISTS users_external_id ON users(external_id);
CREATE INDEX IF NOT EXISTS users_display_name ON users(display_name);
CREATE TABLE IF NOT EXISTS groups (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL COLLATE NOCASE,
  external_id  TEXT NOT NULL DEFAULT '',
  doc          TEXT NOT NULL,
  created      TEXT NOT NULL,
  modified     TEXT NOT NULL,
  version      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS groups_display_name ON groups(display_name);
CREATE INDEX IF NOT EXISTS groups_external_id ON groups(external_id);
CREATE TABLE IF NOT EXISTS tokens (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  label      TEXT NOT NULL,
  hash       BLOB NOT NULL UNIQUE,
  created    TEXT NOT NULL,
  revoked_at TEXT
);
`

// OpenSQLite opens (creating if needed) the database at path, or an
// in-memory one for ":memory:" or "", and applies the schema.
func OpenSQLite(path string, opts Options) (*SQLite, error) {
	var dsn string
	memory := path == "" || path == ":memory:"
	if memory {
		dsn = ":memory:?_txlock=immediate"
	} else {
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		// NORMAL: COMMIT does not fsync; the committer fsyncs the WAL before
		// answering (sqlite_commit.go), which is as durable as FULL.
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Set("_txlock", "immediate")
		dsn = "file:" + path + "?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	if memory {
		// :memory: is per connection (library-notes §2.6): keep exactly one, forever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	if _, err := db.Exec(schemaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema in %q: %w", path, err)
	}
	st := &SQLite{db: db, opts: opts}
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&st.byUserName, qUserByUserName},
		{&st.byID, `SELECT ` + userCols + ` FROM users WHERE id = ?`},
		{&st.tokenByHash, `SELECT id, label, hash, created, revoked_at FROM tokens WHERE hash = ?`},
	} {
		if *p.dst, err = db.Prepare(p.q); err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare %q: %w", p.q, err)
		}
	}
	wal := ""
	if !memory {
		wal = path + "-wal"
	}
	if st.writes, err = prepareStmts(db, writeQueries); err != nil {
		db.Close()
		return nil, err
	}
	st.index = newUserIndex(path)
	st.writer = newCommitter(db, wal, st.writes, st.index)
	if !memory {
		st.path = path
	}
	return st, nil
}

// useIndex claims the users table on its first use and returns the
// claim's error from then on. Claiming locks path+"-users.lock" (a second
// process serving the same file would write users this one's read index
// never sees: it gets ErrInUse) and builds the read index; callers wait for
// it (about a second per 100,000 users; no write runs meanwhile). A store
// that never touches users (token management) never claims them. It must
// not be called on the committer's goroutine.
func (s *SQLite) useIndex() error {
	s.claim.Do(func() {
		if s.path != "" {
			lock, err := lockFile(s.path + "-users.lock")
			if err != nil {
				s.claimErr = fmt.Errorf("SQLite database %s: %w", s.path, err)
				s.index.close()
				return
			}
			s.lock = lock
		}
		_ = s.writer.exclusive(context.Background(), func() error {
			return s.index.build(context.Background(), s.scanUsers)
		}) // an index that could not be built is off: SQLite answers
	})
	return s.claimErr
}

// Prepare implements Preparer: it claims the users table (useIndex).
func (s *SQLite) Prepare(context.Context) error { return s.useIndex() }

// DB exposes the database handle for tests (query plans) only.
func (s *SQLite) DB() *sql.DB { return s.db }

// Close closes the database; a WAL database is checkpointed by SQLite.
func (s *SQLite) Close() error {
	s.writer.close()
	s.index.close()
	if s.lock != nil {
		_ = s.lock.Close()
	}
	for _, st := range []*sql.Stmt{s.byUserName, s.byID, s.tokenByHash} {
		_ = st.Close()
	}
	s.writes.close()
	return s.db.Close()
}

// LockWrites implements Store. An SQLite database belongs to one process,
// whose server already serialises its writers: a no-op.
func (s *SQLite) LockWrites(context.Context) (func(), error) { return func() {}, nil }

const timeFmt = time.RFC3339Nano

func ts(t time.Time) string { return t.UTC().Format(timeFmt) }

func parseTS(v string) time.Time {
	t, _ := time.Parse(timeFmt, v)
	return t
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tx runs fn as one write of the next group commit (sqlite_commit.go): it
// returns once fn's changes are durable, or fn's error with its changes
// rolled back.
func (s *SQLite) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.writer.do(ctx, write{fn: fn})
}

// tx1 is tx for an fn that changes the database in one statement at most,
// its last (write.single).
func (s *SQLite) tx1(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.writer.do(ctx, write{fn: fn, single: true})
}

// txUsers is tx (tx1 when single) for a write to the users table: fn also
// fills change, which the read index gets once the write has committed.
func (s *SQLite) txUsers(ctx context.Context, change *indexChange, single bool, fn func(*sql.Tx) error) error {
	if err := s.useIndex(); err != nil {
		return err
	}
	return s.writer.do(ctx, write{fn: func(tx *sql.Tx) error {
		*change = indexChange{}
		return fn(tx)
	}, change: change, single: single})
}

func (s *SQLite) count(ctx context.Context, table string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

type scanner interface{ Scan(...any) error }

func deleteByID(ctx context.Context, tx *sql.Tx, table, id string) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete from %s %q: %w", table, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func scanBatches[T any](ctx context.Context, db *sql.DB, table, cols string, scan func(scanner) (T, error), fn func(T) error) error {
	const batch = 500
	var last int64
	for {
		rows, err := db.QueryContext(ctx, `SELECT seq, `+cols+` FROM `+table+` WHERE seq > ? ORDER BY seq LIMIT ?`, last, batch)
		if err != nil {
			return fmt.Errorf("scan %s: %w", table, err)
		}
		var items []T
		for rows.Next() {
			v, err := scan(seqScanner{rows, &last})
			if err != nil {
				rows.Close()
				return fmt.Errorf("scan %s row: %w", table, err)
			}
			items = append(items, v)
		}
		err = rows.Err()
		rows.Close()
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

// seqScanner reads the leading seq column into last before the resource columns.
type seqScanner struct {
	r    scanner
	last *int64
}

func (s seqScanner) Scan(dest ...any) error {
	return s.r.Scan(append([]any{s.last}, dest...)...)
}
