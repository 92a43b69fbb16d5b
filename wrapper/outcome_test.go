package rhombus_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

func badOrg() rhombus.RUUID { return "bad" }

// unreadable200s are 200 answers a client cannot read into any result type.
var unreadable200s = []struct {
	name string
	a    answer
}{
	{"truncated", jsonAnswer(200, `{`)},
	{"array", jsonAnswer(200, `[]`)},
	{"null", jsonAnswer(200, `null`)},
	{"HTML", answer{status: 200, contentType: "text/html", body: "<html>ok</html>"}},
	{"BOM", jsonAnswer(200, "\ufeff{}")},
	{"oversized", jsonAnswer(200, `{"warningMsg":"`+strings.Repeat("x", 2000)+`"}`)},
	{"warningMsg of the wrong type", jsonAnswer(200, `{"warningMsg":12345}`)},
	{"userUuid of the wrong type", jsonAnswer(200, `{"responseStatus":"SUCCESS","userUuid":12345}`)},
}

// writeCalls are every way to send each write operation.
var writeCalls = []struct {
	name string
	call func(*rhombus.Client) error
}{
	{"CreateUser", func(c *rhombus.Client) error {
		_, err := c.CreateUser(context.Background(), api.CreateUserRequest{Email: "a@example.com"})
		return err
	}},
	{"API().CreateUserWithResponse", func(c *rhombus.Client) error {
		_, err := c.API().CreateUserWithResponse(context.Background(), api.CreateUserRequest{Email: "a@example.com"})
		return err
	}},
	{"API().CreateUserWithBodyWithResponse", func(c *rhombus.Client) error {
		_, err := c.API().CreateUserWithBodyWithResponse(context.Background(), "application/json", strings.NewReader(`{"email":"a@example.com"}`))
		return err
	}},
}

// TestUnreadable200ToAWriteIsOutcomeUnknown: whatever way a write is sent,
// a 200 that cannot be read into its result is of unknown outcome, and the
// request went out once.
func TestUnreadable200ToAWriteIsOutcomeUnknown(t *testing.T) {
	for _, shape := range unreadable200s {
		for _, w := range writeCalls {
			t.Run(shape.name+"/"+w.name, func(t *testing.T) {
				c, hits := answering(t, shape.a, rhombus.WithMaxResponseBytes(1000))
				err := w.call(c)
				require.Error(t, err)
				assert.ErrorIs(t, err, rhombus.ErrOutcomeUnknown)
				assert.ErrorIs(t, err, rhombus.ErrDecode)
				assert.Equal(t, int64(1), hits.Load())
			})
		}
	}
}
