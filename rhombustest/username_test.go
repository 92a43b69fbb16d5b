package rhombustest_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	openapi "github.com/rhombuskit/rhombus-go"
	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// createUser's name is optional: the seed page gives it as "string | null"
// and the vendor's document leaves it out of required. The fake, the
// module's spec and the vendor's document must say the same; create-user
// --help is checked in cmd/rhombus.
func TestCreateUserNameIsOptional(t *testing.T) {
	for _, doc := range []struct {
		name, schema string
		data         []byte
	}{
		{"openapi.yaml", "CreateUserRequest", openapi.Spec},
		{"the vendor's document", "User_CreateUserWSRequest", fullops.Spec},
	} {
		d, err := openapi3.NewLoader().LoadFromData(doc.data)
		require.NoError(t, err, doc.name)
		s := d.Components.Schemas[doc.schema]
		require.NotNil(t, s, "%s has no %s", doc.name, doc.schema)
		require.Contains(t, s.Value.Properties, "name", doc.name)
		assert.False(t, slices.Contains(s.Value.Required, "name"), "%s requires name", doc.name)
	}

	s := rhombustest.NewServer(t)
	for _, body := range []string{`{"email":"noname@example.com"}`, `{"email":"nullname@example.com","name":null}`} {
		r := post(t, s, pathUser, headers(s.Credential(rhombustest.OrgAPIToken)), body)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		env := r.json(t)
		assert.Equal(t, false, env["error"], "%s: %s", body, r.body)
		assert.Equal(t, "SUCCESS", env["responseStatus"], "%s: %s", body, r.body)
	}
	users := s.Users(s.DefaultOrg())
	require.Len(t, users, 2)
	assert.Empty(t, users[0].Name)
}
