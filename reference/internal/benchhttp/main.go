// Command benchhttp measures the reference server over loopback HTTP against
// a bare gin handler answering a fixed JSON body, in the same run, with wrk
// (16 connections by default), and prints the ratios `make bench-http`
// reports: userName lookups at 1k and 100k users, durable POST /Users with
// concurrent clients (also against the durable floor: a handler that only
// appends each body to a file and answers after a shared fsync), the
// server's RSS at 100k users, and the time a loader with 16 clients (Okta's
// lookup then create, per user) takes to create 100k users. Every server runs as a child process of this command on
// 127.0.0.1 (so its RSS is its own); wrk must be on PATH.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reference/internal/store"
)

const token = "bench-http-token-0123456789abcdef"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		if err := child(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "benchhttp child:", err)
			os.Exit(1)
		}
		return
	}
	if err := drive(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchhttp:", err)
		os.Exit(1)
	}
}

// child serves the bare gin handler, the durable floor or the reference
// server on a free 127.0.0.1 port and prints "addr HOST:PORT" once it is
// ready.
func child(args []string) error {
	fs := flag.NewFlagSet("child", flag.ContinueOnError)
	kind := fs.String("kind", "bare", "bare, durable or ref")
	db := fs.String("db", ":memory:", "reference database")
	seed := fs.Int("seed", 0, "users to seed before serving")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var h http.Handler
	switch *kind {
	case "bare":
		gin.SetMode(gin.ReleaseMode)
		e := gin.New()
		body := []byte(bareBody)
		e.NoRoute(func(c *gin.Context) {
			_, _ = io.Copy(io.Discard, c.Request.Body)
			c.Data(http.StatusOK, "application/scim+json", body)
		})
		h = e
	case "durable":
		f, err := os.CreateTemp(filepath.Dir(*db), "durable-*.log")
		if err != nil {
			return err
		}
		defer f.Close()
		l := newDurableLog(f)
		gin.SetMode(gin.ReleaseMode)
		e := gin.New()
		body := []byte(bareBody)
		e.NoRoute(func(c *gin.Context) {
			b, err := io.ReadAll(c.Request.Body)
			if err == nil {
				err = l.append(b)
			}
			if err != nil {
				c.String(http.StatusInternalServerError, err.Error())
				return
			}
			c.Data(http.StatusCreated, "application/scim+json", body)
		})
		h = e
	case "ref":
		s, err := reference.New(reference.WithToken(token), reference.WithDB(*db))
		if err != nil {
			return err
		}
		defer s.Close()
		if err := seedUsers(s.Store(), *seed); err != nil {
			return err
		}
		h = s
	default:
		return fmt.Errorf("kind %q", *kind)
	}
	fmt.Printf("addr %s\n", ln.Addr())
	return http.Serve(ln, h)
}

// bareBody is about the size of a one-user ListResponse.
const bareBody = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"4b1f7c0e-7d7a-4a55-9f55-3c1e0b8f2a11","userName":"user0000001@example.com","name":{"givenName":"User","familyName":"1"},"emails":[{"value":"user0000001@example.com","primary":true,"type":"work"}],"displayName":"User 1","externalId":"00u0000001","active":true,"meta":{"resourceType":"User","created":"2026-01-01T00:00:00Z","lastModified":"2026-01-01T00:00:00Z","version":"W/\"1\"","location":"http://127.0.0.1/scim/v2/Users/4b1f7c0e-7d7a-4a55-9f55-3c1e0b8f2a11"}}]}`

func seedUsers(st store.Store, n int) error {
	now := time.Now().UTC()
	const batch = 10_000
	for start := 0; start < n; start += batch {
		us := make([]store.User, 0, batch)
		for i := start; i < min(n, start+batch); i++ {
			name := fmt.Sprintf("user%07d@example.com", i)
			ext := fmt.Sprintf("00u%07d", i)
			doc, _ := json.Marshal(map[string]any{
				"userName": name, "active": true, "externalId": ext, "displayName": "User " + fmt.Sprint(i),
				"name":   map[string]any{"givenName": "User", "familyName": fmt.Sprint(i)},
				"emails": []any{map[string]any{"value": name, "primary": true, "type": "work"}},
			})
			us = append(us, store.User{ID: fmt.Sprintf("seed-%08d", i), UserName: name, ExternalID: ext, DisplayName: "User " + fmt.Sprint(i), Active: true, Doc: doc, Created: now, Modified: now})
		}
		if err := st.BulkCreateUsers(context.Background(), us); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

// durableLog is the least a durable create must do: append the request
// body to a file and answer once an fsync that began after the append has
// returned. Appends waiting for the disk share the next fsync (group
// commit), as the reference server's writes share a transaction's.
type durableLog struct {
	mu      sync.Mutex
	cond    *sync.Cond
	f       *os.File
	buf     []byte
	off     int64
	flushes uint64 // flushes started
	synced  uint64 // flushes whose fsync returned
	syncing bool
	err     error
}

func newDurableLog(f *os.File) *durableLog {
	l := &durableLog{f: f}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// append returns once b is on disk.
func (l *durableLog) append(b []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	mine := l.flushes + 1 // the next flush to start carries b
	for l.synced < mine {
		if l.syncing {
			l.cond.Wait()
			continue
		}
		l.syncing = true
		buf, off := l.buf, l.off
		l.buf, l.off = nil, l.off+int64(len(buf))
		l.flushes++
		n := l.flushes
		l.mu.Unlock()
		_, err := l.f.WriteAt(buf, off)
		if err == nil {
			err = l.f.Sync()
		}
		l.mu.Lock()
		l.syncing, l.synced = false, n
		if err != nil {
			l.err = err
		}
		l.cond.Broadcast()
	}
	return l.err
}

type proc struct {
	cmd  *exec.Cmd
	addr string
}

func startChild(args ...string) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{"child"}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start child: %w", err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("child %v did not start: %w", args, err)
	}
	return &proc{cmd: cmd, addr: strings.TrimSpace(strings.TrimPrefix(line, "addr "))}, nil
}

func (p *proc) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// rssMiB reads the child's resident set size from /proc.
func (p *proc) rssMiB() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return -1
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024
}

var rpsRE = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
var non2xxRE = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)

// wrk runs wrk against addr with a Lua script and returns requests/second;
// any non-2xx answer is an error (the figure would not mean what it says).
func wrk(addr, script string, conns int, dur time.Duration) (float64, error) {
	f, err := os.CreateTemp("", "benchhttp-*.lua")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script); err != nil {
		return 0, err
	}
	f.Close()
	out, err := exec.Command("wrk", "-t2", fmt.Sprintf("-c%d", conns), "-d"+dur.String(), "-s", f.Name(), "http://"+addr).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %w: %s", err, out)
	}
	if m := non2xxRE.FindSubmatch(out); m != nil {
		return 0, fmt.Errorf("wrk saw %s non-2xx answers: %s", m[1], out)
	}
	m := rpsRE.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no Requests/sec in wrk output: %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func lookupScript(n int) string {
	return fmt.Sprintf(`wrk.headers["Authorization"] = "Bearer %s"
math.randomseed(os.time())
request = function()
  local i = math.random(0, %d)
  return wrk.format("GET", string.format("/scim/v2/Users?filter=userName%%%%20eq%%%%20%%%%22user%%07d%%%%40example.com%%%%22", i))
end
`, token, n-1)
}

func postScript() string {
	return fmt.Sprintf(`wrk.headers["Authorization"] = "Bearer %s"
wrk.headers["Content-Type"] = "application/scim+json"
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
local n = 0
request = function()
  n = n + 1
  local name = string.format("w%%d-%%d-%%d@example.com", tid, os.time(), n)
  local body = string.format('{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%%s","name":{"givenName":"Load","familyName":"User"},"emails":[{"primary":true,"value":"%%s","type":"work"}],"displayName":"Load User","locale":"en-US","externalId":"ext-%%s","groups":[],"password":"1mz050nq","active":true}', name, name, name)
  return wrk.format("POST", "/scim/v2/Users", nil, body)
end
`, token)
}

type row struct {
	name, value, target string
}

func drive(args []string) error {
	fs := flag.NewFlagSet("benchhttp", flag.ContinueOnError)
	users := fs.Int("users", 100_000, "users seeded for the large lookup and created by the loader")
	conns := fs.Int("c", 16, "wrk connections and loader clients")
	dur := fs.Duration("d", 5*time.Second, "wrk duration per measurement")
	lookupOnly := fs.Bool("lookup-only", false, "measure the lookups and RSS only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk not on PATH (apt-get install -y wrk)")
	}
	dir, err := os.MkdirTemp("", "benchhttp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	bare, err := startChild("-kind", "bare")
	if err != nil {
		return err
	}
	defer bare.stop()
	var rows []row
	ratio := func(name string, ref, base float64, target string) {
		rows = append(rows, row{name, fmt.Sprintf("%.0f req/s vs bare %.0f = %.2fx", ref, base, ref/base), target})
	}

	// Lookups at 1k and at N users (durable file databases, as `serve`).
	var small float64
	for _, n := range []int{1000, *users} {
		ref, err := startChild("-kind", "ref", "-db", filepath.Join(dir, fmt.Sprintf("lookup%d.db", n)), "-seed", fmt.Sprint(n))
		if err != nil {
			return err
		}
		bareRPS, err := wrk(bare.addr, lookupScript(n), *conns, *dur)
		if err != nil {
			ref.stop()
			return err
		}
		refRPS, err := wrk(ref.addr, lookupScript(n), *conns, *dur)
		if err != nil {
			ref.stop()
			return err
		}
		ratio(fmt.Sprintf("userName eq lookup at %d users", n), refRPS, bareRPS, ">= 0.5x, flat")
		if n == 1000 {
			small = refRPS
		} else {
			rows = append(rows, row{"  flatness (large/1k)", fmt.Sprintf("%.2f", refRPS/small), "~1"})
			rows = append(rows, row{fmt.Sprintf("RSS at %d users", n), fmt.Sprintf("%.1f MiB", ref.rssMiB()), "<= 60 MiB"})
		}
		ref.stop()
	}

	if *lookupOnly {
		printRows(rows)
		return nil
	}
	// Durable POST /Users with concurrent clients.
	ref, err := startChild("-kind", "ref", "-db", filepath.Join(dir, "post.db"))
	if err != nil {
		return err
	}
	bareRPS, err := wrk(bare.addr, postScript(), *conns, *dur)
	if err != nil {
		ref.stop()
		return err
	}
	refRPS, err := wrk(ref.addr, postScript(), *conns, *dur)
	ref.stop()
	if err != nil {
		return err
	}
	ratio(fmt.Sprintf("POST /Users, %d clients, durable", *conns), refRPS, bareRPS, ">= 0.25x")
	// The durable floor: a handler that only makes each body durable, with
	// group commit. What no durable create can beat on this machine.
	floor, err := startChild("-kind", "durable", "-db", filepath.Join(dir, "floor.db"))
	if err != nil {
		return err
	}
	floorRPS, err := wrk(floor.addr, postScript(), *conns, *dur)
	floor.stop()
	if err != nil {
		return err
	}
	rows = append(rows, row{"  durable floor (append + group fsync only)", fmt.Sprintf("%.0f req/s = %.2fx bare; reference = %.2fx of it", floorRPS, floorRPS/bareRPS, refRPS/floorRPS), "-"})

	// The loader: lookup then create, per user, with conns clients.
	ref, err = startChild("-kind", "ref", "-db", filepath.Join(dir, "load.db"))
	if err != nil {
		return err
	}
	took, err := load("http://"+ref.addr, *users, *conns)
	ref.stop()
	if err != nil {
		return err
	}
	rows = append(rows, row{fmt.Sprintf("%d users created by a loader, %d clients", *users, *conns), fmt.Sprintf("%.1f s (%.0f users/s)", took.Seconds(), float64(*users)/took.Seconds()), "<= 30 s"})

	printRows(rows)
	return nil
}

func printRows(rows []row) {
	fmt.Printf("%-48s %-44s %s\n", "measure", "value", "target")
	for _, r := range rows {
		fmt.Printf("%-48s %-44s %s\n", r.name, r.value, r.target)
	}
}

// load creates n users as Okta's assignment does (GET ?filter=userName eq,
// then POST) with c concurrent clients and returns how long it took.
func load(base string, n, c int) (time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}, Timeout: 30 * time.Second}
	do := func(method, path, body string, want int) error {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, base+path, rd)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/scim+json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			return fmt.Errorf("%s %s: status %d", method, path, resp.StatusCode)
		}
		return nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, c)
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				name := fmt.Sprintf("load%07d@example.com", i)
				if err := do("GET", "/scim/v2/Users?filter=userName%20eq%20%22"+strings.ReplaceAll(name, "@", "%40")+"%22", "", 200); err != nil {
					errs <- err
					return
				}
				body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"name":{"givenName":"Load","familyName":"User"},"emails":[{"primary":true,"value":%q,"type":"work"}],"displayName":"Load User","externalId":"00l%07d","active":true}`, name, name, i)
				if err := do("POST", "/scim/v2/Users", body, 201); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	select {
	case err := <-errs:
		return 0, err
	default:
	}
	return took, nil
}
