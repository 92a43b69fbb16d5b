package rhombus

import (
	"time"

	"github.com/rhombuskit/rhombus-go/api"
)

// Optional booleans and numbers of the models are pointers, so that "not
// set" differs from false or 0 (other optional fields are values, left out
// when zero); new(true) or new(int32(3)) sets one, and the generated
// getters (GetSuppressWelcomeEmail, ...) read one without a nil check.

// StaticEpochSeconds is the provisioner union holding the fixed time t (in
// whole seconds), for credentialProvisioningRules' start and end dates.
func StaticEpochSeconds(t time.Time) api.EpochSecondsProvisioner {
	var p api.EpochSecondsProvisioner
	// FromStaticEpochSecondsProvisioner can fail only if marshalling a struct
	// of a string and an int64 fails, which it cannot.
	_ = p.FromStaticEpochSecondsProvisioner(api.StaticEpochSecondsProvisioner{Value: new(t.Unix())})
	return p
}
