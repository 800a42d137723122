package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ resource.Resource                   = (*runSyncResource)(nil)
	_ resource.ResourceWithConfigure      = (*runSyncResource)(nil)
	_ resource.ResourceWithValidateConfig = (*runSyncResource)(nil)
	_ resource.ResourceWithImportState    = (*runSyncResource)(nil)
)

// Defaults of the run_sync resource and action.
const (
	defaultSyncTimeout = "30m"
	defaultIfRunning   = ifRunningWait
)

// runSyncResource runs one sync of a connection when it is created or
// replaced, and keeps the job in state.
type runSyncResource struct {
	data *providerData
}

// runSyncResourceModel is the resource's state and plan: its arguments and
// the job it ran.
type runSyncResourceModel struct {
	syncJobModel
	ID              types.String `tfsdk:"id"`
	ConnectionID    types.String `tfsdk:"connection_id"`
	Wait            types.Bool   `tfsdk:"wait"`
	Timeout         types.String `tfsdk:"timeout"`
	CancelOnTimeout types.Bool   `tfsdk:"cancel_on_timeout"`
	Triggers        types.Map    `tfsdk:"triggers"`
	IfRunning       types.String `tfsdk:"if_running"`
	Streams         types.List   `tfsdk:"streams"`
	RefreshMode     types.String `tfsdk:"refresh_mode"`
}

// jobArgs are the resource's arguments that say which job to run.
func (m *runSyncResourceModel) jobArgs() jobArgs {
	return jobArgs{JobType: m.JobType, Streams: m.Streams, RefreshMode: m.RefreshMode}
}

// NewRunSyncResource returns the airbyte_run_sync resource.
func NewRunSyncResource() resource.Resource { return &runSyncResource{} }

func (r *runSyncResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_run_sync"
}

func (r *runSyncResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses a timeout without waiting, which would have no
// effect, and job arguments that do not fit together.
func (r *runSyncResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg runSyncResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateSyncTimeout(cfg.Wait, cfg.Timeout)...)
	resp.Diagnostics.Append(cfg.jobArgs().validate(ctx)...)
}

// validateSyncTimeout reports a timeout set together with wait = false.
func validateSyncTimeout(wait types.Bool, timeout types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(wait) && !wait.ValueBool() && !timeout.IsNull() {
		diags.AddAttributeError(path.Root("timeout"), "Timeout Without Waiting",
			"timeout bounds the wait for the sync, but wait is false, so nothing waits and the timeout would have no effect. "+
				"Remove timeout, or set wait = true.")
	}
	return diags
}

// syncRequestFrom builds the runner's request from the arguments the
// resource and the action share; null values take their defaults.
func syncRequestFrom(connectionID types.String, wait types.Bool, timeout types.String, cancelOnTimeout types.Bool, ifRunning types.String) (syncRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := syncRequest{
		ConnectionID:    connectionID.ValueString(),
		Wait:            wait.IsNull() || wait.ValueBool(),
		CancelOnTimeout: cancelOnTimeout.IsNull() || cancelOnTimeout.ValueBool(),
		IfRunning:       ifRunning.ValueString(),
	}
	if req.IfRunning == "" {
		req.IfRunning = defaultIfRunning
	}
	raw := timeout.ValueString()
	if raw == "" {
		raw = defaultSyncTimeout
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		diags.AddAttributeError(path.Root("timeout"), "Invalid Duration",
			fmt.Sprintf("%q is not a positive duration. Write a number with a unit, such as \"30s\", \"5m\" or \"1h30m\".", raw))
	}
	req.Timeout = d
	return req, diags
}

func (r *runSyncResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan runSyncResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sreq, d := syncRequestFrom(plan.ConnectionID, plan.Wait, plan.Timeout, plan.CancelOnTimeout, plan.IfRunning)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(plan.jobArgs().apply(ctx, &sreq)...)
	if resp.Diagnostics.HasError() {
		return
	}
	workspaceID, d := r.data.connectionWorkspace(ctx, path.Root("connection_id"), sreq.ConnectionID)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	job, err := r.data.syncs.run(ctx, sreq)
	if job != nil {
		// Whatever happened next, the job exists: state keeps it. With an
		// error besides, Terraform marks the resource tainted, so the next
		// apply runs a new sync.
		jobType := plan.JobType
		plan.fill(job, workspaceID, r.data.webRoot)
		plan.JobType = jobType // as configured: Airbyte reports a clear as a reset
		plan.ID = types.StringValue(strconv.FormatInt(job.JobID, 10))
		var se *syncError
		switch {
		case errors.As(err, &se) && se.Outcome != nil:
			plan.syncJobDetails.fill(*se.Outcome)
		case job.IsTerminal():
			if o := jobOutcomeOf(ctx, r.data.client, job.JobID); o != nil {
				plan.syncJobDetails.fill(*o)
			}
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
	if err != nil {
		summary, detail := describeSyncError(err, sreq, workspaceID, r.data.webRoot)
		if job != nil {
			detail += " The job is saved in the Terraform state and the resource is marked tainted, so the next apply starts a new sync."
		}
		resp.Diagnostics.AddError(summary, detail)
	}
}

func (r *runSyncResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state runSyncResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	jobID, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid Sync Job ID",
			fmt.Sprintf("%q is not a sync job id; job ids are whole numbers, such as 1234. Remove the resource with `terraform state rm` "+
				"or import it again with a job id.", state.ID.ValueString()))
		return
	}
	job, err := r.data.client.GetJob(ctx, jobID)
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddWarning("Sync Job Not Found",
			fmt.Sprintf("Airbyte no longer has the sync job %d, so it is removed from the Terraform state; the next apply runs a new sync.", jobID))
		resp.State.RemoveResource(ctx)
		return
	case client.IsForbidden(err):
		resp.Diagnostics.AddError("Sync Job Unknown Or Not Accessible",
			fmt.Sprintf("Airbyte answered 403 for the sync job %d: the job is unknown, or these credentials may not see its workspace (%v). "+
				"The state is kept. If the job no longer exists, remove it with `terraform state rm`; otherwise check the credentials.", jobID, err))
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot Read Sync Job",
			fmt.Sprintf("Reading the sync job %d failed: %v. The state is kept; try again, or check the credentials if the error persists.", jobID, err))
		return
	}

	imported := state.ConnectionID.IsNull() || state.ConnectionID.ValueString() == ""
	if imported {
		state.ConnectionID = types.StringValue(job.ConnectionID)
	} else if job.ConnectionID != "" && job.ConnectionID != state.ConnectionID.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Sync Job Of Another Connection",
			fmt.Sprintf("The sync job %d belongs to the connection %q, not to %q as the state says. Remove the resource with "+
				"`terraform state rm` and import the job again.", jobID, job.ConnectionID, state.ConnectionID.ValueString()))
		return
	}
	workspaceID, d := r.data.connectionWorkspace(ctx, path.Root("connection_id"), state.ConnectionID.ValueString())
	if d.HasError() && !imported && r.connectionGone(ctx, state.ConnectionID.ValueString()) {
		resp.Diagnostics.AddWarning("Connection Of Sync Job Deleted",
			fmt.Sprintf("The connection %q of the sync job %d no longer exists in Airbyte, so the sync is removed from the Terraform state; "+
				"the next apply runs a new sync of the connection the configuration names.", state.ConnectionID.ValueString(), jobID))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	jobType, details := state.JobType, state.syncJobDetails
	state.fill(job, workspaceID, r.data.webRoot)
	state.ID = types.StringValue(strconv.FormatInt(job.JobID, 10))
	if !imported && known(jobType) {
		state.JobType = jobType // as configured: Airbyte reports a clear as a reset
	}
	// A job's details do not change once it has ended: they are read once,
	// when the state has none yet.
	switch {
	case known(details.Attempts) && !details.StreamStats.IsNull():
		state.syncJobDetails = details
	case job.IsTerminal():
		if o := jobOutcomeOf(ctx, r.data.client, job.JobID); o != nil {
			state.syncJobDetails.fill(*o)
		}
	}
	// An imported job has no Terraform-only settings yet: give them their
	// defaults so that a configuration that leaves them out plans no change.
	if state.Wait.IsNull() {
		state.Wait = types.BoolValue(true)
	}
	if state.Timeout.IsNull() {
		state.Timeout = types.StringValue(defaultSyncTimeout)
	}
	if state.CancelOnTimeout.IsNull() {
		state.CancelOnTimeout = types.BoolValue(true)
	}
	if state.IfRunning.IsNull() {
		state.IfRunning = types.StringValue(defaultIfRunning)
	}
	if imported {
		state.Streams = types.ListNull(types.ObjectType{AttrTypes: runSyncStreamAttrTypes})
		state.RefreshMode = types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// connectionGone reports whether the connection was deleted (or is unknown)
// in Airbyte, once looking up its workspace has failed: a sync of a deleted
// connection leaves the state rather than make every refresh fail.
func (r *runSyncResource) connectionGone(ctx context.Context, connectionID string) bool {
	conn, err := r.data.client.GetConnection(ctx, connectionID)
	if err != nil {
		return client.IsNotFound(err)
	}
	return conn.Status == client.ConnectionStatusDeprecated
}

// Update changes only Terraform-side settings (wait, timeout,
// cancel_on_timeout, if_running): every other change replaces the resource.
// Nothing is sent to Airbyte.
func (r *runSyncResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state runSyncResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	jobType := plan.JobType // "clear" for an imported "reset": the same job, renamed
	plan.syncJobModel = state.syncJobModel
	plan.JobType = jobType
	plan.ID = state.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the job: a job cannot be deleted in Airbyte, and a finished
// sync cannot be undone.
func (r *runSyncResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// ImportState takes a sync job id, such as 1234; Read then finds the job's
// connection and checks its workspace.
func (r *runSyncResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if id, err := strconv.ParseInt(req.ID, 10, 64); err != nil || id < 0 {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("%q is not a sync job id. Import with the job's number, which the connection's job history in the Airbyte UI shows: "+
				"terraform import airbyte_run_sync.example 1234", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// formatDuration writes a duration without its zero parts: "5m", not "5m0s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// formatBytes writes a byte count for people, such as "1.5 MB".
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
