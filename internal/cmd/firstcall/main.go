// Command firstcall measures the first call of a fresh process: through a
// client built without WithHTTPClient (the default transport), and through
// a plain http.Transport with encoding/json, against a loopback server this
// command starts. It runs each kind in -n processes, interleaved (the order
// alternating), and prints each kind's median, least and most:
//
//	go run ./internal/cmd/firstcall -n 30
//
// The time is that of the call alone: the process, the client and the
// request are ready before the clock starts; the connection is not.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

const (
	path = "/api/org/createPendingRegistration"
	key  = "firstcall-key-0123456789"
)

func main() {
	n := flag.Int("n", 30, "processes of each kind")
	child := flag.String("child", "", "run one call of this kind (default or plain) against -url and print its nanoseconds")
	url := flag.String("url", "", "the server, for -child")
	flag.Parse()
	if *child != "" {
		d, err := firstCall(*child, *url)
		if err != nil {
			fmt.Fprintln(os.Stderr, "firstcall:", err)
			os.Exit(1)
		}
		fmt.Println(d.Nanoseconds())
		return
	}
	if err := run(*n); err != nil {
		fmt.Fprintln(os.Stderr, "firstcall:", err)
		os.Exit(1)
	}
}

// run starts the server and n processes of each kind, alternating which
// kind goes first, and prints the figures.
func run(n int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"error":false}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	times := map[string][]time.Duration{}
	for i := range n {
		kinds := []string{"default", "plain"}
		if i%2 == 1 {
			slices.Reverse(kinds)
		}
		for _, k := range kinds {
			out, err := exec.Command(self, "-child", k, "-url", url).Output()
			if err != nil {
				return fmt.Errorf("%s process: %w", k, err)
			}
			ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
			if err != nil {
				return fmt.Errorf("%s process printed %q", k, out)
			}
			times[k] = append(times[k], time.Duration(ns))
		}
	}
	med := map[string]time.Duration{}
	for _, k := range []string{"default", "plain"} {
		t := times[k]
		slices.Sort(t)
		med[k] = (t[(len(t)-1)/2] + t[len(t)/2]) / 2
		fmt.Printf("%-8s %d processes: median %v, least %v, most %v\n", k, len(t), med[k], t[0], t[len(t)-1])
	}
	fmt.Printf("median difference (default - plain): %v\n", med["default"]-med["plain"])
	return nil
}

// firstCall makes this process's first call of the kind and returns how
// long it took.
func firstCall(kind, url string) (time.Duration, error) {
	ctx := context.Background()
	req := api.CreatePendingRegistrationRequest{SerialNumber: "RH-FIRST"}
	switch kind {
	case "default":
		c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(key)), rhombus.WithEndpoint(url))
		if err != nil {
			return 0, err
		}
		start := time.Now()
		_, err = c.CreatePendingRegistration(ctx, req)
		return time.Since(start), err
	case "plain":
		hc := &http.Client{Transport: &http.Transport{}}
		start := time.Now()
		body, err := json.Marshal(req)
		if err != nil {
			return 0, err
		}
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, url+path, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("x-auth-scheme", "api-token")
		r.Header.Set("x-auth-apikey", key)
		resp, err := hc.Do(r)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var res api.CreatePendingRegistrationResponse
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
			return 0, err
		}
		return time.Since(start), nil
	}
	return 0, fmt.Errorf("-child %q: want default or plain", kind)
}
