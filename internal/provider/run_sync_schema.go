package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// Descriptions shared by the resource's and the action's schemas.
const (
	runSyncConnectionIDDescription = "The id of the connection to sync."
	runSyncWaitDescription         = "Whether to wait for the sync to end. With `false` Terraform moves on as soon as the job has started. Defaults to `true`."
	runSyncTimeoutDescription      = "How long to wait for the sync, including waiting out another sync of the connection, as a Go duration such as `90s`, " +
		"`45m` or `2h`. Defaults to `" + defaultSyncTimeout + "`. Only meaningful with `wait = true`; setting it with `wait = false` is an error."
	runSyncCancelOnTimeoutDescription = "Whether to cancel the job in Airbyte when `timeout` passes, or when Terraform is interrupted while waiting. " +
		"With `false` the job keeps running in Airbyte. Defaults to `true`."
	runSyncIfRunningDescription = "What to do when the connection is already running a job: `wait` waits for that job to end and then starts " +
		"a new one (the default); `attach` waits for that job instead of starting another when it is of the same type (a clear or a reset " +
		"for a clear), and reports it as this run's job, cancelling it on `timeout` like its own when `cancel_on_timeout` is set; with a " +
		"job of another type it waits like `wait`. `fail` stops with an error naming the running job, and starts nothing."
	runSyncJobTypeDescription = "What to run: `sync` (the default) copies new data, like **Sync now**; `clear` drops the data and the state " +
		"of the connection's streams, or of those `streams` names, like **Clear data** (`reset` is accepted as another name for it: both " +
		"start the same job); `refresh` syncs the streams again from the start, as `refresh_mode` says, like **Refresh stream**. " +
		"A sync needs the workspace's runner role; a clear of the whole connection needs the editor role with `clear`, and the runner role " +
		"with `reset`; a clear of some streams needs the editor role; a refresh needs the rights to run syncs."
	runSyncStreamsDescription = "The streams to clear or refresh; without it, every stream of the connection. Each must be a stream the " +
		"connection syncs. Only with `job_type` `clear`, `reset` or `refresh`: a sync always syncs every selected stream."
	runSyncStreamNameDescription      = "The stream's name."
	runSyncStreamNamespaceDescription = "The stream's namespace, where the source has several streams of that name."
	runSyncRefreshModeDescription     = "How a refresh re-reads its streams, required with `job_type = \"refresh\"` and only then: `merge` keeps the " +
		"destination's data available and merges the re-read records into it (deduplicated where the stream has a primary key); `truncate` " +
		"drops the streams' data first, so it is missing until the refresh ends."
)

// jobArgs are the arguments that say which job to run, shared by the
// resource and the action.
type jobArgs struct {
	JobType     types.String
	Streams     types.List
	RefreshMode types.String
}

// runSyncStreamModel is one element of streams.
type runSyncStreamModel struct {
	Name      types.String `tfsdk:"name"`
	Namespace types.String `tfsdk:"namespace"`
}

var runSyncStreamAttrTypes = map[string]attr.Type{"name": types.StringType, "namespace": types.StringType}

// validate refuses arguments that do not fit together: streams or a
// refresh mode for a sync, a refresh without its mode, a stream named twice.
func (a jobArgs) validate(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	jobType := a.JobType.ValueString()
	if a.JobType.IsUnknown() {
		return diags
	}
	if jobType == "" {
		jobType = jobTypeSync
	}
	if jobType == jobTypeSync && !a.Streams.IsNull() && !a.Streams.IsUnknown() {
		diags.AddAttributeError(path.Root("streams"), "Streams Of A Sync",
			"streams chooses the streams of a clear or a refresh; a sync always syncs every stream the connection selects. "+
				"Remove streams, or set job_type = \"clear\" or \"refresh\".")
	}
	switch {
	case a.RefreshMode.IsUnknown():
	case jobType == jobTypeRefresh && a.RefreshMode.IsNull():
		diags.AddAttributeError(path.Root("refresh_mode"), "Refresh Mode Required",
			"A refresh needs refresh_mode: \"merge\" keeps the destination's data while the streams are read again, \"truncate\" drops it first. "+
				"Set one of them.")
	case jobType != jobTypeRefresh && !a.RefreshMode.IsNull():
		diags.AddAttributeError(path.Root("refresh_mode"), "Refresh Mode Without A Refresh",
			fmt.Sprintf("refresh_mode applies to job_type = \"refresh\" only, and job_type is %q. Remove refresh_mode, or set job_type = \"refresh\".", jobType))
	}
	if !known(a.Streams) {
		return diags
	}
	var streams []runSyncStreamModel
	diags.Append(a.Streams.ElementsAs(ctx, &streams, false)...)
	seen := map[client.StreamDescriptor]bool{}
	for i, s := range streams {
		if !known(s.Name) || !(s.Namespace.IsNull() || known(s.Namespace)) {
			continue
		}
		d := client.StreamDescriptor{Name: s.Name.ValueString(), Namespace: s.Namespace.ValueString()}
		if seen[d] {
			diags.AddAttributeError(path.Root("streams").AtListIndex(i), "Stream Listed Twice",
				fmt.Sprintf("The stream %q is listed more than once in streams. List each stream once.", streamName(d)))
		}
		seen[d] = true
	}
	return diags
}

// apply sets the job the request runs.
func (a jobArgs) apply(ctx context.Context, req *syncRequest) diag.Diagnostics {
	req.JobType = a.JobType.ValueString()
	req.RefreshMode = a.RefreshMode.ValueString()
	var diags diag.Diagnostics
	req.Streams, diags = a.descriptors(ctx)
	return diags
}

// descriptors are the streams as the client takes them.
func (a jobArgs) descriptors(ctx context.Context) ([]client.StreamDescriptor, diag.Diagnostics) {
	if a.Streams.IsNull() || a.Streams.IsUnknown() {
		return nil, nil
	}
	var streams []runSyncStreamModel
	diags := a.Streams.ElementsAs(ctx, &streams, false)
	out := make([]client.StreamDescriptor, 0, len(streams))
	for _, s := range streams {
		out = append(out, client.StreamDescriptor{Name: s.Name.ValueString(), Namespace: s.Namespace.ValueString()})
	}
	return out, diags
}

func (r *runSyncResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	keepStr := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs a sync of an Airbyte connection, the way the **Sync now** button does, and records the job; with " +
			"`job_type` it runs a clear or a refresh instead. " +
			"A new job runs when the resource is created and whenever it is replaced: when `connection_id`, `job_type`, `streams`, " +
			"`refresh_mode` or `triggers` change, or when the resource is tainted (after a job that failed, was cancelled or timed out). " +
			"By default Terraform waits for the job to end and fails when it does not succeed, with Airbyte's reason for the failure " +
			"(origin, type, stream and message, also kept in the state). Changing `wait`, `timeout`, " +
			"`cancel_on_timeout` or `if_running` starts nothing. Destroying the resource does nothing in Airbyte: a finished job " +
			"cannot be deleted, and it stays in the connection's job history.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The id of the sync job, the same as `job_id`, as a string.",
				PlanModifiers:       keepStr,
			},
			"connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: runSyncConnectionIDDescription + " Changing it runs a new sync.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{uuidValidator{}},
			},
			"wait": schema.BoolAttribute{
				Optional: true, Computed: true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: runSyncWaitDescription,
			},
			"timeout": schema.StringAttribute{
				Optional: true, Computed: true,
				Default:             stringdefault.StaticString(defaultSyncTimeout),
				MarkdownDescription: runSyncTimeoutDescription,
				Validators:          []validator.String{durationValidator{}},
			},
			"cancel_on_timeout": schema.BoolAttribute{
				Optional: true, Computed: true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: runSyncCancelOnTimeoutDescription,
			},
			"triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values that, when any of them changes, run a new sync (the resource is replaced), like " +
					"`terraform_data`'s `triggers_replace`. For example `{ config = sha1(jsonencode(airbyte_connection.example.configurations)) }` " +
					"syncs again whenever the connection's streams change.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"if_running": schema.StringAttribute{
				Optional: true, Computed: true,
				Default:             stringdefault.StaticString(defaultIfRunning),
				MarkdownDescription: runSyncIfRunningDescription,
				Validators:          []validator.String{stringvalidator.OneOf(ifRunningWait, ifRunningAttach, ifRunningFail)},
			},
			"refresh_mode": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: runSyncRefreshModeDescription + " Changing it runs a new job.",
				Validators:          []validator.String{stringvalidator.OneOf(refreshMerge, refreshTruncate)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"streams": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: runSyncStreamsDescription + " Changing it runs a new job.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: runSyncStreamNameDescription,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
					"namespace": schema.StringAttribute{Optional: true, MarkdownDescription: runSyncStreamNamespaceDescription,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				}},
			},
			"job_id": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The id of the sync job this resource ran.",
				PlanModifiers:       keepInt,
			},
			"job_type": schema.StringAttribute{
				Optional: true, Computed: true,
				Default:             stringdefault.StaticString(jobTypeSync),
				MarkdownDescription: runSyncJobTypeDescription + " Changing it runs a new job, except between `clear` and `reset`, two names of one job.",
				Validators:          []validator.String{stringvalidator.OneOf(jobTypeSync, jobTypeClear, jobTypeReset, jobTypeRefresh)},
				PlanModifiers:       []planmodifier.String{replacesUnlessSameJob},
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The job's status when last read: `pending`, `queued`, `running` or `incomplete` while it runs, " +
					"then `succeeded`, `failed` or `cancelled`.",
				PlanModifiers: keepStr,
			},
			"start_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the job was created, in RFC 3339.",
				PlanModifiers:       keepStr,
			},
			"last_updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the job last changed, in RFC 3339; null while Airbyte does not say.",
				PlanModifiers:       keepStr,
			},
			"duration": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "How long the job ran, as an ISO 8601 duration such as `PT5M7S`; null while Airbyte does not say.",
				PlanModifiers:       keepStr,
			},
			"bytes_synced": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many bytes the job moved, as of its last read.",
				PlanModifiers:       keepInt,
			},
			"rows_synced": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many rows (records) the job moved, as of its last read.",
				PlanModifiers:       keepInt,
			},
			"job_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The job in the connection's timeline in the Airbyte web UI, with its logs; null when the UI's address cannot be derived from `server_url`.",
				PlanModifiers:       keepStr,
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, runSyncDetailsAttributes())
}

// runSyncDetailsAttributes are the job's details in the resource's schema:
// known once the job has ended, kept from state afterwards.
func runSyncDetailsAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, t := range syncJobDetailsAttrTypes {
		desc := syncJobDetailsDescriptions[name]
		switch t {
		case types.Int64Type:
			attrs[name] = schema.Int64Attribute{Computed: true, MarkdownDescription: desc,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
		case types.BoolType:
			attrs[name] = schema.BoolAttribute{Computed: true, MarkdownDescription: desc,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}}
		case types.StringType:
			attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
		}
	}
	stat := map[string]schema.Attribute{}
	for name, t := range streamStatsAttrTypes {
		desc := syncJobDetailsDescriptions["stream_stats."+name]
		if t == types.StringType {
			stat[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc}
		} else {
			stat[name] = schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
		}
	}
	attrs["stream_stats"] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: syncJobDetailsDescriptions["stream_stats"],
		NestedObject:  schema.NestedAttributeObject{Attributes: stat},
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()}}
	return attrs
}

// replacesUnlessSameJob runs a new job when job_type changes, except between
// "clear" and "reset", Airbyte's two names for one job: a clear job imported
// by its id reads back as "reset", and a configuration saying "clear" only
// renames it in state.
var replacesUnlessSameJob = stringplanmodifier.RequiresReplaceIf(
	func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !(isClear(req.StateValue.ValueString()) && isClear(req.PlanValue.ValueString()))
	},
	"Changing the job type runs a new job, except between clear and reset, which name the same job.",
	"Changing the job type runs a new job, except between `clear` and `reset`, which name the same job.",
)

func isClear(jobType string) bool { return jobType == jobTypeClear || jobType == jobTypeReset }
