package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func (r *connectionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg connectionResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.DataResidency.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("data_residency"), "Data Residency Is Ignored",
			"Airbyte no longer lets connections choose their data residency, so data_residency has no effect. Remove it from the configuration.")
	}
	resp.Diagnostics.Append(validateTimeouts(cfg.Timeouts)...)
	resp.Diagnostics.Append(validateSchedule(ctx, cfg.Schedule)...)
	resp.Diagnostics.Append(validateStreams(ctx, cfg.Configurations)...)
	resp.Diagnostics.Append(validateTags(ctx, cfg.Tags)...)
}

// requireAttribute reports a missing nested attribute that the schema marks
// optional only so that Terraform keeps a whole object left out of the
// configuration (see schedule_type).
func requireAttribute(v attr.Value, at path.Path, what string) diag.Diagnostics {
	var diags diag.Diagnostics
	if v.IsNull() {
		diags.AddAttributeError(at, "Missing Required Argument", fmt.Sprintf("%s is required here. %s", at, what))
	}
	return diags
}

// validateSchedule checks that cron_expression is set exactly when schedule_type is cron.
func validateSchedule(ctx context.Context, v types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return diags
	}
	var s scheduleModel
	diags.Append(v.As(ctx, &s, objectAsOptions)...)
	diags.Append(requireAttribute(s.ScheduleType, path.Root("schedule").AtName("schedule_type"),
		"Set it to \"cron\" (with cron_expression) or \"manual\".")...)
	if s.ScheduleType.IsUnknown() || s.CronExpression.IsUnknown() {
		return diags
	}
	cronPath := path.Root("schedule").AtName("cron_expression")
	switch s.ScheduleType.ValueString() {
	case "cron":
		if s.CronExpression.IsNull() {
			diags.AddAttributeError(cronPath, "Missing Cron Expression",
				"schedule_type is \"cron\", so cron_expression is required: a Quartz cron expression with a seconds field, "+
					"such as \"0 0 12 * * ?\" for every day at 12:00 UTC.")
		}
	case "manual", "basic":
		if !s.CronExpression.IsNull() {
			diags.AddAttributeError(cronPath, "Unexpected Cron Expression",
				fmt.Sprintf("cron_expression is only used when schedule_type is \"cron\", but schedule_type is %q. "+
					"Set schedule_type = \"cron\" to sync on this expression, or remove cron_expression.", s.ScheduleType.ValueString()))
		}
		if !s.CronTimeZone.IsNull() {
			diags.AddAttributeError(path.Root("schedule").AtName("cron_time_zone"), "Unexpected Time Zone",
				fmt.Sprintf("cron_time_zone is only used when schedule_type is \"cron\", but schedule_type is %q. Remove cron_time_zone.",
					s.ScheduleType.ValueString()))
		}
	}
	return diags
}

// validateStreams refuses two streams with the same name and namespace.
func validateStreams(ctx context.Context, v types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	streams, d := configuredStreams(ctx, v)
	diags.Append(d...)
	seen := map[streamID]bool{}
	for _, s := range streams {
		if s.Name.IsNull() {
			diags.AddAttributeError(path.Root("configurations").AtName("streams"), "Missing Stream Name",
				"Every element of configurations.streams needs a name: the stream's name as the source reports it.")
			continue
		}
		if s.Name.IsUnknown() || s.Namespace.IsUnknown() {
			continue
		}
		key := streamModelID(s)
		if seen[key] {
			ns := "no namespace"
			if !s.Namespace.IsNull() {
				ns = fmt.Sprintf("namespace %q", s.Namespace.ValueString())
			}
			diags.AddAttributeError(path.Root("configurations").AtName("streams"), "Duplicate Stream",
				fmt.Sprintf("The stream %q (%s) is listed more than once, with different settings. "+
					"List each stream once; to sync a stream of the same name from another namespace, set namespace on each.",
					s.Name.ValueString(), ns))
		}
		seen[key] = true
	}
	return diags
}

func (r *connectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, state connectionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Airbyte's API cannot create a basic schedule, only keep one.
	if !plan.Schedule.IsNull() && !plan.Schedule.IsUnknown() {
		var s scheduleModel
		resp.Diagnostics.Append(plan.Schedule.As(ctx, &s, objectAsOptions)...)
		if s.ScheduleType.ValueString() == "basic" && scheduleTypeOf(ctx, state.Schedule) != "basic" {
			resp.Diagnostics.AddAttributeError(path.Root("schedule").AtName("schedule_type"), "Basic Schedules Cannot Be Set",
				"Airbyte's API cannot create a \"basic\" schedule; it can only keep one made in the Airbyte UI. "+
					"Use schedule_type = \"cron\" with a Quartz cron_expression (\"0 0 */24 * * ?\" runs every 24 hours), or \"manual\".")
		}
	}

	// status_reason keeps its value unless the status changes.
	if !state.StatusReason.IsNull() || !state.Status.IsNull() {
		reason := state.StatusReason
		if !plan.Status.Equal(state.Status) {
			reason = types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status_reason"), reason)...)
	}

	// stream_names follows the planned streams.
	names := types.ListUnknown(types.StringType)
	if list, ok := knownStreamNames(plan.Configurations); ok {
		sort.Strings(list)
		var d diag.Diagnostics
		names, d = types.ListValueFrom(ctx, types.StringType, list)
		resp.Diagnostics.Append(d...)
	}
	if !names.Equal(plan.StreamNames) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("stream_names"), names)...)
	}
	resp.Diagnostics.Append(r.planTags(ctx, req.Config, plan, state, &resp.Plan)...)
	resp.Diagnostics.Append(r.checkPlannedStreams(ctx, req, plan, state)...)
	resp.Diagnostics.Append(r.checkStateLoss(ctx, req, plan, state)...)
}

// knownStreams returns the planned streams when all their names are known.
func knownStreams(ctx context.Context, v types.Object) ([]streamModel, bool) {
	if v.IsNull() || v.IsUnknown() {
		return nil, false
	}
	var c configurationsModel
	if v.As(ctx, &c, objectAsOptions).HasError() || c.Streams.IsNull() || c.Streams.IsUnknown() {
		return nil, false
	}
	var streams []streamModel
	if c.Streams.ElementsAs(ctx, &streams, false).HasError() {
		return nil, false
	}
	for _, s := range streams {
		if s.Name.IsUnknown() {
			return nil, false
		}
	}
	return streams, true
}

// knownStreamNames returns the names of the planned streams when all are known, as
// knownStreams does, reading only the names rather than converting every stream.
func knownStreamNames(v types.Object) ([]string, bool) {
	if v.IsNull() || v.IsUnknown() {
		return nil, false
	}
	streams, ok := v.Attributes()["streams"].(types.Set)
	if !ok || streams.IsNull() || streams.IsUnknown() {
		return nil, false
	}
	names := make([]string, 0, len(streams.Elements()))
	for _, e := range streams.Elements() {
		s, ok := e.(types.Object)
		if !ok || s.IsNull() || s.IsUnknown() {
			return nil, false
		}
		name, ok := s.Attributes()["name"].(types.String)
		if !ok || name.IsUnknown() {
			return nil, false
		}
		names = append(names, name.ValueString())
	}
	return names, true
}

func scheduleTypeOf(ctx context.Context, v types.Object) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	var s scheduleModel
	if v.As(ctx, &s, objectAsOptions).HasError() {
		return ""
	}
	return s.ScheduleType.ValueString()
}
