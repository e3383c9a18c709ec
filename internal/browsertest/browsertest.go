// Package browsertest opens scimconform's HTML reports in a headless
// Chromium for tests (chromedp): it finds the browser, starts it with a
// fresh profile and no background network, and loads a report from disk.
//
// It is used only by tests (reports/, and the CLI's merged-report test);
// no command links it. Without Chromium a test skips, except under
// CI=true, where .ci/run installs Debian's chromium and its absence fails.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// FindChromium returns the path of a Chromium-like browser, or skips the
// test (fails it when CI=true: .ci/run installs Debian's chromium).
func FindChromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found (looked for chromium, chromium-browser, google-chrome); CI must install Debian's chromium package")
	}
	t.Skip("no Chromium found (looked for chromium, chromium-browser, google-chrome): install Debian's chromium package to run the browser test")
	return ""
}

// NewBrowser starts a headless Chromium at execPath with a fresh profile
// and no background network, and returns a tab context that ends at test
// cleanup (or after 60 s, so a hung browser cannot hang the tests).
// Exceptions thrown by the page fail the test at cleanup.
func NewBrowser(t testing.TB, execPath string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	var mu sync.Mutex
	var exceptions []string
	if err := chromedp.Listen(tctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			exceptions = append(exceptions, (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
			mu.Unlock()
		}
	}); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start Chromium %s: %v", execPath, err)
	}
	timer := time.AfterFunc(60*time.Second, cancelAlloc)
	t.Cleanup(func() {
		timer.Stop()
		cancelTab()
		cancelAlloc()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range exceptions {
			t.Errorf("report.html threw in the browser: %s", e)
		}
	})
	return tctx
}

// Run runs one chromedp action and fails the test on error; what names
// the action in the message.
func Run[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// OpenReport loads the report at path (absolute) and waits for its script
// to finish, returning the script's ready time in ms since navigation
// start (the page's html[data-ready] attribute).
func OpenReport(t testing.TB, ctx context.Context, path string) float64 {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate("file://"+path),
		chromedp.WaitReady(chromedp.CSS(`html[data-ready]`)),
	); err != nil {
		t.Fatalf("open %s in Chromium: %v", path, err)
	}
	return Run(t, ctx, "read ready time", chromedp.Evaluate[float64](`Number(document.documentElement.getAttribute('data-ready'))`))
}
