// Package pgtest starts throwaway PostgreSQL clusters for tests: a temporary
// data directory, a free port on 127.0.0.1, the Unix socket inside the data
// directory, no system service. It is test wiring only; production code never
// imports it.
//
// Tests get a fresh, empty database of one cluster shared by the whole test
// binary with DB(t); the package's TestMain must call Main so that the
// cluster is stopped when the tests end. Without the PostgreSQL server
// binaries DB skips the test with a message saying how to install them, but
// fails it when CI=true (CI must prove the PostgreSQL backend).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// InstallHint says how to get the server binaries on Debian/Ubuntu.
const InstallHint = "apt-get install -y postgresql"

// ErrNoBinaries means initdb and pg_ctl were found neither under
// /usr/lib/postgresql/*/bin nor on PATH.
var ErrNoBinaries = errors.New("pgtest: no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH")

// Cluster is a running throwaway cluster. Its superuser is "postgres" with
// trust authentication, reachable only on 127.0.0.1 and the private socket.
type Cluster struct {
	// Port is the TCP port on 127.0.0.1.
	Port int

	dir  string // temp root: data/, socket and log
	bin  string // directory holding initdb and pg_ctl
	cred *syscall.Credential
	seq  atomic.Int64
}

// FindBinaries returns the directory holding initdb and pg_ctl: the newest
// /usr/lib/postgresql/<version>/bin, else the one on PATH; ErrNoBinaries if none.
func FindBinaries() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		if isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Start initialises and starts a new cluster. initdb refuses to run as
// root, so as root the cluster runs as the "postgres" user if there is one,
// else "nobody", and the temp directory is given to that user. Stop removes
// everything again.
func Start() (*Cluster, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: temp dir: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		if c.cred, err = unprivileged(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: chown %s: %w", dir, err)
		}
	}
	if out, err := c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	// A free port can be taken between probing and binding: retry a few times.
	for attempt := 0; ; attempt++ {
		if c.Port, err = freePort(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.Port, c.dir)
		out, err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-o", opts, "-w", "-t", "60", "start")
		if err == nil {
			return c, nil
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: pg_ctl start: %w\n%s\n%s", err, out, log)
		}
	}
}

func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 == nil && err2 == nil {
			return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
		}
	}
	return nil, errors.New("pgtest: running as root and neither user postgres nor nobody exists (initdb refuses root)")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) run(tool string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, tool), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd.CombinedOutput()
}

// DSN returns the URL of database name on the cluster (as superuser).
func (c *Cluster) DSN(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, name)
}

// CreateDatabase creates a new empty database and returns its DSN.
func (c *Cluster) CreateDatabase(ctx context.Context) (name, dsn string, err error) {
	name = fmt.Sprintf("t%d_%d", os.Getpid(), c.seq.Add(1))
	err = c.admin(ctx, "CREATE DATABASE "+name)
	return name, c.DSN(name), err
}

// DropDatabase drops name, closing any connection still open to it.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	return c.admin(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

func (c *Cluster) admin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return nil
}

// Stop stops the cluster (fast shutdown) and removes its directory.
func (c *Cluster) Stop() error {
	out, err := c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "60", "stop")
	if rerr := os.RemoveAll(c.dir); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %w\n%s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

var (
	mainActive atomic.Bool
	sharedMu   sync.Mutex
	shared     *Cluster
	sharedErr  error
)

// Main runs the package's tests (call it from TestMain) and stops the shared
// cluster afterwards if a test started it. It returns m.Run's exit code.
func Main(m *testing.M) int {
	mainActive.Store(true)
	code := m.Run()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
		shared = nil
	}
	return code
}

// Shared returns the test binary's cluster, starting it on first use. It
// skips t when the binaries are missing (fails under CI=true) and fails t
// when the cluster cannot start or the package's TestMain does not call Main.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	if !mainActive.Load() {
		t.Fatal("pgtest: the package's TestMain must call pgtest.Main (it stops the shared cluster)")
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && sharedErr == nil {
		start := time.Now()
		shared, sharedErr = Start()
		if sharedErr == nil {
			t.Logf("pgtest: PostgreSQL cluster on 127.0.0.1:%d started in %v", shared.Port, time.Since(start).Round(time.Millisecond))
		}
	}
	skipOrFail(t, sharedErr)
	return shared
}

// Own starts a cluster of t's own and stops it when t ends, for test
// binaries whose TestMain cannot call Main. It skips or fails t as Shared does.
func Own(t testing.TB) *Cluster {
	t.Helper()
	c, err := Start()
	skipOrFail(t, err)
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	return c
}

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNoBinaries) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI=true requires PostgreSQL (%s)", err, InstallHint)
		}
		t.Skipf("%v; PostgreSQL tests skipped (install: %s)", err, InstallHint)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// DB returns the DSN of a fresh empty database on the shared cluster; it is
// dropped when t ends. It skips or fails t as Shared does.
func DB(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name, dsn, err := c.CreateDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.DropDatabase(ctx, name); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return dsn
}
