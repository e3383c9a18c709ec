// Command scimconform is the SCIM 2.0 conformance harness and mock Okta.
//
// It wires the packages together: flags, environment and an optional YAML
// file become a validated configuration; the suite in steps/ drives the mock
// Okta client in mockidp/ against a target (a URL, a Docker image, or the
// in-process reference server in reference/); reports/ writes the evidence.
// Exit codes live only here and follow reports.Totals.Verdict: 0 pass
// (every in-scope required scenario passed, nothing errored), 1 fail (a
// required scenario failed; also when others errored), 2 error (a usage,
// configuration or harness error, a failed pre-flight, an errored scenario,
// an in-scope required scenario skipped), 130 interrupted (SIGINT or
// SIGTERM; the partial report is written).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes of the scimconform binary. Usage and harness errors share 2:
// either way the run proves nothing about the target.
const (
	exitOK          = 0
	exitConformance = 1
	exitUsage       = 2
	exitHarness     = 2
	// exitInterrupted (128+SIGINT, as shells report it) ends a run stopped
	// by SIGINT or SIGTERM, whatever its partial verdict.
	exitInterrupted = 130
)

// version is the tool version written into reports; set with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// exitError carries an exit code out of a subcommand. A subcommand that
// returns a plain error exits with exitUsage.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitWith returns an error that makes main exit with code; err may be nil
// when the subcommand has already printed what the user needs to know.
func exitWith(code int, err error) error { return &exitError{code: code, err: err} }

// commands are the subcommands, in --help order. Each is built by a
// function in its own cli_*.go file.
var commands = []func(env *cliEnv) *cobra.Command{
	newRunCmd,
	newLoadCmd,
	newDemoCmd,
	newListCmd,
	newReportCmd,
	newServeCmd,
	newTokenCmd,
	newIdPCmd,
}

// cliEnv is what subcommands may use from the process: streams and the
// environment lookup, replaceable in tests.
type cliEnv struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	getenv         func(string) string
}

func newRootCmd(env *cliEnv) *cobra.Command {
	root := &cobra.Command{
		Use:           "scimconform",
		Short:         "SCIM 2.0 conformance harness and mock Okta for Okta provisioning",
		Long:          "scimconform checks that a SCIM 2.0 endpoint works with Okta provisioning: it sends what Okta sends and reports, scenario by scenario, what would break.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	root.SetIn(env.stdin)
	for _, f := range commands {
		root.AddCommand(f(env))
	}
	return root
}

// runCLI runs the binary with args (without the program name) and returns the exit code.
func runCLI(env *cliEnv, args []string) int {
	root := newRootCmd(env)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(env.stderr, "scimconform:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(env.stderr, "scimconform:", err)
	return exitUsage
}

func main() {
	os.Exit(runCLI(&cliEnv{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv}, os.Args[1:]))
}
