package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// runContract is the behaviour every Store implementation must show; each
// backend is one subtest of TestContract.
func runContract(t *testing.T, open func(t *testing.T) Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	user := func(id, name, ext string, active bool) *User {
		return &User{ID: id, UserName: name, ExternalID: ext, DisplayName: "D " + name, Active: active, Doc: []byte(`{"userName":"` + name + `"}`), Created: now, Modified: now}
	}

	t.Run("user CRUD and uniqueness", func(t *testing.T) {
		s := open(t)
		if err := s.CreateUser(ctx, user("u1", "Ada.Lovelace@example.com", "00u1", true)); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUser(ctx, user("u2", "ada.lovelace@EXAMPLE.com", "00u2", true)); !errors.Is(err, ErrConflict) {
			t.Fatalf("case-variant duplicate: got %v, want ErrConflict", err)
		}
		got, err := s.GetUser(ctx, "u1")
		if err != nil || got.UserName != "Ada.Lovelace@example.com" || got.Version != 1 || !got.Active || got.ExternalID != "00u1" {
			t.Fatalf("get: %+v %v", got, err)
		}
		if _, err := s.GetUser(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get missing: %v", err)
		}
		found, err := s.UsersByUserName(ctx, "ADA.LOVELACE@example.COM")
		if err != nil || len(found) != 1 || found[0].ID != "u1" {
			t.Fatalf("by userName: %+v %v", found, err)
		}
		if err := s.CreateUser(ctx, user("u3", "grace@example.com", "00u1", false)); err != nil {
			t.Fatal(err)
		}
		byExt, err := s.UsersByExternalID(ctx, "00u1")
		if err != nil || len(byExt) != 2 || byExt[0].ID != "u1" || byExt[1].ID != "u3" {
			t.Fatalf("by externalId: %+v %v", byExt, err)
		}
		if byExt, _ := s.UsersByExternalID(ctx, "00U1"); len(byExt) != 0 {
			t.Fatalf("externalId must be case-exact: %+v", byExt)
		}
		byDN, err := s.UsersByDisplayName(ctx, "d grace@EXAMPLE.com")
		if err != nil || len(byDN) != 1 {
			t.Fatalf("by displayName: %+v %v", byDN, err)
		}
		u3 := user("u3", "ADA.lovelace@example.com", "00u1", false)
		if err := s.UpdateUser(ctx, u3); !errors.Is(err, ErrConflict) {
			t.Fatalf("rename to taken name: %v", err)
		}
		u3.UserName = "Grace.Hopper@example.com"
		if err := s.UpdateUser(ctx, u3); err != nil || u3.Version != 2 {
			t.Fatalf("update: %v version %d", err, u3.Version)
		}
		if err := s.UpdateUser(ctx, user("zz", "x", "", true)); !errors.Is(err, ErrNotFound) {
			t.Fatalf("update missing: %v", err)
		}
		list, total, err := s.ListUsers(ctx, 1, 10)
		if err != nil || total != 2 || len(list) != 1 || list[0].ID != "u3" {
			t.Fatalf("list: %+v %d %v", list, total, err)
		}
		if err := s.DeleteUser(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, "u1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})

	t.Run("scan order and bulk", func(t *testing.T) {
		s := open(t)
		var us []User
		for i := range 1203 {
			us = append(us, *user(fmt.Sprintf("id%05d", i), fmt.Sprintf("user%05d@x", i), "", i%2 == 0))
		}
		if err := s.BulkCreateUsers(ctx, us); err != nil {
			t.Fatal(err)
		}
		var ids []string
		if err := s.ScanUsers(ctx, func(u User) error { ids = append(ids, u.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(ids) != 1203 || ids[0] != "id00000" || ids[1202] != "id01202" {
			t.Fatalf("scan: %d ids", len(ids))
		}
		stop := errors.New("stop")
		if err := s.ScanUsers(ctx, func(User) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("scan stop: %v", err)
		}
		page, total, err := s.ListUsers(ctx, 1200, 100)
		if err != nil || total != 1203 || len(page) != 3 {
			t.Fatalf("last page: %d %d %v", len(page), total, err)
		}
	})

	t.Run("groups", func(t *testing.T) {
		s := open(t)
		g := &Group{ID: "g1", DisplayName: "Engineering", Doc: []byte(`{"displayName":"Engineering"}`), Created: now, Modified: now}
		if err := s.CreateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		found, err := s.GroupsByDisplayName(ctx, "engineering")
		if err != nil || len(found) != 1 {
			t.Fatalf("by displayName: %+v %v", found, err)
		}
		g.DisplayName = "Eng"
		if err := s.UpdateGroup(ctx, g); err != nil || g.Version != 2 {
			t.Fatalf("update: %v %d", err, g.Version)
		}
		got, err := s.GetGroup(ctx, "g1")
		if err != nil || got.DisplayName != "Eng" {
			t.Fatalf("get: %+v %v", got, err)
		}
		if err := s.DeleteGroup(ctx, "g1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetGroup(ctx, "g1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get deleted: %v", err)
		}
	})

	t.Run("tokens", func(t *testing.T) {
		s := open(t)
		h := sha256.Sum256([]byte("secret"))
		if err := s.CreateToken(ctx, Token{ID: "t1", Label: "okta", Hash: h[:], Created: now}); err != nil {
			t.Fatal(err)
		}
		got, err := s.TokenByHash(ctx, h[:])
		if err != nil || got.ID != "t1" || got.RevokedAt != nil {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		if err := s.RevokeToken(ctx, "t1"); err != nil {
			t.Fatal(err)
		}
		got, _ = s.TokenByHash(ctx, h[:])
		if got.RevokedAt == nil {
			t.Fatal("revocation not visible")
		}
		if err := s.RevokeToken(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("revoke missing: %v", err)
		}
		list, err := s.ListTokens(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %+v %v", list, err)
		}
	})

	t.Run("concurrent unique creates", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.CreateUser(ctx, user(fmt.Sprintf("c%d", i), fmt.Sprintf("SAME@x%s", strings.Repeat("", i)), "", true))
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if !errors.Is(err, ErrConflict) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d concurrent creates of one userName succeeded, want 1", ok)
		}
	})
}

func TestContract(t *testing.T) {
	t.Run("sqlite memory", func(t *testing.T) {
		runContract(t, func(t *testing.T) Store {
			s, err := OpenSQLite(":memory:", Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("sqlite file", func(t *testing.T) {
		runContract(t, func(t *testing.T) Store {
			s, err := OpenSQLite(filepath.Join(t.TempDir(), "scim.db"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("postgres", func(t *testing.T) {
		runContract(t, func(t *testing.T) Store { return openPG(t, Options{}) })
	})
}

func TestAllowDuplicateUserNames(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := OpenSQLite(":memory:", Options{AllowDuplicateUserNames: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		testAllowDuplicates(t, s)
	})
	t.Run("postgres", func(t *testing.T) { testAllowDuplicates(t, openPG(t, Options{AllowDuplicateUserNames: true})) })
}

func testAllowDuplicates(t *testing.T, s Store) {
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		if err := s.CreateUser(ctx, &User{ID: id, UserName: "dup", Doc: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if us, _ := s.UsersByUserName(ctx, "DUP"); len(us) != 2 {
		t.Fatalf("got %d users", len(us))
	}
}

// TestLookupsUseIndexes proves Okta's lookups are O(log n): the plan must
// SEARCH an index, never SCAN the table.
func TestLookupsUseIndexes(t *testing.T) {
	s, err := OpenSQLite(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{qUserByUserName, qUserByExternalID, qUserByDisplayName, qGroupByName, qGroupByExternalID} {
		rows, err := s.DB().Query("EXPLAIN QUERY PLAN "+q, "x")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "SEARCH") || !strings.Contains(p, "INDEX") || strings.Contains(p, "SCAN") {
			t.Errorf("%s\n  plan %q does not use an index", q, p)
		}
	}
}
