package rhombustest

import (
	"net/http"
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
		if k.IsPartner() {
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

// DefaultOrg is the organisation every server is seeded with. It also has
// one key of each organisation kind (APIKey, CertificateKey, OAuthToken),
// a permission group (PermissionGroup) and two fully filled device
// licenses, and it is a client of DefaultPartner.
func (s *Server) DefaultOrg() ruuid.RUUID { return s.def.org }

// DefaultPartner is the partner seeded with every server. It manages
// DefaultOrg and has a PartnerAPIKey and a PartnerCertificateKey.
func (s *Server) DefaultPartner() ruuid.RUUID { return s.def.partner }

// Key returns the seeded key or token of the given kind.
func (s *Server) Key(kind CredentialKind) string { return s.def.keys[kind] }

// APIKey returns the organisation API token of DefaultOrg
// (x-auth-scheme: api-token).
func (s *Server) APIKey() string { return s.Key(OrgAPIToken) }

// PartnerAPIKey returns the partner API token of DefaultPartner
// (x-auth-scheme: partner-api-token).
func (s *Server) PartnerAPIKey() string { return s.Key(PartnerAPIToken) }

// CertificateKey returns the certificate key of DefaultOrg
// (x-auth-scheme: api).
func (s *Server) CertificateKey() string { return s.Key(OrgCertificateKey) }

// PartnerCertificateKey returns the certificate key of DefaultPartner
// (x-auth-scheme: partner-api).
func (s *Server) PartnerCertificateKey() string { return s.Key(PartnerCertificateKey) }

// OAuthToken returns the OAuth access token of a DefaultOrg user
// (x-auth-scheme: api-oauth-token).
func (s *Server) OAuthToken() string { return s.Key(OAuthAccessToken) }

// PermissionGroup returns the permission group seeded in DefaultOrg.
func (s *Server) PermissionGroup() ruuid.RUUID { return s.def.group }

// Headers returns the credential headers of the seeded key of kind.
func (s *Server) Headers(kind CredentialKind) http.Header {
	return CredentialHeaders(kind, s.Key(kind))
}

// RequestEditor returns a request editor for the generated client that
// sends the seeded key of kind.
func (s *Server) RequestEditor(kind CredentialKind) api.RequestEditorFn {
	return HeaderEditor(s.Headers(kind))
}

// AddOrg adds an organisation and returns its UUID.
func (s *Server) AddOrg(name string) ruuid.RUUID { return s.state.addOrg(name, false) }

// AddPartner adds a partner organisation managing the given clients.
func (s *Server) AddPartner(name string, clients ...ruuid.RUUID) ruuid.RUUID {
	p := s.state.addOrg(name, true)
	for _, c := range clients {
		s.ManageOrg(p, c)
	}
	return p
}

// ManageOrg makes client a client organisation of partner, so that the
// partner's credentials may act in it (x-auth-org) or name it in a body.
func (s *Server) ManageOrg(partner, client ruuid.RUUID) {
	st := s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	p, c := st.orgs[partner], st.orgs[client]
	switch {
	case p == nil || !p.partner:
		s.reportf("ManageOrg: %s is not a partner", partner)
	case c == nil:
		s.reportf("ManageOrg: no organisation %s", client)
	default:
		p.clients[client] = true
	}
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
	case kind.IsPartner() != o.partner:
		s.reportf("AddAPIKey: a %s needs a partner=%t organisation", kind, kind.IsPartner())
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
