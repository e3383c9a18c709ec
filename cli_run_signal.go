package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errInterrupted is the cause of the run's context after SIGINT or SIGTERM.
var errInterrupted = errors.New("interrupted")

// exitNow ends the process at once on a second interrupt; tests replace it.
var exitNow = os.Exit

// interruptContext returns a context that ends, with cause errInterrupted,
// on the first SIGINT or SIGTERM. The suite then stops starting scenarios,
// lets the request in flight finish briefly, deactivates what the run
// created and writes a partial report; a second signal exits the process
// at once with exitInterrupted (no report, cleanup not finished). stop
// releases the signals.
func interruptContext(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "\nscimconform: %s: stopping; the users this run created are deactivated and a partial report is written (interrupt again to exit at once)\n", s)
			cancel(errInterrupted)
		case <-done:
			return
		}
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "scimconform: second interrupt: exiting at once; no report written, users this run created may still be active")
			exitNow(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}
