package load

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress shows a run's progress live. Phase starts a phase of total
// tasks, Done reports one finished task (failed or not), End closes the
// phase. Calls come from many workers at once.
type Progress interface {
	Phase(name string, total int)
	Done(n int, failed bool)
	End()
}

type nopProgress struct{}

func (nopProgress) Phase(string, int) {}
func (nopProgress) Done(int, bool)    {}
func (nopProgress) End()              {}

// NewProgress returns a Progress writing to w: a progress bar per phase
// with rate, failures and ETA when terminal, else a plain line per second
// and one at the end of each phase.
func NewProgress(w io.Writer, terminal bool) Progress {
	if terminal {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

type barProgress struct {
	w      io.Writer
	mu     sync.Mutex
	bar    *progressbar.ProgressBar
	name   string
	failed int
}

func (b *barProgress) Phase(name string, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.name, b.failed = name, 0
	b.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-8s", name)),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("tasks"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(b.w) }),
	)
}

func (b *barProgress) Done(n int, failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil {
		return
	}
	if failed {
		b.failed++
		b.bar.Describe(fmt.Sprintf("%-8s %d failed", b.name, b.failed))
	}
	_ = b.bar.Add(n)
}

func (b *barProgress) End() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		if !b.bar.IsFinished() {
			_ = b.bar.Finish()
		}
		b.bar = nil
	}
}

type lineProgress struct {
	w           io.Writer
	mu          sync.Mutex
	name        string
	total, done int
	failed      int
	start, last time.Time
}

func (l *lineProgress) Phase(name string, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.name, l.total, l.done, l.failed = name, total, 0, 0
	l.start, l.last = time.Now(), time.Now()
}

func (l *lineProgress) Done(n int, failed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done += n
	if failed {
		l.failed++
	}
	if time.Since(l.last) >= time.Second {
		l.last = time.Now()
		l.line()
	}
}

func (l *lineProgress) line() {
	el := time.Since(l.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(l.done) / el
	}
	eta := "-"
	if rate > 0 && l.done < l.total {
		eta = (time.Duration(float64(l.total-l.done)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(l.w, "%-8s %d/%d tasks  %.0f tasks/s  %d failed  eta %s\n", l.name, l.done, l.total, rate, l.failed, eta)
}

func (l *lineProgress) End() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.name != "" {
		l.line()
	}
	l.name = ""
}
