package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ datasource.DataSource              = (*syncHistoryDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*syncHistoryDataSource)(nil)
)

// Defaults of airbyte_sync_history, as PyAirbyte's get_previous_sync_logs has them.
const (
	defaultSyncHistoryLimit = 20
	maxSyncHistoryLimit     = 100
)

// jobTypeValues and jobStatusValues are the values of JobTypeEnum and
// JobStatusEnum that the job filters accept.
var (
	jobTypeValues = []string{
		string(client.JobTypeSync), string(client.JobTypeReset), string(client.JobTypeRefresh), string(client.JobTypeClear),
	}
	jobStatusValues = []string{
		string(client.JobStatusPending), string(client.JobStatusQueued), string(client.JobStatusRunning), string(client.JobStatusIncomplete),
		string(client.JobStatusFailed), string(client.JobStatusSucceeded), string(client.JobStatusCancelled),
	}
)

// syncHistoryDataSource lists the jobs of a connection, one page at a time.
type syncHistoryDataSource struct {
	data *providerData
}

// syncHistoryModel is the data source's configuration and state.
type syncHistoryModel struct {
	ConnectionID types.String `tfsdk:"connection_id"`
	Limit        types.Int64  `tfsdk:"limit"`
	Offset       types.Int64  `tfsdk:"offset"`
	FromTail     types.Bool   `tfsdk:"from_tail"`
	JobType      types.String `tfsdk:"job_type"`
	Status       types.String `tfsdk:"status"`
	Jobs         types.List   `tfsdk:"jobs"`
}

// NewSyncHistoryDataSource returns the airbyte_sync_history data source.
func NewSyncHistoryDataSource() datasource.DataSource { return &syncHistoryDataSource{} }

func (d *syncHistoryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sync_history"
}

func (d *syncHistoryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *syncHistoryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the jobs of a connection (syncs, resets, refreshes and clears), newest first unless asked otherwise, " +
			"one page at a time, like PyAirbyte's `get_previous_sync_logs`. Each job has the attributes of the `airbyte_sync_result` " +
			"data source. When the provider has a `workspace_id`, a connection of another workspace is refused with an error.",
		Attributes: map[string]schema.Attribute{
			"connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the connection whose jobs are listed.",
				Validators:          []validator.String{uuidValidator{}},
			},
			"limit": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: fmt.Sprintf("How many jobs to return at most, from 1 to %d. Defaults to `%d`.", maxSyncHistoryLimit, defaultSyncHistoryLimit),
				Validators:          []validator.Int64{int64validator.Between(1, maxSyncHistoryLimit)},
			},
			"offset": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "How many jobs to skip, in the order `from_tail` sets, before the first one returned. Defaults to `0`.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"from_tail": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether the newest jobs come first (`true`, the default) or the oldest (`false`). Jobs are ordered " +
					"by when they were created.",
			},
			"job_type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only jobs of this type are listed: one of `" + strings.Join(jobTypeValues, "`, `") + "`. " +
					"Without it, jobs of every type are listed. Airbyte records a clear requested through the public API as a `reset` job.",
				Validators: []validator.String{stringvalidator.OneOf(jobTypeValues...)},
			},
			"status": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only jobs in this status are listed: one of `" + strings.Join(jobStatusValues, "`, `") + "`. " +
					"Without it, jobs in every status are listed.",
				Validators: []validator.String{stringvalidator.OneOf(jobStatusValues...)},
			},
			"jobs": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The jobs, in the order `from_tail` sets; empty when there are none.",
				NestedObject:        schema.NestedAttributeObject{Attributes: syncJobDataSourceAttributes()},
			},
		},
	}
}

func (d *syncHistoryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m syncHistoryModel
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
	if m.Limit.IsNull() {
		m.Limit = types.Int64Value(defaultSyncHistoryLimit)
	}
	if m.Offset.IsNull() {
		m.Offset = types.Int64Value(0)
	}
	if m.FromTail.IsNull() {
		m.FromTail = types.BoolValue(true)
	}
	params := client.ListJobsParams{
		ConnectionID: id,
		JobType:      client.JobType(m.JobType.ValueString()),
		Status:       client.JobStatus(m.Status.ValueString()),
		OrderBy:      client.OrderByCreatedAtAsc,
		Limit:        int(m.Limit.ValueInt64()),
		Offset:       int(m.Offset.ValueInt64()),
	}
	if m.FromTail.ValueBool() {
		params.OrderBy = client.OrderByCreatedAtDesc
	}
	page, err := d.data.client.ListJobs(ctx, params)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Cannot List Jobs",
			fmt.Sprintf("Listing the jobs of connection %q failed: %v.%s", id, err, requestFailureAdvice(err)))
		return
	}
	// Failure details cost a request per job, and one pass over the
	// connection's timeline for the failures' streams: they are read for the
	// jobs that did not succeed, where they explain why.
	var unsuccessful []int64
	for _, j := range page.Data {
		if j.Status.IsFailure() || j.Status == client.JobStatusIncomplete {
			unsuccessful = append(unsuccessful, j.JobID)
		}
	}
	outcomes := jobOutcomesOf(ctx, d.data.client, unsuccessful)
	m.Jobs, err = syncJobObjects(ctx, page.Data, outcomes, workspaceID, d.data.webRoot)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Convert Jobs", fmt.Sprintf("Converting the jobs of connection %q failed: %v. This is a bug in the provider.", id, err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// syncJobDataSourceAttributes is the schema of syncJobModel as the data
// sources show it, every attribute computed.
func syncJobDataSourceAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	num := func(desc string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	attrs := map[string]schema.Attribute{
		"job_id":   num("The id of the job."),
		"job_type": str("The kind of job: `sync`, `reset`, `refresh` or `clear`."),
		"status": str("The status of the job: `pending`, `queued` or `running` while it runs (`incomplete` after a failed " +
			"attempt that will be retried), then `succeeded`, `failed` or `cancelled`."),
		"start_time":      str("When the job was created, in RFC 3339 format such as `2024-05-01T12:34:56Z`."),
		"last_updated_at": str("When the job ended, in RFC 3339 format; null while it runs."),
		"duration": str("How long the job ran, or has been running, as an ISO 8601 duration such as `PT5M7S`; " +
			"null while it is pending."),
		"bytes_synced": num("The number of bytes the job has committed to the destination; 0 when Airbyte reports none."),
		"rows_synced":  num("The number of records the job has committed to the destination; 0 when Airbyte reports none."),
		"job_url":      str("The job's page in the Airbyte web UI; null when the UI's address cannot be derived from `server_url`."),
	}
	for name, desc := range syncJobDetailsDescriptions {
		if strings.Contains(name, ".") {
			continue
		}
		switch syncJobDetailsAttrTypes[name] {
		case types.Int64Type:
			attrs[name] = num(desc)
		case types.BoolType:
			attrs[name] = schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
		case types.StringType:
			attrs[name] = str(desc)
		}
	}
	stat := map[string]schema.Attribute{}
	for name, t := range streamStatsAttrTypes {
		desc := syncJobDetailsDescriptions["stream_stats."+name]
		if t == types.StringType {
			stat[name] = str(desc)
		} else {
			stat[name] = num(desc)
		}
	}
	attrs["stream_stats"] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: syncJobDetailsDescriptions["stream_stats"],
		NestedObject: schema.NestedAttributeObject{Attributes: stat}}
	return attrs
}
