package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// syncJobModel holds the attributes of a sync job. The run_sync resource,
// the sync history and the sync result data sources fill it with fill, the
// one conversion from the API's job.
type syncJobModel struct {
	JobID         types.Int64  `tfsdk:"job_id"`
	JobType       types.String `tfsdk:"job_type"`
	Status        types.String `tfsdk:"status"`
	StartTime     types.String `tfsdk:"start_time"`
	LastUpdatedAt types.String `tfsdk:"last_updated_at"`
	Duration      types.String `tfsdk:"duration"`
	BytesSynced   types.Int64  `tfsdk:"bytes_synced"`
	RowsSynced    types.Int64  `tfsdk:"rows_synced"`
	JobURL        types.String `tfsdk:"job_url"`
	syncJobDetails
}

// syncJobAttrTypes are the attribute types of syncJobModel, for lists of jobs.
var syncJobAttrTypes = func() map[string]attr.Type {
	m := map[string]attr.Type{
		"job_id": types.Int64Type, "job_type": types.StringType, "status": types.StringType,
		"start_time": types.StringType, "last_updated_at": types.StringType, "duration": types.StringType,
		"bytes_synced": types.Int64Type, "rows_synced": types.Int64Type, "job_url": types.StringType,
	}
	maps.Copy(m, syncJobDetailsAttrTypes)
	return m
}()

// fill sets m from the API's job, with null details. workspaceID is the job's connection's
// workspace and webRoot the web UI's root; without either job_url is null.
// Times are written in RFC 3339 (the API leaves out zero seconds).
func (m *syncJobModel) fill(job *client.Job, workspaceID, webRoot string) {
	m.JobID = types.Int64Value(job.JobID)
	m.JobType = types.StringValue(string(job.JobType))
	m.Status = types.StringValue(string(job.Status))
	m.StartTime = airbyteTime(job.StartTime)
	m.LastUpdatedAt = airbyteTime(job.LastUpdatedAt)
	m.Duration = optionalString(job.Duration)
	m.BytesSynced = types.Int64Value(job.BytesSynced)
	m.RowsSynced = types.Int64Value(job.RowsSynced)
	m.JobURL = types.StringNull()
	m.syncJobDetails = nullSyncJobDetails()
	if webRoot != "" && workspaceID != "" {
		m.JobURL = types.StringValue(client.JobURL(webRoot, workspaceID, job.ConnectionID, job.JobID))
	}
}

// airbyteTime rewrites one of the API's timestamps in RFC 3339; one it
// cannot read is kept as it is, and an empty one is null.
func airbyteTime(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	t, err := client.ParseAirbyteTime(s)
	if err != nil {
		return types.StringValue(s)
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// syncJobObjects converts jobs into a list of job objects, with the
// details of those outcomes has.
func syncJobObjects(ctx context.Context, jobs []client.Job, outcomes map[int64]*jobOutcome, workspaceID, webRoot string) (types.List, error) {
	models := make([]syncJobModel, len(jobs))
	for i := range jobs {
		models[i].fill(&jobs[i], workspaceID, webRoot)
		if o := outcomes[jobs[i].JobID]; o != nil {
			models[i].syncJobDetails.fill(*o)
		}
	}
	list, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: syncJobAttrTypes}, models)
	if diags.HasError() {
		return list, fmt.Errorf("converting jobs: %v", diags)
	}
	return list, nil
}
