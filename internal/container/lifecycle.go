package container

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	dc "github.com/ory/dockertest/v3/docker"
)

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
