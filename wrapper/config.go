package rhombus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/ini.v1"
)

// The environment variables the vendor's command line tool reads; the
// environment overrides the files.
const (
	EnvAPIKey      = "RHOMBUS_API_KEY"
	EnvEndpointURL = "RHOMBUS_ENDPOINT_URL"
	EnvProfile     = "RHOMBUS_PROFILE"
)

// FromEnvironment configures the client the way the vendor's command line
// tool is configured, so existing setups work unchanged:
//
//   - the profile is $RHOMBUS_PROFILE, or "default";
//   - ~/.rhombus/credentials (INI) has a section per profile with api_key,
//     auth_type ("token" or "cert"), cert_file, key_file and is_partner;
//   - ~/.rhombus/config (INI) has [default] or [profile NAME] sections with
//     endpoint_url;
//   - $RHOMBUS_API_KEY and $RHOMBUS_ENDPOINT_URL override the files.
//
// Options after FromEnvironment override what it set.
func FromEnvironment() Option {
	return func(s *settings) error {
		home, err := os.UserHomeDir()
		if err != nil {
			home = ""
		}
		return loadEnvironment(s, os.Getenv, home)
	}
}

func loadEnvironment(s *settings, getenv func(string) string, home string) error {
	profile := getenv(EnvProfile)
	explicitProfile := profile != ""
	if !explicitProfile {
		profile = "default"
	}
	dir := filepath.Join(home, ".rhombus")
	credPath, confPath := filepath.Join(dir, "credentials"), filepath.Join(dir, "config")

	creds, err := loadINI(credPath)
	if err != nil {
		return err
	}
	var sec *ini.Section
	if creds != nil {
		sec, _ = creds.GetSection(profile)
	}
	if sec == nil && explicitProfile && getenv(EnvAPIKey) == "" {
		return fmt.Errorf("rhombus: profile %q (from %s) has no section in %s", profile, EnvProfile, credPath)
	}

	key := getenv(EnvAPIKey)
	authType, certFile, keyFile, partner := "token", "", "", false
	if sec != nil {
		if key == "" {
			key = sec.Key("api_key").String()
		}
		if v := strings.TrimSpace(sec.Key("auth_type").String()); v != "" {
			authType = strings.ToLower(v)
		}
		certFile = expandHome(sec.Key("cert_file").String(), home)
		keyFile = expandHome(sec.Key("key_file").String(), home)
		if v := strings.TrimSpace(sec.Key("is_partner").String()); v != "" {
			if partner, err = strconv.ParseBool(v); err != nil {
				return fmt.Errorf("rhombus: %s [%s] is_partner: must be true or false, got %q", credPath, profile, v)
			}
		}
	}
	if key == "" {
		return fmt.Errorf("rhombus: no API key: set %s, or api_key in the [%s] section of %s", EnvAPIKey, profile, credPath)
	}

	switch authType {
	case "token":
		if partner {
			s.cred = PartnerAPIToken(key)
		} else {
			s.cred = APIToken(key)
		}
	case "cert":
		if certFile == "" || keyFile == "" {
			return fmt.Errorf("rhombus: %s [%s]: auth_type cert needs cert_file and key_file", credPath, profile)
		}
		cred, err := LoadCertificateKey(key, certFile, keyFile, partner)
		if err != nil {
			return fmt.Errorf("%w (profile %q)", err, profile)
		}
		s.cred = cred
	default:
		return fmt.Errorf("rhombus: %s [%s] auth_type: must be token or cert, got %q", credPath, profile, authType)
	}

	endpoint := getenv(EnvEndpointURL)
	if endpoint == "" {
		conf, err := loadINI(confPath)
		if err != nil {
			return err
		}
		if conf != nil {
			name := "profile " + profile
			if profile == "default" {
				name = "default"
			}
			if cs, err := conf.GetSection(name); err == nil {
				endpoint = strings.TrimSpace(cs.Key("endpoint_url").String())
			}
		}
	}
	if endpoint != "" {
		s.endpoint = endpoint
	}
	return nil
}

// loadINI returns nil for a file that does not exist.
func loadINI(path string) (*ini.File, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rhombus: %w", err)
	}
	f, err := ini.Load(b)
	if err != nil {
		// The parser's message quotes the offending line, which may hold a key.
		return nil, fmt.Errorf("rhombus: %s is not a valid INI file", path)
	}
	return f, nil
}

func expandHome(p, home string) string {
	p = strings.TrimSpace(p)
	if p == "~" || strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[1:])
	}
	return p
}
