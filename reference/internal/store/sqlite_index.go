package store

import (
	"errors"
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// The read index of an SQLite store.
//
// Okta's hottest requests read one user: the assignment lookup
// `GET /Users?filter=userName eq "…"` and `GET /Users/{id}` before each
// profile push. Through database/sql and modernc.org/sqlite one such read
// costs a read transaction, two B-tree descents and page reads past
// SQLite's small per-connection caches: more than the rest of the request
// (reference/README.md, Performance). The index answers these reads
// instead. In memory it keeps, per user, 64-bit hashes of the id and of
// the case-folded userName, whether the user is active under an
// externalId, and where the user's current record lies in a record log, a
// process-private file (sqlite_records.go) read with one pread. The
// records stay on disk, in the OS's page cache: memory grows by about 80
// bytes per user, not by the users' documents. (An in-memory database
// keeps its record log in memory too.)
//
// SQLite stays the record of truth; the index is derived from it. The
// committer builds it on first use (an exclusive write: no other write runs
// meanwhile) and then changes it after each commit, in commit order, before
// any caller is answered, so a read through it sees what a read through
// SQLite would at the same moment. What it cannot answer with certainty
// goes to SQLite as before: a hash that two users share (duplicate
// userNames under the no-uniqueness fault, or a collision), an index not
// built yet, or one broken by an I/O error (it then stays off until the
// store is opened again).

// Index states. Reads use the index only when it is ready; the committer
// changes it when it is building or ready. The store builds it once
// (SQLite.useIndex).
const (
	indexOff      int32 = iota // not built yet
	indexBuilding              // the committer is building it
	indexReady
	indexBroken // off for good: an error made it untrustworthy, or the store closed
)

// ambiguous marks a userName hash that several users share.
const ambiguous uint64 = 0

// indexEntry is one user in the index.
type indexEntry struct {
	off    int64  // of its record in the log
	n      uint32 // record length
	name   uint64 // nocaseHash of userName
	ext    uint64 // hash of externalId, when active and non-empty
	hasExt bool
}

type userIndex struct {
	state atomic.Int32
	seed  maphash.Seed
	dir   string // where the record log is made
	base  string

	// mu guards the maps and the log against the committer, their only
	// writer; the committer itself reads them without it.
	mu     sync.RWMutex
	log    *recordLog
	users  map[uint64]indexEntry // idHash → entry
	byName map[uint64]uint64     // nocaseHash(userName) → idHash, or ambiguous
	// activeExt counts the active users per externalId hash; a count of
	// zero proves no active user has that externalId.
	activeExt map[uint64]int32

	// What the running batch's writes claimed (committer only).
	claimedNames, claimedExts map[uint64]struct{}
}

func newUserIndex(dbPath string) *userIndex {
	x := &userIndex{seed: maphash.MakeSeed()}
	x.dir, x.base = recordDir(dbPath)
	return x
}

// idHash never returns 0, which the maps reserve for ambiguous.
func (x *userIndex) idHash(id string) uint64 {
	if h := maphash.String(x.seed, id); h != ambiguous {
		return h
	}
	return 1
}

func (x *userIndex) extHash(ext string) uint64 { return maphash.String(x.seed, ext) }

// nocaseHash hashes s as SQLite's NOCASE collation compares it
// (https://www.sqlite.org/datatype3.html#collating_sequences): ASCII
// letters folded, bytes after a NUL ignored, and the length
// (TestNocaseMatchesSQLite).
func (x *userIndex) nocaseHash(s string) uint64 {
	var h maphash.Hash
	h.SetSeed(x.seed)
	var buf [64]byte
	for i := 0; i < len(s); {
		n := 0
		for ; n < len(buf) && i < len(s); i++ {
			c := s[i]
			if c == 0 {
				i = len(s)
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[n] = c
			n++
		}
		_, _ = h.Write(buf[:n])
	}
	var l [8]byte
	for i := range l {
		l[i] = byte(len(s) >> (8 * i))
	}
	_, _ = h.Write(l[:])
	return h.Sum64()
}

// nocaseEqual is SQLite's NOCASE equality (sqlite3StrNICmp on the shorter
// length, which stops at a NUL in a, then the lengths).
func nocaseEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if ca == 0 {
			return cb == 0
		}
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}

// ready reports whether reads may use the index.
func (x *userIndex) ready() bool { return x.state.Load() == indexReady }

// errIndexUnanswered: the index cannot answer; ask SQLite.
var errIndexUnanswered = errors.New("index cannot answer")

// byUserName returns the users whose userName equals name under NOCASE, or
// errIndexUnanswered.
func (x *userIndex) byUserName(name string) ([]User, error) {
	if !x.ready() {
		return nil, errIndexUnanswered
	}
	h := x.nocaseHash(name)
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.state.Load() != indexReady {
		return nil, errIndexUnanswered
	}
	id, ok := x.byName[h]
	if !ok {
		return nil, nil // no user has a userName with this hash
	}
	if id == ambiguous {
		return nil, errIndexUnanswered
	}
	u, err := x.readLocked(id)
	if err != nil {
		return nil, errIndexUnanswered // SQLite answers; the file may be fine next time
	}
	// The only user with this hash; another user named name would share it.
	if !nocaseEqual(u.UserName, name) {
		return nil, nil
	}
	return []User{u}, nil
}

// byID returns the user with id, ErrNotFound, or errIndexUnanswered.
func (x *userIndex) byID(id string) (User, error) {
	if !x.ready() {
		return User{}, errIndexUnanswered
	}
	h := x.idHash(id)
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.state.Load() != indexReady {
		return User{}, errIndexUnanswered
	}
	if _, ok := x.users[h]; !ok {
		return User{}, ErrNotFound
	}
	u, err := x.readLocked(h)
	if err != nil {
		return User{}, errIndexUnanswered
	}
	if u.ID != id {
		return User{}, ErrNotFound // the user with this hash has another id (an id collision breaks the index, see put)
	}
	return u, nil
}

// readLocked reads the record of the user with idHash h; x.mu is held.
func (x *userIndex) readLocked(h uint64) (User, error) {
	e := x.users[h]
	b, err := x.log.read(e.off, e.n)
	if err != nil {
		return User{}, err
	}
	return decodeRecord(b)
}

// close releases the log.
func (x *userIndex) close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.log != nil {
		_ = x.log.close()
		x.log = nil
	}
	x.state.Store(indexBroken)
}
