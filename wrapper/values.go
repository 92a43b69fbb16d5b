package rhombus

import (
	"time"

	"github.com/rhombuskit/rhombus-go/api"
)

// Optional booleans and numbers of the models are pointers, so that "not
// set" differs from false or 0 (other optional fields are values, left out
// when zero). These helpers make such a field one expression:
//
//	api.CreateUserRequest{SuppressWelcomeEmail: rhombus.Bool(true)}

// Ptr returns a pointer to v.
func Ptr[T any](v T) *T { return &v }

// String returns a pointer to s.
func String(s string) *string { return &s }

// Bool returns a pointer to b.
func Bool(b bool) *bool { return &b }

// Int32 returns a pointer to n.
func Int32(n int32) *int32 { return &n }

// Int64 returns a pointer to n.
func Int64(n int64) *int64 { return &n }

// StaticEpochSeconds is the provisioner union holding the fixed time t (in
// whole seconds), for credentialProvisioningRules' start and end dates.
func StaticEpochSeconds(t time.Time) api.EpochSecondsProvisioner {
	var p api.EpochSecondsProvisioner
	// FromStaticEpochSecondsProvisioner can fail only if marshalling a struct
	// of a string and an int64 fails, which it cannot.
	_ = p.FromStaticEpochSecondsProvisioner(api.StaticEpochSecondsProvisioner{Value: Int64(t.Unix())})
	return p
}
