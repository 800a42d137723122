package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

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

// mapperJSON is the union of every mapper configuration's JSON fields.
type mapperJSON struct {
	TargetField       string          `json:"targetField,omitempty"`
	Method            string          `json:"method,omitempty"`
	FieldNameSuffix   string          `json:"fieldNameSuffix,omitempty"`
	OriginalFieldName string          `json:"originalFieldName,omitempty"`
	NewFieldName      string          `json:"newFieldName,omitempty"`
	Conditions        json.RawMessage `json:"conditions,omitempty"`
	Algorithm         string          `json:"algorithm,omitempty"`
	Key               string          `json:"key,omitempty"`
	Mode              string          `json:"mode,omitempty"`
	Padding           string          `json:"padding,omitempty"`
	PublicKey         string          `json:"publicKey,omitempty"`
}

// mapperValueFromAPI converts one mapper; its configuration goes into the
// block named after its type.
func mapperValueFromAPI(mp client.StreamMapper) (attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg mapperJSON
	if len(mp.MapperConfiguration) > 0 && string(mp.MapperConfiguration) != "null" {
		if err := json.Unmarshal(mp.MapperConfiguration, &cfg); err != nil {
			diags.AddError("Unreadable Mapper Configuration",
				fmt.Sprintf("The API returned a %q mapper whose configuration could not be read: %v", mp.Type, err))
		}
	}
	blocks := map[string]attr.Value{}
	for name, t := range mapperConfigurationAttrTypes {
		blocks[name] = types.ObjectNull(t.(types.ObjectType).AttrTypes)
	}
	str := func(s string) attr.Value { return optionalString(s) }
	switch mp.Type {
	case client.StreamMapperHashing:
		blocks["hashing"] = mustObject(hashingAttrTypes, map[string]attr.Value{
			"target_field": str(cfg.TargetField), "method": str(cfg.Method), "field_name_suffix": str(cfg.FieldNameSuffix)}, &diags)
	case client.StreamMapperFieldRenaming:
		blocks["field_renaming"] = mustObject(fieldRenamingAttrTypes, map[string]attr.Value{
			"original_field_name": str(cfg.OriginalFieldName), "new_field_name": str(cfg.NewFieldName)}, &diags)
	case client.StreamMapperFieldFiltering:
		blocks["field_filtering"] = mustObject(fieldFilteringAttrType, map[string]attr.Value{"target_field": str(cfg.TargetField)}, &diags)
	case client.StreamMapperRowFiltering:
		conditions := jsontypes.NewNormalizedNull()
		if c := canonicalJSON(cfg.Conditions); c != "" {
			conditions = jsontypes.NewNormalizedValue(c)
		}
		blocks["row_filtering"] = mustObject(rowFilteringAttrTypes, map[string]attr.Value{"conditions": conditions}, &diags)
	case client.StreamMapperEncryption:
		enc := map[string]attr.Value{"aes": types.ObjectNull(aesAttrTypes), "rsa": types.ObjectNull(rsaAttrTypes)}
		if strings.EqualFold(cfg.Algorithm, "RSA") {
			enc["rsa"] = mustObject(rsaAttrTypes, map[string]attr.Value{"algorithm": str(cfg.Algorithm),
				"field_name_suffix": str(cfg.FieldNameSuffix), "public_key": str(cfg.PublicKey), "target_field": str(cfg.TargetField)}, &diags)
		} else {
			enc["aes"] = mustObject(aesAttrTypes, map[string]attr.Value{"algorithm": str(cfg.Algorithm),
				"field_name_suffix": str(cfg.FieldNameSuffix), "key": str(cfg.Key), "mode": str(cfg.Mode),
				"padding": str(cfg.Padding), "target_field": str(cfg.TargetField)}, &diags)
		}
		blocks["encryption"] = mustObject(encryptionAttrTypes, enc, &diags)
	}
	return mustObject(mapperAttrTypes, map[string]attr.Value{
		"id":                   optionalString(mp.ID),
		"type":                 types.StringValue(string(mp.Type)),
		"mapper_configuration": mustObject(mapperConfigurationAttrTypes, blocks, &diags),
	}, &diags), diags
}

// mapperToAPI converts one configured mapper into the API's shape.
func mapperToAPI(ctx context.Context, v attr.Value) (client.StreamMapper, diag.Diagnostics) {
	var diags diag.Diagnostics
	var m mapperModel
	diags.Append(v.(types.Object).As(ctx, &m, objectAsOptions)...)
	out := client.StreamMapper{ID: m.ID.ValueString(), Type: client.StreamMapperType(m.Type.ValueString())}
	cfg := map[string]any{}
	attrs := m.MapperConfiguration.Attributes()
	put := func(block attr.Value, names map[string]string) {
		obj, ok := block.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			return
		}
		for tfName, jsonName := range names {
			sv, ok := obj.Attributes()[tfName].(basetypes.StringValuable)
			if !ok {
				continue
			}
			s, d := sv.ToStringValue(ctx)
			diags.Append(d...)
			if s.IsNull() || s.IsUnknown() {
				continue
			}
			if tfName == "conditions" {
				cfg[jsonName] = json.RawMessage(s.ValueString())
				continue
			}
			cfg[jsonName] = s.ValueString()
		}
	}
	put(attrs["hashing"], map[string]string{"target_field": "targetField", "method": "method", "field_name_suffix": "fieldNameSuffix"})
	put(attrs["field_renaming"], map[string]string{"original_field_name": "originalFieldName", "new_field_name": "newFieldName"})
	put(attrs["field_filtering"], map[string]string{"target_field": "targetField"})
	put(attrs["row_filtering"], map[string]string{"conditions": "conditions"})
	if enc, ok := attrs["encryption"].(types.Object); ok && !enc.IsNull() && !enc.IsUnknown() {
		put(enc.Attributes()["aes"], map[string]string{"algorithm": "algorithm", "field_name_suffix": "fieldNameSuffix",
			"key": "key", "mode": "mode", "padding": "padding", "target_field": "targetField"})
		put(enc.Attributes()["rsa"], map[string]string{"algorithm": "algorithm", "field_name_suffix": "fieldNameSuffix",
			"public_key": "publicKey", "target_field": "targetField"})
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		diags.AddError("Invalid Mapper Configuration", err.Error())
	}
	out.MapperConfiguration = b
	return out, diags
}
