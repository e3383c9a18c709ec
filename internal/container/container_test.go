package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dc "github.com/ory/dockertest/v3/docker"
)

// The tests below that need Docker share one image built from
// testdata/targetd (a static Go binary in a FROM scratch image); each test
// labels its containers with its own scimconform.test value and checks,
// through the Docker API, that none is left.

const testToken = "tok-3f9a1c77e2-secret"

var shared struct {
	once   sync.Once
	dir    string // build context: Dockerfile + targetd
	image  string
	client *dc.Client
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.image != "" && shared.client != nil {
		if err := shared.client.RemoveImageExtended(shared.image, dc.RemoveImageOptions{Force: true}); err != nil {
			fmt.Fprintf(os.Stderr, "remove test image %s: %v\n", shared.image, err)
			code = 1
		}
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// requireEngine skips the test when no Docker engine answers, except in CI
// (CI=true), where a missing engine is a failure.
func requireEngine(t *testing.T) *dc.Client {
	t.Helper()
	client, err := connect(context.Background())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("docker engine not available (CI=true requires one): %v", err)
		}
		t.Skipf("docker engine not available: %v", err)
	}
	return client
}

// testImage builds the targetd image once per test binary.
func testImage(t *testing.T) (image, contextDir string, client *dc.Client) {
	t.Helper()
	client = requireEngine(t)
	shared.once.Do(func() {
		shared.client = client
		shared.dir, shared.err = os.MkdirTemp("", "scimconform-containertest-")
		if shared.err != nil {
			return
		}
		build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(shared.dir, "targetd"), "./testdata/targetd")
		build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
		if out, err := build.CombinedOutput(); err != nil {
			shared.err = fmt.Errorf("go build targetd: %v\n%s", err, out)
			return
		}
		dockerfile := "FROM scratch\nCOPY targetd /targetd\nUSER 65534:65534\nEXPOSE 8080\nENTRYPOINT [\"/targetd\"]\n"
		if shared.err = os.WriteFile(filepath.Join(shared.dir, "Dockerfile"), []byte(dockerfile), 0o644); shared.err != nil {
			return
		}
		suffix, err := randomSuffix()
		if err != nil {
			shared.err = err
			return
		}
		name := "scimconform-containertest-" + suffix + ":latest"
		var out strings.Builder
		if err := client.BuildImage(dc.BuildImageOptions{
			Name: name, Dockerfile: "Dockerfile", ContextDir: shared.dir, OutputStream: &out,
			RmTmpContainer: true, ForceRmTmpContainer: true, Labels: map[string]string{"scimconform.test": "image"},
		}); err != nil {
			shared.err = fmt.Errorf("docker build test image: %v\n%s", err, out.String())
			return
		}
		shared.image = name
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.image, shared.dir, client
}

// testLabel returns a label unique to this test and registers a cleanup that
// force-removes anything still carrying it (so a failed assertion does not
// leak containers into the next run).
func testLabel(t *testing.T, client *dc.Client) map[string]string {
	t.Helper()
	suffix, err := randomSuffix()
	if err != nil {
		t.Fatal(err)
	}
	value := t.Name() + "-" + suffix
	t.Cleanup(func() {
		for _, c := range containersLabelled(t, client, value) {
			_ = client.RemoveContainer(dc.RemoveContainerOptions{ID: c.ID, Force: true, RemoveVolumes: true})
		}
	})
	return map[string]string{"scimconform.test": value}
}

func containersLabelled(t *testing.T, client *dc.Client, value string) []dc.APIContainers {
	t.Helper()
	list, err := client.ListContainers(dc.ListContainersOptions{
		All:     true,
		Filters: map[string][]string{"label": {"scimconform.test=" + value}},
	})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	return list
}

// assertNoContainer fails unless no container (running or not) carries the
// test's label.
func assertNoContainer(t *testing.T, client *dc.Client, labels map[string]string) {
	t.Helper()
	if left := containersLabelled(t, client, labels["scimconform.test"]); len(left) != 0 {
		t.Errorf("%d container(s) left behind: %+v", len(left), left[0].Names)
	}
}

// waitForLog polls target's log until it contains want or 10 s pass, and
// returns the log: the engine copies container output asynchronously, so a
// line printed just before an HTTP answer may show up a moment later.
func waitForLog(t *testing.T, target *Target, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		logs, err := target.Logs(context.Background(), 0)
		if err != nil {
			t.Fatalf("Logs: %v", err)
		}
		if strings.Contains(logs, want) || time.Now().After(deadline) {
			return logs
		}
		timer := time.NewTimer(20 * time.Millisecond)
		<-timer.C
	}
}

func TestStartServesOnLoopbackAndCloseRemovesIt(t *testing.T) {
	t.Parallel()
	image, _, client := testImage(t)
	labels := testLabel(t, client)
	var progress strings.Builder
	var pmu sync.Mutex
	target, err := Start(context.Background(), Options{
		Image:        image,
		Token:        testToken,
		Env:          []string{"TARGETD_MODE=serve"},
		Labels:       labels,
		ReadyTimeout: 15 * time.Second,
		Logf: func(format string, args ...any) {
			pmu.Lock()
			defer pmu.Unlock()
			fmt.Fprintf(&progress, format+"\n", args...)
		},
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = target.Close(context.Background()) })

	if !strings.HasPrefix(target.BaseURL, "http://127.0.0.1:") || !strings.HasSuffix(target.BaseURL, "/scim/v2") {
		t.Errorf("BaseURL = %q, want http://127.0.0.1:PORT/scim/v2", target.BaseURL)
	}

	// Published on loopback only, per the engine.
	c, err := client.InspectContainer(target.ContainerID)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	if c.HostConfig.PublishAllPorts {
		t.Error("PublishAllPorts is true: every exposed port would be published on 0.0.0.0")
	}
	if c.Config.Labels[Label] != "1" || c.Config.Labels["scimconform.test"] != labels["scimconform.test"] {
		t.Errorf("labels = %v, want %s=1 and the test label", c.Config.Labels, Label)
	}
	bound := 0
	for port, bindings := range c.NetworkSettings.Ports {
		for _, b := range bindings {
			bound++
			if b.HostIP != "127.0.0.1" {
				t.Errorf("port %s bound on %q, want 127.0.0.1 only", port, b.HostIP)
			}
		}
	}
	if bound != 1 {
		t.Errorf("%d host bindings, want exactly 1: %v", bound, c.NetworkSettings.Ports)
	}

	// The token reached the container: the server accepts it.
	req, _ := http.NewRequest(http.MethodGet, target.BaseURL+"/Users?filter=userName%20eq%20%22x%22", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET Users: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ListResponse") {
		t.Errorf("GET Users = %d %s, want 200 ListResponse", resp.StatusCode, body)
	}

	logs := waitForLog(t, target, "auth=true")
	for _, want := range []string{
		"targetd starting mode=serve token=" + Redacted,                     // stdout, redacted
		"targetd stderr: hello",                                             // stderr
		"targetd request GET /scim/v2/Users?startIndex=1&count=2 auth=true", // the readiness probe
		"auth=true",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("Logs lacks %q; got:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, testToken) {
		t.Errorf("Logs shows the token:\n%s", logs)
	}
	if tail, err := target.Logs(context.Background(), 1); err != nil || strings.Count(strings.TrimSuffix(tail, "\n"), "\n") != 0 || tail == "" {
		t.Errorf("Logs(tail=1) = %q, %v; want exactly one line", tail, err)
	}
	pmu.Lock()
	t.Logf("progress:\n%s", progress.String())
	if strings.Contains(progress.String(), testToken) {
		t.Errorf("progress messages show the token:\n%s", progress.String())
	}
	pmu.Unlock()

	// Close must clean up even with a cancelled ctx: after Ctrl-C, run
	// passes its (cancelled) signal context.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	closing := time.Now()
	if err := target.Close(cancelled); err != nil {
		t.Fatalf("Close: %v", err)
	}
	t.Logf("Close took %s", time.Since(closing).Round(time.Millisecond))
	if _, err := client.InspectContainer(target.ContainerID); err == nil {
		t.Errorf("container %s still exists after Close", target.ContainerName)
	}
	assertNoContainer(t, client, labels)
	if err := target.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	// Logs after Close come from what Close saved.
	if after, err := target.Logs(context.Background(), 0); err != nil || !strings.Contains(after, "targetd stderr: hello") {
		t.Errorf("Logs after Close = %q, %v; want the saved logs", after, err)
	}
}

func TestStartPollsHealthPathUntil2xx(t *testing.T) {
	t.Parallel()
	image, _, client := testImage(t)
	labels := testLabel(t, client)
	target, err := Start(context.Background(), Options{
		Image:        image,
		Env:          []string{"TARGETD_HEALTH_AFTER=3"},
		HealthPath:   "healthz",
		Labels:       labels,
		ReadyTimeout: 15 * time.Second,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer target.Close(context.Background())
	logs := waitForLog(t, target, "targetd healthz hit 4")
	// Three 503s, then the 200 that made it ready; the SCIM probe was not sent.
	if !strings.Contains(logs, "targetd healthz hit 4") || strings.Contains(logs, "targetd request") {
		t.Errorf("want 4 health probes and no SCIM probe; logs:\n%s", logs)
	}
	if err := target.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertNoContainer(t, client, labels)
}

// An explicit Env entry for TokenEnv wins over Options.Token (both stay
// redacted).
func TestStartExplicitTokenEnvWins(t *testing.T) {
	t.Parallel()
	image, _, client := testImage(t)
	labels := testLabel(t, client)
	const explicit = "explicit-token-value-77"
	target, err := Start(context.Background(), Options{
		Image: image, Token: testToken, Env: []string{TokenEnv + "=" + explicit},
		HealthPath: "/healthz", Labels: labels, ReadyTimeout: 15 * time.Second,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer target.Close(context.Background())
	c, err := client.InspectContainer(target.ContainerID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, kv := range c.Config.Env {
		if strings.HasPrefix(kv, TokenEnv+"=") {
			got = append(got, kv)
		}
	}
	if len(got) != 1 || got[0] != TokenEnv+"="+explicit {
		t.Errorf("container env for %s = %q, want only the explicit entry", TokenEnv, got)
	}
	logs := waitForLog(t, target, "targetd starting")
	if !strings.Contains(logs, "token="+Redacted) || strings.Contains(logs, explicit) {
		t.Errorf("logs = %q, want the explicit token redacted", logs)
	}
}

func TestStartFailsClearlyAndCleansUp(t *testing.T) {
	t.Parallel()
	image, _, client := testImage(t)
	tests := []struct {
		name    string
		opts    Options
		wantErr error
		want    []string // substrings of the error
		within  time.Duration
	}{
		{
			name:    "image missing",
			opts:    Options{Image: "scimconform-no-such-image-" + strings.ToLower(t.Name()) + ":nope"},
			wantErr: ErrImageNotFound,
			want:    []string{"not found locally", "there may be no registry", "make image"},
			within:  5 * time.Second,
		},
		{
			name:    "exits at once",
			opts:    Options{Image: image, Token: testToken, Env: []string{"TARGETD_MODE=exit", "TARGETD_EXIT_CODE=7"}},
			wantErr: ErrExited,
			want:    []string{"exit code 7", "targetd boom: cannot open /etc/targetd.conf", "token=" + Redacted},
			within:  10 * time.Second,
		},
		{
			name:    "never listens",
			opts:    Options{Image: image, Env: []string{"TARGETD_MODE=hang"}, ReadyTimeout: 1500 * time.Millisecond},
			wantErr: ErrNotReady,
			want:    []string{"within 1.5s", "last probe:", "must listen on 0.0.0.0", "targetd hanging: never listening"},
			within:  10 * time.Second,
		},
		{
			name:    "answers 500",
			opts:    Options{Image: image, Env: []string{"TARGETD_MODE=fail500"}, ReadyTimeout: 1500 * time.Millisecond},
			wantErr: ErrNotReady,
			want:    []string{"answered HTTP 500", "targetd failing /scim/v2/Users"},
			within:  10 * time.Second,
		},
		{
			name:    "health path never 2xx",
			opts:    Options{Image: image, HealthPath: "/nope", ReadyTimeout: 1500 * time.Millisecond},
			wantErr: ErrNotReady,
			want:    []string{"GET /nope answered HTTP 404, want 2xx or 3xx"},
			within:  10 * time.Second,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			labels := testLabel(t, client)
			tc.opts.Labels = labels
			began := time.Now()
			target, err := Start(context.Background(), tc.opts)
			took := time.Since(began)
			if err == nil {
				target.Close(context.Background())
				t.Fatal("Start succeeded, want an error")
			}
			t.Logf("after %s: %v", took.Round(time.Millisecond), err)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v, want errors.Is %v", err, tc.wantErr)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error shows the token:\n%v", err)
			}
			if took > tc.within {
				t.Errorf("Start took %s, want under %s", took, tc.within)
			}
			assertNoContainer(t, client, labels)
		})
	}
}

func TestStartCancelledWhileWaitingCleansUp(t *testing.T) {
	t.Parallel()
	image, _, client := testImage(t)
	labels := testLabel(t, client)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelledAt time.Time
	var once sync.Once
	_, err := Start(ctx, Options{
		Image:        image,
		Env:          []string{"TARGETD_MODE=hang"},
		Labels:       labels,
		ReadyTimeout: time.Minute,
		Logf: func(format string, args ...any) {
			// Cancel as a Ctrl-C would, once the container runs and Start waits.
			if strings.Contains(format, "waiting up to") {
				once.Do(func() { cancelledAt = time.Now(); cancel() })
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Start error = %v, want context.Canceled", err)
	}
	if cancelledAt.IsZero() {
		t.Fatal("Start never reported that it was waiting")
	}
	if took := time.Since(cancelledAt); took > 5*time.Second {
		t.Errorf("Start returned %s after cancel, want promptly", took)
	}
	assertNoContainer(t, client, labels)
}

func TestStartBuildDirBuildsRunsAndRemovesImage(t *testing.T) {
	t.Parallel()
	_, contextDir, client := testImage(t)
	labels := testLabel(t, client)
	target, err := Start(context.Background(), Options{
		BuildDir:     contextDir,
		Token:        testToken,
		Labels:       labels,
		ReadyTimeout: 15 * time.Second,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer target.Close(context.Background())
	if !strings.HasPrefix(target.Image, "scimconform-target-") {
		t.Errorf("Image = %q, want scimconform-target-<random>:latest", target.Image)
	}
	img, err := client.InspectImage(target.Image)
	if err != nil {
		t.Fatalf("built image: %v", err)
	}
	if img.Config == nil || img.Config.Labels[Label] != "1" {
		t.Errorf("built image labels = %v, want %s=1", img.Config, Label)
	}
	if err := target.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := client.InspectImage(target.Image); !errors.Is(err, dc.ErrNoSuchImage) {
		t.Errorf("built image %s after Close: err = %v, want no such image", target.Image, err)
	}
	assertNoContainer(t, client, labels)
}

func TestStartBuildDirReportsBuildOutput(t *testing.T) {
	t.Parallel()
	_, _, client := testImage(t)
	labels := testLabel(t, client)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY missing-binary /x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{BuildDir: dir, Labels: labels})
	if !errors.Is(err, ErrBuild) || !strings.Contains(err.Error(), "missing-binary") {
		t.Fatalf("Start error = %v, want ErrBuild naming missing-binary", err)
	}
	assertNoContainer(t, client, labels)
}

// TestNoEngine needs no Docker: it points DOCKER_HOST at a socket that does
// not exist.
func TestNoEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-docker.sock"))
	t.Setenv("DOCKER_CERT_PATH", "")
	err := EngineAvailable()
	t.Logf("EngineAvailable: %v", err)
	if !errors.Is(err, ErrNoEngine) || !strings.Contains(err.Error(), "dockerd &") || !strings.Contains(err.Error(), "DOCKER_HOST") {
		t.Errorf("EngineAvailable = %v, want ErrNoEngine with how to start one", err)
	}
	began := time.Now()
	_, err = Start(context.Background(), Options{Image: "whatever:1"})
	if !errors.Is(err, ErrNoEngine) {
		t.Errorf("Start = %v, want ErrNoEngine", err)
	}
	if took := time.Since(began); took > 6*time.Second {
		t.Errorf("Start took %s without an engine", took)
	}
}
