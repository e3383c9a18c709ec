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
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	// with the token (mockidp/okta/WIRE.md §3) and accepts any status below 500: the
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
