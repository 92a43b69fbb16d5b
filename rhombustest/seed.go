package rhombustest

import (
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/ruuid"
)

// defaults are what every server is seeded with unless WithoutDefaults.
type defaults struct {
	org, partner ruuid.RUUID
	group        ruuid.RUUID
	keys         map[CredentialKind]string
}

func (s *Server) seedDefaults() {
	s.def.org = s.AddOrg("Default Organisation")
	s.def.partner = s.AddPartner("Default Partner", s.def.org)
	s.def.keys = make(map[CredentialKind]string, len(Kinds()))
	for _, k := range Kinds() {
		owner := s.def.org
		if k.isPartner() {
			owner = s.def.partner
		}
		s.def.keys[k] = s.AddAPIKey(owner, k)
	}
	s.def.group = s.AddPermissionGroup(s.def.org, "Admins")
	camera := NewDeviceLicense(s.def.org)
	sensor := NewDeviceLicense(s.def.org)
	sensor.DeviceType = api.DeviceTypeENVIRONMENTALSENSOR
	sensor.LicenseFamily = api.DeviceLicenseFamilyENVIRONMENTALSENSOR
	sensor.ProductCode = "LIC-E15-3Y"
	s.AddLicense(s.def.org, camera)
	s.AddLicense(s.def.org, sensor)
}

// DefaultOrg is the organisation every server is seeded with. It has one
// key of each organisation kind (Key), a permission group
// (PermissionGroup) and two fully filled device licenses, and it is a
// client of DefaultPartner.
func (s *Server) DefaultOrg() ruuid.RUUID { return s.def.org }

// DefaultPartner is the partner seeded with every server. It manages
// DefaultOrg and has a key of each partner kind (Key).
func (s *Server) DefaultPartner() ruuid.RUUID { return s.def.partner }

// Key returns the seeded key or token of kind: DefaultOrg's for an
// organisation kind, DefaultPartner's for a partner kind. Credential
// returns it ready to send.
func (s *Server) Key(kind CredentialKind) string { return s.def.keys[kind] }

// PermissionGroup returns the permission group seeded in DefaultOrg.
func (s *Server) PermissionGroup() ruuid.RUUID { return s.def.group }

// AddOrg adds an organisation and returns its UUID.
func (s *Server) AddOrg(name string) ruuid.RUUID { return s.state.addOrg(name, false) }

// AddPartner adds a partner organisation managing the given clients, so
// that the partner's credentials may act in them (x-auth-org) or name them
// in a body.
func (s *Server) AddPartner(name string, clients ...ruuid.RUUID) ruuid.RUUID {
	p := s.state.addOrg(name, true)
	st := s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, c := range clients {
		if st.orgs[c] == nil {
			s.reportf("AddPartner: no organisation %s", c)
			continue
		}
		st.orgs[p].clients[c] = true
	}
	return p
}

// AddAPIKey adds a fresh key or token of kind for org and returns it.
// Partner kinds need a partner (AddPartner); misuse fails the test and
// returns "".
func (s *Server) AddAPIKey(org ruuid.RUUID, kind CredentialKind) string {
	st := s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[org]
	switch {
	case !kind.valid():
		s.reportf("AddAPIKey: unknown credential kind %d", int(kind))
		return ""
	case o == nil:
		s.reportf("AddAPIKey: no organisation %s", org)
		return ""
	case kind.isPartner() != o.partner:
		s.reportf("AddAPIKey: a %s needs a partner=%t organisation", kind, kind.isPartner())
		return ""
	}
	key := newSecret()
	st.creds[key] = credential{kind: kind, org: org}
	return key
}

// AddPermissionGroup adds a permission group to org and returns its UUID,
// for createUser's permissionGroupUuid.
func (s *Server) AddPermissionGroup(org ruuid.RUUID, name string) ruuid.RUUID {
	st := s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[org]
	if o == nil {
		s.reportf("AddPermissionGroup: no organisation %s", org)
		return ""
	}
	id := newRUUID()
	o.groups[id] = name
	return id
}

// AddLicense adds a device license to org; getDeviceLicensesForOrg returns
// it as given (see NewDeviceLicense for a fully filled one).
func (s *Server) AddLicense(org ruuid.RUUID, l api.DeviceLicense) {
	st := s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[org]
	if o == nil {
		s.reportf("AddLicense: no organisation %s", org)
		return
	}
	o.licenses = append(o.licenses, cloneLicense(l))
}

// Users returns the users created in org, oldest first.
func (s *Server) Users(org ruuid.RUUID) []User { return s.state.users(org) }

// Registrations returns the pending registrations of org, oldest first.
func (s *Server) Registrations(org ruuid.RUUID) []Registration {
	return s.state.registrations(org)
}

// Licenses returns the device licenses of org.
func (s *Server) Licenses(org ruuid.RUUID) []api.DeviceLicense { return s.state.licenses(org) }

// NewDeviceLicense returns a camera license of org with every field the
// vendor sends filled, fresh UUIDs, and dates in whole UTC seconds, so a
// client that drops a field shows it.
func NewDeviceLicense(org ruuid.RUUID) api.DeviceLicense {
	created := time.Now().UTC().Truncate(time.Second).AddDate(-1, 0, 0)
	return api.DeviceLicense{
		ClaimKeyUUID:                newRUUID(),
		CreatedOn:                   created,
		DeviceType:                  api.DeviceTypeCAMERA,
		DeviceUUID:                  newRUUID(),
		Features:                    []api.LicenseFeature{{Enabled: ptr(true), Name: "PEOPLE_SEARCH"}, {Enabled: ptr(false), Name: "LPR"}},
		FirstAssignedDate:           created.Add(24 * time.Hour),
		LicenseFamily:               api.DeviceLicenseFamilyCAMERA,
		LicenseToUnassignEmailState: api.LicenseToUnassignEmailStateINITIALEMAILSUCCEEDED,
		LicenseType:                 api.LicenseTypeENTERPRISE,
		MaxDeleteDate:               created.AddDate(3, 0, 30),
		OrgUUID:                     org,
		PriorClaimKeyUUID:           newRUUID(),
		ProductCode:                 "LIC-CAM-ENT-3Y",
		ProductType:                 api.ProductTypeDEVICE,
		State:                       api.LicenseStateCLAIMED,
		Trial:                       ptr(false),
		UpdatedOn:                   created.AddDate(0, 6, 0),
		UUID:                        newRUUID(),
	}
}

func ptr[T any](v T) *T { return &v }
