package rhombus

import (
	"context"
	"time"
)

// EventKind says what an [Event] reports.
type EventKind string

// The events of a call.
const (
	EventAttempt EventKind = "attempt" // an attempt ended (Status or Err says how)
	EventWait    EventKind = "wait"    // the client waits Wait before the next attempt
	EventGiveUp  EventKind = "give-up" // the call failed for good with Err
)

// Event is one step of a call, for [WithObserver] and [WithLogger]. It never
// holds a credential.
type Event struct {
	Kind      EventKind
	Operation string
	Attempt   int
	Status    int           // the HTTP status, 0 when there was no answer
	Wait      time.Duration // with EventWait
	Err       error         // the attempt's or the call's error, if any
}

func (c *Client) emit(ctx context.Context, e Event) {
	e.Err = c.scrubError(e.Err)
	if c.observe != nil {
		c.observe(e)
	}
	if c.logger == nil {
		return
	}
	attrs := []any{"operation", e.Operation, "attempt", e.Attempt, "status", e.Status}
	if e.Kind == EventWait {
		attrs = append(attrs, "wait", e.Wait)
	}
	if e.Err != nil {
		attrs = append(attrs, "error", e.Err.Error())
	}
	if e.Kind == EventGiveUp {
		c.logger.WarnContext(ctx, "rhombus give-up", attrs...)
		return
	}
	c.logger.DebugContext(ctx, "rhombus "+string(e.Kind), attrs...)
}

// giveUp is the way out of a call that failed: the error it returns is scrubbed.
func (c *Client) giveUp(ctx context.Context, op Operation, attempt int, err error) error {
	err = c.scrubError(err)
	c.emit(ctx, Event{Kind: EventGiveUp, Operation: op.ID, Attempt: attempt, Err: err})
	return err
}
