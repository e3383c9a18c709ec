package reference

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGracefulShutdown: an in-flight request finishes during Shutdown and
// new connections are refused afterwards.
func TestGracefulShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	s, err := New(WithToken(testToken), WithHandler("/slow/", func(UserDirectory) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-release
			_, _ = io.WriteString(w, "finished")
		}), nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(run.URL, "http://127.0.0.1:") || run.BaseURL() != run.URL+BasePath {
		t.Fatalf("URL %q BaseURL %q", run.URL, run.BaseURL())
	}
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(run.URL + "/slow/x")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- run.Shutdown(ctx)
	}()
	// Shutdown closes the listener first; wait until new connections fail.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(run.URL + BasePath + "/ServiceProviderConfig")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still accepts connections during shutdown")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q %v", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

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

// TestLogNeverHoldsSecrets: the request log has method, path, status and
// duration, but no credentials, query strings or bodies.
func TestLogNeverHoldsSecrets(t *testing.T) {
	var buf syncBuffer
	ts := newT(t, WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	ts.do("POST", "/scim/v2/Users", oktaUser("secret.person@example.com", "00u1"))
	ts.do("GET", "/scim/v2/Users?filter=userName%20eq%20%22secret.person%40example.com%22", "")
	ts.do("GET", "/scim/v2/Users", "", "Authorization: Bearer wrong-token-value")
	out := buf.String()
	for _, leak := range []string{testToken, "wrong-token-value", "1mz050nq", "secret.person", "filter"} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q:\n%s", leak, out)
		}
	}
	for _, want := range []string{"method=POST", "path=/scim/v2/Users", "status=201", "status=401", "duration="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
