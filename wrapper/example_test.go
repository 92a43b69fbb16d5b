package rhombus_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// A program builds one client and shares it. FromEnvironment reads the same
// variables and ~/.rhombus files as the vendor's command line tool.
func ExampleNew() {
	c, err := rhombus.New(rhombus.FromEnvironment())
	if err != nil {
		log.Fatal(err) // for example: no API key: set RHOMBUS_API_KEY, or ...
	}
	_ = c

	// Or say it all in code: a partner key, in the EU region, acting inside
	// one client organisation.
	c, err = rhombus.New(
		rhombus.WithCredential(rhombus.PartnerAPIToken("partner-key")),
		rhombus.WithRegion(rhombus.RegionEU),
		rhombus.WithClientOrg(rhombus.MustParseRUUID("AAAAAAAAAAAAAAAAAAAAAA")),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = c
}

func ExampleClient_CreatePendingRegistration() {
	s := rhombustest.NewServer(nil) // a fake Rhombus; a program uses rhombus.New
	defer s.Close()
	c := s.Client()

	_, err := c.CreatePendingRegistration(context.Background(), api.CreatePendingRegistrationRequest{
		SerialNumber: "RH123456789",
		WifiSsid:     "Office_WiFi",
		WifiPsk:      [][]byte{[]byte("correct horse battery staple")},
	})
	fmt.Println(err, len(s.Registrations(s.DefaultOrg())))
	// Output: <nil> 1
}

func ExampleClient_CreateUser() {
	s := rhombustest.NewServer(nil)
	defer s.Close()
	c := s.Client()

	group := s.PermissionGroup()
	user, err := c.CreateUser(context.Background(), api.CreateUserRequest{
		Email:                 "jane.doe@example.com",
		Name:                  "Jane Doe",
		PermissionGroupUUID:   group,
		AccessibleRhombusApps: []api.RhombusApp{api.RhombusAppCONSOLE, api.RhombusAppRHOMBUSKEY},
		RhombusKeySettings: api.RhombusKeyAppSettings{
			RhombusKeyAccessEnabled: new(true),
			CredentialProvisioningRules: api.CredentialProvisioningRules{
				StartDateProvisioner: rhombus.StaticEpochSeconds(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)),
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.ResponseStatus, user.UserUUID.Validate() == nil)
	// Output: SUCCESS true
}

func ExampleClient_GetDeviceLicensesForOrg() {
	s := rhombustest.NewServer(nil)
	defer s.Close()
	partner := s.Client(rhombus.WithCredential(s.Credential(rhombustest.PartnerAPIToken)))

	res, err := partner.GetDeviceLicensesForOrg(context.Background(), api.GetDeviceLicensesForOrgRequest{OrgUUID: s.DefaultOrg()})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range res.DeviceLicenses {
		// Optional fields are values; a boolean or a number is a pointer,
		// read through its nil-safe getter.
		fmt.Println(l.LicenseType, l.DeviceType, l.State, l.GetTrial())
	}
	// Output:
	// ENTERPRISE CAMERA CLAIMED false
	// ENTERPRISE ENVIRONMENTAL_SENSOR CLAIMED false
}

// Every failure is an error a program can branch on: errors.Is with the
// sentinels, errors.As for the details.
func Example_errors() {
	s := rhombustest.NewServer(nil)
	defer s.Close()
	c := s.Client()
	ctx := context.Background()
	jane := api.CreateUserRequest{Email: "jane@example.com", Name: "Jane"}

	_, _ = c.CreateUser(ctx, jane)
	_, err := c.CreateUser(ctx, jane) // the same email again

	var apiErr *rhombus.APIError
	switch {
	case errors.Is(err, rhombus.Status(api.ResponseStatusUSEREXISTS)):
		fmt.Println("exists:", err)
	case errors.Is(err, rhombus.ErrRateLimited) && errors.As(err, &apiErr):
		fmt.Println("retry after", apiErr.RetryAfter)
	case errors.Is(err, rhombus.ErrOutcomeUnknown):
		fmt.Println("check before resending:", err)
	}
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Operation, apiErr.StatusCode, apiErr.ResponseStatus)
	}

	// Invalid input is refused before anything is sent.
	_, err = c.GetDeviceLicensesForOrg(ctx, api.GetDeviceLicensesForOrgRequest{OrgUUID: rhombus.RUUID("123e4567-e89b-12d3-a456-426614174000")})
	fmt.Println(errors.Is(err, rhombus.ErrInvalidRequest), err)
	// Output:
	// exists: rhombus: createUser: HTTP 200 USER_EXISTS: A user with this email already exists
	// createUser 200 USER_EXISTS
	// true rhombus: getDeviceLicensesForOrg: field orgUuid: invalid RUUID "123e4567-e89b-12d3-a456-426614174000": is a standard UUID, not a RUUID (22-character base64url); convert it with ruuid.FromUUIDString or rhombus.RUUIDFromUUID
}
