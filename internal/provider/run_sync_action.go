package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ action.Action                   = (*runSyncAction)(nil)
	_ action.ActionWithConfigure      = (*runSyncAction)(nil)
	_ action.ActionWithValidateConfig = (*runSyncAction)(nil)
)

// runSyncAction runs a sync of a connection each time it is invoked, with
// `terraform apply -invoke` or from a resource's action_trigger.
type runSyncAction struct {
	data *providerData
}

// runSyncActionModel is the action's configuration.
type runSyncActionModel struct {
	ConnectionID    types.String `tfsdk:"connection_id"`
	Wait            types.Bool   `tfsdk:"wait"`
	Timeout         types.String `tfsdk:"timeout"`
	CancelOnTimeout types.Bool   `tfsdk:"cancel_on_timeout"`
	IfRunning       types.String `tfsdk:"if_running"`
	JobType         types.String `tfsdk:"job_type"`
	Streams         types.List   `tfsdk:"streams"`
	RefreshMode     types.String `tfsdk:"refresh_mode"`
}

// NewRunSyncAction returns the airbyte_run_sync action.
func NewRunSyncAction() action.Action { return &runSyncAction{} }

func (a *runSyncAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_run_sync"
}

func (a *runSyncAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *runSyncAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs a sync of an Airbyte connection (or, with `job_type`, a clear or a refresh) each time the action is invoked, with " +
			"`terraform apply -invoke=action.airbyte_run_sync.<name>` or from a resource's `lifecycle { action_trigger { … } }`, " +
			"such as after a connection is updated. While it waits, it reports the job's status, the time elapsed and the rows " +
			"and bytes moved at every change of status and at least every 30 seconds. A sync that fails, is cancelled or times out " +
			"is an error, with Airbyte's reason for the failure. Unlike the `airbyte_run_sync` resource, nothing is kept in the state. Needs Terraform 1.14 or later.",
		Attributes: map[string]schema.Attribute{
			"connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: runSyncConnectionIDDescription,
				Validators:          []validator.String{uuidValidator{}},
			},
			"wait": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: runSyncWaitDescription,
			},
			"timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: runSyncTimeoutDescription,
				Validators:          []validator.String{durationValidator{}},
			},
			"cancel_on_timeout": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: runSyncCancelOnTimeoutDescription,
			},
			"if_running": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: runSyncIfRunningDescription,
				Validators:          []validator.String{stringvalidator.OneOf(ifRunningWait, ifRunningAttach, ifRunningFail)},
			},
			"job_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: runSyncJobTypeDescription,
				Validators:          []validator.String{stringvalidator.OneOf(jobTypeSync, jobTypeClear, jobTypeReset, jobTypeRefresh)},
			},
			"refresh_mode": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: runSyncRefreshModeDescription,
				Validators:          []validator.String{stringvalidator.OneOf(refreshMerge, refreshTruncate)},
			},
			"streams": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: runSyncStreamsDescription,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: runSyncStreamNameDescription,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
					"namespace": schema.StringAttribute{Optional: true, MarkdownDescription: runSyncStreamNamespaceDescription,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				}},
			},
		},
	}
}

// ValidateConfig refuses a timeout without waiting, as the resource does.
func (a *runSyncAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg runSyncActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateSyncTimeout(cfg.Wait, cfg.Timeout)...)
	resp.Diagnostics.Append(jobArgs{JobType: cfg.JobType, Streams: cfg.Streams, RefreshMode: cfg.RefreshMode}.validate(ctx)...)
}

func (a *runSyncAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg runSyncActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sreq, d := syncRequestFrom(cfg.ConnectionID, cfg.Wait, cfg.Timeout, cfg.CancelOnTimeout, cfg.IfRunning)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(jobArgs{JobType: cfg.JobType, Streams: cfg.Streams, RefreshMode: cfg.RefreshMode}.apply(ctx, &sreq)...)
	if resp.Diagnostics.HasError() {
		return
	}
	workspaceID, d := a.data.connectionWorkspace(ctx, path.Root("connection_id"), sreq.ConnectionID)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	sreq.Progress = func(p syncProgress) { sendProgress(ctx, resp, progressMessage(p)) }

	job, err := a.data.syncs.run(ctx, sreq)
	if err != nil {
		summary, detail := describeSyncError(err, sreq, workspaceID, a.data.webRoot)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	link := ""
	if a.data.webRoot != "" && workspaceID != "" {
		link = " " + client.JobURL(a.data.webRoot, workspaceID, job.ConnectionID, job.JobID)
	}
	noun := jobNoun(sreq.jobType())
	if !sreq.Wait {
		sendProgress(ctx, resp, fmt.Sprintf("Started %s job %d of connection %s (%s); not waiting for it to end.%s",
			strings.ToLower(noun), job.JobID, sreq.ConnectionID, job.Status, link))
		return
	}
	sendProgress(ctx, resp, fmt.Sprintf("%s job %d of connection %s succeeded: %d rows, %s.%s",
		noun, job.JobID, sreq.ConnectionID, job.RowsSynced, formatBytes(job.BytesSynced), link))
}

// sendProgress sends a progress event, or gives up when ctx ends first: the
// framework's SendProgress blocks until Terraform reads the event, which it
// never does once it has gone away, and an interrupted sync must still be
// cancelled.
func sendProgress(ctx context.Context, resp *action.InvokeResponse, msg string) {
	if ctx.Err() != nil {
		return
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	}()
	select {
	case <-sent:
	case <-ctx.Done():
	}
}

// progressMessage is one progress report of a sync, for the person running
// Terraform.
func progressMessage(p syncProgress) string {
	elapsed := formatDuration(p.Elapsed.Round(time.Second))
	if p.Waiting {
		return fmt.Sprintf("Waiting for another sync (job %d, %s) of the connection to end before starting this one; %s elapsed.",
			p.Job.JobID, p.Job.Status, elapsed)
	}
	return fmt.Sprintf("Sync job %d %s, %s elapsed: %d rows, %s.", p.Job.JobID, p.Job.Status, elapsed, p.Job.RowsSynced, formatBytes(p.Job.BytesSynced))
}
