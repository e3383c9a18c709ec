package store

import (
	"context"
	"errors"
)

// The read index's writer side (sqlite_index.go has the reader's): it is
// built, changed and compacted by the committer only, on the committer's
// goroutine, which also reads the maps here without taking mu.

// beginBatch starts a batch transaction: nothing is claimed in it yet.
func (x *userIndex) beginBatch() {
	clear(x.claimedNames)
	clear(x.claimedExts)
}

// mayHaveName reports whether a user other than the one with id ("" for
// none) may have a userName equal to name under NOCASE, as the running
// batch transaction sees it: committed (the index) or written earlier in
// the batch (claim). False is a proof; true asks for the exact check.
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
		if len(buf)+len(b) > flushAt {
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
	if !x.state.CompareAndSwap(indexOff, indexBuilding) {
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
