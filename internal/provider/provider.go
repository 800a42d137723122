// Package provider implements the Airbyte Terraform provider.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
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

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/fetchcache"
)

// RegistryAddress is the provider's address in the Terraform registry.
const RegistryAddress = "registry.terraform.io/airbyte-terraform/airbyte"

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
	// configured is what Configure made, for the shortcut server.
	configured atomic.Pointer[providerData]
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
	StateLoss      types.String `tfsdk:"state_loss"`
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
	// actorWorkspaces holds the workspace of each source, destination and
	// connection looked up for verification, by "source/<id>" and the like:
	// none ever changes workspace.
	actorWorkspaces fetchcache.Cache[string, string]
	// syncs runs sync jobs for the run_sync resource and action.
	syncs *syncRunner
	// listings serves the refresh of many connections from few requests.
	listings *connectionListings
	// tags holds each workspace's tags for the plans of connections' tags.
	tags tagCatalog
	// catalogs holds each source's stream catalog, read once per pair of
	// source and destination, to check configured streams against.
	catalogs *streamCatalogs
	// stateLoss is stateLossWarn or stateLossError: what a plan that loses
	// sync state reports.
	stateLoss string
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
				MarkdownDescription: "The root of the Airbyte public API. Defaults to `" + client.DefaultServerURL + "` (Airbyte Cloud). " +
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
					"as a Go duration such as `30s` or `2m`. Defaults to `" + strconv.Itoa(int(client.DefaultRequestTimeout/time.Second)) + "s`.",
				Validators: []validator.String{durationValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times a request that failed for a transient reason (rate limit, 502, 503, 504, a dropped connection) " +
					"is retried, with exponential backoff. Defaults to `" + strconv.Itoa(client.DefaultMaxRetries) + "`; `0` turns retries off.",
				Validators: []validator.Int64{int64validator.Between(0, client.MaxRetriesLimit)},
			},
			"state_loss": stateLossAttribute,
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
		"request_timeout": cfg.RequestTimeout, "max_retries": cfg.MaxRetries, "state_loss": cfg.StateLoss,
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

	if s.client.SendsCredentialsInClear() {
		resp.Diagnostics.AddAttributeWarning(path.Root("server_url"), "Credentials Sent Without TLS",
			fmt.Sprintf("The server URL %q uses plain http:// to a host that is not on this machine, so credentials and tokens "+
				"cross the network unencrypted. Use https:// unless the network between Terraform and Airbyte is trusted.", s.client.ServerURL))
	}

	clientCfg := s.client
	clientCfg.Version, clientCfg.Clock = p.version, p.clock
	c, err := client.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("server_url"), "Invalid Airbyte Client Configuration",
			"The Airbyte API client could not be created: "+err.Error())
		return
	}
	ctx = tflog.SetField(ctx, "server_url", c.ServerURL())
	tflog.Debug(ctx, "configured Airbyte client", map[string]any{"auth": c.AuthMethod(), "workspace_id": s.workspaceID})

	data := newProviderData(c, p.clock, s.workspaceID)
	data.stateLoss = s.stateLoss
	if root, err := c.WebRoot(); err == nil {
		data.webRoot = root
	} else {
		tflog.Debug(ctx, "no Airbyte web UI root; connection_url and job_history_url stay null", map[string]any{"reason": err.Error()})
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
	p.configured.Store(data)
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
		NewConnectionStatusDataSource,
	}
}

func (p *airbyteProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewConnectionListResource}
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
