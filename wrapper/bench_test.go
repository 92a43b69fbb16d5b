package rhombus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// BenchmarkCreateUser compares one createUser through the wrapper with the
// same request made with plain net/http and encoding/json, against the same
// loopback server:
//
//	go test -run='^$' -bench=CreateUser -benchmem ./wrapper/
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
		for b.Loop() {
			res, err := c.CreateUser(ctx, req)
			if err != nil || res.UserUUID == "" {
				b.Fatalf("CreateUser: %v", err)
			}
		}
	})

	b.Run("net-http", func(b *testing.B) {
		hc := http.DefaultClient // what a program using net/http alone gets
		b.ReportAllocs()
		for b.Loop() {
			body, err := json.Marshal(req)
			if err != nil {
				b.Fatal(err)
			}
			r, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/user/createUser", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("x-auth-apikey", testKey)
			r.Header.Set("x-auth-scheme", "api-token")
			resp, err := hc.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			var out api.CreateUserResponse
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || out.UserUUID == "" {
				b.Fatalf("status %d: %v", resp.StatusCode, err)
			}
		}
	})
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
		hc := http.DefaultClient // what a program using net/http alone gets
		b.ReportAllocs()
		for b.Loop() {
			body, err := json.Marshal(api.GetDeviceLicensesForOrgRequest{OrgUUID: org})
			if err != nil {
				b.Fatal(err)
			}
			r, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/partner/getDeviceLicensesForOrg", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("x-auth-apikey", testKey)
			r.Header.Set("x-auth-scheme", "partner-api-token")
			resp, err := hc.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			var out api.GetDeviceLicensesForOrgResponse
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || len(out.DeviceLicenses) != 3 {
				b.Fatalf("status %d: %v", resp.StatusCode, err)
			}
		}
	})
}
