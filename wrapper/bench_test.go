package rhombus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// BenchmarkCreateUser compares one createUser through the wrapper's typed
// method and through its generated client (c.API()) with the same request
// made with plain net/http and encoding/json, against the same loopback
// server:
//
//	go test -run='^$' -bench='CreateUser$' -benchmem -count=5 ./wrapper/
func BenchmarkCreateUser(b *testing.B) {
	const answer = `{"error":false,"responseStatus":"SUCCESS","userUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	b.Cleanup(srv.Close)
	req := api.CreateUserRequest{
		Email:                 "jane@example.com",
		Name:                  "Jane Doe",
		PermissionGroupUUID:   rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA"),
		AccessibleRhombusApps: []api.RhombusApp{api.RhombusAppCONSOLE},
	}
	ctx := context.Background()

	b.Run("wrapper", func(b *testing.B) {
		// The default client, as users get it, with no client-side pacing:
		// this measures the cost of one call.
		c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)),
			rhombus.WithLimiter(nil))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		loopCPU(b, func() {
			res, err := c.CreateUser(ctx, req)
			if err != nil || res.UserUUID == "" {
				b.Fatalf("CreateUser: %v", err)
			}
		})
	})

	b.Run("api", func(b *testing.B) {
		// The generated client sending through the wrapper, as c.API()
		// gives it.
		c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)),
			rhombus.WithLimiter(nil))
		if err != nil {
			b.Fatal(err)
		}
		gen := c.API()
		b.ReportAllocs()
		loopCPU(b, func() {
			res, err := gen.CreateUserWithResponse(ctx, req)
			if err != nil || res.JSON200 == nil || res.JSON200.UserUUID == "" {
				b.Fatalf("CreateUserWithResponse: %v", err)
			}
		})
	})

	b.Run("api-editor", func(b *testing.B) {
		// c.API() with a request editor, which must see the request before
		// it is sent: the generated client builds it, and the wrapper
		// copies it and reads its body back, as for any caller's request.
		c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.APIToken(testKey)),
			rhombus.WithLimiter(nil))
		if err != nil {
			b.Fatal(err)
		}
		gen := c.API()
		edit := func(context.Context, *http.Request) error { return nil }
		b.ReportAllocs()
		loopCPU(b, func() {
			res, err := gen.CreateUserWithResponse(ctx, req, edit)
			if err != nil || res.JSON200 == nil || res.JSON200.UserUUID == "" {
				b.Fatalf("CreateUserWithResponse: %v", err)
			}
		})
	})

	b.Run("net-http", func(b *testing.B) {
		b.ReportAllocs()
		loopCPU(b, func() {
			out, err := plainCall[api.CreateUserResponse](ctx, srv.URL+"/api/user/createUser", "api-token", req)
			if err != nil || out.UserUUID == "" {
				b.Fatalf("%v", err)
			}
		})
	})
}

// loopCPU runs call in b.Loop and reports, beside the wall time, the
// process's CPU time per call (cpu-ns/op), less disturbed by the other work
// of a loaded machine. The loopback server runs in the process, so both
// count both sides of the call.
func loopCPU(b *testing.B, call func()) {
	start := processCPU()
	for b.Loop() {
		call()
	}
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkGetDeviceLicensesForOrg is BenchmarkCreateUser for the partner
// read, with an answer of three licenses:
//
//	go test -run='^$' -bench='GetDeviceLicensesForOrg$' -benchmem -count=5 ./wrapper/
func BenchmarkGetDeviceLicensesForOrg(b *testing.B) {
	answer := licensesAnswer(3)
	srv := serveBody(b, answer)
	org := rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")
	ctx := context.Background()

	b.Run("wrapper", func(b *testing.B) {
		c, err := rhombus.New(rhombus.WithEndpoint(srv.URL), rhombus.WithCredential(rhombus.PartnerAPIToken(testKey)),
			rhombus.WithLimiter(nil))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			res, err := c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: org})
			if err != nil || len(res.DeviceLicenses) != 3 {
				b.Fatalf("GetDeviceLicensesForOrg: %v", err)
			}
		}
	})

	b.Run("net-http", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := plainCall[api.GetDeviceLicensesForOrgResponse](ctx, srv.URL+"/api/partner/getDeviceLicensesForOrg", "partner-api-token", api.GetDeviceLicensesForOrgRequest{OrgUUID: org})
			if err != nil || len(out.DeviceLicenses) != 3 {
				b.Fatalf("%v", err)
			}
		}
	})
}

// plainCall is one call made with net/http's DefaultClient and
// encoding/json alone, as a program without this module would make it.
func plainCall[Out any](ctx context.Context, url, scheme string, in any) (*Out, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("x-auth-apikey", testKey)
	r.Header.Set("x-auth-scheme", scheme)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	out := new(Out)
	return out, json.NewDecoder(resp.Body).Decode(out)
}
