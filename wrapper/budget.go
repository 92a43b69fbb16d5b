package rhombus

import (
	"context"
	"time"
)

// budget is the time a call may take (RetryPolicy.Budget) within its
// context. Its context is made on first need, so that a call that waits
// for nothing makes none.
type budget struct {
	parent context.Context
	end    time.Time // zero: no budget
	ctx    context.Context
	cancel context.CancelFunc
}

// context is the parent narrowed to the budget.
func (b *budget) context() context.Context {
	if b.end.IsZero() {
		return b.parent
	}
	if b.ctx == nil {
		b.ctx, b.cancel = context.WithDeadline(b.parent, b.end)
	}
	return b.ctx
}

// err is the context's error: the parent's, or DeadlineExceeded once the
// budget is spent.
func (b *budget) err() error {
	if err := b.parent.Err(); err != nil {
		return err
	}
	// By the clock, not the budget context's own timer, which may fire a
	// moment after an attempt's timer for the same instant.
	if !b.end.IsZero() && !time.Now().Before(b.end) {
		return context.DeadlineExceeded
	}
	return nil
}

// deadline is the earlier of the parent's deadline and the budget's end.
func (b *budget) deadline() (time.Time, bool) {
	d, ok := b.parent.Deadline()
	if !b.end.IsZero() && (!ok || b.end.Before(d)) {
		return b.end, true
	}
	return d, ok
}

// left is the time the call has left before the earlier of the parent's
// deadline and the budget's end, if it has one.
func (b *budget) left() (time.Duration, bool) {
	d, ok := b.deadline()
	if !ok {
		return 0, false
	}
	return time.Until(d), true
}

// attemptEnd is when an attempt starting now must end: after timeout (0:
// none), and within the budget.
func (b *budget) attemptEnd(timeout time.Duration) (time.Time, bool) {
	end, ok := time.Time{}, false
	if timeout > 0 {
		end, ok = time.Now().Add(timeout), true
	}
	if !b.end.IsZero() && (!ok || b.end.Before(end)) {
		end, ok = b.end, true
	}
	return end, ok
}

func (b *budget) close() {
	if b.cancel != nil {
		b.cancel()
	}
}
