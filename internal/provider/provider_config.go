package provider

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// Environment variables of the provider configuration.
const (
	envServerURL    = "AIRBYTE_SERVER_URL"
	envConfigAPIURL = "AIRBYTE_CONFIG_API_URL"
	envWorkspaceID  = "AIRBYTE_WORKSPACE_ID"
	envClientID     = "AIRBYTE_CLIENT_ID"
	envClientSecret = "AIRBYTE_CLIENT_SECRET"
	envTokenURL     = "AIRBYTE_TOKEN_URL"
	envBearerToken  = "AIRBYTE_BEARER_TOKEN"
	envUsername     = "AIRBYTE_USERNAME"
	envPassword     = "AIRBYTE_PASSWORD"
	envStateLoss    = "AIRBYTE_STATE_LOSS"
)

// providerSettings are the provider settings after environment variables
// are applied: the client's configuration, which the client validates, and
// the workspace, which is the provider's own.
type providerSettings struct {
	client             client.Config
	workspaceID        string
	workspaceIDFromEnv bool
	// stateLoss is what a plan that loses sync state reports (state_loss).
	stateLoss        string
	stateLossFromEnv bool
}

// settingsFromConfig merges configuration values with environment variables (read through getenv).
// A value set in the configuration wins over its environment variable.
func settingsFromConfig(cfg airbyteProviderModel, getenv func(string) string) providerSettings {
	pick := func(v types.String, env string) string {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueString()
		}
		return getenv(env)
	}
	s := providerSettings{client: client.Config{
		ServerURL:    pick(cfg.ServerURL, envServerURL),
		ConfigAPIURL: pick(cfg.ConfigAPIURL, envConfigAPIURL),
		TokenURL:     pick(cfg.TokenURL, envTokenURL),
		ClientID:     pick(cfg.ClientID, envClientID),
		ClientSecret: pick(cfg.ClientSecret, envClientSecret),
		BearerToken:  pick(cfg.BearerAuth, envBearerToken),
		Username:     pick(cfg.Username, envUsername),
		Password:     pick(cfg.Password, envPassword),
	}}
	s.workspaceID = pick(cfg.WorkspaceID, envWorkspaceID)
	s.workspaceIDFromEnv = (cfg.WorkspaceID.IsNull() || cfg.WorkspaceID.IsUnknown()) && s.workspaceID != ""
	s.stateLoss = pick(cfg.StateLoss, envStateLoss)
	s.stateLossFromEnv = (cfg.StateLoss.IsNull() || cfg.StateLoss.IsUnknown()) && s.stateLoss != ""
	if s.stateLoss == "" {
		s.stateLoss = stateLossWarn
	}
	if known(cfg.RequestTimeout) {
		// A value that is no positive duration is reported by the attribute's validator.
		if d, err := time.ParseDuration(cfg.RequestTimeout.ValueString()); err == nil && d > 0 {
			s.client.RequestTimeout = d
		}
	}
	if known(cfg.MaxRetries) {
		s.client.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if s.client.MaxRetries == 0 {
			s.client.MaxRetries = client.NoRetries // the client reads 0 as "use the default"
		}
	}
	return s
}

// validate reports what is wrong with the settings, through the client's
// own validation. With complete set, the settings include environment
// variables, so missing values are errors too; without it only malformed
// values and contradictions between values present in the configuration
// are reported, since the environment may still complete a pair such as
// client_id and client_secret.
func (s providerSettings) validate(complete bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if complete && s.workspaceIDFromEnv && !isUUID(s.workspaceID) {
		diags.AddAttributeError(path.Root("workspace_id"), "Invalid Workspace ID",
			fmt.Sprintf("The %s environment variable holds %q, which is not a UUID. Workspace ids look like "+
				"\"871d9b60-11d1-44cb-8c92-c246d53bf87e\"; copy yours from the workspace's URL in the Airbyte UI.", envWorkspaceID, s.workspaceID))
	}
	if complete {
		diags.Append(s.validateStateLossEnv()...)
	}
	for _, e := range s.client.Validate() {
		if complete || e.Problem == client.ConfigMalformed || e.Problem == client.ConfigConflict {
			summary, detail := s.configErrorText(e)
			diags.AddAttributeError(path.Root(configAttribute(e.Setting)), summary, detail)
		}
	}
	return diags
}

// configAttribute is the provider attribute that sets a client setting.
func configAttribute(setting string) string {
	switch setting {
	case "bearer_token":
		return "bearer_auth"
	case "web_url":
		return "server_url" // the web UI root is derived from server_url
	}
	return setting
}

// settingEnv is the environment variable of each provider attribute that has one.
var settingEnv = map[string]string{
	"server_url": envServerURL, "config_api_url": envConfigAPIURL, "token_url": envTokenURL, "client_id": envClientID,
	"client_secret": envClientSecret, "bearer_auth": envBearerToken, "username": envUsername, "password": envPassword,
}

// configErrorText is the summary and detail of a diagnostic for a fault the
// client found in the configuration, in the provider's terms.
func (s providerSettings) configErrorText(e *client.ConfigError) (summary, detail string) {
	switch e.Problem {
	case client.ConfigIncomplete:
		summary = "Incomplete Basic Authentication"
		if e.Setting == "client_id" || e.Setting == "client_secret" {
			summary = "Incomplete Client Credentials"
		}
		return summary, fmt.Sprintf("%s It can also be set through the %s environment variable.", e.Detail, settingEnv[e.Setting])
	case client.ConfigConflict:
		methods := make([]string, len(e.Methods))
		for i, m := range e.Methods {
			methods[i] = configAttribute(m)
		}
		return "Conflicting Credentials", fmt.Sprintf("More than one way to authenticate is set (%s), counting the AIRBYTE_* environment variables. "+
			"Use exactly one: client_id and client_secret for an Airbyte application, bearer_auth for a token you already have, "+
			"or username and password for basic authentication on self-managed Airbyte.", strings.Join(methods, ", "))
	case client.ConfigUnused:
		return "Token URL Without Client Credentials", e.Detail
	case client.ConfigNoCredentials:
		return "Missing Credentials", fmt.Sprintf("Airbyte Cloud (%s) needs credentials. Create an application under Settings → Applications "+
			"in Airbyte Cloud and set client_id and client_secret (or the %s and %s environment variables), or set bearer_auth. "+
			"Requests without credentials are only possible against an unsecured self-managed Airbyte.",
			cmp.Or(s.client.ServerURL, client.DefaultServerURL), envClientID, envClientSecret)
	}
	return map[string]string{
		"server_url": "Invalid Server URL", "web_url": "Invalid Server URL", "config_api_url": "Invalid Config API URL",
		"token_url": "Invalid Token URL", "request_timeout": "Invalid Duration", "max_retries": "Invalid Max Retries",
	}[e.Setting], e.Detail
}
