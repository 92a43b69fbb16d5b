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
	"testing/synctest"

	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// concurrentCalls makes calls createPendingRegistration calls from
// goroutines through a client built without WithHTTPClient, against a
// loopback server that, when faulty, answers every tenth request with a 429
// or a 500; it returns how many TCP connections the server accepted, and
// how many of them were closed before the calls ended.
func concurrentCalls(t testing.TB, goroutines, calls int, faulty bool) (opened, closed int) {
	var n, conns, gone atomic.Int64
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
		switch st {
		case http.StateNew:
			conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			gone.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	// The default transport is shared: its idle places must not be held
	// by earlier tests' connections (128 in all, the oldest closed first).
	rhombus.CloseIdleDefaultConnections()
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
			for i := g; i < calls; i += goroutines {
				_, err := c.CreatePendingRegistration(context.Background(), registration(fmt.Sprintf("RH-CONN-%d", i)))
				if err != nil && !faulty {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	return int(conns.Load()), int(gone.Load())
}

// TestDefaultTransportReusesConnections: calls from 16 and from 64
// goroutines through the default client, on a healthy and on a faulty
// server, do not churn: no connection is closed while the calls run, and
// the connections opened stay within the default transport's limit (64 a
// host) whether 500 or 2000 calls are made. http.DefaultTransport keeps
// only 2 idle per host, so it closed the others after each call and opened
// them again (111 to 383 connections for 1000 calls). The bounds are the
// transport's settings, not the scheduler's luck: BenchmarkConnections
// reports the usual count.
func TestDefaultTransportReusesConnections(t *testing.T) {
	for _, goroutines := range []int{16, 64} {
		for _, faulty := range []bool{false, true} {
			for _, calls := range []int{500, 2000} {
				t.Run(fmt.Sprintf("goroutines=%d/faulty=%v/calls=%d", goroutines, faulty, calls), func(t *testing.T) {
					// In a synctest bubble time stands still while a goroutine
					// waits on its socket, so net/http's 50 ms wait for its own
					// request write to be reported (past which it drops the
					// connection) cannot run out on a loaded machine: what is
					// left is what the client and its transport decide.
					synctest.Test(t, func(t *testing.T) {
						defer rhombus.CloseIdleDefaultConnections()
						opened, closed := concurrentCalls(t, goroutines, calls, faulty)
						if closed != 0 {
							t.Errorf("%d of %d connections were closed while the calls ran, want none", closed, opened)
						}
						if opened > 64 {
							t.Errorf("%d calls from %d goroutines opened %d connections, want at most 64", calls, goroutines, opened)
						}
					})
				})
			}
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
					opened, _ := concurrentCalls(b, goroutines, 1000, faulty)
					most = max(most, opened)
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
	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(s.Key(rhombustest.OrgAPIToken))), rhombus.WithEndpoint(s.URL), rhombus.WithHTTPClient(hc))
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
