package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// recordLog holds the read index's user records (sqlite_index.go):
// append-only, written by the committer only. For a database file it is a
// file beside it, read with one pread per user, so the records cost page
// cache, not process memory; it is private to the process and derived
// from the users table, so it carries no header, checksum or recovery: it
// is created empty when the index is built and removed when the store
// closes (on Linux and macOS its name is removed at once, so not even a
// crash leaves it behind). For an in-memory database, whose data is in
// memory anyway, it is a byte slice: no temporary directory needed (a
// FROM scratch image has none).
type recordLog struct {
	f    *os.File // nil: in memory
	mem  []byte
	path string // removed at close; "" once removed
	size int64  // bytes written
	live int64  // bytes of records still indexed
}

// newRecordLog creates an empty log: a file in dir named after base, or
// in memory when dir is "".
func newRecordLog(dir, base string) (*recordLog, error) {
	if dir == "" {
		return &recordLog{}, nil
	}
	f, err := os.CreateTemp(dir, base+"-index-*")
	if err != nil {
		return nil, fmt.Errorf("create index file: %w", err)
	}
	l := &recordLog{f: f, path: f.Name()}
	if os.Remove(l.path) == nil { // an open file stays readable where the OS allows this
		l.path = ""
	}
	return l, nil
}

// append writes b at the end of the log and returns its offset.
func (l *recordLog) append(b []byte) (int64, error) {
	off := l.size
	if l.f == nil {
		l.mem = append(l.mem, b...)
	} else if _, err := l.f.WriteAt(b, off); err != nil {
		return 0, fmt.Errorf("write index file: %w", err)
	}
	l.size += int64(len(b))
	return off, nil
}

// read returns the n bytes at off.
func (l *recordLog) read(off int64, n uint32) ([]byte, error) {
	if off < 0 || off+int64(n) > l.size {
		return nil, fmt.Errorf("read index: %d bytes at %d past the end (%d)", n, off, l.size)
	}
	b := make([]byte, n)
	if l.f == nil {
		copy(b, l.mem[off:])
	} else if _, err := l.f.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("read index file: %w", err)
	}
	return b, nil
}

// close closes and removes the file, or drops the memory.
func (l *recordLog) close() error {
	l.mem = nil
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	if l.path != "" {
		if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
		l.path = ""
	}
	return err
}

// recordDir is where a store's record log lives: beside a database file
// (same disk, so the records are cached by the OS like the database's own
// pages); "" (in memory) for an in-memory database.
func recordDir(dbPath string) (dir, base string) {
	if dbPath == "" || dbPath == ":memory:" {
		return "", ""
	}
	return filepath.Dir(dbPath), filepath.Base(dbPath)
}

// A record is a User as the users table holds it, in this order: ID,
// UserName, ExternalID, DisplayName, Doc (each a uvarint length and the
// bytes), then active (one byte), created and modified (Unix seconds as a
// varint, nanoseconds as a uvarint) and version (varint).

// appendRecord appends u's record to b.
func appendRecord(b []byte, u *User) []byte {
	for _, s := range [...]string{u.ID, u.UserName, u.ExternalID, u.DisplayName} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(u.Doc)))
	b = append(b, u.Doc...)
	if u.Active {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for _, t := range [...]time.Time{u.Created, u.Modified} {
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	return binary.AppendVarint(b, u.Version)
}

// recordLen is len(appendRecord(nil, u)).
func recordLen(u *User) int {
	n := 1 // active
	for _, l := range [...]int{len(u.ID), len(u.UserName), len(u.ExternalID), len(u.DisplayName), len(u.Doc)} {
		n += uvarintLen(uint64(l)) + l
	}
	for _, t := range [...]time.Time{u.Created, u.Modified} {
		n += varintLen(t.Unix()) + uvarintLen(uint64(t.Nanosecond()))
	}
	return n + varintLen(u.Version)
}

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// varintLen is the length of binary.AppendVarint's zig-zag encoding.
func varintLen(v int64) int {
	ux := uint64(v) << 1
	if v < 0 {
		ux = ^ux
	}
	return uvarintLen(ux)
}

var errBadRecord = errors.New("index record is malformed")

// decodeRecord reads a record written by appendRecord. Times come back in
// UTC, as the users table gives them.
func decodeRecord(b []byte) (User, error) {
	var u User
	str := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, true
	}
	var ok bool
	for _, dst := range [...]*string{&u.ID, &u.UserName, &u.ExternalID, &u.DisplayName} {
		if *dst, ok = str(); !ok {
			return User{}, errBadRecord
		}
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return User{}, errBadRecord
	}
	u.Doc = b[k : k+int(n) : k+int(n)]
	b = b[k+int(n):]
	if len(b) == 0 {
		return User{}, errBadRecord
	}
	u.Active = b[0] == 1
	b = b[1:]
	for _, dst := range [...]*time.Time{&u.Created, &u.Modified} {
		sec, k := binary.Varint(b)
		if k <= 0 {
			return User{}, errBadRecord
		}
		b = b[k:]
		nsec, k := binary.Uvarint(b)
		if k <= 0 || nsec >= 1e9 {
			return User{}, errBadRecord
		}
		b = b[k:]
		*dst = time.Unix(sec, int64(nsec)).UTC()
	}
	v, k := binary.Varint(b)
	if k <= 0 || k != len(b) {
		return User{}, errBadRecord
	}
	u.Version = v
	return u, nil
}
