package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows how far a bulk run is: a bar on a terminal, plain lines
// ("registered 120/200 ...") otherwise, so a log file gets readable text
// instead of cursor movements. Both go to stderr, keeping stdout for the
// summary a script may parse.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      *progressbar.ProgressBar // nil: plain lines
	verb     string                   // "registered", "created"
	total    int
	done     int
	created  int
	failed   int
	unknown  int
	lastStep int       // the last tenth printed as a plain line
	lastLine time.Time // when the last plain line was printed
}

// plainEvery bounds how long a slow run goes without a plain line.
const plainEvery = 5 * time.Second

// isTerminal reports whether the program's output is a terminal: the bar
// needs stdout to be one, as the brief for this command has it, and stderr
// too, since that is where the bar is drawn.
func (a *app) isTerminal() bool {
	return a.stdoutTTY && a.stderrTTY
}

func newProgress(a *app, total int, verb, doing string) *progress {
	p := &progress{w: a.stderr, verb: verb, total: total, lastLine: time.Now()}
	if a.isTerminal() && total > 0 {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription(doing),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.stderr) }),
		)
		p.bar.Describe(doing)
	}
	return p
}

// row counts a finished row.
func (p *progress) row(outcome string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	switch outcome {
	case outcomeCreated:
		p.created++
	case outcomeFailed:
		p.failed++
	case outcomeUnknown:
		p.unknown++
	}
	if p.bar != nil {
		if p.failed+p.unknown > 0 {
			p.bar.Describe(fmt.Sprintf("%s (%d failed, %d unknown)", p.verb, p.failed, p.unknown))
		}
		_ = p.bar.Add(1)
		return
	}
	step := p.done * 10 / max(p.total, 1)
	if step > p.lastStep || time.Since(p.lastLine) >= plainEvery || p.done == p.total {
		p.lastStep = step
		p.line()
	}
}

func (p *progress) line() {
	p.lastLine = time.Now()
	fmt.Fprintf(p.w, "%s %d/%d (%d failed, %d unknown)\n", p.verb, p.created, p.total, p.failed, p.unknown)
}

// printf prints a message, clearing the bar first so it is not drawn over.
func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// finish ends the bar, or prints the last plain line if the run stopped
// before its rows were done.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		if p.done < p.total {
			_ = p.bar.Exit()
		}
		return
	}
	if p.done < p.total {
		p.line()
	}
}
