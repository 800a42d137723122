package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// createRequest builds the create request from the configuration: what the
// user left out is left out, so Airbyte applies its defaults.
func (r *connectionResource) createRequest(ctx context.Context, plan, cfg connectionResourceModel) (client.ConnectionCreateRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := client.ConnectionCreateRequest{
		Name:          cfg.Name.ValueString(),
		SourceID:      plan.SourceID.ValueString(),
		DestinationID: plan.DestinationID.ValueString(),
	}
	if s := scheduleRequest(ctx, cfg.Schedule, &diags); s != nil {
		in.Schedule = s
	}
	if known(cfg.Prefix) {
		in.Prefix = cfg.Prefix.ValueStringPointer()
	}
	if known(cfg.NamespaceFormat) {
		in.NamespaceFormat = cfg.NamespaceFormat.ValueStringPointer()
	}
	in.NamespaceDefinition = client.NamespaceDefinition(cfg.NamespaceDefinition.ValueString())
	in.NonBreakingSchemaUpdatesBehavior = client.NonBreakingSchemaUpdatesBehavior(cfg.NonBreakingSchemaUpdatesBehavior.ValueString())
	in.Status = client.ConnectionStatus(cfg.Status.ValueString())
	if !cfg.Tags.IsNull() && !cfg.Tags.IsUnknown() {
		in.Tags = tagsRequest(ctx, plan.Tags, &diags)
	}
	streams, d := configuredStreams(ctx, cfg.Configurations)
	diags.Append(d...)
	if len(streams) > 0 {
		list, d := streamsRequest(ctx, streams, nil, nil)
		diags.Append(d...)
		in.Configurations = &client.StreamConfigurations{Streams: list}
	}
	return in, diags
}

// scheduleRequest converts a configured schedule; nil when there is none to send.
func scheduleRequest(ctx context.Context, v types.Object, diags *diag.Diagnostics) *client.ConnectionSchedule {
	if !known(v) {
		return nil
	}
	var s scheduleModel
	diags.Append(v.As(ctx, &s, objectAsOptions)...)
	switch s.ScheduleType.ValueString() {
	case "cron":
		return &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeCron, CronExpression: normalizeCron(s.CronExpression.ValueString())}
	case "manual":
		return &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeManual}
	}
	return nil // basic: kept, never sent
}

func tagsRequest(ctx context.Context, v types.List, diags *diag.Diagnostics) []client.Tag {
	var tags []tagModel
	diags.Append(v.ElementsAs(ctx, &tags, false)...)
	out := make([]client.Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, client.Tag{TagID: t.TagID.ValueString(), WorkspaceID: t.WorkspaceID.ValueString(), Name: t.Name.ValueString(), Color: t.Color.ValueString()})
	}
	return out
}

// patchRequest builds a PATCH with only what differs between plan and state.
// A change of streams sends the whole desired list, since the API replaces it.
func (r *connectionResource) patchRequest(ctx context.Context, plan, state, cfg connectionResourceModel) (client.ConnectionPatchRequest, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	var p client.ConnectionPatchRequest
	changed := false
	str := func(planned, prior types.String) *string {
		if !known(planned) || planned.Equal(prior) {
			return nil
		}
		changed = true
		return planned.ValueStringPointer()
	}
	p.Name = str(plan.Name, state.Name)
	p.Prefix = str(plan.Prefix, state.Prefix)
	p.NamespaceFormat = str(plan.NamespaceFormat, state.NamespaceFormat)
	if v := str(plan.Status, state.Status); v != nil {
		s := client.ConnectionStatus(*v)
		p.Status = &s
	}
	if v := str(plan.NamespaceDefinition, state.NamespaceDefinition); v != nil {
		nd := client.NamespaceDefinition(*v)
		p.NamespaceDefinition = &nd
	}
	if v := str(plan.NonBreakingSchemaUpdatesBehavior, state.NonBreakingSchemaUpdatesBehavior); v != nil {
		nb := client.NonBreakingSchemaUpdatesBehavior(*v)
		p.NonBreakingSchemaUpdatesBehavior = &nb
	}
	if known(plan.Tags) && !plan.Tags.Equal(state.Tags) {
		p.Tags = tagsRequest(ctx, plan.Tags, &diags)
		changed = true
	}
	if _, _, zoned := zonedCron(ctx, plan.Schedule); !zoned && known(plan.Schedule) && !schedulesEqual(ctx, plan.Schedule, state.Schedule) {
		// (A schedule outside UTC is set by Update through the Config API.)
		if s := scheduleRequest(ctx, plan.Schedule, &diags); s != nil {
			p.Schedule = s
			changed = true
		}
	}
	if known(plan.Configurations) && !plan.Configurations.Equal(state.Configurations) {
		configured, d := configuredStreams(ctx, cfg.Configurations)
		diags.Append(d...)
		if configured == nil {
			planStreams, _ := knownStreams(ctx, plan.Configurations)
			configured = planStreams
		}
		if len(configured) > 0 {
			current := currentStreams(ctx, state.Configurations)
			props, err := r.streamProperties(ctx, state.SourceID.ValueString(), state.DestinationID.ValueString())
			if err != nil {
				diags.AddAttributeError(path.Root("configurations"), "Cannot Read Source Streams",
					fmt.Sprintf("Changing the streams needs the source's stream catalog, and reading it failed: %v. The connection is unchanged.", err))
				return p, false, diags
			}
			list, d := streamsRequest(ctx, configured, current, props)
			diags.Append(d...)
			diags.Append(r.checkStreamsToSend(ctx, state.SourceID.ValueString(), state.DestinationID.ValueString(), &client.StreamConfigurations{Streams: list})...)
			p.Configurations = &client.StreamConfigurations{Streams: list}
			changed = true
		}
	}
	return p, changed, diags
}

// schedulesEqual compares two schedules, treating cron expressions that
// differ only by the API's " UTC" suffix or spacing as equal.
func schedulesEqual(ctx context.Context, a, b types.Object) bool {
	if a.IsNull() || b.IsNull() || a.IsUnknown() || b.IsUnknown() {
		return a.Equal(b)
	}
	var x, y scheduleModel
	if a.As(ctx, &x, objectAsOptions).HasError() || b.As(ctx, &y, objectAsOptions).HasError() {
		return false
	}
	return x.ScheduleType.Equal(y.ScheduleType) &&
		normalizeCron(x.CronExpression.ValueString()) == normalizeCron(y.CronExpression.ValueString()) &&
		x.CronTimeZone.ValueString() == y.CronTimeZone.ValueString()
}

// fill sets every attribute of m from the API's connection. webRoot is the
// root of the Airbyte web UI; when empty, the URL attributes are null.
func (m *connectionAPIModel) fill(ctx context.Context, conn *client.Connection, webRoot string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(conn.ConnectionID)
	m.ConnectionID = types.StringValue(conn.ConnectionID)
	m.Name = types.StringValue(conn.Name)
	m.SourceID = types.StringValue(conn.SourceID)
	m.DestinationID = types.StringValue(conn.DestinationID)
	m.WorkspaceID = types.StringValue(conn.WorkspaceID)
	m.Status = types.StringValue(string(conn.Status))
	m.StatusReason = optionalString(conn.StatusReason)
	m.Prefix = types.StringValue(conn.Prefix)
	m.NamespaceDefinition = types.StringValue(string(orDefault(conn.NamespaceDefinition, client.NamespaceDefinitionDestination)))
	m.NamespaceFormat = optionalString(conn.NamespaceFormat)
	m.NonBreakingSchemaUpdatesBehavior = types.StringValue(string(orDefault(conn.NonBreakingSchemaUpdatesBehavior, client.NonBreakingSchemaUpdatesIgnore)))
	m.CreatedAt = types.Int64Value(conn.CreatedAt)
	if webRoot != "" {
		m.ConnectionURL = types.StringValue(client.ConnectionURL(webRoot, conn.WorkspaceID, conn.ConnectionID))
		m.JobHistoryURL = types.StringValue(client.JobHistoryURL(webRoot, conn.WorkspaceID, conn.ConnectionID))
	} else {
		m.ConnectionURL = types.StringNull()
		m.JobHistoryURL = types.StringNull()
	}

	schedule := scheduleModel{
		ScheduleType:   types.StringValue(string(conn.Schedule.ScheduleType)),
		CronExpression: newCronExpressionNull(),
		CronTimeZone:   types.StringNull(),
		BasicTiming:    optionalString(conn.Schedule.BasicTiming),
	}
	if expr, zone := conn.Schedule.CronAndZone(); expr != "" {
		// The API reads a cron back as "<expression> <zone>": the two are
		// kept apart, so that an imported connection plans no change against
		// the usual way of writing the expression; semantic equality keeps
		// the user's own spelling once it is in state.
		schedule.CronExpression = newCronExpressionValue(normalizeCron(expr))
		schedule.CronTimeZone = types.StringValue(zone)
	}
	var d diag.Diagnostics
	m.Schedule, d = types.ObjectValueFrom(ctx, scheduleAttrTypes, schedule)
	diags.Append(d...)

	streams := make([]attr.Value, 0, len(conn.Configurations.Streams))
	names := make([]string, 0, len(conn.Configurations.Streams))
	for _, s := range conn.Configurations.Streams {
		v, d := streamValueFromAPI(ctx, s)
		diags.Append(d...)
		streams = append(streams, v)
		names = append(names, s.Name)
	}
	streamSet, d := types.SetValue(streamObjectType, streams)
	diags.Append(d...)
	m.Configurations, d = types.ObjectValue(configurationsAttrTypes, map[string]attr.Value{"streams": streamSet})
	diags.Append(d...)
	sort.Strings(names)
	m.StreamNames, d = types.ListValueFrom(ctx, types.StringType, names)
	diags.Append(d...)

	tags := make([]tagModel, 0, len(conn.Tags))
	for _, t := range conn.Tags {
		tags = append(tags, tagModel{
			TagID: types.StringValue(t.TagID), WorkspaceID: types.StringValue(t.WorkspaceID),
			Name: types.StringValue(t.Name), Color: types.StringValue(t.Color),
		})
	}
	m.Tags, d = types.ListValueFrom(ctx, tagObjectType, tags)
	diags.Append(d...)
	return diags
}
