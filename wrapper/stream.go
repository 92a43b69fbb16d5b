package rhombus

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"mime"
	"net/http"
	"strings"
)

// MaxStreamItemBytes caps one item of a streamed answer (see
// [StreamItems]), and the rest of the answer beside its list: the
// memory a streamed answer takes, whatever its length.
const MaxStreamItemBytes = 1 << 20

// streamKey marks the context of a call whose 200 JSON answer is handed
// over unread, to be decoded item by item.
type streamKey struct{}

// streamed reports whether resp is the 200 answer of a streamed call.
func streamed(resp *http.Response) bool {
	return resp != nil && resp.StatusCode == http.StatusOK && resp.Request != nil &&
		resp.Request.Context().Value(streamKey{}) != nil
}

// StreamItems calls an operation whose answer is one big list
// (op.StreamItems, from x-rhombus-stream) and yields the list's items one
// at a time, decoded from the body as it arrives: memory stays that of one
// item (at most MaxStreamItemBytes) whatever the list's length, and no cap
// on the whole answer applies. The call is made as a typed method makes it
// (RUUID checks, rate limiter, the retry rules up to the answer's first
// byte, scrubbing of the client's credentials from the body), and the
// answer is checked as a whole answer is: its envelope, its warningMsg
// (handed to the warning handler once the list is read), the operation's
// own failure shape.
//
// Because the items come before the end of the answer is read, an answer
// that reports a failure after its list ("error": true) yields its items
// first and then the *APIError as the last value; likewise a body that
// breaks off or is malformed part way. A caller that must act on all or
// nothing keeps the items until the iteration ends without an error.
// Stopping the loop closes the answer.
func StreamItems[Item, Req any](ctx context.Context, c *Client, op Operation, req Req) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		var zero Item
		if op.StreamItems == "" {
			yield(zero, &RequestError{Operation: op.ID, Err: errors.New("the operation has no x-rhombus-stream: its answer is not streamed")})
			return
		}
		if c == nil || ctx == nil {
			yield(zero, &RequestError{Operation: op.ID, Err: errors.New("nil client or context")})
			return
		}
		s, err := download(context.WithValue(ctx, streamKey{}, true), c, op.ID, op.Path, req)
		if err != nil {
			yield(zero, err)
			return
		}
		defer s.Close()
		// The client's own entry (a failure shape, say) reads the envelope.
		if known := c.ops.lookup(op.Path); known.ID == op.ID {
			known.StreamItems = op.StreamItems
			op = known
		}
		if err := streamList(ctx, c, op, s, yield); err != nil {
			yield(zero, err)
		}
	}
}

// streamList decodes the answer in s, yielding the items of its list;
// the error is the answer's failure, if any. A false yield ends it with
// no error.
func streamList[Item any](ctx context.Context, c *Client, op Operation, s *Stream, yield func(Item, error) bool) error {
	resp := s.resp
	if !isJSONType(resp.Header.Get("Content-Type")) {
		// The same refusal a whole answer gets, from its first bytes.
		head, _ := io.ReadAll(io.LimitReader(s, 512))
		return c.normalize(ctx, op, resp, head)
	}
	s.limit = math.MaxInt64 // each item is capped instead
	// Large reads: the Stream's scrub and the connection work per read,
	// and the decoder alone reads in small pieces.
	r := &itemCapReader{r: bufio.NewReaderSize(s, 64<<10)}
	dec := json.NewDecoder(r)
	r.dec = dec
	fail := func(err error) error {
		var capErr *streamItemError
		if errors.As(err, &capErr) {
			return c.decodeError(op.ID, resp, nil, err)
		}
		var d *DecodeError
		var re *RequestError
		if errors.As(err, &d) || errors.As(err, &re) {
			return err // the Stream's own: a cap, a broken connection
		}
		return c.decodeError(op.ID, resp, nil, fmt.Errorf("malformed JSON at byte %d: %w", dec.InputOffset(), err))
	}
	if t, err := dec.Token(); err != nil {
		return fail(err)
	} else if t != json.Delim('{') {
		return c.decodeError(op.ID, resp, nil, errors.New("the body is not a JSON object"))
	}
	rest := map[string]json.RawMessage{} // every field but the list: the envelope
	restSize := 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := t.(string)
		r.start()
		if key != op.StreamItems {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return fail(err)
			}
			if restSize += len(key) + len(v); restSize > MaxStreamItemBytes {
				return fail(&streamItemError{what: "the answer beside " + op.StreamItems})
			}
			rest[key] = v
			continue
		}
		if t, err := dec.Token(); err != nil {
			return fail(err)
		} else if t == nil {
			continue // null: no items
		} else if t != json.Delim('[') {
			return c.decodeError(op.ID, resp, nil, fmt.Errorf("%s is not a list", op.StreamItems))
		}
		// One Item on the heap for the whole list, zeroed before each
		// decode: an item costs only what its own fields allocate, and
		// each yielded copy owns them (nothing decoded before is reused).
		it := new(Item)
		for i := 0; dec.More(); i++ {
			r.start()
			var zero Item
			*it = zero
			if err := dec.Decode(it); err != nil {
				if _, ok := err.(*json.UnmarshalTypeError); ok {
					return c.decodeError(op.ID, resp, nil, fmt.Errorf("%s[%d]: %w", op.StreamItems, i, err))
				}
				return fail(err)
			}
			if !yield(*it, nil) {
				return nil
			}
		}
		if _, err := dec.Token(); err != nil { // ]
			return fail(err)
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return fail(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return c.decodeError(op.ID, resp, nil, errors.New("more data after the JSON object"))
	}
	// The envelope, the warning and the operation's failure shape, read
	// from the answer without its list, as a whole answer's are.
	body, err := json.Marshal(rest)
	if err != nil {
		return fail(err)
	}
	return c.normalize(ctx, op, resp, body)
}

func isJSONType(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// itemCapReader fails a read that takes the decoder more than twice
// MaxStreamItemBytes past the start of the current value: the decoder's
// buffer, and so the memory of one item, stays bounded.
type itemCapReader struct {
	r    io.Reader
	dec  *json.Decoder
	read int64
	from int64
}

func (r *itemCapReader) start() { r.from = r.dec.InputOffset() }

func (r *itemCapReader) Read(p []byte) (int, error) {
	if r.read-r.from > 2*MaxStreamItemBytes {
		return 0, &streamItemError{what: "an item"}
	}
	n, err := r.r.Read(p)
	r.read += int64(n)
	return n, err
}

type streamItemError struct{ what string }

func (e *streamItemError) Error() string {
	return fmt.Sprintf("%s exceeds %d bytes (MaxStreamItemBytes)", e.what, MaxStreamItemBytes)
}
