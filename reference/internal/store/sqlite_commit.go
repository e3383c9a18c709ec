package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Group commit. Every SQLite write goes through one writer goroutine
// (committer): writes that arrive while a commit is being made to disk wait
// and then share the next transaction and its single fsync. Each write runs
// inside its own savepoint, so one failing write (a userName conflict, a
// missing id) is rolled back alone and reported to its own caller, while its
// batch-mates commit. A caller is answered only after the COMMIT of its
// batch returned: an acknowledged write is on disk (WAL, synchronous=FULL).
// Writes in a batch run one after another in arrival order, so every write
// sees the ones before it exactly as if each had its own transaction.
//
// If the batch transaction itself fails (BEGIN, a savepoint or COMMIT), its
// writes are retried one per transaction, so a fault in one of them cannot
// fail the others.

// maxBatch bounds one transaction; it is far above what 16 clients queue.
const maxBatch = 256

// errClosed is returned by writes submitted after Close.
var errClosed = errors.New("store is closed")

type writeOp struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error
}

type committer struct {
	db      *sql.DB
	ops     chan *writeOp
	stop    chan struct{}
	stopped chan struct{}
}

func newCommitter(db *sql.DB) *committer {
	c := &committer{db: db, ops: make(chan *writeOp), stop: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c
}

// do runs fn in the next batch and returns its error once the batch is
// durable (or fn's own error once the batch committed without it).
func (c *committer) do(ctx context.Context, fn func(*sql.Tx) error) error {
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case c.ops <- op:
	case <-c.stopped:
		return errClosed
	case <-ctx.Done():
		return fmt.Errorf("write not started: %w", ctx.Err())
	}
	// Once taken, the write is waited for even if ctx ends: it may commit.
	return <-op.done
}

// close stops the writer after the batch in progress; later writes get errClosed.
func (c *committer) close() {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	<-c.stopped
}

func (c *committer) run() {
	defer close(c.stopped)
	for {
		var first *writeOp
		select {
		case first = <-c.ops:
		case <-c.stop:
			return
		}
		batch := []*writeOp{first}
	collect:
		for len(batch) < maxBatch {
			select {
			case op := <-c.ops:
				batch = append(batch, op)
			default:
				break collect
			}
		}
		c.commit(batch)
	}
}

// commit runs batch in one transaction; on a transaction-level failure it
// retries each write alone.
func (c *committer) commit(batch []*writeOp) {
	results := make([]error, len(batch))
	if err := c.runBatch(batch, results); err != nil {
		if len(batch) == 1 {
			batch[0].done <- err
			return
		}
		for _, op := range batch {
			res := make([]error, 1)
			if err := c.runBatch([]*writeOp{op}, res); err != nil {
				res[0] = err
			}
			op.done <- res[0]
		}
		return
	}
	for i, op := range batch {
		op.done <- results[i]
	}
}

// runBatch executes the writes with a savepoint each and commits. results
// get each write's own error; a returned error means nothing was committed.
func (c *committer) runBatch(batch []*writeOp, results []error) error {
	tx, err := c.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	for i, op := range batch {
		if err := op.ctx.Err(); err != nil {
			results[i] = fmt.Errorf("write not started: %w", err)
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT w`); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("savepoint: %w", err)
		}
		if results[i] = op.fn(tx); results[i] != nil {
			if _, err := tx.Exec(`ROLLBACK TO w`); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
		}
		if _, err := tx.Exec(`RELEASE w`); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("release savepoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if commitHook != nil {
		commitHook(len(batch))
	}
	return nil
}

// commitHook, when set (tests only), is told the size of each committed batch.
var commitHook func(n int)
