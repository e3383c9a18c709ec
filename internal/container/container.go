// Package container runs the SCIM service under test from a local Docker
// image (or from a directory with a Dockerfile), waits until it answers HTTP
// on a loopback port, and removes it again.
//
// It sits at the very start of the data flow of `scimconform run --image` /
// `--build`: main calls Start, hands Target.BaseURL (and the token) to the
// suite in steps/, copies Target.Logs into the report, and calls Close on
// every path out (success, failure, Ctrl-C). It talks to the Docker Engine
// through github.com/ory/dockertest/v3 and its bundled client.
//
// It must not import godog, steps, reference or reports; it must never pull
// from a registry (there may be none), never publish a port beyond
// 127.0.0.1, and never log or return the token: everything it prints or
// returns that comes from the container is redacted.
package container

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ory/dockertest/v3"
	dc "github.com/ory/dockertest/v3/docker"
)

// Defaults applied by Start to zero-valued Options fields.
const (
	DefaultPort         = 8080
	DefaultBasePath     = "/scim/v2"
	DefaultReadyTimeout = 60 * time.Second
	DefaultMaxLifetime  = 2 * time.Hour
)

// Label is set to "1" on every container and image this package creates, so
// leftovers can be found with `docker ps -a --filter label=scimconform=1`.
const Label = "scimconform"

// TokenEnv is the environment variable through which Options.Token reaches
// the container; scimconform's own image reads its token from it.
const TokenEnv = "SCIMCONFORM_TOKEN"

// Errors that Start and EngineAvailable wrap, so callers can tell the cases
// apart with errors.Is. All of them are harness or configuration errors
// (exit 2 in scimconform run), never conformance failures.
var (
	// ErrNoEngine means no Docker Engine answered a ping.
	ErrNoEngine = errors.New("no Docker engine reachable")
	// ErrImageNotFound means Options.Image is not present in the local engine.
	ErrImageNotFound = errors.New("image not found locally")
	// ErrBuild means building Options.BuildDir failed.
	ErrBuild = errors.New("image build failed")
	// ErrExited means the container stopped before it answered HTTP.
	ErrExited = errors.New("container exited before it was ready")
	// ErrNotReady means the container kept running but never answered the
	// readiness probe within Options.ReadyTimeout.
	ErrNotReady = errors.New("container never became ready")
)

// Options says which container to run and how to tell that it is ready.
// Exactly one of Image and BuildDir must be set.
type Options struct {
	// Image is NAME[:TAG] (or an image ID) that must already be present in
	// the local engine. It is never pulled: if it is missing, Start returns
	// ErrImageNotFound.
	Image string
	// BuildDir is a directory with a Dockerfile. Start builds it with the
	// classic builder, tags the result scimconform-target-<random>:latest and
	// Close removes that tag again. Base images must be present locally.
	BuildDir string
	// Port is the container's TCP port that serves SCIM; it is published on
	// 127.0.0.1 at a random free host port. Zero means DefaultPort.
	Port int
	// Env holds KEY=VALUE entries for the container's environment.
	Env []string
	// Cmd, if not empty, replaces the image's CMD (the ENTRYPOINT stays).
	Cmd []string
	// Token, if not empty, is passed to the container as TokenEnv unless Env
	// already sets TokenEnv (an explicit entry wins), sent as
	// "Authorization: Bearer <Token>" by the readiness probe, and redacted
	// from logs and errors. It is never logged.
	Token string
	// BasePath is the SCIM base path inside the server; "" means
	// DefaultBasePath and "/" means the host root.
	BasePath string
	// HealthPath, if set, is probed instead of the Okta "Test API
	// Credentials" request; it is relative to the host root and must answer
	// 2xx or 3xx. Without it, Start probes GET {base}/Users?startIndex=1&count=2
	// with the token (okta-wire.md §3) and accepts any status below 500: the
	// suite, not the probe, judges the answer.
	HealthPath string
	// ReadyTimeout bounds the wait from container start to the first good
	// probe. Zero means DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// MaxLifetime is a safety net for when this process dies without calling
	// Close: the Docker engine itself kills the container after this long.
	// Zero means DefaultMaxLifetime. The stopped container then stays until
	// removed (docker container prune --filter label=scimconform=1).
	MaxLifetime time.Duration
	// Labels are added to the container (and a built image) besides
	// Label=1.
	Labels map[string]string
	// Logf receives progress messages (never secrets); nil discards them.
	Logf func(format string, args ...any)
}

// Target is a running, ready container. Its methods are safe for concurrent
// use; Close must be called exactly when the caller is done (extra calls are
// harmless).
type Target struct {
	// BaseURL is http://127.0.0.1:PORT followed by the base path, with no
	// trailing slash; hand it to the suite.
	BaseURL string
	// HostPort is 127.0.0.1:PORT, where the container port is published.
	HostPort string
	// Image is the image the container runs (the built tag for BuildDir).
	Image string
	// ContainerName and ContainerID identify the container in the engine.
	ContainerName string
	ContainerID   string

	client      *dc.Client
	builtImage  string
	secrets     []string
	logf        func(string, ...any)
	stopExpire  context.CancelFunc
	mu          sync.Mutex
	closed      bool
	closeErr    error
	closingLogs string
}

// maxLogLinesInError is how many of the container's last log lines an error
// from Start carries.
const maxLogLinesInError = 30

// keptLogLines is how many log lines Close keeps for Logs calls after it.
const keptLogLines = 10000

// EngineAvailable returns nil if a Docker Engine answers a ping within a few
// seconds, else an error wrapping ErrNoEngine that says how to start one.
// The engine is found through DOCKER_HOST (DOCKER_CERT_PATH for TLS) or the
// default socket unix:///var/run/docker.sock.
func EngineAvailable() error {
	_, err := connect(context.Background())
	return err
}

// connect builds a client and pings the engine.
func connect(ctx context.Context) (*dc.Client, error) {
	pool, err := dockertest.NewPool("")
	if err != nil {
		return nil, fmt.Errorf("%w: %v; %s", ErrNoEngine, err, startEngineHint)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Client.PingWithContext(pctx); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ping Docker engine: %w", ctx.Err())
		}
		hint := startEngineHint
		if strings.Contains(err.Error(), "permission denied") {
			hint = "the engine runs but this user may not use its socket: join the docker group or use rootless Docker"
		}
		return nil, fmt.Errorf("%w at %s: %v; %s", ErrNoEngine, pool.Client.Endpoint(), err, hint)
	}
	return pool.Client, nil
}

const startEngineHint = "start Docker (e.g. `dockerd &` or `systemctl start docker`) or set DOCKER_HOST"

// Start runs the container described by o, waits until it answers HTTP on
// 127.0.0.1, and returns it. On any error nothing it created is left behind
// (container, built image), and the error wraps one of ErrNoEngine,
// ErrImageNotFound, ErrBuild, ErrExited, ErrNotReady, or ctx.Err() when ctx
// is cancelled (Start then returns promptly, after cleaning up). Errors about
// a started container carry its exit code (if any) and its last log lines,
// with secrets redacted. Start never pulls an image.
func Start(ctx context.Context, o Options) (*Target, error) {
	if err := o.normalize(); err != nil {
		return nil, err
	}
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	client, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	suffix, err := randomSuffix()
	if err != nil {
		return nil, err
	}
	t := &Target{
		ContainerName: "scimconform-target-" + suffix,
		Image:         o.Image,
		client:        client,
		secrets:       secretsOf(o),
		logf:          logf,
	}
	labels := map[string]string{Label: "1"}
	for k, v := range o.Labels {
		labels[k] = v
	}

	if o.BuildDir != "" {
		t.Image = "scimconform-target-" + suffix + ":latest"
		t.builtImage = t.Image
		if err := t.build(ctx, o.BuildDir, labels); err != nil {
			t.cleanup()
			return nil, err
		}
	} else if _, err := client.InspectImage(o.Image); err != nil {
		if errors.Is(err, dc.ErrNoSuchImage) {
			return nil, imageNotFound(o.Image)
		}
		return nil, fmt.Errorf("inspect image %s: %w", o.Image, err)
	}

	if err := t.run(ctx, o, labels); err != nil {
		t.cleanup()
		return nil, err
	}
	if err := t.waitReady(ctx, o); err != nil {
		t.cleanup()
		return nil, err
	}
	return t, nil
}

// kindError is an error whose message stands alone but which still matches
// one of the package's sentinel errors with errors.Is.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func imageNotFound(image string) error {
	return &kindError{kind: ErrImageNotFound, msg: "image " + image +
		" not found locally; there may be no registry — build it first (e.g. make image or --build DIR)"}
}

// normalize validates o and fills in defaults.
func (o *Options) normalize() error {
	switch {
	case o.Image == "" && o.BuildDir == "":
		return errors.New("container: set an image (--image) or a build directory (--build)")
	case o.Image != "" && o.BuildDir != "":
		return errors.New("container: set either an image (--image) or a build directory (--build), not both")
	}
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if o.Port < 1 || o.Port > 65535 {
		return fmt.Errorf("container: port %d out of range 1-65535", o.Port)
	}
	for _, kv := range o.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fmt.Errorf("container: env entry %q is not KEY=VALUE", envKeyOnly(kv))
		}
	}
	switch o.BasePath {
	case "":
		o.BasePath = DefaultBasePath
	case "/":
		o.BasePath = ""
	}
	if o.BasePath != "" {
		o.BasePath = "/" + strings.Trim(o.BasePath, "/")
	}
	if o.HealthPath != "" && !strings.HasPrefix(o.HealthPath, "/") {
		o.HealthPath = "/" + o.HealthPath
	}
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = DefaultReadyTimeout
	}
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = DefaultMaxLifetime
	}
	if o.BuildDir != "" {
		st, err := os.Stat(filepath.Join(o.BuildDir, "Dockerfile"))
		if err != nil {
			return fmt.Errorf("container: build directory %s: %w", o.BuildDir, err)
		}
		if st.IsDir() {
			return fmt.Errorf("container: %s is a directory, not a Dockerfile", filepath.Join(o.BuildDir, "Dockerfile"))
		}
	}
	return nil
}

// envKeyOnly keeps a malformed env entry out of error messages beyond its
// first characters: it may be a secret typed without its KEY=.
func envKeyOnly(kv string) string {
	if len(kv) > 4 {
		return kv[:4] + "…"
	}
	return kv
}

func randomSuffix() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("container: random name: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// build builds dir/Dockerfile into t.builtImage.
func (t *Target) build(ctx context.Context, dir string, labels map[string]string) error {
	t.logf("building image %s from %s", t.builtImage, dir)
	began := time.Now()
	var out bytes.Buffer
	err := t.client.BuildImage(dc.BuildImageOptions{
		Name:                t.builtImage,
		Dockerfile:          "Dockerfile",
		ContextDir:          dir,
		OutputStream:        &out,
		RmTmpContainer:      true,
		ForceRmTmpContainer: true,
		Labels:              labels,
		Context:             ctx,
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("build image from %s: %w", dir, ctx.Err())
		}
		return fmt.Errorf("%w: build %s: %v (base images must be present locally: there may be no registry)%s",
			ErrBuild, dir, err, t.logSection("build output", out.String(), maxLogLinesInError))
	}
	t.logf("built image %s in %s", t.builtImage, time.Since(began).Round(time.Millisecond))
	return nil
}

// run creates and starts the container and arms the lifetime safety net.
func (t *Target) run(ctx context.Context, o Options, labels map[string]string) error {
	port := dc.Port(strconv.Itoa(o.Port) + "/tcp")
	env := append([]string(nil), o.Env...)
	if o.Token != "" && !hasEnv(env, TokenEnv) {
		env = append(env, TokenEnv+"="+o.Token)
	}
	t.logf("starting container %s from image %s (port %s published on 127.0.0.1)", t.ContainerName, t.Image, port)
	// Create and start by hand rather than with pool.RunWithOptions: that
	// would pull a missing image, publish every exposed port on 0.0.0.0
	// (PublishAllPorts), ignore ctx, and leak the container if start fails.
	c, err := t.client.CreateContainer(dc.CreateContainerOptions{
		Name: t.ContainerName,
		Config: &dc.Config{
			Image:        t.Image,
			Env:          env,
			Cmd:          o.Cmd,
			ExposedPorts: map[dc.Port]struct{}{port: {}},
			Labels:       labels,
			// The lifetime safety net is a `stop` with a long timeout: the
			// engine sends StopSignal at once and SIGKILL when the timeout
			// ends. SIGCONT is a no-op for a running process (dockertest's
			// SIGWINCH would gracefully stop Apache httpd).
			StopSignal: "SIGCONT",
		},
		HostConfig: &dc.HostConfig{
			PortBindings:    map[dc.Port][]dc.PortBinding{port: {{HostIP: "127.0.0.1", HostPort: "0"}}},
			PublishAllPorts: false,
			// Not AutoRemove: an early exit must leave the exit code and
			// logs readable; Close removes the container.
			RestartPolicy: dc.NeverRestart(),
		},
		Context: ctx,
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("create container %s: %w", t.ContainerName, ctx.Err())
		}
		if errors.Is(err, dc.ErrNoSuchImage) {
			return imageNotFound(t.Image)
		}
		return fmt.Errorf("create container %s from %s: %w", t.ContainerName, t.Image, err)
	}
	t.ContainerID = c.ID
	if err := t.client.StartContainerWithContext(c.ID, nil, ctx); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("start container %s: %w", t.ContainerName, ctx.Err())
		}
		return fmt.Errorf("start container %s: %s", t.ContainerName, t.redact(err.Error()))
	}
	// Like dockertest's Resource.Expire, but cancellable by Close so the
	// request does not outlive the container.
	expireCtx, stop := context.WithCancel(context.Background())
	t.stopExpire = stop
	secs := uint(o.MaxLifetime / time.Second)
	if secs == 0 {
		secs = 1
	}
	go func() { _ = t.client.StopContainerWithContext(c.ID, secs, expireCtx) }()
	return nil
}

// hasEnv reports whether env has an entry for key.
func hasEnv(env []string, key string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
}

// waitReady polls until the probe succeeds, the container exits, the
// deadline passes, or ctx is cancelled.
func (t *Target) waitReady(ctx context.Context, o Options) error {
	deadline := time.Now().Add(o.ReadyTimeout)
	began := time.Now()
	p := newProber(o)
	what := "GET " + o.BasePath + "/Users?startIndex=1&count=2 (any answer below 500)"
	if o.HealthPath != "" {
		what = "GET " + o.HealthPath + " (2xx or 3xx)"
	}
	t.logf("container %s started; waiting up to %s for %s", t.ContainerName, o.ReadyTimeout, what)
	port := dc.Port(strconv.Itoa(o.Port) + "/tcp")
	delay := 50 * time.Millisecond
	lastErr := errors.New("no probe yet")
	for {
		c, err := t.client.InspectContainerWithContext(t.ContainerID, ctx)
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("wait for container %s: %w", t.ContainerName, ctx.Err())
		case err != nil:
			return fmt.Errorf("inspect container %s: %w", t.ContainerName, err)
		case !c.State.Running && (c.State.Status == "exited" || c.State.Status == "dead"):
			return t.exitedError(c.State)
		}
		if hp, ok := loopbackBinding(c, port); ok {
			if t.HostPort == "" {
				t.HostPort = hp
				t.BaseURL = "http://" + hp + o.BasePath
				t.logf("container port %s published on %s", port, hp)
			}
			if lastErr = p.probe(ctx, hp); lastErr == nil {
				t.logf("container %s ready after %s at %s", t.ContainerName, time.Since(began).Round(time.Millisecond), t.BaseURL)
				return nil
			}
		} else if c.State.Running {
			lastErr = fmt.Errorf("port %s not yet published on 127.0.0.1", port)
		}
		if !time.Now().Before(deadline) {
			hint := ""
			var se *statusError
			if !errors.As(lastErr, &se) {
				hint = fmt.Sprintf("\nnothing answered HTTP on container port %d: the server must listen on 0.0.0.0 (not 127.0.0.1) inside the container, on the port given as --container-port", o.Port)
			}
			return fmt.Errorf("%w: %s did not answer %s within %s (last probe: %s)%s%s", ErrNotReady,
				t.ContainerName, what, o.ReadyTimeout, t.redact(lastErr.Error()), hint, t.lastLogs(maxLogLinesInError))
		}
		wait := min(delay, time.Until(deadline))
		timer := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("wait for container %s: %w", t.ContainerName, ctx.Err())
		case <-timer.C:
		}
		delay = min(delay*2, 500*time.Millisecond)
	}
}

// loopbackBinding returns 127.0.0.1:PORT for port, if the engine has bound it.
func loopbackBinding(c *dc.Container, port dc.Port) (string, bool) {
	if c.NetworkSettings == nil {
		return "", false
	}
	for _, b := range c.NetworkSettings.Ports[port] {
		if b.HostIP == "127.0.0.1" && b.HostPort != "" && b.HostPort != "0" {
			return net.JoinHostPort(b.HostIP, b.HostPort), true
		}
	}
	return "", false
}

func (t *Target) exitedError(st dc.State) error {
	detail := ""
	if st.OOMKilled {
		detail += ", killed for lack of memory (OOM)"
	}
	if st.Error != "" {
		detail += ", engine says: " + t.redact(st.Error)
	}
	return fmt.Errorf("%w: %s exited with exit code %d%s%s", ErrExited, t.ContainerName, st.ExitCode, detail, t.lastLogs(maxLogLinesInError))
}

// lastLogs formats the container's last n log lines for an error message.
func (t *Target) lastLogs(n int) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	logs, err := t.fetchLogs(ctx, n)
	if err != nil {
		return "\n(container logs unavailable: " + err.Error() + ")"
	}
	return t.logSection("last container log lines", logs, n)
}

// logSection renders text's last n lines (redacted) under a heading, or a
// note that there were none.
func (t *Target) logSection(heading, text string, n int) string {
	text = strings.TrimRight(lastLines(t.redact(text), n), "\n")
	if text == "" {
		return "\n(" + heading + ": none)"
	}
	return "\n--- " + heading + " ---\n" + text
}

// Logs returns the container's stdout and stderr, interleaved as the engine
// stored them, limited to the last tail lines (all if tail <= 0), with the
// token and other secrets redacted. After Close it returns the lines Close
// saved before removing the container (at most 10000).
func (t *Target) Logs(ctx context.Context, tail int) (string, error) {
	t.mu.Lock()
	closed, kept := t.closed, t.closingLogs
	t.mu.Unlock()
	if closed {
		if tail > 0 {
			return lastLines(kept, tail), nil
		}
		return kept, nil
	}
	return t.fetchLogs(ctx, tail)
}

func (t *Target) fetchLogs(ctx context.Context, tail int) (string, error) {
	if t.ContainerID == "" {
		return "", errors.New("container was never created")
	}
	tailArg := "all"
	if tail > 0 {
		tailArg = strconv.Itoa(tail)
	}
	var buf bytes.Buffer
	err := t.client.Logs(dc.LogsOptions{
		Context:      ctx,
		Container:    t.ContainerID,
		OutputStream: &buf,
		ErrorStream:  &buf,
		Stdout:       true,
		Stderr:       true,
		Tail:         tailArg,
	})
	if err != nil {
		return "", fmt.Errorf("logs of container %s: %w", t.ContainerName, err)
	}
	return t.redact(buf.String()), nil
}

// Close removes the container (with its anonymous volumes) and, for
// BuildDir, the built image. It is idempotent and safe to call concurrently
// and from a Ctrl-C path: it ignores ctx's cancellation (cleanup must still
// happen) but keeps ctx's values and gives up after 30 seconds. Before
// removing the container it saves its last log lines for later Logs calls.
// It returns the first removal error; a container that is already gone is
// not an error.
func (t *Target) Close(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return t.closeErr
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if t.ContainerID != "" {
		if logs, err := t.fetchLogs(cctx, keptLogLines); err == nil {
			t.closingLogs = logs
		}
	}
	t.closed = true
	t.closeErr = t.remove(cctx)
	return t.closeErr
}

// cleanup is Close for Start's error paths.
func (t *Target) cleanup() {
	if err := t.Close(context.Background()); err != nil {
		t.logf("cleanup after failed start: %v", err)
	}
}

// remove deletes what Start created. The caller holds t.mu.
func (t *Target) remove(ctx context.Context) error {
	var errs []error
	if t.stopExpire != nil {
		t.stopExpire()
	}
	ref := t.ContainerID
	if ref == "" {
		// CreateContainer may have failed or been cancelled after the engine
		// created the container; the unique name finds it.
		ref = t.ContainerName
	}
	err := t.client.RemoveContainer(dc.RemoveContainerOptions{ID: ref, Force: true, RemoveVolumes: true, Context: ctx})
	var gone *dc.NoSuchContainer
	switch {
	case err == nil:
		t.logf("removed container %s", t.ContainerName)
	case errors.As(err, &gone):
	default:
		errs = append(errs, fmt.Errorf("remove container %s: %w", t.ContainerName, err))
	}
	if t.builtImage != "" {
		err := t.client.RemoveImageExtended(t.builtImage, dc.RemoveImageOptions{Force: true, Context: ctx})
		switch {
		case err == nil:
			t.logf("removed image %s", t.builtImage)
		case errors.Is(err, dc.ErrNoSuchImage):
		default:
			errs = append(errs, fmt.Errorf("remove image %s: %w", t.builtImage, err))
		}
	}
	return errors.Join(errs...)
}

// secretLikeKey matches env keys whose values are redacted like the token.
var secretLikeKey = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH"}

// secretsOf collects the values Logs and errors must never show: the token
// and values of Env entries whose key looks secret.
func secretsOf(o Options) []string {
	var s []string
	if o.Token != "" {
		s = append(s, o.Token)
	}
	for _, kv := range o.Env {
		k, v, _ := strings.Cut(kv, "=")
		if len(v) < 4 {
			continue // redacting "1" or "on" would garble every line
		}
		for _, w := range secretLikeKey {
			if strings.Contains(strings.ToUpper(k), w) {
				s = append(s, v)
				break
			}
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	return s
}

// Redacted is what Logs and Start's errors show in place of every secret.
const Redacted = "[REDACTED]"

func (t *Target) redact(text string) string { return redact(text, t.secrets) }

func redact(text string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, Redacted)
		}
	}
	return text
}

// lastLines returns the last n lines of text (all if n <= 0), keeping a
// trailing newline if text had one.
func lastLines(text string, n int) string {
	if n <= 0 || text == "" {
		return text
	}
	body := strings.TrimSuffix(text, "\n")
	idx := len(body)
	for i := 0; i < n; i++ {
		j := strings.LastIndexByte(body[:idx], '\n')
		if j < 0 {
			return text
		}
		idx = j
	}
	return text[idx+1:]
}
