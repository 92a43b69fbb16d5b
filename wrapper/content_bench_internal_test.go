package rhombus

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkStreamExport reads a 64 MiB CSV answer through a Stream: what
// a call allocates stays near the size of one read (256 KiB chunks and the
// held-back window), not the size of the answer.
func BenchmarkStreamExport(b *testing.B) {
	const size = 64 << 20
	row := strings.Repeat("x", 63) + "\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		chunk := []byte(strings.Repeat(row, (64<<10)/len(row)))
		for n := 0; n < size; n += len(chunk) {
			_, _ = w.Write(chunk)
		}
	}))
	defer srv.Close()
	c, err := New(WithEndpoint(srv.URL), WithCredential(APIToken(contentKey)), WithHTTPClient(srv.Client()),
		WithOperations(exportOp), WithMaxResponseBytes(size))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		s, err := download(context.Background(), c, exportOp.ID, exportOp.Path, exportRequest{})
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, s)
		s.Close()
		if err != nil || n != size {
			b.Fatalf("read %d bytes, %v", n, err)
		}
	}
}
