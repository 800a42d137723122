// Package provider implements the Airbyte Terraform provider.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"golang.org/x/sync/singleflight"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// RegistryAddress is the provider's address in the Terraform registry.
const RegistryAddress = "registry.terraform.io/airbyte-terraform/airbyte"

// Defaults and environment variables of the provider configuration.
const (
	defaultServerURL      = "https://api.airbyte.com/v1"
	defaultRequestTimeout = 60 * time.Second
	defaultMaxRetries     = 6

	envServerURL    = "AIRBYTE_SERVER_URL"
	envConfigAPIURL = "AIRBYTE_CONFIG_API_URL"
	envWorkspaceID  = "AIRBYTE_WORKSPACE_ID"
	envClientID     = "AIRBYTE_CLIENT_ID"
	envClientSecret = "AIRBYTE_CLIENT_SECRET"
	envTokenURL     = "AIRBYTE_TOKEN_URL"
	envBearerToken  = "AIRBYTE_BEARER_TOKEN"
	envUsername     = "AIRBYTE_USERNAME"
	envPassword     = "AIRBYTE_PASSWORD"
)

var (
	_ provider.Provider                   = (*airbyteProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*airbyteProvider)(nil)
	_ provider.ProviderWithListResources  = (*airbyteProvider)(nil)
	_ provider.ProviderWithActions        = (*airbyteProvider)(nil)
)

// airbyteProvider is the provider implementation.
type airbyteProvider struct {
	version string
	// clock is the wall clock, or in tests one whose waits take no time.
	clock client.Clock
}

// airbyteProviderModel is the provider configuration.
type airbyteProviderModel struct {
	ServerURL      types.String `tfsdk:"server_url"`
	ConfigAPIURL   types.String `tfsdk:"config_api_url"`
	WorkspaceID    types.String `tfsdk:"workspace_id"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	TokenURL       types.String `tfsdk:"token_url"`
	BearerAuth     types.String `tfsdk:"bearer_auth"`
	Username       types.String `tfsdk:"username"`
	Password       types.String `tfsdk:"password"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
}

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	client      *client.Client
	workspaceID string
	// clock is the client's clock, which syncs are timed and waited with too.
	clock client.Clock
	// webRoot is the root of the Airbyte web UI, or "" when it cannot be
	// derived from server_url; links to the UI are then left null.
	webRoot string
	// actorWorkspaces caches the workspace of each source, destination and
	// connection looked up for verification: none ever changes workspace.
	actorWorkspaces sync.Map
	// lookups makes concurrent lookups of one workspace share a request.
	lookups singleflight.Group
	// syncs runs sync jobs for the run_sync resource and action.
	syncs *syncRunner
	// listings serves the refresh of many connections from few requests.
	listings *connectionListings
	// tags holds each workspace's tags for the plans of connections' tags.
	tags tagCatalog
	// catalogs holds each source's stream catalog, read once per pair of
	// source and destination, to check configured streams against.
	catalogs *streamCatalogs
}

// New returns a constructor of the provider for the given version.
func New(version string) func() provider.Provider {
	return newWithClock(version, client.WallClock{})
}

// newWithClock is New with the clock that requests are retried with and
// syncs are timed and waited with.
func newWithClock(version string, c client.Clock) func() provider.Provider {
	return func() provider.Provider {
		return &airbyteProvider{version: version, clock: c}
	}
}

func (p *airbyteProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "airbyte"
	resp.Version = p.version
}

func (p *airbyteProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Airbyte provider manages Airbyte connections on Airbyte Cloud and on self-managed Airbyte, " +
			"runs their syncs and reads their state and history. Every argument is optional so that environment variables can supply it.",
		Attributes: map[string]schema.Attribute{
			"server_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The root of the Airbyte public API. Defaults to `" + defaultServerURL + "` (Airbyte Cloud). " +
					"For self-managed Airbyte use `http(s)://<host>[:<port>]/api/public/v1`. Environment variable: `" + envServerURL + "`.",
			},
			"config_api_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The root of the Airbyte Config API, used to read a connection's state and catalog. " +
					"When unset it is derived from `server_url`: `https://cloud.airbyte.com/api/v1` for Airbyte Cloud, and the same host's " +
					"`/api/v1` for a `server_url` ending in `/api/public/v1`. Environment variable: `" + envConfigAPIURL + "`.",
			},
			"workspace_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The workspace this configuration manages. When set, every connection read, imported, changed or deleted " +
					"must belong to it, and a connection's source and destination must belong to it; anything else is refused with an error. " +
					"Environment variable: `" + envWorkspaceID + "`.",
				Validators: []validator.String{uuidValidator{}},
			},
			"client_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The client id of an Airbyte application, for the client-credentials flow. Requires `client_secret`. " +
					"Environment variable: `" + envClientID + "`.",
			},
			"client_secret": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The client secret of an Airbyte application, for the client-credentials flow. Requires `client_id`. " +
					"Environment variable: `" + envClientSecret + "`.",
			},
			"token_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where to request access tokens with `client_id` and `client_secret`. Defaults to `<server_url>/applications/token`. " +
					"Environment variable: `" + envTokenURL + "`.",
			},
			"bearer_auth": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "A static bearer token, sent as `Authorization: Bearer <token>`. Conflicts with the other credentials. " +
					"Environment variable: `" + envBearerToken + "`.",
			},
			"username": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The username for HTTP basic authentication on self-managed Airbyte. Requires `password`. " +
					"Environment variable: `" + envUsername + "`.",
			},
			"password": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The password for HTTP basic authentication on self-managed Airbyte. Requires `username`. " +
					"Environment variable: `" + envPassword + "`.",
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long one HTTP request may take before it is abandoned (and retried where that is safe), " +
					"as a Go duration such as `30s` or `2m`. Defaults to `60s`.",
				Validators: []validator.String{durationValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times a request that failed for a transient reason (rate limit, 502, 503, 504, a dropped connection) " +
					"is retried, with exponential backoff. Defaults to `6`; `0` turns retries off.",
				Validators: []validator.Int64{int64validator.Between(0, 50)},
			},
		},
	}
}

// ValidateConfig checks what can be checked before any value comes from the environment.
func (p *airbyteProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg airbyteProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := settingsFromConfig(cfg, func(string) string { return "" })
	resp.Diagnostics.Append(s.validate(false)...)
}

func (p *airbyteProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg airbyteProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"server_url": cfg.ServerURL, "config_api_url": cfg.ConfigAPIURL, "workspace_id": cfg.WorkspaceID,
		"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "token_url": cfg.TokenURL,
		"bearer_auth": cfg.BearerAuth, "username": cfg.Username, "password": cfg.Password,
		"request_timeout": cfg.RequestTimeout, "max_retries": cfg.MaxRetries,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Provider Setting",
				fmt.Sprintf("The provider cannot be configured because %q is not known until apply. "+
					"Set it to a value known at plan time, or supply it through its environment variable.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	s := settingsFromConfig(cfg, os.Getenv)
	resp.Diagnostics.Append(s.validate(true)...)
	if resp.Diagnostics.HasError() {
		return
	}

	ctx = tflog.SetField(ctx, "server_url", s.serverURL)
	if u, err := url.Parse(s.serverURL); err == nil && u.Scheme == "http" && !isLoopbackHost(u.Hostname()) && s.hasCredentials() {
		resp.Diagnostics.AddAttributeWarning(path.Root("server_url"), "Credentials Sent Without TLS",
			fmt.Sprintf("The server URL %q uses plain http:// to a host that is not on this machine, so credentials and tokens "+
				"cross the network unencrypted. Use https:// unless the network between Terraform and Airbyte is trusted.", s.serverURL))
	}

	maxRetries := s.maxRetries
	if maxRetries == 0 {
		maxRetries = -1 // the client reads 0 as "use the default" and a negative value as "never retry"
	}
	c, err := client.New(client.Config{
		ServerURL:      s.serverURL,
		ConfigAPIURL:   s.configAPIURL,
		TokenURL:       s.tokenURL,
		ClientID:       s.clientID,
		ClientSecret:   s.clientSecret,
		BearerToken:    s.bearerToken,
		Username:       s.username,
		Password:       s.password,
		RequestTimeout: s.requestTimeout,
		MaxRetries:     maxRetries,
		UserAgent:      "terraform-provider-airbyte/" + p.version,
		Clock:          p.clock,
	})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("server_url"), "Invalid Airbyte Client Configuration",
			"The Airbyte API client could not be created: "+err.Error())
		return
	}
	tflog.Debug(ctx, "configured Airbyte client", map[string]any{"auth": s.authMode(), "workspace_id": s.workspaceID})

	data := newProviderData(c, p.clock, s.workspaceID)
	if root, err := c.WebRoot(); err == nil {
		data.webRoot = root
	} else {
		tflog.Debug(ctx, "no Airbyte web UI root; connection_url and job_history_url stay null", map[string]any{"reason": err.Error()})
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *airbyteProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewConnectionResource, NewRunSyncResource}
}

// Actions returns the provider's actions, which need Terraform 1.14 or later.
func (p *airbyteProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewRunSyncAction}
}

func (p *airbyteProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewConnectionDataSource, NewConnectionsDataSource, NewConnectionStateDataSource,
		NewConnectionCatalogDataSource, NewSyncHistoryDataSource, NewSyncResultDataSource,
	}
}

func (p *airbyteProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewConnectionListResource}
}

// providerSettings are the provider settings after environment variables and defaults are applied.
type providerSettings struct {
	serverURL, configAPIURL, workspaceID  string
	clientID, clientSecret, tokenURL      string
	bearerToken, username, password       string
	requestTimeoutRaw                     string
	requestTimeout                        time.Duration
	maxRetries                            int
	serverURLFromEnv, workspaceIDFromEnv  bool
	requestTimeoutSet, credentialsFromEnv bool
}

// settingsFromConfig merges configuration values with environment variables (read through getenv).
// A value set in the configuration wins over its environment variable.
func settingsFromConfig(cfg airbyteProviderModel, getenv func(string) string) providerSettings {
	pick := func(v types.String, env string) (string, bool) {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueString(), false
		}
		e := getenv(env)
		return e, e != ""
	}
	var s providerSettings
	var fromEnv [6]bool
	s.serverURL, s.serverURLFromEnv = pick(cfg.ServerURL, envServerURL)
	s.configAPIURL, _ = pick(cfg.ConfigAPIURL, envConfigAPIURL)
	s.workspaceID, s.workspaceIDFromEnv = pick(cfg.WorkspaceID, envWorkspaceID)
	s.clientID, fromEnv[0] = pick(cfg.ClientID, envClientID)
	s.clientSecret, fromEnv[1] = pick(cfg.ClientSecret, envClientSecret)
	s.tokenURL, fromEnv[2] = pick(cfg.TokenURL, envTokenURL)
	s.bearerToken, fromEnv[3] = pick(cfg.BearerAuth, envBearerToken)
	s.username, fromEnv[4] = pick(cfg.Username, envUsername)
	s.password, fromEnv[5] = pick(cfg.Password, envPassword)
	for _, b := range fromEnv {
		s.credentialsFromEnv = s.credentialsFromEnv || b
	}
	if !cfg.RequestTimeout.IsNull() && !cfg.RequestTimeout.IsUnknown() {
		s.requestTimeoutRaw = cfg.RequestTimeout.ValueString()
		s.requestTimeoutSet = true
	}
	s.maxRetries = defaultMaxRetries
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		s.maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	return s
}

func (s providerSettings) hasCredentials() bool {
	return s.clientID != "" || s.clientSecret != "" || s.bearerToken != "" || s.username != "" || s.password != ""
}

func (s providerSettings) authMode() string {
	switch {
	case s.clientID != "":
		return "client_credentials"
	case s.bearerToken != "":
		return "bearer"
	case s.username != "":
		return "basic"
	default:
		return "none"
	}
}

// validate checks the merged settings. With complete set, the settings include environment
// variables and defaults, so missing values are errors too; without it only malformed values and
// contradictions between values present in the configuration are reported, since the
// environment may still complete a pair such as client_id and client_secret.
func (s *providerSettings) validate(complete bool) diag.Diagnostics {
	var diags diag.Diagnostics
	envNote := func(env string) string {
		return fmt.Sprintf(" It can also be set through the %s environment variable.", env)
	}

	if s.serverURL != "" {
		if err := checkServerURL(s.serverURL); err != nil {
			diags.AddAttributeError(path.Root("server_url"), "Invalid Server URL", err.Error())
		}
	}
	if s.configAPIURL != "" {
		if err := checkServerURL(s.configAPIURL); err != nil {
			diags.AddAttributeError(path.Root("config_api_url"), "Invalid Config API URL", err.Error())
		}
	}
	if s.tokenURL != "" {
		if err := checkServerURL(s.tokenURL); err != nil {
			diags.AddAttributeError(path.Root("token_url"), "Invalid Token URL", err.Error())
		}
	}
	if complete && s.workspaceIDFromEnv && !isUUID(s.workspaceID) {
		diags.AddAttributeError(path.Root("workspace_id"), "Invalid Workspace ID",
			fmt.Sprintf("The %s environment variable holds %q, which is not a UUID. Workspace ids look like "+
				"\"871d9b60-11d1-44cb-8c92-c246d53bf87e\"; copy yours from the workspace's URL in the Airbyte UI.", envWorkspaceID, s.workspaceID))
	}

	clientCreds := s.clientID != "" || s.clientSecret != ""
	basic := s.username != "" || s.password != ""
	bearer := s.bearerToken != ""
	if complete && clientCreds && s.clientID == "" {
		diags.AddAttributeError(path.Root("client_id"), "Incomplete Client Credentials",
			"client_secret is set but client_id is not. Set both, from the same Airbyte application."+envNote(envClientID))
	}
	if complete && clientCreds && s.clientSecret == "" {
		diags.AddAttributeError(path.Root("client_secret"), "Incomplete Client Credentials",
			"client_id is set but client_secret is not. Set both, from the same Airbyte application."+envNote(envClientSecret))
	}
	if complete && basic && s.username == "" {
		diags.AddAttributeError(path.Root("username"), "Incomplete Basic Authentication",
			"password is set but username is not. Set both for HTTP basic authentication."+envNote(envUsername))
	}
	if complete && basic && s.password == "" {
		diags.AddAttributeError(path.Root("password"), "Incomplete Basic Authentication",
			"username is set but password is not. Set both for HTTP basic authentication."+envNote(envPassword))
	}
	var modes []string
	if clientCreds {
		modes = append(modes, "client_id/client_secret")
	}
	if bearer {
		modes = append(modes, "bearer_auth")
	}
	if basic {
		modes = append(modes, "username/password")
	}
	if len(modes) > 1 {
		at := path.Root("bearer_auth")
		if !bearer {
			at = path.Root("username")
		}
		diags.AddAttributeError(at, "Conflicting Credentials",
			fmt.Sprintf("More than one way to authenticate is set (%s), counting the AIRBYTE_* environment variables. "+
				"Use exactly one: client_id and client_secret for an Airbyte application, bearer_auth for a token you already have, "+
				"or username and password for basic authentication on self-managed Airbyte.", strings.Join(modes, ", ")))
	}
	if complete && s.tokenURL != "" && !clientCreds {
		diags.AddAttributeError(path.Root("token_url"), "Token URL Without Client Credentials",
			"token_url is only used to exchange client_id and client_secret for a token. Set client_id and client_secret, or remove token_url.")
	}

	if s.requestTimeoutSet {
		d, err := time.ParseDuration(s.requestTimeoutRaw)
		if err == nil && d > 0 {
			s.requestTimeout = d
		}
	} else {
		s.requestTimeout = defaultRequestTimeout
	}

	if !complete {
		return diags
	}
	if s.serverURL == "" {
		s.serverURL = defaultServerURL
	}
	if len(modes) == 0 && isCloudURL(s.serverURL) {
		diags.AddAttributeError(path.Root("client_id"), "Missing Credentials",
			fmt.Sprintf("Airbyte Cloud (%s) needs credentials. Create an application under Settings → Applications in Airbyte Cloud "+
				"and set client_id and client_secret (or the %s and %s environment variables), or set bearer_auth. "+
				"Requests without credentials are only possible against an unsecured self-managed Airbyte.", s.serverURL, envClientID, envClientSecret))
	}
	return diags
}

// checkServerURL reports whether raw is an absolute http(s) URL with a host.
func checkServerURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http:// or https:// URL. Use, for example, \"https://api.airbyte.com/v1\" for Airbyte Cloud "+
			"or \"http://localhost:8000/api/public/v1\" for self-managed Airbyte", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q has a query or fragment; give only the API root, such as \"https://api.airbyte.com/v1\"", raw)
	}
	return nil
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

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newProviderData is what Configure hands on: the client, the caches built
// on it and the sync runner, which waits with the client's clock.
func newProviderData(c *client.Client, clock client.Clock, workspaceID string) *providerData {
	return &providerData{client: c, workspaceID: workspaceID, clock: clock, syncs: &syncRunner{client: c, clock: clock},
		listings: newConnectionListings(c), catalogs: newStreamCatalogs(c)}
}

// providerDataFrom returns the provider's data handed to a resource, data
// source, action or list resource in its Configure; nil before the provider
// is configured.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", raw))
		return nil
	}
	return data
}
