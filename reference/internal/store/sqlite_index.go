package store

import (
	"context"
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
// bytes per user, not by the users' documents.
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
// changes it when it is building or ready.
const (
	indexOff      int32 = iota // not asked for yet
	indexQueued                // the committer has been asked to build it
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

// nocaseHash hashes s as SQLite's NOCASE collation compares it: ASCII
// letters folded, bytes after a NUL ignored, and the length (library-notes
// §2.6 (f); TestNocaseMatchesSQLite).
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
// length, then the lengths).
func nocaseEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if ca == 0 {
			return true
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

// queue reports whether the caller should ask the committer to build the
// index: true once, on the first use.
func (x *userIndex) queue() bool { return x.state.CompareAndSwap(indexOff, indexQueued) }

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
		return nil, err
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
		return User{}, err
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

// The committer's side. Everything below runs on the committer's goroutine
// only.

// beginBatch starts a batch transaction: nothing is claimed in it yet.
func (x *userIndex) beginBatch() {
	clear(x.claimedNames)
	clear(x.claimedExts)
}

// mayHaveName reports whether a user other than the one with id ("" for
// none) may have a userName equal to name under NOCASE, as the running
// batch transaction sees it: committed (the index) or written earlier in
// the batch (claimName). False is a proof; true asks for the exact check.
func (x *userIndex) mayHaveName(name, id string) bool {
	if x.state.Load() != indexReady {
		return true
	}
	h := x.nocaseHash(name)
	if _, ok := x.claimedNames[h]; ok {
		return true
	}
	holder, ok := x.byName[h]
	return ok && (id == "" || holder != x.idHash(id))
}

// mayHaveActiveExt is mayHaveName for an active user's externalId.
func (x *userIndex) mayHaveActiveExt(ext string) bool {
	if x.state.Load() != indexReady {
		return true
	}
	h := x.extHash(ext)
	if _, ok := x.claimedExts[h]; ok {
		return true
	}
	return x.activeExt[h] > 0
}

// claim records that a write of the running batch gave u its userName and
// externalId. A write rolled back later keeps its claim: that only makes
// later writes of the batch check exactly.
func (x *userIndex) claim(u *User) {
	if x.claimedNames == nil {
		x.claimedNames, x.claimedExts = map[uint64]struct{}{}, map[uint64]struct{}{}
	}
	x.claimedNames[x.nocaseHash(u.UserName)] = struct{}{}
	if u.Active && u.ExternalID != "" {
		x.claimedExts[x.extHash(u.ExternalID)] = struct{}{}
	}
}

// indexChange is one committed write's change to the index: the users to
// (re)index, and the ids to drop.
type indexChange struct {
	put  []User
	drop []string
}

// apply makes committed changes visible to readers, in order; any error
// breaks the index (the writes themselves are committed: SQLite answers
// from now on). Records are written in chunks of at most flushAt bytes, so
// a bulk create does not hold all its records in memory twice.
func (x *userIndex) apply(changes []*indexChange) {
	if st := x.state.Load(); (st != indexReady && st != indexBuilding) || len(changes) == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var buf []byte
	var puts []*User // whose records are in buf, in order
	flush := func() bool {
		if len(puts) == 0 {
			return true
		}
		base, err := x.log.append(buf)
		if err != nil {
			return false
		}
		off := base
		for _, u := range puts {
			n := recordLen(u)
			if !x.putLocked(u, off, n) {
				return false
			}
			off += int64(n)
		}
		buf, puts = buf[:0], puts[:0]
		return true
	}
	for _, ch := range changes {
		if len(ch.drop) > 0 && !flush() {
			x.breakLocked()
			return
		}
		for _, id := range ch.drop {
			x.removeLocked(x.idHash(id))
		}
		for i := range ch.put {
			buf = appendRecord(buf, &ch.put[i])
			puts = append(puts, &ch.put[i])
			if len(buf) >= flushAt && !flush() {
				x.breakLocked()
				return
			}
		}
	}
	if !flush() {
		x.breakLocked()
		return
	}
	if x.log.size > 2*x.log.live+minCompact {
		if err := x.compactLocked(); err != nil {
			x.breakLocked()
		}
	}
}

// flushAt bounds the records apply buffers before writing them.
const flushAt = 1 << 20

// putLocked indexes u, whose record of n bytes is at off, replacing the
// user's previous entry; false means the index must break (an id hash
// shared by two users).
func (x *userIndex) putLocked(u *User, off int64, n int) bool {
	h := x.idHash(u.ID)
	if old, ok := x.users[h]; ok {
		if !x.sameIDLocked(old, u.ID) {
			return false // two ids, one hash: this index cannot tell them apart
		}
		x.removeLocked(h)
	}
	e := indexEntry{off: off, n: uint32(n), name: x.nocaseHash(u.UserName)}
	if u.Active && u.ExternalID != "" {
		e.ext, e.hasExt = x.extHash(u.ExternalID), true
		x.activeExt[e.ext]++
	}
	x.users[h] = e
	if _, taken := x.byName[e.name]; taken {
		x.byName[e.name] = ambiguous
	} else {
		x.byName[e.name] = h
	}
	x.log.live += int64(n)
	return true
}

// sameIDLocked reports whether the indexed entry e is the user id.
func (x *userIndex) sameIDLocked(e indexEntry, id string) bool {
	b, err := x.log.read(e.off, e.n)
	if err != nil {
		return false
	}
	u, err := decodeRecord(b)
	return err == nil && u.ID == id
}

// removeLocked drops the user with idHash h, if indexed.
func (x *userIndex) removeLocked(h uint64) {
	e, ok := x.users[h]
	if !ok {
		return
	}
	delete(x.users, h)
	x.log.live -= int64(e.n)
	if x.byName[e.name] == h {
		delete(x.byName, e.name)
	} // an ambiguous hash stays ambiguous: SQLite answers it
	if e.hasExt {
		if x.activeExt[e.ext]--; x.activeExt[e.ext] <= 0 {
			delete(x.activeExt, e.ext)
		}
	}
}

// minCompact: the log is rewritten once its dead records exceed its live
// ones by this much.
const minCompact = 8 << 20

// compactLocked rewrites the live records into a new log.
func (x *userIndex) compactLocked() error {
	nl, err := newRecordLog(x.dir, x.base)
	if err != nil {
		return err
	}
	var buf []byte
	for h, e := range x.users {
		b, err := x.log.read(e.off, e.n)
		if err != nil {
			nl.close()
			return err
		}
		if len(buf)+len(b) > 1<<20 {
			if _, err := nl.append(buf); err != nil {
				nl.close()
				return err
			}
			buf = buf[:0]
		}
		e.off = nl.size + int64(len(buf))
		buf = append(buf, b...)
		x.users[h] = e
	}
	if _, err := nl.append(buf); err != nil {
		nl.close()
		return err
	}
	nl.live = nl.size
	_ = x.log.close()
	x.log = nl
	return nil
}

// breakLocked turns the index off for good: SQLite answers every read.
func (x *userIndex) breakLocked() {
	x.state.Store(indexBroken)
	x.users, x.byName, x.activeExt = nil, nil, nil
	if x.log != nil {
		_ = x.log.close()
		x.log = nil
	}
}

// build indexes every user scan yields and makes the index ready. The
// committer runs it while no write can happen.
func (x *userIndex) build(ctx context.Context, scan func(context.Context, func(User) error) error) error {
	if !x.state.CompareAndSwap(indexQueued, indexBuilding) {
		return nil // closed meanwhile
	}
	log, err := newRecordLog(x.dir, x.base)
	if err != nil {
		x.mu.Lock()
		x.breakLocked()
		x.mu.Unlock()
		return err
	}
	x.mu.Lock()
	x.log = log
	x.users, x.byName, x.activeExt = map[uint64]indexEntry{}, map[uint64]uint64{}, map[uint64]int32{}
	x.mu.Unlock()
	var batch []User
	flush := func() {
		x.apply([]*indexChange{{put: batch}})
		batch = batch[:0]
	}
	err = scan(ctx, func(u User) error {
		if batch = append(batch, u); len(batch) == 1000 {
			flush()
		}
		return nil
	})
	if err == nil {
		flush()
	}
	if err == nil && !x.state.CompareAndSwap(indexBuilding, indexReady) {
		err = errors.New("index broken while building")
	}
	if err != nil {
		x.mu.Lock()
		x.breakLocked()
		x.mu.Unlock()
		return err
	}
	return nil
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
