package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/scimconform/scimconform/internal/container"
	"github.com/scimconform/scimconform/reports"
	"github.com/scimconform/scimconform/steps"
)

// imageOptions are the flags of `run` that start the target from a Docker
// image (issue 6). They are flags only: they describe one invocation.
type imageOptions struct {
	image, build, basePath, health string
	port                           int
	env                            []string
	readyTimeout                   time.Duration
}

func (o *imageOptions) enabled() bool { return o.image != "" || o.build != "" }

func addImageFlags(fs *pflag.FlagSet, o *imageOptions) {
	fs.StringVar(&o.image, "image", "", "run the suite against a container of this local image NAME[:TAG] (never pulled)")
	fs.StringVar(&o.build, "build", "", "build the target image from DIR/Dockerfile first, then run it like --image")
	fs.IntVar(&o.port, "container-port", container.DefaultPort, "the container's SCIM port (published on 127.0.0.1 at a random port)")
	fs.StringArrayVar(&o.env, "env", nil, "KEY=VALUE for the container's environment (repeatable); SCIMCONFORM_TOKEN is passed as well")
	fs.StringVar(&o.basePath, "base-path", container.DefaultBasePath, "SCIM base path inside the container")
	fs.StringVar(&o.health, "health", "", "HTTP path probed for readiness (default: Okta's Test API Credentials request)")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", container.DefaultReadyTimeout, "how long the container may take to answer")
}

// startImage starts the container and returns it; the caller must Close it.
func startImage(ctx context.Context, o *imageOptions, token string, progress io.Writer) (*container.Target, error) {
	if o.image != "" && o.build != "" {
		return nil, errors.New("give --image or --build, not both")
	}
	fmt.Fprintf(progress, "starting the target container (%s)\n", firstNonEmpty(o.image, o.build))
	return container.Start(ctx, container.Options{
		Image:        o.image,
		BuildDir:     o.build,
		Port:         o.port,
		Env:          o.env,
		Token:        token,
		BasePath:     o.basePath,
		HealthPath:   o.health,
		ReadyTimeout: o.readyTimeout,
		Logf:         func(format string, args ...any) { fmt.Fprintf(progress, "  "+format+"\n", args...) },
	})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// runAgainstImage starts the container, points cfg at it, runs the suite and
// always removes the container, attaching its log to the report.
func runAgainstImage(ctx context.Context, env *cliEnv, o *imageOptions, cfg steps.Config, plan reportPlan) error {
	tg, err := startImage(ctx, o, cfg.Credentials.Token, env.stdout)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("target container: %w", err))
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := tg.Close(cctx); err != nil {
			fmt.Fprintf(env.stderr, "scimconform: removing the target container: %v\n", err)
		}
	}()
	cfg.BaseURL = tg.BaseURL
	cfg.Image = tg.Image
	attach := func(run *reports.Run) {
		lctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		logs, err := tg.Logs(lctx, 500)
		if err != nil {
			logs = "could not read the container's log: " + err.Error()
		}
		run.Target.Logs = logs
		fmt.Fprintf(env.stdout, "container log (%d bytes) is in the report\n", len(logs))
	}
	err = runSuiteWith(ctx, env, cfg, plan, attach)
	var ee *exitError
	if errors.As(err, &ee) && ee.code == exitHarness && ee.err != nil && ctx.Err() == nil {
		// The suite did not run (e.g. pre-flight failed): show why the
		// container refused, from its own log.
		lctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if logs, lerr := tg.Logs(lctx, 20); lerr == nil && logs != "" {
			fmt.Fprintf(env.stderr, "last lines of the container's log:\n%s\n", logs)
		}
	}
	return err
}
