package client

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ConfigProblem is the kind of fault a ConfigError reports.
type ConfigProblem int

const (
	// ConfigMalformed is a value its setting cannot take, such as a
	// server_url that is not an http(s) URL.
	ConfigMalformed ConfigProblem = iota + 1
	// ConfigIncomplete is one setting of a pair (client_id and
	// client_secret, username and password) set without the other;
	// Setting names the one missing.
	ConfigIncomplete
	// ConfigConflict is more than one set of credentials; Methods lists
	// them.
	ConfigConflict
	// ConfigUnused is a setting that does nothing without another: a
	// token_url without client credentials.
	ConfigUnused
	// ConfigNoCredentials is Airbyte Cloud without credentials, which it
	// refuses; Setting is client_id.
	ConfigNoCredentials
)

// ConfigError is one fault of a Config: which setting is wrong, how, and
// what to do about it.
type ConfigError struct {
	// Setting names the setting at fault: server_url, config_api_url,
	// web_url, token_url, client_id, client_secret, bearer_token,
	// username, password, request_timeout or max_retries.
	Setting string
	Problem ConfigProblem
	// Methods lists the credential methods set, for ConfigConflict:
	// "client_id/client_secret", "bearer_token", "username/password".
	Methods []string
	// Detail says what is wrong and what to do, in full sentences.
	Detail string
}

func (e *ConfigError) Error() string { return "invalid " + e.Setting + ": " + e.Detail }

// Validate returns every fault of cfg, in the order of its fields; none
// when New would accept it.
func (cfg Config) Validate() []*ConfigError {
	var problems []*ConfigError
	add := func(setting string, problem ConfigProblem, detail string, args ...any) {
		problems = append(problems, &ConfigError{Setting: setting, Problem: problem, Detail: fmt.Sprintf(detail, args...)})
	}

	serverURL := cfg.ServerURL
	if serverURL == "" {
		serverURL = DefaultServerURL
	}
	for _, u := range []struct{ setting, value string }{
		{"server_url", serverURL}, {"config_api_url", cfg.ConfigAPIURL}, {"web_url", cfg.WebURL}, {"token_url", cfg.TokenURL},
	} {
		if u.value == "" {
			continue
		}
		if detail := rootProblem(u.value); detail != "" {
			add(u.setting, ConfigMalformed, "%s", detail)
		}
	}

	clientCreds := cfg.ClientID != "" || cfg.ClientSecret != ""
	basic := cfg.Username != "" || cfg.Password != ""
	for _, pair := range []struct {
		set, missing    bool
		setting, detail string
	}{
		{clientCreds, cfg.ClientID == "", "client_id",
			"client_secret is set but client_id is not. Set both, from the same Airbyte application."},
		{clientCreds, cfg.ClientSecret == "", "client_secret",
			"client_id is set but client_secret is not. Set both, from the same Airbyte application."},
		{basic, cfg.Username == "", "username", "password is set but username is not. Set both for HTTP basic authentication."},
		{basic, cfg.Password == "", "password", "username is set but password is not. Set both for HTTP basic authentication."},
	} {
		if pair.set && pair.missing {
			add(pair.setting, ConfigIncomplete, "%s", pair.detail)
		}
	}

	var methods []string
	if clientCreds {
		methods = append(methods, "client_id/client_secret")
	}
	if cfg.BearerToken != "" {
		methods = append(methods, "bearer_token")
	}
	if basic {
		methods = append(methods, "username/password")
	}
	if len(methods) > 1 {
		at := "bearer_token"
		if cfg.BearerToken == "" {
			at = "username"
		}
		problems = append(problems, &ConfigError{Setting: at, Problem: ConfigConflict, Methods: methods,
			Detail: fmt.Sprintf("only one authentication method may be configured, got %s. Use exactly one: client_id and "+
				"client_secret for an Airbyte application, bearer_token for a token you already have, or username and password "+
				"for basic authentication on self-managed Airbyte.", strings.Join(methods, ", "))})
	}
	if cfg.TokenURL != "" && !clientCreds {
		add("token_url", ConfigUnused, "token_url is only used to exchange client_id and client_secret for a token. "+
			"Set client_id and client_secret, or remove token_url.")
	}
	if len(methods) == 0 && isCloudURL(serverURL) {
		add("client_id", ConfigNoCredentials, "Airbyte Cloud (%s) needs credentials. Create an application under Settings → "+
			"Applications in Airbyte Cloud and set client_id and client_secret, or set bearer_token. Requests without "+
			"credentials are only possible against an unsecured self-managed Airbyte.", serverURL)
	}

	if cfg.RequestTimeout < 0 {
		add("request_timeout", ConfigMalformed, "%s is not a positive duration. Use a value greater than zero, such as 30s.", cfg.RequestTimeout)
	}
	if cfg.MaxRetries > MaxRetriesLimit {
		add("max_retries", ConfigMalformed, "%d retries are too many; the value must be between 0 and %d.", cfg.MaxRetries, MaxRetriesLimit)
	}
	return problems
}

// rootProblem says why raw is not an API root, an absolute http(s) URL
// without query or fragment; "" when it is one.
func rootProblem(raw string) string {
	const examples = ` Use, for example, "https://api.airbyte.com/v1" for Airbyte Cloud or "http://localhost:8000/api/public/v1" for self-managed Airbyte.`
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
		return fmt.Sprintf("%q is not an absolute http:// or https:// URL.", raw) + examples
	case u.Host == "":
		return fmt.Sprintf("%q is not an absolute http:// or https:// URL: it has no host.", raw) + examples
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Sprintf("%q has a query or fragment; give only the API root, such as \"https://api.airbyte.com/v1\".", raw)
	}
	return ""
}

// isCloudURL reports whether the URL points at Airbyte Cloud.
func isCloudURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "api.airbyte.com" || host == "cloud.airbyte.com"
}

// SendsCredentialsInClear reports whether cfg has credentials and a
// server_url that sends them unencrypted across a network: plain http:// to
// a host that is not this machine.
func (cfg Config) SendsCredentialsInClear() bool {
	if cfg.ClientID == "" && cfg.ClientSecret == "" && cfg.BearerToken == "" && cfg.Username == "" && cfg.Password == "" {
		return false
	}
	u, err := url.Parse(cfg.ServerURL)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
