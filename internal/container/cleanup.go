package container

import (
	"context"
	"errors"
	"fmt"
	"time"

	dc "github.com/ory/dockertest/v3/docker"
)

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
