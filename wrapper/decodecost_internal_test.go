package rhombus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/api"
)

// allocated is what decoding body into a new T allocates, as the client
// decodes it: decodeCost first (it makes the top-level lists), then
// encoding/json.
func allocated[T any](t *testing.T, body []byte) int64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := new(T)
	if _, err := decodeCost(body, v, math.MaxInt64); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

func repeatJSON(head, item, tail string, n int) []byte {
	var b strings.Builder
	b.WriteString(head)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(item)
	}
	b.WriteString(tail)
	return []byte(b.String())
}

type costShape struct {
	Items   []api.DeviceLicense `json:"items"`
	Any     any                 `json:"any"`
	Map     map[string]*string  `json:"map"`
	Strings []string            `json:"strings"`
	Ptrs    []*api.LicenseFeature
}

// TestDecodeCostFollowsWhatDecodingAllocates: for answers whose Go values
// are far larger than their JSON, and for a realistic one, the estimate
// made before decoding is close to what decoding then allocates: never
// below two thirds of it (it would let a hostile answer through), and not
// more than twice it (it would refuse honest answers).
func TestDecodeCostFollowsWhatDecodingAllocates(t *testing.T) {
	const n = 50000
	cases := []struct {
		name  string
		body  []byte
		alloc func(*testing.T, []byte) int64
		cost  func([]byte) (int64, error)
	}{
		{"tiny items", repeatJSON(`{"deviceLicenses":[`, `{}`, `]}`, n),
			allocated[api.GetDeviceLicensesForOrgResponse], costOf[api.GetDeviceLicensesForOrgResponse]},
		{"a list below the top level", repeatJSON(`{"deviceLicenses":[{"features":[`, `{}`, `]}]}`, n),
			allocated[api.GetDeviceLicensesForOrgResponse], costOf[api.GetDeviceLicensesForOrgResponse]},
		{"any: numbers in lists", repeatJSON(`{"any":[`, `[0,1]`, `]}`, n), allocated[costShape], costOf[costShape]},
		{"any: objects", repeatJSON(`{"any":[`, `{"a":1,"b":"x"}`, `]}`, n), allocated[costShape], costOf[costShape]},
		{"map of pointers", []byte(`{"map":{` + mapEntries(n) + `}}`), allocated[costShape], costOf[costShape]},
		{"strings", repeatJSON(`{"strings":[`, `"`+strings.Repeat("s", 100)+`"`, `]}`, n), allocated[costShape], costOf[costShape]},
		{"pointers, case folded names", repeatJSON(`{"PTRS":[`, `{"ENABLED":true,"nAmE":"x"}`, `]}`, n), allocated[costShape], costOf[costShape]},
		{"full licenses", licenses(n / 5), allocated[api.GetDeviceLicensesForOrgResponse], costOf[api.GetDeviceLicensesForOrgResponse]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			est, err := tc.cost(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			got := tc.alloc(t, tc.body)
			ratio := float64(est) / float64(got)
			t.Logf("%d bytes of JSON: estimate %d, allocated %d (%.2f), estimate per JSON byte %.2f", len(tc.body), est, got, ratio, float64(est)/float64(len(tc.body)))
			if ratio < 2.0/3 || ratio > 2 {
				t.Errorf("estimate %d for %d bytes allocated: ratio %.2f, want within [0.67, 2]", est, got, ratio)
			}
		})
	}
}

func mapEntries(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":"v"`, i)
	}
	return b.String()
}

func costOf[T any](body []byte) (int64, error) {
	return decodeCost(body, new(T), math.MaxInt64)
}

// licenses is a getDeviceLicensesForOrg answer of n licenses with every
// field of the vendor's example.
func licenses(n int) []byte {
	item := `{"claimKeyUuid":"AAAAAAAAAAAAAAAAAAAAAA","createdOn":"2023-11-07T05:31:56Z","deviceType":"CAMERA","deviceUuid":"AAAAAAAAAAAAAAAAAAAAAA","features":[{"enabled":true,"name":"CLOUD_ARCHIVING"}],"firstAssignedDate":"2023-11-07T05:31:56Z","licenseFamily":"CAMERA","licenseToUnassignEmailState":"NONE","licenseType":"ENTERPRISE","maxDeleteDate":"2023-11-07T05:31:56Z","orgUuid":"AAAAAAAAAAAAAAAAAAAAAA","priorClaimKeyUuid":"AAAAAAAAAAAAAAAAAAAAAA","productCode":"R400-000001","state":"CLAIMED","trial":false,"updatedOn":"2023-11-07T05:31:56Z","uuid":"AAAAAAAAAAAAAAAAAAAAAA"}`
	return repeatJSON(`{"error":false,"deviceLicenses":[`, item, `]}`, n)
}

// TestDecodeCostStopsEarly: the walk stops once the estimate passes the
// budget, and at the first level past maxDecodeDepth, wherever it is.
func TestDecodeCostStopsEarly(t *testing.T) {
	body := repeatJSON(`{"deviceLicenses":[`, `{}`, `]}`, 10000)
	est, err := decodeCost(body, new(api.GetDeviceLicensesForOrgResponse), 1000)
	if err != errOverSpend || est > 1000+int64(licenseSize()) {
		t.Errorf("decodeCost = %d, %v; want errOverSpend just past 1000", est, err)
	}
	for _, d := range []int{maxDecodeDepth - 1, maxDecodeDepth, maxDecodeDepth + 1} {
		// Nesting in a field nothing decodes counts too.
		body := []byte(`{"deviceLicenses":[],"x":` + strings.Repeat("[", d) + strings.Repeat("]", d) + `}`)
		_, err := decodeCost(body, new(api.GetDeviceLicensesForOrgResponse), math.MaxInt64)
		if depth := d + 1; (depth > maxDecodeDepth) != (err == errTooDeep) {
			t.Errorf("depth %d: decodeCost = %v", depth, err)
		}
	}
}

func licenseSize() int { return int(planFor(typeOf[api.DeviceLicense]()).size) }

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// FuzzDecodeCost: the walk never panics, agrees with encoding/json on
// which bodies are JSON (within the depth limit), and on a decode into a
// value it made its lists for, encoding/json gives the same result as into
// a fresh value.
func FuzzDecodeCost(f *testing.F) {
	f.Add([]byte(`{"deviceLicenses":[{},{"features":[{"enabled":true}]}],"x":[[1,"a",{"b":null}]]}`))
	f.Add([]byte(`{"deviceLicenses":[],"deviceLicenses":[{}, {}],"DEVICELICENSES":[{"uuid":"AAAAAAAAAAAAAAAAAAAAAA"}]}`))
	f.Add([]byte(`{"any":{"a":[1,2,{"c":"\u0041"}]},"map":{"k":"v","k2":null},"strings":["\ud800","é"]}`))
	f.Add([]byte(`{"Ptrs":[{"name":"x"}],"items":[{"createdOn":"2023-11-07T05:31:56+01:30"}]}`))
	f.Add([]byte(` [1, 2] `))
	f.Add([]byte(`{"a":tru}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, into := range []func() any{
			func() any { return new(api.GetDeviceLicensesForOrgResponse) },
			func() any { return new(costShape) },
			func() any { return new(any) },
		} {
			v := into()
			_, err := decodeCost(body, v, math.MaxInt64)
			valid := json.Valid(body)
			if valid && err == errScan {
				t.Fatalf("valid JSON %q: decodeCost says malformed", body)
			}
			if err != nil {
				continue
			}
			fresh := into()
			errFresh := json.Unmarshal(body, fresh)
			errMade := json.Unmarshal(body, v)
			if (errFresh == nil) != (errMade == nil) {
				t.Fatalf("%q: into a fresh value: %v; after decodeCost: %v", body, errFresh, errMade)
			}
			if errFresh == nil {
				a, _ := json.Marshal(fresh)
				b, _ := json.Marshal(v)
				if !bytes.Equal(a, b) {
					t.Fatalf("%q: decoded differently after decodeCost:\n%s\n%s", body, a, b)
				}
			}
		}
	})
}
