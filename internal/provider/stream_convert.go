package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// configuredStreams returns the elements of configurations.streams, or none
// when either level is null or unknown.
func configuredStreams(ctx context.Context, v types.Object) ([]streamModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return nil, diags
	}
	var c configurationsModel
	diags.Append(v.As(ctx, &c, objectAsOptions)...)
	if c.Streams.IsNull() || c.Streams.IsUnknown() {
		return nil, diags
	}
	var streams []streamModel
	diags.Append(c.Streams.ElementsAs(ctx, &streams, false)...)
	return streams, diags
}

// streamsRequest converts configured streams into the API's list. For a
// stream's unconfigured attributes it falls back to the value of the same
// stream in current (the connection's streams now), except for cursors and
// primary keys the source defines itself (in props, the source's catalog):
// those are never sent, since the API refuses them back. current and props
// may be nil.
func streamsRequest(ctx context.Context, configured []streamModel, current *streamIndex[streamModel], props *streamIndex[client.StreamProperties]) ([]client.StreamConfiguration, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := make([]client.StreamConfiguration, 0, len(configured))
	for _, c := range configured {
		p, hasPlan := current.find(c.Name.ValueString(), c.Namespace)
		s := client.StreamConfiguration{Name: c.Name.ValueString()}
		if ns := configuredOr(c.Namespace, p.Namespace, hasPlan); known(ns) {
			s.Namespace = ns.ValueString()
		}
		if mode := configuredOr(c.SyncMode, p.SyncMode, hasPlan); known(mode) {
			s.SyncMode = client.SyncMode(mode.ValueString())
		}
		prop, _ := props.find(s.Name, optionalString(s.Namespace))
		cursor := c.CursorField
		if !known(cursor) && hasPlan && !prop.SourceDefinedCursorField {
			cursor = p.CursorField
		}
		if known(cursor) {
			diags.Append(cursor.ElementsAs(ctx, &s.CursorField, false)...)
		}
		pk := c.PrimaryKey
		if !known(pk) && hasPlan && len(prop.SourceDefinedPrimaryKey) == 0 {
			pk = p.PrimaryKey
		}
		if known(pk) {
			diags.Append(pk.ElementsAs(ctx, &s.PrimaryKey, false)...)
		}
		if sf := configuredOr(c.SelectedFields, p.SelectedFields, hasPlan); known(sf) {
			var fields []selectedFieldModel
			diags.Append(sf.ElementsAs(ctx, &fields, false)...)
			s.SelectedFields = []client.SelectedField{}
			for _, f := range fields {
				var fp []string
				diags.Append(f.FieldPath.ElementsAs(ctx, &fp, false)...)
				s.SelectedFields = append(s.SelectedFields, client.SelectedField{FieldPath: fp})
			}
		}
		if inc := configuredOr(c.IncludeFiles, p.IncludeFiles, hasPlan); known(inc) {
			s.IncludeFiles = inc.ValueBoolPointer()
		}
		if don := configuredOr(c.DestinationObjectName, p.DestinationObjectName, hasPlan); known(don) {
			s.DestinationObjectName = don.ValueString()
		}
		// Configured mappers carry the ids Airbyte gave them (matched by
		// position, as the plan matches them), so that Airbyte keeps them.
		mappers := configuredOr(c.Mappers, p.Mappers, hasPlan)
		if hasPlan && known(c.Mappers) && known(p.Mappers) {
			if merged, ok := mergeWithPrior(c.Mappers, p.Mappers).(types.List); ok {
				mappers = merged
			}
		}
		if known(mappers) {
			s.Mappers = []client.StreamMapper{}
			for _, m := range mappers.Elements() {
				mp, d := mapperToAPI(ctx, m)
				diags.Append(d...)
				diags.Append(checkNoMaskedKey(s.Name, mp)...)
				s.Mappers = append(s.Mappers, mp)
			}
		}
		out = append(out, s)
	}
	return out, diags
}

// streamValueFromAPI converts one configured stream.
func streamValueFromAPI(ctx context.Context, s client.StreamConfiguration) (attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := streamModel{
		Name:                  types.StringValue(s.Name),
		Namespace:             optionalString(s.Namespace),
		SyncMode:              optionalString(string(s.SyncMode)),
		DestinationObjectName: optionalString(s.DestinationObjectName),
		IncludeFiles:          types.BoolPointerValue(s.IncludeFiles),
		CursorField:           types.ListNull(types.StringType),
		PrimaryKey:            types.ListNull(stringListType),
		SelectedFields:        types.SetNull(types.ObjectType{AttrTypes: selectedFieldAttrTypes}),
		Mappers:               types.ListNull(types.ObjectType{AttrTypes: mapperAttrTypes}),
	}
	var d diag.Diagnostics
	if s.CursorField != nil {
		m.CursorField, d = types.ListValueFrom(ctx, types.StringType, s.CursorField)
		diags.Append(d...)
	}
	if s.PrimaryKey != nil {
		m.PrimaryKey, d = types.ListValueFrom(ctx, stringListType, s.PrimaryKey)
		diags.Append(d...)
	}
	// Airbyte sends selectedFields [] when field selection is off (every
	// field syncs), and refuses [] as a request: it means "not set".
	if len(s.SelectedFields) > 0 {
		fields := make([]selectedFieldModel, 0, len(s.SelectedFields))
		for _, f := range s.SelectedFields {
			path, d := types.ListValueFrom(ctx, types.StringType, f.FieldPath)
			diags.Append(d...)
			fields = append(fields, selectedFieldModel{FieldPath: path})
		}
		m.SelectedFields, d = types.SetValueFrom(ctx, types.ObjectType{AttrTypes: selectedFieldAttrTypes}, fields)
		diags.Append(d...)
	}
	if s.Mappers != nil {
		mappers := make([]attr.Value, 0, len(s.Mappers))
		for _, mp := range s.Mappers {
			v, d := mapperValueFromAPI(mp)
			diags.Append(d...)
			mappers = append(mappers, v)
		}
		m.Mappers, d = types.ListValue(types.ObjectType{AttrTypes: mapperAttrTypes}, mappers)
		diags.Append(d...)
	}
	v, d := types.ObjectValueFrom(ctx, streamAttrTypes, m)
	diags.Append(d...)
	return v, diags
}
