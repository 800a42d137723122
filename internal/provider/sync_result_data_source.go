package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ datasource.DataSource              = (*syncResultDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*syncResultDataSource)(nil)
)

// syncResultDataSource reads one job of a connection: a given one, or the
// latest sync.
type syncResultDataSource struct {
	data *providerData
}

// syncResultModel is the data source's configuration and state. job_id is
// both an argument and, without one, the latest sync's id.
type syncResultModel struct {
	ConnectionID types.String `tfsdk:"connection_id"`
	Found        types.Bool   `tfsdk:"found"`
	syncJobModel
}

// NewSyncResultDataSource returns the airbyte_sync_result data source.
func NewSyncResultDataSource() datasource.DataSource { return &syncResultDataSource{} }

func (d *syncResultDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sync_result"
}

func (d *syncResultDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *syncResultDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := syncJobDataSourceAttributes()
	attrs["connection_id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The id of the connection whose job is read.",
		Validators:          []validator.String{uuidValidator{}},
	}
	attrs["job_id"] = schema.Int64Attribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The id of the job to read, which must be a job of `connection_id`; an unknown id is an error. " +
			"Without it, the connection's latest sync job is read, and this is its id (null when the connection has not synced yet).",
		Validators: []validator.Int64{int64validator.AtLeast(1)},
	}
	attrs["found"] = schema.BoolAttribute{
		Computed: true,
		MarkdownDescription: "Whether there is a job to show. It is `false`, rather than an error, when `job_id` is not set and " +
			"the connection has no sync job yet; the job's attributes are then null.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one job of a connection: the one `job_id` names, or the connection's latest sync job, like " +
			"PyAirbyte's `get_sync_result`. It shows the job as it is now, so a job still running shows its progress. " +
			"A connection that has not synced yet gives `found = false`. When the provider has a `workspace_id`, a connection of " +
			"another workspace is refused with an error.",
		Attributes: attrs,
	}
}

func (d *syncResultDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m syncResultModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ConnectionID.ValueString()
	workspaceID, diags := d.data.connectionWorkspace(ctx, path.Root("connection_id"), id)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	var job *client.Job
	if !m.JobID.IsNull() {
		jobID := m.JobID.ValueInt64()
		got, err := d.data.client.GetJob(ctx, jobID)
		if err != nil {
			resp.Diagnostics.Append(lookupError(path.Root("job_id"), "job", fmt.Sprint(jobID), err)...)
			return
		}
		if got.ConnectionID != id {
			resp.Diagnostics.AddAttributeError(path.Root("job_id"), "Job of Another Connection",
				fmt.Sprintf("The job %d belongs to connection %q, not to connection %q. Nothing was read. "+
					"Set connection_id to %q, or use the id of a job of connection %q (the airbyte_sync_history data source lists them).",
					jobID, got.ConnectionID, id, got.ConnectionID, id))
			return
		}
		job = got
	} else {
		page, err := d.data.client.ListJobs(ctx, client.ListJobsParams{
			ConnectionID: id, JobType: client.JobTypeSync, OrderBy: client.OrderByCreatedAtDesc, Limit: 1,
		})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Cannot List Jobs",
				fmt.Sprintf("Looking for the latest sync job of connection %q failed: %v.%s", id, err, requestFailureAdvice(err)))
			return
		}
		if len(page.Data) > 0 {
			job = &page.Data[0]
		}
	}

	m.Found = types.BoolValue(job != nil)
	if job != nil {
		m.fill(job, workspaceID, d.data.webRoot)
		if o := jobOutcomeOf(ctx, d.data.client, job.JobID); o != nil {
			m.syncJobDetails.fill(*o)
		}
	} else {
		m.syncJobModel = syncJobModel{
			JobID: types.Int64Null(), JobType: types.StringNull(), Status: types.StringNull(),
			StartTime: types.StringNull(), LastUpdatedAt: types.StringNull(), Duration: types.StringNull(),
			BytesSynced: types.Int64Null(), RowsSynced: types.Int64Null(), JobURL: types.StringNull(),
			syncJobDetails: nullSyncJobDetails(),
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
