package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

// openIndexed opens a file store whose read index is built.
func openIndexed(t *testing.T, opts Options) *SQLite {
	t.Helper()
	return openIndexedAt(t, filepath.Join(t.TempDir(), "scim.db"), opts)
}

// openIndexedAt is openIndexed for the database path (":memory:" too).
func openIndexedAt(t *testing.T, path string, opts Options) *SQLite {
	t.Helper()
	s, err := OpenSQLite(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.GetUser(context.Background(), "none"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if !s.index.ready() {
		t.Fatal("read index not built on first use")
	}
	return s
}

// sqlUsersByName and sqlUser read past the index.
func sqlUsersByName(t *testing.T, s *SQLite, name string) []User {
	t.Helper()
	us, err := s.queryUsers(context.Background(), qUserByUserName, name)
	if err != nil {
		t.Fatal(err)
	}
	return us
}

func sqlUser(t *testing.T, s *SQLite, id string) (User, bool) {
	t.Helper()
	u, err := scanUser(s.byID.QueryRow(id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return u, true
}

// TestReadIndexMatchesSQLite: after random concurrent creates (some of a
// taken userName in another case, some reusing an active user's
// externalId), renames, deactivations, deletes and a bulk create, every
// read the index answers equals what SQLite answers, for every userName
// and id ever used; also with duplicate userNames allowed (the
// no-uniqueness fault), where shared names are left to SQLite.
func TestReadIndexMatchesSQLite(t *testing.T) {
	for _, tc := range []struct {
		db  string
		dup bool
	}{{"file", false}, {"file", true}, {":memory:", false}} {
		t.Run(fmt.Sprintf("%s/duplicates=%v", tc.db, tc.dup), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scim.db")
			if tc.db == ":memory:" {
				path = tc.db // records kept in memory, not in a file
			}
			s := openIndexedAt(t, path, Options{AllowDuplicateUserNames: tc.dup})
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(1, 2))
			names := make([]string, 60)
			for i := range names {
				names[i] = fmt.Sprintf("User%02d@Example.com", i)
			}
			variant := func(name string) string { // another case of name, as Okta might send it
				b := []byte(name)
				for i := range b {
					if rng.IntN(2) == 0 && b[i] >= 'a' && b[i] <= 'z' {
						b[i] -= 'a' - 'A'
					}
				}
				return string(b)
			}
			var mu sync.Mutex
			var ids []string
			now := time.Now()
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(w), 9))
					for i := range 120 {
						mu.Lock()
						name := variant(names[r.IntN(len(names))])
						var id string
						if len(ids) > 0 {
							id = ids[r.IntN(len(ids))]
						}
						mu.Unlock()
						u := &User{ID: fmt.Sprintf("w%d-%d", w, i), UserName: name, ExternalID: fmt.Sprintf("ext%d", r.IntN(20)),
							DisplayName: "D", Active: r.IntN(3) > 0, Doc: []byte(fmt.Sprintf(`{"n":%d}`, i)), Created: now, Modified: now}
						switch op := r.IntN(10); {
						case op < 5 || id == "":
							err := s.CreateUserUnlessActiveExternalID(ctx, u)
							var ext *ExternalIDConflict
							if err == nil {
								mu.Lock()
								ids = append(ids, u.ID)
								mu.Unlock()
							} else if !errors.Is(err, ErrConflict) && !errors.As(err, &ext) {
								t.Error(err)
							}
						case op < 8:
							u.ID = id
							u.Modified = now.Add(time.Duration(i) * time.Millisecond)
							if err := s.UpdateUser(ctx, u); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
								t.Error(err)
							}
						default:
							if err := s.DeleteUser(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
								t.Error(err)
							}
						}
					}
				}()
			}
			wg.Wait()
			var bulk []User
			for i := range 50 {
				bulk = append(bulk, User{ID: fmt.Sprintf("bulk%d", i), UserName: fmt.Sprintf("bulk%d@example.com", i), Active: true, Doc: []byte(`{}`), Created: now, Modified: now})
			}
			if err := s.BulkCreateUsers(ctx, bulk); err != nil {
				t.Fatal(err)
			}
			for _, u := range bulk {
				ids = append(ids, u.ID)
			}
			names = append(names, "nobody@example.com", "bulk7@EXAMPLE.com")
			compareIndex(t, s, names, append(ids, "nope", ""))
		})
	}
}

// compareIndex checks the index's answers for names and ids against SQLite.
func compareIndex(t *testing.T, s *SQLite, names, ids []string) {
	t.Helper()
	if !s.index.ready() {
		t.Fatal("index is off")
	}
	ctx := context.Background()
	answered := 0
	for _, n := range names {
		got, err := s.index.byUserName(n)
		if errors.Is(err, errIndexUnanswered) {
			continue
		}
		answered++
		if want := sqlUsersByName(t, s, n); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("userName %q: index %+v %v, SQLite %+v", n, got, err, want)
		}
		if via, err := s.UsersByUserName(ctx, n); err != nil || !reflect.DeepEqual(via, got) {
			t.Fatalf("UsersByUserName(%q) = %+v %v, index %+v", n, via, err, got)
		}
	}
	for _, id := range ids {
		got, err := s.index.byID(id)
		if errors.Is(err, errIndexUnanswered) {
			t.Fatalf("id %q: the index must answer every id", id)
		}
		want, ok := sqlUser(t, s, id)
		if !ok {
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("id %q: index %+v %v, SQLite has none", id, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("id %q:\nindex  %+v %v\nSQLite %+v", id, got, err, want)
		}
	}
	if answered == 0 {
		t.Fatal("the index answered no userName lookup")
	}
}

// TestReadIndexCompacts: a user updated over and over leaves dead records
// behind; the log is rewritten once they outweigh the live ones, and the
// answers stay right.
func TestReadIndexCompacts(t *testing.T) {
	s := openIndexed(t, Options{})
	ctx := context.Background()
	now := time.Now()
	big := make([]byte, 64<<10)
	for i := range big {
		big[i] = 'x'
	}
	u := &User{ID: "u1", UserName: "ada@example.com", Active: true, Doc: big, Created: now, Modified: now}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for i := range 400 { // 25 MB of records, 64 KB of them live
		u.Modified = now.Add(time.Duration(i) * time.Second)
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if size := s.index.log.size; size > 2*s.index.log.live+minCompact+int64(len(big))+1024 {
		t.Fatalf("log is %d bytes for %d live: never compacted", size, s.index.log.live)
	}
	compareIndex(t, s, []string{"ada@example.com"}, []string{"u1"})
	if got, _ := s.GetUser(ctx, "u1"); got.Version != 401 {
		t.Fatalf("version %d, want 401", got.Version)
	}
}

// TestReadIndexIDCollision: two ids with one hash cannot be told apart, so
// the index turns itself off and SQLite answers from then on.
func TestReadIndexIDCollision(t *testing.T) {
	s := openIndexed(t, Options{})
	ctx := context.Background()
	now := time.Now()
	if err := s.CreateUser(ctx, &User{ID: "a", UserName: "a@example.com", Active: true, Doc: []byte(`{}`), Created: now, Modified: now}); err != nil {
		t.Fatal(err)
	}
	// Make "b" look taken by "a": as if both ids had the same hash.
	s.index.mu.Lock()
	s.index.users[s.index.idHash("b")] = s.index.users[s.index.idHash("a")]
	s.index.mu.Unlock()
	if err := s.CreateUser(ctx, &User{ID: "b", UserName: "b@example.com", Active: true, Doc: []byte(`{}`), Created: now, Modified: now}); err != nil {
		t.Fatal(err)
	}
	if s.index.state.Load() != indexBroken {
		t.Fatal("an id collision did not turn the index off")
	}
	for _, id := range []string{"a", "b"} {
		if got, err := s.GetUser(ctx, id); err != nil || got.ID != id {
			t.Fatalf("GetUser(%q) after the index went off: %+v %v", id, got, err)
		}
	}
}

// TestNocaseMatchesSQLite: the index's userName hashing and equality are
// SQLite's NOCASE collation (ASCII letters only, nothing after a NUL).
func TestNocaseMatchesSQLite(t *testing.T) {
	s, err := OpenSQLite(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pairs := [][2]string{
		{"Ada@Example.COM", "ada@example.com"}, {"ada", "adb"}, {"ada", "ada "}, {"ÉLODIE", "élodie"},
		{"Straße", "STRASSE"}, {"a\x00b", "A\x00c"}, {"a\x00b", "a"}, {"a\x00", "A\x00"}, {"a\x00x", "abx"}, {"abx", "a\x00x"}, {"", ""}, {"[", "{"}, {"@", "`"},
	}
	for _, p := range pairs {
		var want bool
		if err := s.db.QueryRow(`SELECT ? = ? COLLATE NOCASE`, p[0], p[1]).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := nocaseEqual(p[0], p[1]); got != want {
			t.Errorf("nocaseEqual(%q, %q) = %v, SQLite says %v", p[0], p[1], got, want)
		}
		if want && s.index.nocaseHash(p[0]) != s.index.nocaseHash(p[1]) {
			t.Errorf("%q and %q are equal under NOCASE but hash apart", p[0], p[1])
		}
	}
}

// TestRecordRoundTrip: a record decodes to the user it was made from, and
// a cut record is refused, never read past its end.
func TestRecordRoundTrip(t *testing.T) {
	users := []User{
		{},
		{ID: "id", UserName: "Ada@example.com", ExternalID: "00u1", DisplayName: "Ada", Active: true, Doc: []byte(`{"a":1}`),
			Created: time.Date(2026, 12, 7, 1, 2, 3, 456789, time.UTC), Modified: time.Date(1969, 1, 1, 0, 0, 0, 1, time.UTC), Version: 42},
		{ID: string(make([]byte, 300)), Doc: make([]byte, 70000), Created: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), Version: -1},
	}
	for _, u := range users {
		rec := appendRecord(nil, &u)
		if n := recordLen(&u); n != len(rec) {
			t.Fatalf("recordLen %d, record %d bytes", n, len(rec))
		}
		got, err := decodeRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		if u.Doc == nil {
			u.Doc = []byte{}
		}
		if !reflect.DeepEqual(got, u) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, u)
		}
		for n := range len(rec) {
			if _, err := decodeRecord(rec[:n]); err == nil {
				t.Fatalf("a record cut to %d of %d bytes decoded", n, len(rec))
			}
		}
	}
}

// TestReadIndexLeavesNoFile: the record log is gone once the store is
// closed (on Linux it has no name even while open); only the users lock
// stays, empty, by design (lockFile).
func TestReadIndexLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSQLite(filepath.Join(dir, "scim.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(context.Background(), &User{ID: "a", UserName: "a", Doc: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "scim.db" && e.Name() != "scim.db-users.lock" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestReadIndexApplyOrder: changes apply in commit order even when their
// records are written in several chunks: a user put, dropped and put
// again ends as the last put, beside large records that force flushes.
func TestReadIndexApplyOrder(t *testing.T) {
	s := openIndexed(t, Options{})
	now := time.Now().UTC()
	big := func(id, name string, v int64) User {
		return User{ID: id, UserName: name, Active: true, Doc: make([]byte, flushAt/2+1), Created: now, Modified: now, Version: v}
	}
	s.index.apply([]*indexChange{
		{put: []User{big("a", "a@example.com", 1), big("b", "b@example.com", 1), big("c", "c@example.com", 1)}},
		{drop: []string{"a"}},
		{put: []User{big("a", "A@example.com", 2)}},
		{drop: []string{"c"}},
	})
	if !s.index.ready() {
		t.Fatal("index broke")
	}
	for id, want := range map[string]int64{"a": 2, "b": 1} {
		u, err := s.index.byID(id)
		if err != nil || u.Version != want {
			t.Fatalf("%s: %+v %v, want version %d", id, u.Version, err, want)
		}
	}
	if _, err := s.index.byID("c"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("dropped user c: %v", err)
	}
	if us, err := s.index.byUserName("a@EXAMPLE.com"); err != nil || len(us) != 1 || us[0].UserName != "A@example.com" {
		t.Fatalf("by userName: %+v %v", us, err)
	}
}

// TestReadIndexReadErrorFallsBack: a record that cannot be read is read
// from SQLite instead, never answered wrong or as an error.
func TestReadIndexReadErrorFallsBack(t *testing.T) {
	s := openIndexed(t, Options{})
	ctx := context.Background()
	if err := s.CreateUser(ctx, &User{ID: "a", UserName: "a@example.com", Active: true, Doc: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	s.index.mu.Lock()
	_ = s.index.log.f.Close() // every pread fails from now on
	s.index.mu.Unlock()
	if _, err := s.index.byID("a"); !errors.Is(err, errIndexUnanswered) {
		t.Fatalf("unreadable record: %v, want errIndexUnanswered", err)
	}
	if u, err := s.GetUser(ctx, "a"); err != nil || u.UserName != "a@example.com" {
		t.Fatalf("GetUser: %+v %v", u, err)
	}
	if us, err := s.UsersByUserName(ctx, "A@example.com"); err != nil || len(us) != 1 {
		t.Fatalf("UsersByUserName: %+v %v", us, err)
	}
}

// TestSQLiteUsersServedByOneProcess: the first store to use a database
// file's users holds them; another (here in the same process, as flock
// sees it) gets ErrInUse for every user operation, can still manage tokens,
// and takes the users over once the first is closed.
func TestSQLiteUsersServedByOneProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "scim.db")
	first, err := OpenSQLite(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	second, err := OpenSQLite(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if err := second.CreateToken(ctx, Token{ID: "t", Label: "beside", Hash: []byte("h"), Created: time.Now()}); err != nil {
		t.Fatalf("token beside a serving store: %v", err)
	}
	user := &User{ID: "u", UserName: "u@example.com", Doc: []byte(`{}`)}
	for what, err := range map[string]error{
		"prepare": second.Prepare(ctx),
		"create":  second.CreateUser(ctx, user),
		"lookup":  func() error { _, err := second.UsersByUserName(ctx, "u@example.com"); return err }(),
		"list":    func() error { _, _, err := second.ListUsers(ctx, 0, 10); return err }(),
	} {
		if !errors.Is(err, ErrInUse) {
			t.Fatalf("%s on the second store: %v, want ErrInUse", what, err)
		}
	}
	if err := first.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	third, err := OpenSQLite(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if got, err := third.GetUser(ctx, "u"); err != nil || got.UserName != "u@example.com" {
		t.Fatalf("after the first store closed: %+v %v", got, err)
	}
}
