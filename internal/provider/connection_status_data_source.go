package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ datasource.DataSource              = (*connectionStatusDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*connectionStatusDataSource)(nil)
)

// connectionStatusDataSource reads where a connection's syncs stand
// (Config API connections/status), and whether its data is older than a
// given age.
type connectionStatusDataSource struct {
	data *providerData
}

// connectionStatusModel is the data source's configuration and state.
type connectionStatusModel struct {
	ConnectionID       types.String `tfsdk:"connection_id"`
	MaxAge             types.String `tfsdk:"max_age"`
	SyncStatus         types.String `tfsdk:"sync_status"`
	LastSuccessfulSync types.String `tfsdk:"last_successful_sync"`
	LastSyncJobID      types.Int64  `tfsdk:"last_sync_job_id"`
	ActiveJobID        types.Int64  `tfsdk:"active_job_id"`
	FailureMessage     types.String `tfsdk:"failure_message"`
	FailureOrigin      types.String `tfsdk:"failure_origin"`
	FailureType        types.String `tfsdk:"failure_type"`
	IsStale            types.Bool   `tfsdk:"is_stale"`
}

// NewConnectionStatusDataSource returns the airbyte_connection_status data source.
func NewConnectionStatusDataSource() datasource.DataSource { return &connectionStatusDataSource{} }

func (d *connectionStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_status"
}

func (d *connectionStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads where a connection's syncs stand, as the connection's status badge in the Airbyte UI shows it: " +
			"the status, when data last synced successfully, the job running now and why the last sync failed. With `max_age`, " +
			"`is_stale` says whether the connection's data is older than that, for a `check` block that warns about stale data " +
			"(see the freshness checks guide). It reads the Config API's `connections/status`, so the provider's `config_api_url` " +
			"must be reachable. Airbyte looks only at the connection's ten newest sync, reset and refresh jobs. " +
			"When the provider has a `workspace_id`, a connection of another workspace is refused with an error.",
		Attributes: map[string]schema.Attribute{
			"connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the connection whose status is read.",
				Validators:          []validator.String{uuidValidator{}},
			},
			"max_age": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How old the connection's data may be before `is_stale` is `true`, as a duration such as " +
					"`\"24h\"` or `\"90m\"` (units `s`, `m`, `h`; no days). Without it `is_stale` is null.",
				Validators: []validator.String{durationValidator{}},
			},
			"sync_status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Where the connection stands, decided in this order: `running` (its newest job is running), " +
					"`queued` (its newest job is queued), `pending` (its newest job has not ended and is neither: it waits to start " +
					"or between attempts), `failed` (the last sync failed with a configuration error, or the source's schema has a " +
					"breaking change: someone has to act), `paused` (the connection is inactive or deprecated), `incomplete` (the " +
					"newest job was cancelled, or the last sync failed for a reason the next one may not have), `pending` again " +
					"(nothing has succeeded or failed yet, or the newest job was a reset or clear) and otherwise `synced`.",
			},
			"last_successful_sync": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the newest successful job among the connection's ten newest ended, in RFC 3339 (UTC, " +
					"whole seconds): the time Airbyte marked the job succeeded, after its last records were committed. A successful " +
					"reset counts too. Null when none of those jobs succeeded, including when the connection has never synced.",
			},
			"last_sync_job_id": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "The id of the newest job that succeeded or failed (a cancelled one is passed over); null when " +
					"there is none. The `airbyte_sync_result` data source reads it in full.",
			},
			"active_job_id": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "The id of the connection's newest job while it has not ended (pending, queued, running, or " +
					"between attempts); null when no job is under way.",
			},
			"failure_message": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the job of `last_sync_job_id` failed, the message of the first failure of its last failed " +
					"attempt, as the Airbyte UI shows it; null otherwise, including after a later successful sync.",
			},
			"failure_origin": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Where the failure of `failure_message` arose: `source`, `destination`, `replication`, " +
					"`persistence`, `airbyte_platform`, `normalization`, `dbt` or `unknown`; null with `failure_message`.",
			},
			"failure_type": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The kind of the failure of `failure_message`, such as `config_error` (someone has to act), " +
					"`system_error` or `transient_error`; null with `failure_message`.",
			},
			"is_stale": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "With `max_age`, `true` when `last_successful_sync` is null or more than `max_age` before now, " +
					"measured with the clock of the machine running Terraform when the data source is read; `false` otherwise. " +
					"A sync running now does not make the data fresh until it succeeds. Null without `max_age`.",
			},
		},
	}
}

func (d *connectionStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m connectionStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ConnectionID.ValueString()
	if _, err := d.data.client.ConfigAPIRoot(); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Config API URL Needed",
			fmt.Sprintf("The status of connection %q is read through the Airbyte Config API, whose URL the provider does not know: %v. "+
				"The %s environment variable sets it too.", id, err, envConfigAPIURL))
		return
	}
	_, diags := d.data.connectionWorkspace(ctx, path.Root("connection_id"), id)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	statuses, err := d.data.client.GetConnectionStatuses(ctx, []string{id})
	if err == nil && (len(statuses) != 1 || statuses[0].ConnectionID != id) {
		err = fmt.Errorf("the API answered %d statuses, not the one of this connection", len(statuses))
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Cannot Read Connection Status",
			fmt.Sprintf("Reading the status of connection %q through the Config API (connections/status) failed: %v. "+
				"Check that the provider's config_api_url (or %s) points at the Airbyte Config API and that the "+
				"credentials may read the connection's workspace.", id, err, envConfigAPIURL))
		return
	}
	m.fill(&statuses[0], d.data.clock.Now())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fill sets the computed attributes from the API's status; now is when
// is_stale is measured. max_age has passed its validator, so it parses.
// The server's lastSuccessfulSync is the updated_at of the newest
// succeeded job, which the job's last status change (to succeeded) set
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// getConnectionStatuses; airbyte-persistence/job-persistence/src/main/kotlin/io/airbyte/persistence/job/DefaultJobPersistence.kt,
// succeedAttempt).
func (m *connectionStatusModel) fill(st *client.ConnectionSyncStatus, now time.Time) {
	m.SyncStatus = types.StringValue(string(st.ConnectionSyncStatus))
	m.LastSuccessfulSync = types.StringNull()
	var lastSuccess time.Time
	if st.LastSuccessfulSync != nil {
		lastSuccess = time.Unix(*st.LastSuccessfulSync, 0).UTC()
		m.LastSuccessfulSync = types.StringValue(lastSuccess.Format(time.RFC3339))
	}
	m.LastSyncJobID = types.Int64PointerValue(st.LastSyncJobID)
	m.ActiveJobID = types.Int64Null()
	if st.ActiveJob != nil {
		m.ActiveJobID = types.Int64Value(st.ActiveJob.ID)
	}
	m.FailureMessage, m.FailureOrigin, m.FailureType = types.StringNull(), types.StringNull(), types.StringNull()
	if f := st.FailureReason; f != nil {
		m.FailureMessage = optionalString(f.ExternalMessage)
		m.FailureOrigin = optionalString(f.FailureOrigin)
		m.FailureType = optionalString(f.FailureType)
	}
	m.IsStale = types.BoolNull()
	if !m.MaxAge.IsNull() {
		if maxAge, err := time.ParseDuration(m.MaxAge.ValueString()); err == nil {
			m.IsStale = types.BoolValue(lastSuccess.IsZero() || now.Sub(lastSuccess) > maxAge)
		}
	}
}
