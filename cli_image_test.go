package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dc "github.com/ory/dockertest/v3/docker"

	"github.com/scimconform/scimconform/internal/container"
	"github.com/scimconform/scimconform/reports"
)

// TestRunImage is issue 6's end-to-end check: it builds our own image from
// the repository's Dockerfile (a CGO_ENABLED=0 binary in FROM scratch), runs
// `scimconform run --image` against it (green, exit 0), then against a
// derived image whose CMD enables a reference fault (exit 1), and checks
// through the Docker API that no container of either image is left.
func TestRunImage(t *testing.T) {
	client := requireDockerForCLI(t)
	tag := "scimconform-reference:test-" + imageTestSuffix(t)
	buildReferenceImage(t, client, tag)

	t.Run("reference is green", func(t *testing.T) {
		out := t.TempDir()
		// The SSO scenarios need a SAML SP, which the run does not declare:
		// they are not in scope and do not decide the exit code.
		code, stdout, stderr := runImageCLI(t, "run", "--image", tag, "--out", out)
		if code != exitOK {
			t.Fatalf("run --image %s = exit %d, want 0\nstdout:\n%s\nstderr:\n%s", tag, code, stdout, stderr)
		}
		assertNoContainerOf(t, client, tag)
		run := readRunJSON(t, out)
		if run.Totals.Passed == 0 || run.Totals.RequiredFailed != 0 {
			t.Errorf("totals %+v, want passes and no required failure", run.Totals)
		}
		if run.Target.Image != tag || !strings.HasPrefix(run.Target.BaseURL, "http://127.0.0.1:") {
			t.Errorf("report target = %+v, want image %s on 127.0.0.1", run.Target, tag)
		}
		// The container's own log is in the report, without the token.
		if !strings.Contains(run.Target.Logs, "SCIM token: from SCIMCONFORM_TOKEN") || strings.Contains(run.Target.Logs, imageTestToken) {
			t.Errorf("report target logs = %q, want the server's startup lines and no token", run.Target.Logs)
		}
		if strings.Contains(stdout+stderr, imageTestToken) {
			t.Errorf("output shows the token:\n%s\n%s", stdout, stderr)
		}
	})

	t.Run("the image runs the harness as UID 65534 with its default --out", func(t *testing.T) {
		// No mount: the default --out must be writable in the image.
		code, logs := runHarnessInImage(t, client, tag, "")
		if code != exitHarness || strings.Contains(logs, "permission denied") || !strings.Contains(logs, "pre-flight") ||
			!strings.Contains(logs, "Report: scimconform-report/report.html") {
			t.Errorf("exit %d, want %d with a pre-flight report in /work/scimconform-report:\n%s", code, exitHarness, logs)
		}
		// The documented mount gets the reports out.
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		code, logs = runHarnessInImage(t, client, tag, dir+":/work/scimconform-report")
		if _, err := os.Stat(filepath.Join(dir, reports.FileJSON)); code != exitHarness || err != nil {
			t.Errorf("exit %d, results.json in the mounted folder: %v\n%s", code, err, logs)
		}
	})

	t.Run("fault in the container fails the run", func(t *testing.T) {
		faulty := tag + "-fault"
		buildDerivedImage(t, client, faulty,
			fmt.Sprintf("FROM %s\nCMD [\"serve\", \"--addr\", \"0.0.0.0:8080\", \"--db\", \":memory:\", \"--fault\", %q]\n", tag, faultForImageTest))
		out := t.TempDir()
		code, stdout, stderr := runImageCLI(t, "run", "--image", faulty, "--out", out)
		if code != exitConformance {
			t.Fatalf("run --image %s = exit %d, want 1\nstdout:\n%s\nstderr:\n%s", faulty, code, stdout, stderr)
		}
		assertNoContainerOf(t, client, faulty)
		run := readRunJSON(t, out)
		if run.Totals.RequiredFailed == 0 {
			t.Errorf("totals %+v, want a required failure", run.Totals)
		}
		// serve announces an enabled fault on stderr; the report carries it.
		if !strings.Contains(run.Target.Logs, faultForImageTest) {
			t.Errorf("report target logs = %q, want the fault warning", run.Target.Logs)
		}
	})

	t.Run("missing image is a usage error without a pull", func(t *testing.T) {
		began := time.Now()
		code, _, stderr := runImageCLI(t, "run", "--image", tag+"-absent", "--out", t.TempDir())
		if code != exitUsage || !strings.Contains(stderr, "not found locally") {
			t.Fatalf("run --image <absent> = exit %d, stderr:\n%s\nwant exit 2 and \"not found locally\"", code, stderr)
		}
		if took := time.Since(began); took > 10*time.Second {
			t.Errorf("a missing image took %s to report", took)
		}
	})
}

// faultForImageTest is a reference fault whose declared scenarios are
// required, so enabling it must turn the run red.
const faultForImageTest = "create-200"

const imageTestToken = "image-test-token-5d1e"

func runImageCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	env := &cliEnv{
		stdout: &o, stderr: &e, stdin: strings.NewReader(""),
		getenv: func(k string) string {
			if k == "SCIMCONFORM_TOKEN" {
				return imageTestToken
			}
			return ""
		},
	}
	code = runCLI(env, args)
	return code, o.String(), e.String()
}

// requireDockerForCLI skips without a Docker engine, except under CI=true,
// where that is a failure.
func requireDockerForCLI(t *testing.T) *dc.Client {
	t.Helper()
	if err := container.EngineAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("docker engine not available (CI=true requires one): %v", err)
		}
		t.Skipf("docker engine not available: %v", err)
	}
	client, err := dc.NewClientFromEnv()
	if err != nil {
		t.Fatalf("docker client: %v", err)
	}
	return client
}

// buildReferenceImage does what `make image` does, into a temporary build
// context: a static linux binary next to the repository's Dockerfile and
// .dockerignore. The image is removed when the test ends.
func buildReferenceImage(t *testing.T, client *dc.Client, tag string) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"Dockerfile", ".dockerignore"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Same flags as the Makefile's image target, so the build cache is shared.
	build := exec.Command("go", "build", "-tags", "nomsgpack", "-trimpath", "-o", filepath.Join(dir, "bin", "scimconform-linux"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build (static): %v\n%s", err, out)
	}
	buildImageForTest(t, client, tag, dir)
}

// buildDerivedImage builds dockerfile (FROM a local image) into tag.
func buildDerivedImage(t *testing.T, client *dc.Client, tag, dockerfile string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	buildImageForTest(t, client, tag, dir)
}

func buildImageForTest(t *testing.T, client *dc.Client, tag, dir string) {
	t.Helper()
	var out bytes.Buffer
	err := client.BuildImage(dc.BuildImageOptions{
		Name: tag, Dockerfile: "Dockerfile", ContextDir: dir, OutputStream: &out,
		RmTmpContainer: true, ForceRmTmpContainer: true, Context: context.Background(),
	})
	if err != nil {
		t.Fatalf("docker build %s: %v\n%s", tag, err, out.String())
	}
	t.Cleanup(func() {
		assertNoContainerOf(t, client, tag)
		if err := client.RemoveImageExtended(tag, dc.RemoveImageOptions{Force: true}); err != nil {
			t.Errorf("remove image %s: %v", tag, err)
		}
	})
}

// assertNoContainerOf fails if any container (running or not) was created
// from image, and removes it so a failure does not leak into the next run.
func assertNoContainerOf(t *testing.T, client *dc.Client, image string) {
	t.Helper()
	list, err := client.ListContainers(dc.ListContainersOptions{All: true, Filters: map[string][]string{"ancestor": {image}}})
	if err != nil {
		t.Errorf("list containers of %s: %v", image, err)
		return
	}
	for _, c := range list {
		t.Errorf("container %v (%s) of image %s left behind", c.Names, c.Status, image)
		_ = client.RemoveContainer(dc.RemoveContainerOptions{ID: c.ID, Force: true, RemoveVolumes: true})
	}
}

// readRunJSON reads the results.json that run wrote to dir.
func readRunJSON(t *testing.T, dir string) *reports.Run {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.FileJSON))
	if err != nil {
		t.Fatalf("results: %v", err)
	}
	var run reports.Run
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatalf("results %s: %v", reports.FileJSON, err)
	}
	return &run
}

func imageTestSuffix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// runHarnessInImage runs `scimconform run` inside image against a port
// where nothing listens (so pre-flight fails and a report is still
// written), with bind mounted when not empty, and returns the exit code
// and the container's output.
func runHarnessInImage(t *testing.T, client *dc.Client, image, bind string) (int, string) {
	t.Helper()
	hc := &dc.HostConfig{}
	if bind != "" {
		hc.Binds = []string{bind}
	}
	c, err := client.CreateContainer(dc.CreateContainerOptions{
		Config: &dc.Config{Image: image, Env: []string{"SCIMCONFORM_TOKEN=" + imageTestToken},
			Cmd: []string{"run", "--url", "http://127.0.0.1:9/scim/v2", "--timeout", "2s"}},
		HostConfig: hc,
	})
	if err != nil {
		t.Fatalf("create container: %v", err)
	}
	defer func() { _ = client.RemoveContainer(dc.RemoveContainerOptions{ID: c.ID, Force: true}) }()
	if err := client.StartContainer(c.ID, nil); err != nil {
		t.Fatalf("start container: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code, err := client.WaitContainerWithContext(c.ID, ctx)
	if err != nil {
		t.Fatalf("wait container: %v", err)
	}
	var out bytes.Buffer
	if err := client.Logs(dc.LogsOptions{Container: c.ID, OutputStream: &out, ErrorStream: &out, Stdout: true, Stderr: true}); err != nil {
		t.Fatalf("container logs: %v", err)
	}
	return code, out.String()
}
