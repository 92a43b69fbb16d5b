package rhombus_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// TestDefaultTransportReusesConnections: 1000 calls from 16 goroutines
// through a client built without WithHTTPClient keep their connections;
// http.DefaultTransport keeps only 2 idle per host, so the others were
// closed after each call and opened again (111 connections here). net/http
// dials a new connection for a request that waits while another goes idle,
// so a few more than 16 open while the goroutines start: at most twice as
// many is the bound checked.
func TestDefaultTransportReusesConnections(t *testing.T) {
	const goroutines, calls = 16, 1000
	s := rhombustest.NewServer(t)
	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(s.APIKey())), rhombus.WithEndpoint(s.URL),
		rhombus.WithLimiter(nil))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < calls; i += goroutines {
				if _, err := c.CreatePendingRegistration(context.Background(), registration(fmt.Sprintf("RH-CONN-%d", i))); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := s.Connections(); n > 2*goroutines {
		t.Errorf("%d calls from %d goroutines opened %d connections, want at most %d", calls, goroutines, n, 2*goroutines)
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
