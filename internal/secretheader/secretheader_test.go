package secretheader

import "testing"

func TestIs(t *testing.T) {
	for name, want := range map[string]bool{
		"x-auth-apikey": true, "X-Auth-Apikey": true, "X-AUTH-ACCESS-TOKEN": true, "Authorization": true,
		"cookie": true, "Proxy-Authorization": true, "x-auth-scheme": false, "x-auth-org": false, "Content-Type": false,
	} {
		if got := Is(name); got != want {
			t.Errorf("Is(%q) = %v, want %v", name, got, want)
		}
	}
	if n := Names(); len(n) != 5 || n[0] != "x-auth-apikey" {
		t.Errorf("Names() = %v", n)
	}
}
