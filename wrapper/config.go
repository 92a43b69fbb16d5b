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

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "default"

// ErrNoCredentials: no credential was given, and the configuration read by
// [FromEnvironment], [FromProfile] or [FromConfig] has no API key either.
var ErrNoCredentials = errors.New("rhombus: no credentials")

// ErrNoEndpoint: a named profile's API key came from ~/.rhombus/credentials
// but nothing chose an endpoint for it; see [FromEnvironment].
var ErrNoEndpoint = errors.New("rhombus: no endpoint for the profile")

// Config says where the client's settings come from, in the layout of the
// vendor's command line tool. Its fields override the files; a zero field
// means "from the files". Nothing is read from the process environment:
// [FromEnvironment] fills a Config from it.
type Config struct {
	// Profile names the section of ~/.rhombus/credentials and
	// ~/.rhombus/config to read; "" means [DefaultProfile].
	Profile string
	// APIKey overrides the profile's api_key; the profile's auth_type,
	// cert_file, key_file and is_partner still apply.
	APIKey string
	// EndpointURL overrides the profile's endpoint_url.
	EndpointURL string
	// Home is the directory that holds .rhombus; "" means the user's home
	// directory. When that is unknown ($HOME unset) no file is read.
	Home string
}

// FromEnvironment configures the client the way the vendor's command line
// tool is configured, so existing setups work unchanged:
//
//   - the profile is $RHOMBUS_PROFILE, or "default";
//   - ~/.rhombus/credentials (INI) has a section per profile with api_key,
//     auth_type ("token" or "cert"), cert_file, key_file and is_partner;
//   - ~/.rhombus/config (INI) has [default] and [profile NAME] (or [NAME])
//     sections with endpoint_url;
//   - $RHOMBUS_API_KEY and $RHOMBUS_ENDPOINT_URL override the files.
//
// A named profile whose key comes from ~/.rhombus/credentials must have an
// endpoint: its endpoint_url, $RHOMBUS_ENDPOINT_URL, or a [WithRegion] or
// [WithEndpoint] option; otherwise [New] refuses, so that a staging key is
// never sent to the production endpoint by default.
//
// Options after FromEnvironment override what it set.
func FromEnvironment() Option {
	return func(s *settings) error {
		cfg := Config{
			Profile:     os.Getenv(EnvProfile),
			APIKey:      os.Getenv(EnvAPIKey),
			EndpointURL: os.Getenv(EnvEndpointURL),
		}
		if err := loadConfig(s, cfg); err != nil {
			if cfg.Profile != "" {
				return fmt.Errorf("%w (the profile is from %s)", err, EnvProfile)
			}
			return err
		}
		return nil
	}
}

// FromProfile is [FromConfig] with the files' profile name and nothing else:
// no environment variable is read.
func FromProfile(name string) Option {
	return FromConfig(Config{Profile: name})
}

// FromConfig configures the client from the vendor tool's files as cfg
// says, without reading the environment; see [FromEnvironment] for the
// files and the endpoint rule.
func FromConfig(cfg Config) Option {
	return func(s *settings) error { return loadConfig(s, cfg) }
}

func loadConfig(s *settings, cfg Config) error {
	profile := strings.TrimSpace(cfg.Profile)
	named := profile != "" && profile != DefaultProfile
	if profile == "" {
		profile = DefaultProfile
	}
	home := cfg.Home
	if home == "" {
		// Without a home directory no file is read: a relative ".rhombus"
		// would pick up whatever the working directory holds.
		home, _ = os.UserHomeDir()
	}
	var credPath, confPath string
	var creds, conf *ini.File
	if home != "" {
		dir := filepath.Join(home, ".rhombus")
		credPath, confPath = filepath.Join(dir, "credentials"), filepath.Join(dir, "config")
		var err error
		if creds, err = loadINI(credPath); err != nil {
			return err
		}
		if conf, err = loadINI(confPath); err != nil {
			return err
		}
	}

	var sec *ini.Section
	if creds != nil {
		sec, _ = creds.GetSection(profile)
	}
	key := cfg.APIKey
	if sec == nil && named && key == "" {
		if credPath == "" {
			return &configError{is: ErrNoCredentials, msg: fmt.Sprintf("profile %q: the home directory is unknown, so ~/.rhombus/credentials cannot be read", profile)}
		}
		return &configError{is: ErrNoCredentials, msg: fmt.Sprintf("profile %q has no section [%s] in %s", profile, profile, credPath)}
	}

	authType, certFile, keyFile, partner := "token", "", "", false
	keyFromProfile := false
	if sec != nil {
		if key == "" {
			key = strings.TrimSpace(sec.Key("api_key").String())
			keyFromProfile = key != ""
		}
		if v := strings.TrimSpace(sec.Key("auth_type").String()); v != "" {
			authType = strings.ToLower(v)
		}
		certFile = expandHome(sec.Key("cert_file").String(), home)
		keyFile = expandHome(sec.Key("key_file").String(), home)
		if v := strings.TrimSpace(sec.Key("is_partner").String()); v != "" {
			var err error
			if partner, err = strconv.ParseBool(v); err != nil {
				return fmt.Errorf("rhombus: %s [%s] is_partner: must be true or false, got %q", credPath, profile, v)
			}
		}
	}
	if key == "" {
		where := "the [" + profile + "] section of " + credPath
		if credPath == "" {
			where = "~/.rhombus/credentials (not read: the home directory is unknown)"
		}
		return &configError{is: ErrNoCredentials, msg: fmt.Sprintf("no API key: set %s, or api_key in %s", EnvAPIKey, where)}
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

	endpoint := strings.TrimSpace(cfg.EndpointURL)
	if endpoint == "" && conf != nil {
		endpoint = profileEndpoint(conf, profile)
	}
	switch {
	case endpoint != "":
		s.endpoint, s.endpointSet = endpoint, true
		s.needEndpoint = ""
	case named && keyFromProfile:
		// The vendor's tool would fall back to the production endpoint. A
		// named profile is usually not production; New refuses unless a
		// later option chooses the endpoint.
		s.needEndpoint = fmt.Sprintf("profile %q has an API key in %s but no endpoint_url in %s ([profile %s] or [%s]); "+
			"its key is not sent to the default endpoint %s unless chosen: add endpoint_url there, or set %s, or choose a region",
			profile, credPath, orDefault(confPath, "~/.rhombus/config"), profile, profile, RegionUS.URL(), EnvEndpointURL)
	}
	return nil
}

// profileEndpoint reads endpoint_url from the profile's section of the config
// file: [default] for the default profile, else [profile NAME] or, as the
// vendor's tool also accepts, [NAME].
func profileEndpoint(conf *ini.File, profile string) string {
	names := []string{"profile " + profile, profile}
	if profile == DefaultProfile {
		names = []string{DefaultProfile}
	}
	for _, name := range names {
		if cs, err := conf.GetSection(name); err == nil {
			if v := strings.TrimSpace(cs.Key("endpoint_url").String()); v != "" {
				return v
			}
		}
	}
	return ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// configError is a configuration problem that matches a sentinel with
// errors.Is without repeating the sentinel's text.
type configError struct {
	msg string
	is  error
}

func (e *configError) Error() string { return "rhombus: " + e.msg }
func (e *configError) Unwrap() error { return e.is }

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
	if home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		return filepath.Join(home, p[1:])
	}
	return p
}
