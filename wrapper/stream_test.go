package rhombus_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

var streamOrg = api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")}

// collect runs a streamed call to the end: its items, and the error that
// ended it (nil when none did).
func collect(c *rhombus.Client) ([]api.DeviceLicense, error) {
	var got []api.DeviceLicense
	for l, err := range c.GetDeviceLicensesForOrgItems(context.Background(), streamOrg) {
		if err != nil {
			return got, err
		}
		got = append(got, l)
	}
	return got, nil
}

// The licenses come one by one, each once and in order, from an answer
// larger than the operation's cap on a whole answer; the warningMsg after
// the list reaches the warning handler, as a whole answer's does.
func TestStreamItemsYieldsEveryLicense(t *testing.T) {
	body := licensesAnswer(20000)
	body = append(body[:len(body)-1], []byte(`,"warningMsg":"slow down"}`)...)
	var warnings []string
	c, hits := answering(t, jsonAnswer(200, string(body)), rhombus.WithMaxResponseBytes(1<<20),
		rhombus.WithWarningHandler(func(_ context.Context, w rhombus.Warning) { warnings = append(warnings, w.Message) }))
	got, err := collect(c)
	require.NoError(t, err)
	require.Len(t, got, 20000)
	for i, l := range got {
		if l.ProductCode != fmt.Sprintf("R400-%06d", i) {
			t.Fatalf("license %d has product code %q", i, l.ProductCode)
		}
	}
	assert.Equal(t, []string{"slow down"}, warnings)
	assert.EqualValues(t, 1, hits.Load())

	// The whole answer is refused by its cap, and the refusal names the
	// streaming method.
	_, err = c.GetDeviceLicensesForOrg(context.Background(), streamOrg)
	require.ErrorIs(t, err, rhombus.ErrDecode)
	assert.Contains(t, err.Error(), "GetDeviceLicensesForOrgItems reads its deviceLicenses one at a time, uncapped")
}

// "error": true after the list is still an error: the items came first,
// the *APIError is the last value.
func TestStreamItemsErrorAfterTheList(t *testing.T) {
	body := licensesAnswer(3)
	body = append(body[:len(body)-1], []byte(`,"error":true,"errorMsg":"partial listing"}`)...)
	body = []byte(strings.Replace(string(body), `{"error":false,`, `{`, 1))
	c, _ := answering(t, jsonAnswer(200, string(body)))
	got, err := collect(c)
	assert.Len(t, got, 3)
	var apiErr *rhombus.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "partial listing", apiErr.Message)
}

// The answer is scrubbed of the client's credential as it is read, and a
// body that breaks off, or is malformed, part way ends the items with a
// *DecodeError; a non-JSON answer and an HTTP failure are refused as a
// whole answer's are, before any item.
func TestStreamItemsScrubsAndRefuses(t *testing.T) {
	echo := `{"deviceLicenses":[{"productCode":"` + testKey + `"}],"error":false}`
	c, _ := answering(t, jsonAnswer(200, echo))
	got, err := collect(c)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.False(t, strings.Contains(got[0].ProductCode, testKey), "the streamed item holds the key")

	cases := map[string]answer{
		"cut":       jsonAnswer(200, `{"deviceLicenses":[{"productCode":"a"},{"productCode":"b"`),
		"malformed": jsonAnswer(200, `{"deviceLicenses":[{"productCode":"a"},{"productCode":}]}`),
		"wrong":     jsonAnswer(200, `{"deviceLicenses":[{"productCode":"a"},{"productCode":7}]}`),
		"not JSON":  {status: 200, contentType: "text/html", body: "<html>maintenance</html>"},
		"too big":   jsonAnswer(200, `{"deviceLicenses":[{"productCode":"`+strings.Repeat("x", 3*rhombus.MaxStreamItemBytes)+`"}]}`),
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := answering(t, a)
			got, err := collect(c)
			require.ErrorIs(t, err, rhombus.ErrDecode)
			if name == "cut" || name == "malformed" || name == "wrong" {
				assert.Len(t, got, 1)
			} else {
				assert.Empty(t, got)
			}
		})
	}
	c, _ = answering(t, jsonAnswer(403, `{"error":true,"errorMsg":"no"}`))
	_, err = collect(c)
	var apiErr *rhombus.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 403, apiErr.StatusCode)

	var stopped int
	c, _ = answering(t, jsonAnswer(200, string(licensesAnswer(100))))
	for _, err := range c.GetDeviceLicensesForOrgItems(context.Background(), streamOrg) {
		require.NoError(t, err)
		if stopped++; stopped == 10 {
			break
		}
	}
	assert.Equal(t, 10, stopped)
}

// Each yielded license is its own: a field the next license lacks is not
// carried over from the one before (the decoder reuses one Item), and the
// lists of two licenses never share memory.
func TestStreamItemsAreIndependent(t *testing.T) {
	c, _ := answering(t, jsonAnswer(200, `{"deviceLicenses":[`+
		`{"productCode":"R400-1","trial":true,"features":[{"enabled":true,"name":"CLOUD_ARCHIVING"}]},`+
		`{},`+
		`{"features":[{"name":"AUDIO"}]}]}`))
	got, err := collect(c)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, api.DeviceLicense{}, got[1], "the second license has none of the first's fields")
	require.Len(t, got[0].Features, 1)
	require.Len(t, got[2].Features, 1)
	got[2].Features[0].Name = "changed"
	assert.Equal(t, "CLOUD_ARCHIVING", got[0].Features[0].Name, "two licenses share their features")
	assert.Equal(t, "R400-1", got[0].ProductCode)
	assert.Nil(t, got[2].Trial)
}
