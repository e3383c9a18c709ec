package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Prepared statements for the writer's hot paths. modernc.org/sqlite
// prepares a statement on every Exec/Query given SQL text, which costs more
// than the indexed statement itself; these are prepared once at open
// (eagerly: a ":memory:" database has one connection, held by the write
// transaction, so preparing later on the pool would wait for it forever)
// and bound to each transaction with Tx.StmtContext, which reuses the
// connection's prepared copy.
const (
	qSavepoint       = `SAVEPOINT w`
	qRelease         = `RELEASE w`
	qRollbackTo      = `ROLLBACK TO w`
	qUniqueUserName  = `SELECT 1 FROM users WHERE user_name = ? AND id <> ? LIMIT 1`
	qActiveExtID     = `SELECT id FROM users WHERE external_id = ? AND active <> 0 ORDER BY seq LIMIT 1`
	qUpdateUser      = `UPDATE users SET user_name=?, external_id=?, display_name=?, active=?, doc=?, modified=?, version=version+1 WHERE id=? RETURNING version, created`
	qInsertGroup     = `INSERT INTO groups(id, display_name, external_id, doc, created, modified, version) VALUES(?,?,?,?,?,?,1)`
	qUpdateGroupStmt = `UPDATE groups SET display_name=?, external_id=?, doc=?, modified=?, version=version+1 WHERE id=? RETURNING version`
)

var writeQueries = []string{qSavepoint, qRelease, qRollbackTo, qUniqueUserName, qActiveExtID, insertUser, qUpdateUser, qInsertGroup, qUpdateGroupStmt}

// stmts maps SQL text to its statement prepared on the database; it is
// read-only after prepareStmts.
type stmts map[string]*sql.Stmt

func prepareStmts(db *sql.DB, queries []string) (stmts, error) {
	m := make(stmts, len(queries))
	for _, q := range queries {
		st, err := db.Prepare(q)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		m[q] = st
	}
	return m, nil
}

func (m stmts) close() {
	for _, st := range m {
		_ = st.Close()
	}
}

// exec runs q in tx, prepared when it is one of m's.
func (m stmts) exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st, ok := m[q]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// queryRow runs q in tx, prepared when it is one of m's.
func (m stmts) queryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st, ok := m[q]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}
