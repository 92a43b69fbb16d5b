package rhombus

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// countingReader is an endless body that counts the bytes read from it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	c.n += int64(len(p))
	return len(p), nil
}

// TestAnnouncedOversizedBodyIsNotRead: a Content-Length over the cap is
// refused after reading only the start, for the error's excerpt.
func TestAnnouncedOversizedBodyIsNotRead(t *testing.T) {
	r := &countingReader{}
	head, err := readCapped(r, 200<<20, DefaultMaxResponseBytes)
	var tooLarge *tooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("readCapped = %v, want a *tooLargeError", err)
	}
	if r.n > 256 || len(head) > 256 {
		t.Errorf("read %d bytes and kept %d of a body announced over the cap; want at most 256", r.n, len(head))
	}
}

// TestOversizedBodyCostsAboutTheCap: refusing a body of unknown length
// allocates about the cap, not a buffer that doubles past it.
func TestOversizedBodyCostsAboutTheCap(t *testing.T) {
	const limit = DefaultMaxResponseBytes
	r := io.LimitReader(&countingReader{}, 50<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readCapped(r, -1, limit)
	runtime.ReadMemStats(&after)
	var tooLarge *tooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("readCapped = %v, want a *tooLargeError", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > limit*5/4 {
		t.Errorf("refusing allocated %d bytes (%.1f× the cap of %d)", got, float64(got)/limit, limit)
	}
}

// TestBodiesWithinTheCapAreReadWhole covers the lengths around the cap and
// the chunk boundaries, announced or not.
func TestBodiesWithinTheCapAreReadWhole(t *testing.T) {
	const limit = 100 << 10
	for _, n := range []int{0, 1, 32<<10 - 1, 32 << 10, 32<<10 + 1, 96 << 10, limit - 1, limit, limit + 1} {
		body := strings.Repeat("y", n)
		for _, size := range []int64{int64(n), -1} {
			got, err := readCapped(strings.NewReader(body), size, limit)
			switch {
			case n > limit && err == nil:
				t.Errorf("n=%d size=%d: a body over the cap was accepted", n, size)
			case n <= limit && (err != nil || string(got) != body):
				t.Errorf("n=%d size=%d: got %d bytes, %v", n, size, len(got), err)
			}
		}
	}
	// A body that ends before its announced length is an error, not a
	// short success.
	if _, err := readCapped(strings.NewReader("abc"), 10, limit); err == nil {
		t.Errorf("a body shorter than its Content-Length was accepted")
	}
}
