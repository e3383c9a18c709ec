package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scimconform/scimconform/reference"
	"github.com/scimconform/scimconform/reports"
)

// slowReference is an in-process reference server over HTTP whose answers
// take delay each (so a run lasts long enough to interrupt) and that
// counts the users it created.
type slowReference struct {
	url     string
	created atomic.Int64
	hang    atomic.Bool // when set, every request waits until the test ends
	done    chan struct{}
}

func startSlowReference(t *testing.T, delay time.Duration) *slowReference {
	t.Helper()
	srv, err := reference.New(reference.WithToken(cliTestToken))
	if err != nil {
		t.Fatal(err)
	}
	s := &slowReference{done: make(chan struct{})}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.hang.Load() {
			select {
			case <-s.done:
			case <-r.Context().Done():
			}
			return
		}
		time.Sleep(delay)
		rec := &statusRecorder{ResponseWriter: w}
		srv.ServeHTTP(rec, r)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Users") && rec.status == http.StatusCreated {
			s.created.Add(1)
		}
	}))
	t.Cleanup(func() { close(s.done); hs.Close(); _ = srv.Close() })
	s.url = hs.URL + reference.BasePath
	return s
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// activeUsers lists the userNames of the active users on the target.
func activeUsers(t *testing.T, base string) (active []string, total int) {
	t.Helper()
	code, body, err := scimReq(http.MethodGet, base+"/Users?startIndex=1&count=1000", cliTestToken, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("list users: %d %v %s", code, err, body)
	}
	var lr struct {
		Resources []struct {
			UserName string `json:"userName"`
			Active   bool   `json:"active"`
		}
	}
	if err := json.Unmarshal([]byte(body), &lr); err != nil {
		t.Fatalf("list users: %v", err)
	}
	for _, u := range lr.Resources {
		if u.Active {
			active = append(active, u.UserName)
		}
	}
	return active, len(lr.Resources)
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun starts `scimconform run` as a process against base.
func startRun(t *testing.T, base, out string, extra ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	t.Helper()
	args := append([]string{"run", "--url", base, "--out", out, "--groups", "--timeout", "20s"}, extra...)
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "SCIMCONFORM_TOKEN="+cliTestToken)
	so, se := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = so, se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd, so, se
}

// waitExit waits up to limit for cmd and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration, so, se *syncBuffer) int {
	t.Helper()
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	select {
	case err := <-ch:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		t.Fatalf("run did not end within %s\nstdout:\n%s\nstderr:\n%s", limit, so.String(), se.String())
	}
	return -1
}

// waitFor polls cond until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool, output func() string) {
	t.Helper()
	end := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s; output:\n%s", what, output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunProcessInterrupt sends SIGINT to a run in the middle of the
// suite: the run stops, deactivates every user it created, writes a
// report that says it is partial, and exits 130.
func TestRunProcessInterrupt(t *testing.T) {
	ref := startSlowReference(t, 15*time.Millisecond)
	out := t.TempDir()
	cmd, so, se := startRun(t, ref.url, out)
	waitFor(t, 60*time.Second, "the run to create 4 users", func() bool { return ref.created.Load() >= 4 },
		func() string { return so.String() + se.String() })
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 90*time.Second, so, se); code != exitInterrupted {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitInterrupted, so.String(), se.String())
	}
	run := readRunJSON(t, out)
	if !run.Partial || !strings.Contains(run.StopReason, "interrupted") {
		t.Errorf("results.json: partial %v, stopReason %q", run.Partial, run.StopReason)
	}
	notRun := 0
	for _, f := range run.Features {
		for _, sc := range f.Scenarios {
			if sc.Status == reports.StatusError && strings.Contains(sc.Reason, "not run (interrupted)") {
				notRun++
			}
			if sc.Status == reports.StatusFail && strings.Contains(sc.Reason, "cancel") {
				t.Errorf("%s fails with %q: an interrupt is not a conformance failure", sc.ID, sc.Reason)
			}
		}
	}
	if notRun == 0 {
		t.Errorf("no scenario is \"not run (interrupted)\"; totals %+v", run.Totals)
	}
	for _, f := range []string{"summary.md", "junit.xml", "report.html", "cucumber.json", "transcript.har"} {
		if b, _ := os.ReadFile(filepath.Join(out, f)); !bytes.Contains(b, []byte("Partial run")) {
			t.Errorf("%s does not say the run is partial", f)
		}
	}
	if !strings.Contains(so.String(), "Partial run") || !strings.Contains(se.String(), "interrupt again to exit at once") {
		t.Errorf("terminal does not explain the interrupt\nstdout:\n%s\nstderr:\n%s", so.String(), se.String())
	}
	active, total := activeUsers(t, ref.url)
	if total == 0 || len(active) > 0 {
		t.Errorf("after the interrupt %d of %d users are still active: %v", len(active), total, active)
	}
}

// TestRunProcessSecondInterrupt: when the first interrupt has to wait (the
// target hangs, so the step in flight and the cleanup wait out their
// timeouts), a second one exits at once.
func TestRunProcessSecondInterrupt(t *testing.T) {
	ref := startSlowReference(t, 5*time.Millisecond)
	out := t.TempDir()
	cmd, so, se := startRun(t, ref.url, out, "--timeout", "60s")
	waitFor(t, 60*time.Second, "the run to create 2 users", func() bool { return ref.created.Load() >= 2 },
		func() string { return so.String() + se.String() })
	ref.hang.Store(true)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the first interrupt to be acknowledged", func() bool {
		return strings.Contains(se.String(), "interrupt again")
	}, se.String)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 10*time.Second, so, se); code != exitInterrupted {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitInterrupted, se.String())
	}
	if d := time.Since(start); d > 5*time.Second || !strings.Contains(se.String(), "second interrupt") {
		t.Errorf("second interrupt took %s to exit\nstderr:\n%s", d, se.String())
	}
}

// TestRunOutCheckedBeforePreflight: an --out that cannot be created is a
// usage error before anything is sent to the target.
func TestRunOutCheckedBeforePreflight(t *testing.T) {
	var hits atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(hs.Close)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runInProcess(t, map[string]string{"SCIMCONFORM_TOKEN": cliTestToken}, "run", "--url", hs.URL+"/scim/v2", "--out", filepath.Join(file, "report"))
	if code != exitUsage || !strings.Contains(stderr, "cannot create the report folder") || !strings.Contains(stderr, "nothing was sent to the target") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests before --out was found unusable", n)
	}
}
