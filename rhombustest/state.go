package rhombustest

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
)

// User is a user the server created through createUser.
type User struct {
	UUID                  ruuid.RUUID
	OrgUUID               ruuid.RUUID
	Email                 string
	Name                  string
	PermissionGroupUUID   ruuid.RUUID // "" when the request named none
	AccessibleRhombusApps []api.RhombusApp
	Created               time.Time
}

// Registration is a pending registration made through
// createPendingRegistration.
type Registration struct {
	OrgUUID      ruuid.RUUID
	SerialNumber string
	LocationUUID ruuid.RUUID // "" when the request named none
	WifiSsid     string
	WifiPsk      [][]byte
	Created      time.Time
}

// store is the state of all organisations. One mutex guards it all: the
// fake favours obviously correct over fast.
type store struct {
	mu    sync.Mutex
	orgs  map[ruuid.RUUID]*orgState
	creds map[string]credential
}

type orgState struct {
	name          string
	partner       bool
	clients       map[ruuid.RUUID]bool
	groups        map[ruuid.RUUID]string
	users         []User
	registrations []Registration
	licenses      []api.DeviceLicense
}

type credential struct {
	kind CredentialKind
	org  ruuid.RUUID
}

func newStore() *store {
	return &store{orgs: make(map[ruuid.RUUID]*orgState), creds: make(map[string]credential)}
}

// newRUUID returns a fresh canonical RUUID, as the real API assigns them.
func newRUUID() ruuid.RUUID {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24
	return ruuid.FromBytes(b)
}

// newSecret returns a fresh random key or token.
func newSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (st *store) addOrg(name string, partner bool) ruuid.RUUID {
	st.mu.Lock()
	defer st.mu.Unlock()
	id := newRUUID()
	st.orgs[id] = &orgState{name: name, partner: partner, clients: map[ruuid.RUUID]bool{}, groups: map[ruuid.RUUID]string{}}
	return id
}

func (st *store) credential(secret string) (credential, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c, ok := st.creds[secret]
	return c, ok
}

func (st *store) manages(partner, client ruuid.RUUID) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.orgs[partner]
	return p != nil && p.partner && p.clients[client]
}

// addRegistration records r unless its serial number is already pending in
// the organisation; serial numbers compare without regard to case.
func (st *store) addRegistration(r Registration) (dup bool, found bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[r.OrgUUID]
	if o == nil {
		return false, false
	}
	for _, old := range o.registrations {
		if strings.EqualFold(old.SerialNumber, r.SerialNumber) {
			return true, true
		}
	}
	o.registrations = append(o.registrations, r)
	return false, true
}

// userOutcome is why addUser did or did not create the user.
type userOutcome int

const (
	userCreated userOutcome = iota
	userOrgNotFound
	userGroupNotFound
	userExists
)

// addUser checks and records u, giving it a fresh UUID. Emails compare
// without regard to case, as the real API does.
func (st *store) addUser(u User) (User, userOutcome) {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[u.OrgUUID]
	if o == nil {
		return u, userOrgNotFound
	}
	if _, ok := o.groups[u.PermissionGroupUUID]; u.PermissionGroupUUID != "" && !ok {
		return u, userGroupNotFound
	}
	for _, old := range o.users {
		if strings.EqualFold(old.Email, u.Email) {
			return u, userExists
		}
	}
	u.UUID = newRUUID()
	o.users = append(o.users, u)
	return u, userCreated
}

func (st *store) licenses(org ruuid.RUUID) []api.DeviceLicense {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[org]
	out := make([]api.DeviceLicense, 0)
	if o == nil {
		return out
	}
	for _, l := range o.licenses {
		out = append(out, cloneLicense(l))
	}
	return out
}

func (st *store) users(org ruuid.RUUID) []User {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[org]
	if o == nil {
		return nil
	}
	out := make([]User, len(o.users))
	for i, u := range o.users {
		u.AccessibleRhombusApps = slices.Clone(u.AccessibleRhombusApps)
		out[i] = u
	}
	return out
}

func (st *store) registrations(org ruuid.RUUID) []Registration {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[org]
	if o == nil {
		return nil
	}
	out := make([]Registration, len(o.registrations))
	for i, r := range o.registrations {
		r.WifiPsk = cloneBytes(r.WifiPsk)
		out[i] = r
	}
	return out
}

func cloneBytes(in [][]byte) [][]byte {
	if in == nil {
		return nil
	}
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = slices.Clone(b)
	}
	return out
}

// clonePtr copies the value behind p, so callers cannot reach the store.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneLicense(l api.DeviceLicense) api.DeviceLicense {
	out := l // values copy; the pointers and the slice are copied below
	out.Trial = clonePtr(l.Trial)
	if l.Features != nil {
		out.Features = make([]api.LicenseFeature, len(l.Features))
		for i, f := range l.Features {
			out.Features[i] = api.LicenseFeature{Enabled: clonePtr(f.Enabled), Name: f.Name}
		}
	}
	return out
}
