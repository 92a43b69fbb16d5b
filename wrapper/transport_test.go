package rhombus_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// concurrentCalls makes 1000 createPendingRegistration calls from
// goroutines through a client built without WithHTTPClient, against a
// loopback server that, when faulty, answers every tenth request with a 429
// or a 500; it returns how many TCP connections the server accepted.
func concurrentCalls(t testing.TB, goroutines int, faulty bool) int {
	var n, conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		i := n.Add(1)
		switch {
		case faulty && i%20 == 10:
			w.Header().Set("Retry-After", "0")
			http.Error(w, "Too many api requests. Enhance your calm.", http.StatusTooManyRequests)
		case faulty && i%20 == 0:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":"Internal Server Error","msg":"injected"}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"error":false}`)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(testKey)), rhombus.WithEndpoint(srv.URL),
		rhombus.WithLimiter(nil), rhombus.WithRetryPolicy(rhombus.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < 1000; i += goroutines {
				_, err := c.CreatePendingRegistration(context.Background(), registration(fmt.Sprintf("RH-CONN-%d", i)))
				if err != nil && !faulty {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	return int(conns.Load())
}

// TestDefaultTransportReusesConnections: 1000 calls from 16 and from 64
// goroutines through the default client, on a healthy and on a faulty
// server, open about as many connections as there are goroutines.
// http.DefaultTransport keeps only 2 idle per host, so it closed the
// others after each call and opened them again (111 to 383 connections).
// The default client's dialer waits, briefly, for a connection on its way
// back to the pool to serve the request instead; a goroutine the scheduler
// holds up longer than that (the race detector makes it likelier) still
// dials, so the bound checked is one in eight above the goroutines
// (BenchmarkConnections reports the usual count: one per goroutine).
func TestDefaultTransportReusesConnections(t *testing.T) {
	for _, goroutines := range []int{16, 64} {
		for _, faulty := range []bool{false, true} {
			t.Run(fmt.Sprintf("goroutines=%d/faulty=%v", goroutines, faulty), func(t *testing.T) {
				if n, most := concurrentCalls(t, goroutines, faulty), goroutines+goroutines/8; n > most {
					t.Errorf("1000 calls from %d goroutines opened %d connections, want at most %d", goroutines, n, most)
				}
			})
		}
	}
}

// BenchmarkConnections reports the TCP connections 1000 calls open from 16
// and 64 goroutines through the default client, on a healthy server and on
// one that answers every tenth request with a 429 or a 500 (new-conns is
// the highest of the runs):
//
//	go test -run='^$' -bench=Connections -benchtime=20x ./wrapper/
func BenchmarkConnections(b *testing.B) {
	for _, goroutines := range []int{16, 64} {
		for _, faulty := range []bool{false, true} {
			b.Run(fmt.Sprintf("goroutines=%d/faulty=%v", goroutines, faulty), func(b *testing.B) {
				most := 0
				for b.Loop() {
					most = max(most, concurrentCalls(b, goroutines, faulty))
				}
				b.ReportMetric(float64(most), "new-conns")
			})
		}
	}
}

// TestUserTransportUntouched: a client given its own *http.Client uses it
// as it is.
func TestUserTransportUntouched(t *testing.T) {
	s := rhombustest.NewServer(t)
	tr := &http.Transport{MaxIdleConnsPerHost: 1}
	hc := &http.Client{Transport: tr}
	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(s.APIKey())), rhombus.WithEndpoint(s.URL), rhombus.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePendingRegistration(context.Background(), registration("RH-OWN")); err != nil {
		t.Fatal(err)
	}
	if tr.MaxIdleConnsPerHost != 1 || hc.Transport != tr {
		t.Error("the user's transport was changed")
	}
}
