package rhombus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrOutcomeUnknown: a write failed after it may have reached the server;
// see *OutcomeUnknownError.
var ErrOutcomeUnknown = errors.New("rhombus: outcome unknown")

// OutcomeUnknownError is a write (an operation that is not idempotent) that
// failed after the request may have reached the server: the connection
// dropped, the call timed out or was cancelled while waiting for the answer,
// the server answered 5xx, or its 200 answer could not be read. It may or may
// not have been applied, so it is not resent; check (for example by listing
// what the write creates) before sending it again. Err is the failure, which
// errors.As still finds (*APIError for a 5xx, *DecodeError, *RequestError).
type OutcomeUnknownError struct {
	Operation string
	// Fields identify what the write creates (x-rhombus-identifying-fields
	// in the spec), for example serialNumber or email.
	Fields map[string]string
	Err    error // the failure
}

func (e *OutcomeUnknownError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rhombus: %s: outcome unknown", e.Operation)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=%s", k, e.Fields[k])
		}
		b.WriteString(")")
	}
	// The cause usually names the operation too; say it once.
	cause := strings.TrimPrefix(e.Err.Error(), "rhombus: "+e.Operation+": ")
	fmt.Fprintf(&b, ": the request may have been applied and was not resent: %s", cause)
	return b.String()
}

// Unwrap returns the failure.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// identifying picks the operation's identifying fields out of the JSON body.
func identifying(op Operation, payload []byte) map[string]string {
	if len(op.IdentifyingFields) == 0 || len(payload) == 0 {
		return nil
	}
	if op.RequestContentType == "multipart/form-data" {
		return formIdentifying(op, payload)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return nil
	}
	out := make(map[string]string)
	for _, f := range op.IdentifyingFields {
		if raw, ok := m[f]; ok {
			out[f] = jsonText(raw)
		}
	}
	return out
}

// interruptedError is a call whose context ended after an earlier attempt
// had failed: both errors stay reachable with errors.Is and errors.As.
type interruptedError struct {
	op       string
	ctxErr   error
	previous error
}

func (e *interruptedError) Error() string {
	return fmt.Sprintf("%v; the attempt before: %s", e.ctxErr, strings.TrimPrefix(e.previous.Error(), "rhombus: "+e.op+": "))
}

func (e *interruptedError) Unwrap() []error { return []error{e.ctxErr, e.previous} }

// interrupted is the error of a call whose context ended with ctxErr;
// previous is the failure of the attempt before, if any.
func interrupted(op string, ctxErr, previous error) error {
	if previous == nil {
		return &RequestError{Operation: op, Err: ctxErr}
	}
	var ie *interruptedError
	if errors.As(previous, &ie) {
		previous = ie.previous
	}
	return &RequestError{Operation: op, Err: &interruptedError{op: op, ctxErr: ctxErr, previous: previous}}
}

// limiterError makes the limiter's refusal to wait past the deadline match
// context.DeadlineExceeded, which it is in all but name.
func limiterError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if _, ok := ctx.Deadline(); ok {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}
