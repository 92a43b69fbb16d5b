package rhombus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	// directory. When that is unknown ($HOME unset) no file is read, and a
	// .rhombus folder in the working directory, which the vendor's tool
	// would read instead, is refused.
	Home string
}

// FromEnvironment configures the client the way the vendor's command line
// tool is configured, so existing setups work unchanged:
//
//   - the profile is $RHOMBUS_PROFILE, or "default";
//   - ~/.rhombus/credentials (INI) has a section per profile with api_key,
//     auth_type ("token" or "cert"), cert_file, key_file and is_partner;
//   - ~/.rhombus/config (INI) has [default] and [profile NAME] sections
//     with endpoint_url; [NAME] is read when there is no [profile NAME];
//   - $RHOMBUS_API_KEY and $RHOMBUS_ENDPOINT_URL override the files; a
//     variable set to "" counts as unset.
//
// auth_type and is_partner take only the values the vendor's tool writes
// ("token", "cert", "true", "false"), and a blank endpoint_url is refused,
// each with an error naming the file, the section and the key: where the
// vendor's tool would quietly fall back to a default, this client does not
// guess.
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
		// Set to "" is unset, as in the vendor's tool (and as `VAR= cmd`
		// means in a shell); only white space is a mistake.
		for _, v := range [][2]string{{EnvProfile, cfg.Profile}, {EnvEndpointURL, cfg.EndpointURL}} {
			if v[1] != "" && strings.TrimSpace(v[1]) == "" {
				return fmt.Errorf("rhombus: %s is only white space: unset it, or give a value", v[0])
			}
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
	if cfg.Profile != "" && profile == "" {
		return errors.New("rhombus: the profile name is only white space")
	}
	named := profile != "" && profile != DefaultProfile
	if profile == "" {
		profile = DefaultProfile
	}
	if cfg.EndpointURL != "" && strings.TrimSpace(cfg.EndpointURL) == "" {
		return errors.New("rhombus: the endpoint URL is only white space")
	}
	home := cfg.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	var credPath, confPath string
	var creds, conf *ini.File
	if home == "" {
		// The vendor's tool then reads ./.rhombus, wherever the command
		// runs; a folder there could send the key anywhere, so none is read,
		// and one that exists is refused rather than silently ignored.
		if _, err := os.Stat(".rhombus"); err == nil {
			return errors.New("rhombus: the home directory is unknown ($HOME is unset) and the working directory has a .rhombus folder: " +
				"the vendor's tool would read its credentials and config, this client never reads configuration from the working directory; " +
				"set HOME to the directory that holds .rhombus")
		}
	} else {
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

	// auth_type and is_partner take exactly the values the vendor's tool
	// writes: it compares with == "cert" and == "true", so "CERT", "True" or
	// "yes" there mean a plain token, sent with a scheme the key was not
	// made for. Anything else, blank included, is refused here.
	authType, certFile, keyFile, partner := "token", "", "", false
	keyFromProfile := false
	if sec != nil {
		if key == "" {
			key = strings.TrimSpace(sec.Key("api_key").String())
			keyFromProfile = key != ""
		}
		if sec.HasKey("auth_type") {
			authType = strings.TrimSpace(sec.Key("auth_type").String())
			if authType != "token" && authType != "cert" {
				return fmt.Errorf("rhombus: %s [%s] auth_type: must be token or cert (lower case), got %q", credPath, profile, authType)
			}
		}
		certFile = expandHome(sec.Key("cert_file").String(), home)
		keyFile = expandHome(sec.Key("key_file").String(), home)
		if sec.HasKey("is_partner") {
			switch v := strings.TrimSpace(sec.Key("is_partner").String()); v {
			case "true":
				partner = true
			case "false":
			default:
				return fmt.Errorf("rhombus: %s [%s] is_partner: must be true or false (lower case), got %q", credPath, profile, v)
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
			// The vendor's tool sends the key as a plain token then.
			return fmt.Errorf("rhombus: %s [%s]: auth_type cert needs cert_file and key_file", credPath, profile)
		}
		cred, err := LoadCertificateKey(key, certFile, keyFile, partner)
		if err != nil {
			return fmt.Errorf("%w (profile %q)", err, profile)
		}
		s.cred = cred
	}

	endpoint := strings.TrimSpace(cfg.EndpointURL)
	var ep profileEndpointURL
	if endpoint == "" && conf != nil {
		var err error
		if ep, err = profileEndpoint(conf, confPath, profile); err != nil {
			return err
		}
		endpoint = ep.url
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
		if ep.ignored != "" {
			s.needEndpoint += fmt.Sprintf(" (the endpoint_url of [%s] is not used: [%s] exists, and the vendor's tool reads only that section)", ep.ignored, ep.section)
		}
	}
	return nil
}

// profileEndpointURL is the endpoint_url of a profile's section of the
// config file, which section it came from, and the section whose
// endpoint_url was passed over, if any.
type profileEndpointURL struct {
	url, section, ignored string
}

// profileEndpoint reads endpoint_url from the profile's section of the config
// file as the vendor's tool does: [default] for the default profile; for
// another, [profile NAME] when that section exists, even without
// endpoint_url, else [NAME]. A blank endpoint_url is an error: the vendor's
// tool then fails, and falling back to another would send the key elsewhere.
func profileEndpoint(conf *ini.File, path, profile string) (profileEndpointURL, error) {
	name := profile
	if profile != DefaultProfile {
		if _, err := conf.GetSection("profile " + profile); err == nil {
			name = "profile " + profile
		}
	}
	r := profileEndpointURL{section: name}
	cs, err := conf.GetSection(name)
	if err != nil {
		return r, nil
	}
	if cs.HasKey("endpoint_url") {
		r.url = strings.TrimSpace(cs.Key("endpoint_url").String())
		if r.url == "" {
			return r, fmt.Errorf("rhombus: %s [%s] endpoint_url is blank (profile %q): give the endpoint's URL, or remove the line", path, name, profile)
		}
		return r, nil
	}
	if name != profile {
		if other, err := conf.GetSection(profile); err == nil && strings.TrimSpace(other.Key("endpoint_url").String()) != "" {
			r.ignored = profile
		}
	}
	return r, nil
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
