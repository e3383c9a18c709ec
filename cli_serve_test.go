package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scimconform/scimconform/reference"
)

func runInProcess(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runCLI(&cliEnv{stdout: &out, stderr: &errb, stdin: strings.NewReader(""), getenv: func(k string) string { return env[k] }}, args)
	return code, out.String(), errb.String()
}

func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scim.db")
	code, out, errs := runInProcess(t, nil, "token", "create", "--db", db, "--label", "okta-prod")
	if code != 0 {
		t.Fatalf("create: %d %s", code, errs)
	}
	var secret, id string
	for _, line := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(line, "SCIM token (shown once): "); ok {
			secret = s
		}
		if s, ok := strings.CutPrefix(line, "id: "); ok {
			id = s
		}
	}
	if secret == "" || id == "" {
		t.Fatalf("create output: %q", out)
	}
	code, out, _ = runInProcess(t, nil, "token", "list", "--db", db)
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "okta-prod") || strings.Contains(out, secret) {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, out, _ = runInProcess(t, nil, "token", "revoke", "--db", db, id); code != 0 {
		t.Fatalf("revoke: %d %s", code, out)
	}
	code, out, _ = runInProcess(t, nil, "token", "list", "--db", db)
	if code != 0 || strings.Contains(out, "\t-\n") || !strings.Contains(out, time.Now().UTC().Format("2006-01-02")) {
		t.Fatalf("list after revoke: %q", out)
	}
	if code, _, _ := runInProcess(t, nil, "token", "revoke", "--db", db, "tok_nope"); code != exitUsage {
		t.Fatalf("revoke unknown: exit %d", code)
	}
	if code, _, _ := runInProcess(t, nil, "token", "list", "--db", ":memory:"); code != exitUsage {
		t.Fatalf("list :memory:: exit %d", code)
	}
}

func TestServeUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--db", ":memory:", "--fault", "no-such-fault"},
		{"serve", "--db", ":memory:", "--email-policy", "sometimes"},
		{"serve", "--db", ":memory:", "--addr", "256.0.0.1:99999"},
	} {
		if code, _, errs := runInProcess(t, nil, args...); code != exitUsage {
			t.Errorf("%v: exit %d (%s)", args, code, errs)
		}
	}
	code, out, _ := runInProcess(t, nil, "serve", "--list-faults")
	if code != 0 || !strings.Contains(out, "case-sensitive-filter") {
		t.Fatalf("--list-faults: %d %q", code, out)
	}
}

// serveProc is `scimconform serve` running as a separate process.
type serveProc struct {
	cmd    *exec.Cmd
	base   string
	token  string
	stdout *bytes.Buffer
	mu     *sync.Mutex
	done   chan error
}

func startServe(t *testing.T, env []string, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, stdout: &bytes.Buffer{}, mu: &sync.Mutex{}, done: make(chan error, 1)}
	go func() { err := cmd.Wait(); pw.Close(); p.done <- err }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.stdout.WriteString(line + "\n")
			if s, ok := strings.CutPrefix(line, "SCIM token (shown once): "); ok {
				p.token = s
			}
			if s, ok := strings.CutPrefix(line, "SCIM base URL: "); ok {
				p.base = s
				close(ready)
			}
			p.mu.Unlock()
		}
	}()
	select {
	case <-ready:
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not print its base URL; stderr: %s", stderr.String())
	}
	return p
}

func (p *serveProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String()
}

func scimReq(method, url, token, body string) (int, string, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestServeDurability: every write answered 2xx is in the database after
// a kill -9 in the middle of a stream of writes, and after a clean stop.
func TestServeDurability(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scim.db")
	env := []string{"SCIMCONFORM_TOKEN=" + cliTestToken}
	p := startServe(t, env, "--db", db)
	if !strings.HasPrefix(p.base, "http://127.0.0.1:") || !strings.HasSuffix(p.base, "/scim/v2") {
		t.Fatalf("base URL %q", p.base)
	}
	var mu sync.Mutex
	acked := map[string]bool{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("w%d-%d@example.com", w, i)
				code, _, err := scimReq("POST", p.base+"/Users", cliTestToken, fmt.Sprintf(`{"userName":%q}`, name))
				if err != nil {
					return // the server died under us
				}
				if code == 201 {
					mu.Lock()
					acked[name] = true
					mu.Unlock()
				}
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 60 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	cancel()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	check := func(p *serveProc) {
		t.Helper()
		for name := range acked {
			code, body, err := scimReq("GET", p.base+"/Users?filter=userName%20eq%20%22"+strings.ReplaceAll(name, "@", "%40")+"%22", cliTestToken, "")
			if err != nil || code != 200 || !strings.Contains(body, `"totalResults":1`) {
				t.Fatalf("acknowledged user %s missing after restart: %d %s %v", name, code, body, err)
			}
		}
	}
	p2 := startServe(t, env, "--db", db)
	check(p2)
	// Clean stop: SIGTERM, exit 0, data kept.
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p2.done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if !strings.Contains(p2.output(), "shutting down") {
		t.Fatalf("output: %s", p2.output())
	}
	p3 := startServe(t, env, "--db", db)
	check(p3)
	t.Logf("%d acknowledged writes survived kill -9 and a clean restart", len(acked))
}

// TestServeRevocationFromCLI: the CLI revokes in the database file and a
// running serve refuses the token within its token cache's time to live
// (reference.DefaultTokenCacheTTL); without SCIMCONFORM_TOKEN serve prints
// a fresh token once.
func TestServeRevocationFromCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scim.db")
	p := startServe(t, nil, "--db", db)
	if p.token == "" || !strings.Contains(p.output(), "SCIM token (shown once): ") {
		t.Fatalf("serve without SCIMCONFORM_TOKEN printed no token: %s", p.output())
	}
	if code, body, err := scimReq("GET", p.base+"/Users?startIndex=1&count=2", p.token, ""); err != nil || code != 200 {
		t.Fatalf("printed token refused: %d %s %v", code, body, err)
	}
	code, out, _ := runInProcess(t, nil, "token", "create", "--db", db, "--label", "second")
	if code != 0 {
		t.Fatalf("create: %s", out)
	}
	var secret, id string
	for _, line := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(line, "SCIM token (shown once): "); ok {
			secret = s
		}
		if s, ok := strings.CutPrefix(line, "id: "); ok {
			id = s
		}
	}
	if code, _, _ := scimReq("GET", p.base+"/Users", secret, ""); code != 200 {
		t.Fatalf("new token refused: %d", code)
	}
	if code, out, _ := runInProcess(t, nil, "token", "revoke", "--db", db, id); code != 0 {
		t.Fatalf("revoke: %s", out)
	}
	deadline := time.Now().Add(reference.DefaultTokenCacheTTL + 500*time.Millisecond)
	for {
		code, body, _ := scimReq("GET", p.base+"/Users", secret, "")
		if code == 401 && strings.Contains(body, `"status":"401"`) {
			break
		}
		if code != 200 || time.Now().After(deadline) {
			t.Fatalf("revoked token still accepted after the cache's time to live: %d %s", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, _, _ := scimReq("GET", p.base+"/Users", p.token, ""); code != 200 {
		t.Fatalf("other token refused after revocation: %d", code)
	}
}

// TestServeRefusesASecondServer: a second serve on the SQLite database a
// running serve holds exits 2 at once, saying why, instead of serving
// users the first one's read index would never see; the first keeps
// serving.
func TestServeRefusesASecondServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scim.db")
	env := []string{"SCIMCONFORM_TOKEN=serve-test-token-0123456789"}
	p := startServe(t, env, "--db", db)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "served by another process") {
		t.Fatalf("second serve: %v, output:\n%s", err, out)
	}
	if code, body, err := scimReq("GET", p.base+"/Users?filter="+url.QueryEscape(`userName eq "nobody@example.com"`), "serve-test-token-0123456789", ""); err != nil || code != 200 {
		t.Fatalf("first serve after the refusal: %d %s %v", code, body, err)
	}
}
