package fullapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rhombuskit/rhombus-go/fullapi"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

const testKey = "test-key-fullapi-123"

// recorder is a loopback server that answers each path as told and records
// the requests.
type recorder struct {
	mu      sync.Mutex
	answers map[string]func(w http.ResponseWriter)
	got     []*http.Request
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	_, _ = io.Copy(io.Discard, req.Body)
	r.mu.Lock()
	r.got = append(r.got, req)
	answer := r.answers[req.URL.Path]
	r.mu.Unlock()
	if answer == nil {
		http.NotFound(w, req)
		return
	}
	answer(w)
}

func (r *recorder) requests(path string) []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*http.Request
	for _, q := range r.got {
		if q.URL.Path == path {
			out = append(out, q)
		}
	}
	return out
}

func json200(body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}
}

// TestWholeAPIThroughTheWrapper calls three operations of the whole-API
// package through a wrapper client: credentials are sent, a 200 with
// "error": true is an *APIError, and a write is not resent after a 500.
func TestWholeAPIThroughTheWrapper(t *testing.T) {
	rec := &recorder{answers: map[string]func(http.ResponseWriter){
		"/api/location/getLocations":            json200(`{"locations":[{"name":"HQ","uuid":"AAAAAAAAAAAAAAAAAAAAAA"}]}`),
		"/api/camera/getMinimalCameraStateList": json200(`{"error":true,"errorMsg":"camera service unavailable"}`),
		"/api/location/createLocation": func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":"Internal Server Error"}`)
		},
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	c, err := rhombus.New(rhombus.WithCredential(rhombus.APIToken(testKey)), rhombus.WithEndpoint(srv.URL),
		rhombus.WithLimiter(nil))
	if err != nil {
		t.Fatal(err)
	}
	full, err := fullapi.NewClientWithResponses(c.BaseURL(), fullapi.WithHTTPClient(c))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// A read: the answer is typed, and the credential's headers were sent.
	locs, err := full.GetLocationsWithResponse(ctx, nil, fullapi.LocationGetLocationsWSRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if locs.JSON200 == nil || len(locs.JSON200.Locations) != 1 || locs.JSON200.Locations[0].Name != "HQ" {
		t.Fatalf("getLocations: %+v", locs.JSON200)
	}
	reqs := rec.requests("/api/location/getLocations")
	if len(reqs) != 1 {
		t.Fatalf("getLocations: want 1 request, got %d", len(reqs))
	}
	if reqs[0].Header.Get("x-auth-apikey") != testKey || reqs[0].Header.Get("x-auth-scheme") != "api-token" {
		t.Error("getLocations: the API token's headers were not sent as the credential says")
	}

	// A 200 whose envelope says "error": true is an error, not a success.
	_, err = full.GetMinimalCameraStateListWithResponse(ctx, nil, fullapi.CameraGetMinimalCameraStateListWSRequest{})
	var apiErr *rhombus.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, rhombus.ErrRefused) || apiErr.Message != "camera service unavailable" {
		t.Fatalf("getMinimalCameraStateList: want an *APIError matching ErrRefused, got %v", err)
	}

	// A write answered 500 may have been applied: never resent.
	_, err = full.CreatelocationWithResponse(ctx, nil, fullapi.LocationCreateLocationWSRequest{
		Location: fullapi.LocationType{Name: "Annex"},
	})
	if !errors.Is(err, rhombus.ErrOutcomeUnknown) || !errors.Is(err, rhombus.ErrServer) {
		t.Fatalf("createLocation: want an outcome-unknown server error, got %v", err)
	}
	if n := len(rec.requests("/api/location/createLocation")); n != 1 {
		t.Errorf("createLocation: a write answered 500 was sent %d times, want 1", n)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Error("an error holds the key")
	}
}
