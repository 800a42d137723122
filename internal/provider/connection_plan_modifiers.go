package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// streamsFromState plans configurations.streams. Streams are matched to the
// connection's current streams by name and namespace, whatever their order,
// and every attribute the configuration leaves out keeps the stream's
// current value (a new stream's are left for Airbyte to choose). So a
// configuration that names streams and sync modes, and nothing else, plans
// no change against the cursors, keys and namespaces Airbyte filled in.
type streamsFromState struct{}

var _ planmodifier.Set = streamsFromState{}

func (streamsFromState) Description(context.Context) string {
	return "Streams keep the values Airbyte holds for every attribute the configuration leaves out."
}

func (m streamsFromState) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (streamsFromState) PlanModifySet(ctx context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.ConfigValue.IsUnknown() {
		return
	}
	if req.ConfigValue.IsNull() {
		if known(req.StateValue) {
			resp.PlanValue = req.StateValue
		}
		return
	}
	var prior *streamIndex[attr.Value]
	if known(req.StateValue) {
		prior = newStreamIndex(req.StateValue.Elements(), streamObjectID)
	}
	elems := make([]attr.Value, 0, len(req.ConfigValue.Elements()))
	for _, e := range req.ConfigValue.Elements() {
		cfg := e.(types.Object)
		attrs := cfg.Attributes()
		name, _ := attrs["name"].(types.String)
		namespace, ok := attrs["namespace"].(types.String)
		if !ok {
			namespace = types.StringUnknown()
		}
		match, _ := prior.find(name.ValueString(), namespace)
		elems = append(elems, mergeWithPrior(cfg, match))
	}
	planned, diags := types.SetValue(req.ConfigValue.ElementType(ctx), elems)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.PlanValue = planned
	}
}

// mergeWithPrior returns the configured value with every null filled from
// prior: object attributes one by one, list elements by position. Where
// prior has nothing to offer (nil), a null becomes unknown, for Airbyte to
// fill in. Every attribute below configurations.streams is optional and
// computed, so an unknown is always a valid plan there.
func mergeWithPrior(cfg, prior attr.Value) attr.Value {
	if cfg.IsUnknown() {
		return cfg
	}
	if cfg.IsNull() {
		if prior != nil && !prior.IsUnknown() {
			return prior
		}
		return unknownOf(cfg)
	}
	switch c := cfg.(type) {
	case types.Object:
		var priorAttrs map[string]attr.Value
		if p, ok := prior.(types.Object); ok && known(p) {
			priorAttrs = p.Attributes()
		}
		attrs := make(map[string]attr.Value, len(c.Attributes()))
		for name, v := range c.Attributes() {
			var pv attr.Value
			if priorAttrs != nil {
				pv = priorAttrs[name]
			}
			attrs[name] = mergeWithPrior(v, pv)
		}
		obj, diags := types.ObjectValue(c.AttributeTypes(context.Background()), attrs)
		if diags.HasError() {
			return cfg
		}
		return obj
	case types.List:
		var priorElems []attr.Value
		if p, ok := prior.(types.List); ok && known(p) && len(p.Elements()) == len(c.Elements()) {
			priorElems = p.Elements()
		}
		if _, nested := c.ElementType(context.Background()).(types.ObjectType); !nested {
			return cfg // a list of strings or of lists: taken as configured
		}
		elems := make([]attr.Value, 0, len(c.Elements()))
		for i, v := range c.Elements() {
			var pv attr.Value
			if priorElems != nil {
				pv = priorElems[i]
			}
			elems = append(elems, mergeWithPrior(v, pv))
		}
		list, diags := types.ListValue(c.ElementType(context.Background()), elems)
		if diags.HasError() {
			return cfg
		}
		return list
	}
	return cfg
}

// unknownOf returns an unknown value of v's type.
func unknownOf(v attr.Value) attr.Value {
	switch t := v.(type) {
	case types.String:
		return types.StringUnknown()
	case types.Bool:
		return types.BoolUnknown()
	case types.Int64:
		return types.Int64Unknown()
	case types.List:
		return types.ListUnknown(t.ElementType(context.Background()))
	case types.Set:
		return types.SetUnknown(t.ElementType(context.Background()))
	case types.Object:
		return types.ObjectUnknown(t.AttributeTypes(context.Background()))
	}
	return v
}

// streamObjectID names an element of configurations.streams.
func streamObjectID(v attr.Value) streamID {
	var id streamID
	if obj, ok := v.(types.Object); ok {
		attrs := obj.Attributes()
		if s, ok := attrs["name"].(types.String); ok {
			id.name = s.ValueString()
		}
		if s, ok := attrs["namespace"].(types.String); ok {
			id.namespace = s.ValueString()
		}
	}
	return id
}

// cronExpressionFollowsType plans a cron_expression the configuration
// leaves out as null unless the schedule is kept whole from state.
type cronExpressionFollowsType struct{}

var _ planmodifier.String = cronExpressionFollowsType{}

func (cronExpressionFollowsType) Description(context.Context) string {
	return "cron_expression is null unless schedule_type is cron."
}

func (m cronExpressionFollowsType) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (cronExpressionFollowsType) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() || scheduleLeftOut(ctx, req.Config.GetAttribute) {
		return
	}
	resp.PlanValue = types.StringNull()
}

// followsScheduleType plans a schedule attribute that belongs to one
// schedule type (basic_timing to basic, cron_time_zone to cron) and that
// the configuration leaves out: it keeps its value while the schedule stays
// of that type, is fresh when the schedule becomes of that type, and is
// null for any other type.
type followsScheduleType struct {
	scheduleType string
	fresh        types.String // the value Airbyte gives a new schedule of the type
}

var _ planmodifier.String = followsScheduleType{}

func (m followsScheduleType) Description(context.Context) string {
	return fmt.Sprintf("Kept while schedule_type stays %q and null for other schedule types.", m.scheduleType)
}

func (m followsScheduleType) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m followsScheduleType) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() || scheduleLeftOut(ctx, req.Config.GetAttribute) {
		return
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("schedule").AtName("schedule_type"), &planned)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("schedule").AtName("schedule_type"), &prior)...)
	}
	switch {
	case planned.IsUnknown():
	case planned.ValueString() != m.scheduleType:
		resp.PlanValue = types.StringNull()
	case prior.ValueString() == m.scheduleType && known(req.StateValue):
		resp.PlanValue = req.StateValue
	default:
		resp.PlanValue = m.fresh
	}
}

// scheduleLeftOut reports whether the configuration has no schedule, in
// which case the whole schedule is kept from state.
func scheduleLeftOut(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics) bool {
	var schedule types.Object
	if get(ctx, path.Root("schedule"), &schedule).HasError() {
		return true
	}
	return schedule.IsNull() || schedule.IsUnknown()
}
