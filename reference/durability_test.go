package reference

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scimconform/scimconform/reference/internal/store"
)

// durabilityChildEnv names the database a re-executed test binary serves
// (TestDurabilityChild); the parent kills it with SIGKILL.
const durabilityChildEnv = "SCIMCONFORM_DURABILITY_CHILD_DB"

// TestDurabilityChild is not a test on its own: run by
// TestKill9GroupCommit as a separate process, it serves the database named
// in durabilityChildEnv on 127.0.0.1 until it is killed.
func TestDurabilityChild(t *testing.T) {
	db := os.Getenv(durabilityChildEnv)
	if db == "" {
		t.Skip("only run as TestKill9GroupCommit's server process")
	}
	s, err := New(WithToken(testToken), WithDB(db))
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("url %s\n", run.URL)
	select {} // until SIGKILL
}

// TestKill9GroupCommit: 16 clients post users at once to a server on a
// durable file (so their writes share group commits), some of them racing
// for the same userName; the server is killed with SIGKILL mid-stream.
// Every create that was answered 201 is in the database afterwards, exactly
// once, and of the racing creates of one userName at most one was answered
// 201 (the others 409).
func TestKill9GroupCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	db := filepath.Join(t.TempDir(), "scim.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDurabilityChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), durabilityChildEnv+"="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "url "); ok {
				urlc <- u
			}
		}
	}()
	var base string
	select {
	case base = <-urlc:
	case <-time.After(30 * time.Second):
		t.Fatal("server process did not start")
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 10 * time.Second}
	var mu sync.Mutex
	acked := map[string]int{} // userName → 201 answers
	conflicts := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("w%d-%d@example.com", w, i)
				if i%4 == 0 {
					name = fmt.Sprintf("shared-%d@example.com", i) // raced by every writer
				}
				req, _ := http.NewRequest("POST", base+BasePath+"/Users", strings.NewReader(oktaUser(name, "")))
				req.Header.Set("Authorization", "Bearer "+testToken)
				req.Header.Set("Content-Type", "application/scim+json")
				resp, err := client.Do(req)
				if err != nil {
					return // killed under us
				}
				resp.Body.Close()
				mu.Lock()
				switch resp.StatusCode {
				case http.StatusCreated:
					acked[name]++
				case http.StatusConflict:
					conflicts++
				default:
					t.Errorf("POST %s: status %d", name, resp.StatusCode)
				}
				mu.Unlock()
			}
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 1500 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 100 || conflicts == 0 {
		t.Fatalf("only %d users acknowledged and %d conflicts before the kill: the test proves nothing", len(acked), conflicts)
	}

	st, err := store.OpenSQLite(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, n := range acked {
		if n != 1 {
			t.Errorf("%s was answered 201 %d times", name, n)
		}
		us, err := st.UsersByUserName(context.Background(), name)
		if err != nil || len(us) != 1 {
			t.Errorf("acknowledged user %s stored %d times after kill -9 (%v), want once", name, len(us), err)
		}
	}
	t.Logf("%d acknowledged creates (and %d conflicts) survived kill -9", len(acked), conflicts)
}
