package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// stderrIsTerminal reports whether retries should be announced.
func (a *app) stderrIsTerminal() bool { return a.stderrTTY }

// retryNotice announces each retry on stderr, so a user at a terminal knows
// why the command waits; stdout stays clean for JSON.
func retryNotice(a *app) func(rhombus.Event) {
	return func(e rhombus.Event) {
		if e.Kind != rhombus.EventWait {
			return
		}
		fmt.Fprintf(a.stderr, "rhombus: %s: %s; retrying in %s (attempt %d)\n",
			e.Operation, retryReason(e), e.Wait.Round(100*time.Millisecond), e.Attempt+1)
	}
}

// retryReason says in a few words why an attempt is retried.
func retryReason(e rhombus.Event) string {
	switch {
	case e.Status == http.StatusTooManyRequests:
		return "rate limited by the server (HTTP 429)"
	case e.Status >= 500:
		return fmt.Sprintf("the server failed (HTTP %d)", e.Status)
	case e.Status != 0:
		return fmt.Sprintf("HTTP %d", e.Status)
	case e.Err != nil && unreachable(e.Err):
		return "could not connect"
	case e.Err != nil:
		var re *rhombus.RequestError
		if errors.As(e.Err, &re) && re.Err != nil {
			return "no answer: " + re.Err.Error()
		}
		return "no answer"
	}
	return "no answer"
}
