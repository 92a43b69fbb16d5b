package rhombustest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// TestSignUp is a user's own test against the fake, as the README quotes it.
func TestSignUp(t *testing.T) {
	s := rhombustest.NewServer(t) // closed when the test ends
	ctx := context.Background()

	_, err := s.Client().CreateUser(ctx, api.CreateUserRequest{Email: "jane@example.com", Name: "Jane Doe"})
	require.NoError(t, err)
	require.Len(t, s.Users(s.DefaultOrg()), 1)
}
