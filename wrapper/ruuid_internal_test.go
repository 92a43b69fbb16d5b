package rhombus

import (
	"errors"
	"testing"
)

// TestValidateBodyPaths: the one RUUID check reads the table's paths in
// the JSON as sent, whatever its spacing or escapes, and names the field
// as the request spells it.
func TestValidateBodyPaths(t *testing.T) {
	op := Operation{ID: "op", RUUIDFields: []string{"orgUuid", "location.floorPlans[].mediaUuid", "sets[].ids[]"}}
	const ok = "AAAAAAAAAAAAAAAAAAAAAA"
	cases := []struct {
		name, body, field string // field "": no error
	}{
		{"valid", `{"orgUuid":"` + ok + `","location":{"floorPlans":[{"mediaUuid":"` + ok + `"}]}}`, ""},
		{"top level", `{"orgUuid":"abc"}`, "orgUuid"},
		{"spaced", " {\n \"orgUuid\" :\t\"abc\" } ", "orgUuid"},
		{"second item", `{"location":{"floorPlans":[{"mediaUuid":"` + ok + `"},{"x":[1,{"y":"z"}],"mediaUuid":"AAAAAAAAAAAAAAAAAAAAAB"}]}}`, "location.floorPlans[1].mediaUuid"},
		{"list of lists", `{"sets":[{"ids":["` + ok + `"]},{"ids":["` + ok + `","nope"]}]}`, "sets[1].ids[1]"},
		{"escaped key", `{"org\u0055uid":"abc"}`, "orgUuid"},
		{"escaped value", `{"orgUuid":"\u0041AAAAAAAAAAAAAAAAAAAAA"}`, ""},
		{"escaped invalid value", `{"orgUuid":"\u0041"}`, "orgUuid"},
		{"empty string", `{"orgUuid":""}`, "orgUuid"},
		{"duplicate key, the second invalid", `{"orgUuid":"` + ok + `","orgUuid":"abc"}`, "orgUuid"},
		{"other keys skipped", `{"a":{"orgUuid":"abc"},"b":["orgUuid","abc"],"orgUuid":null}`, ""},
		{"another case is another field", `{"OrgUuid":"abc"}`, ""},
		{"number", `{"orgUuid":12}`, ""},
		{"not a list", `{"sets":{"ids":["abc"]}}`, ""},
		{"not JSON", `{"orgUuid":"abc",}`, ""},
		{"not an object", `["abc"]`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validateBody(op, []byte(tc.body), func(s string) string { return s })
			var ve *ValidationError
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field):
				t.Errorf("got %v, want a *ValidationError on %s", err, tc.field)
			}
		})
	}
}

// TestValidRUUIDTextAgreesWithTheCheck: the fast test of a value passes
// exactly the texts ruuid's check passes.
func TestValidRUUIDTextAgreesWithTheCheck(t *testing.T) {
	for _, s := range []string{
		"AAAAAAAAAAAAAAAAAAAAAA", "_____________________w", "---------------------Q", "Ej5FZ-ibEtOkVkJmFBdAAg",
		"AAAAAAAAAAAAAAAAAAAAAB", "AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAA+AAAAAAAAAAA",
		"AAAAAAAAAA=AAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAé", "", "123e4567-e89b-12d3-a456-426614174000",
	} {
		if got, want := validRUUIDText([]byte(s)), RUUID(s).Validate() == nil; got != want {
			t.Errorf("validRUUIDText(%q) = %v, ruuid says %v", s, got, want)
		}
	}
}
