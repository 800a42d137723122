package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// connectionAPIModel holds the attributes of a connection that come from the
// API. The resource, both data sources and the list resource embed it, and
// fill it with fill, the one conversion from the API's connection.
type connectionAPIModel struct {
	ID                               types.String `tfsdk:"id"`
	ConnectionID                     types.String `tfsdk:"connection_id"`
	Name                             types.String `tfsdk:"name"`
	SourceID                         types.String `tfsdk:"source_id"`
	DestinationID                    types.String `tfsdk:"destination_id"`
	WorkspaceID                      types.String `tfsdk:"workspace_id"`
	Status                           types.String `tfsdk:"status"`
	StatusReason                     types.String `tfsdk:"status_reason"`
	Schedule                         types.Object `tfsdk:"schedule"`
	Configurations                   types.Object `tfsdk:"configurations"`
	Prefix                           types.String `tfsdk:"prefix"`
	NamespaceDefinition              types.String `tfsdk:"namespace_definition"`
	NamespaceFormat                  types.String `tfsdk:"namespace_format"`
	NonBreakingSchemaUpdatesBehavior types.String `tfsdk:"non_breaking_schema_updates_behavior"`
	Tags                             types.List   `tfsdk:"tags"`
	CreatedAt                        types.Int64  `tfsdk:"created_at"`
	ConnectionURL                    types.String `tfsdk:"connection_url"`
	JobHistoryURL                    types.String `tfsdk:"job_history_url"`
	StreamNames                      types.List   `tfsdk:"stream_names"`
}

// scheduleModel is the schedule attribute.
type scheduleModel struct {
	ScheduleType   types.String        `tfsdk:"schedule_type"`
	CronExpression cronExpressionValue `tfsdk:"cron_expression"`
	CronTimeZone   types.String        `tfsdk:"cron_time_zone"`
	BasicTiming    types.String        `tfsdk:"basic_timing"`
}

// configurationsModel is the configurations attribute.
type configurationsModel struct {
	Streams types.Set `tfsdk:"streams"`
}

// streamModel is one element of configurations.streams.
type streamModel struct {
	Name                  types.String `tfsdk:"name"`
	Namespace             types.String `tfsdk:"namespace"`
	SyncMode              types.String `tfsdk:"sync_mode"`
	CursorField           types.List   `tfsdk:"cursor_field"`
	PrimaryKey            types.List   `tfsdk:"primary_key"`
	SelectedFields        types.Set    `tfsdk:"selected_fields"`
	IncludeFiles          types.Bool   `tfsdk:"include_files"`
	DestinationObjectName types.String `tfsdk:"destination_object_name"`
	Mappers               types.List   `tfsdk:"mappers"`
}

// selectedFieldModel is one element of a stream's selected_fields.
type selectedFieldModel struct {
	FieldPath types.List `tfsdk:"field_path"`
}

// mapperModel is one element of a stream's mappers.
type mapperModel struct {
	ID                  types.String `tfsdk:"id"`
	Type                types.String `tfsdk:"type"`
	MapperConfiguration types.Object `tfsdk:"mapper_configuration"`
}

// tagModel is one element of tags.
type tagModel struct {
	TagID       types.String `tfsdk:"tag_id"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	Name        types.String `tfsdk:"name"`
	Color       types.String `tfsdk:"color"`
}

// Attribute types of the nested objects, shared by every schema that shows a connection.
var (
	stringListType = types.ListType{ElemType: types.StringType}

	scheduleAttrTypes = map[string]attr.Type{
		"schedule_type":   types.StringType,
		"cron_expression": cronExpressionType{},
		"cron_time_zone":  types.StringType,
		"basic_timing":    types.StringType,
	}
	selectedFieldAttrTypes = map[string]attr.Type{"field_path": stringListType}

	hashingAttrTypes       = map[string]attr.Type{"target_field": types.StringType, "method": types.StringType, "field_name_suffix": types.StringType}
	fieldRenamingAttrTypes = map[string]attr.Type{"original_field_name": types.StringType, "new_field_name": types.StringType}
	fieldFilteringAttrType = map[string]attr.Type{"target_field": types.StringType}
	rowFilteringAttrTypes  = map[string]attr.Type{"conditions": jsontypes.NormalizedType{}}
	aesAttrTypes           = map[string]attr.Type{
		"algorithm": types.StringType, "field_name_suffix": types.StringType, "key": types.StringType,
		"mode": types.StringType, "padding": types.StringType, "target_field": types.StringType,
	}
	rsaAttrTypes = map[string]attr.Type{
		"algorithm": types.StringType, "field_name_suffix": types.StringType, "public_key": types.StringType, "target_field": types.StringType,
	}
	encryptionAttrTypes = map[string]attr.Type{
		"aes": types.ObjectType{AttrTypes: aesAttrTypes},
		"rsa": types.ObjectType{AttrTypes: rsaAttrTypes},
	}
	mapperConfigurationAttrTypes = map[string]attr.Type{
		"hashing":         types.ObjectType{AttrTypes: hashingAttrTypes},
		"field_renaming":  types.ObjectType{AttrTypes: fieldRenamingAttrTypes},
		"field_filtering": types.ObjectType{AttrTypes: fieldFilteringAttrType},
		"row_filtering":   types.ObjectType{AttrTypes: rowFilteringAttrTypes},
		"encryption":      types.ObjectType{AttrTypes: encryptionAttrTypes},
	}
	mapperAttrTypes = map[string]attr.Type{
		"id":                   types.StringType,
		"type":                 types.StringType,
		"mapper_configuration": types.ObjectType{AttrTypes: mapperConfigurationAttrTypes},
	}
	streamAttrTypes = map[string]attr.Type{
		"name":                    types.StringType,
		"namespace":               types.StringType,
		"sync_mode":               types.StringType,
		"cursor_field":            stringListType,
		"primary_key":             types.ListType{ElemType: stringListType},
		"selected_fields":         types.SetType{ElemType: types.ObjectType{AttrTypes: selectedFieldAttrTypes}},
		"include_files":           types.BoolType,
		"destination_object_name": types.StringType,
		"mappers":                 types.ListType{ElemType: types.ObjectType{AttrTypes: mapperAttrTypes}},
	}
	streamObjectType        = types.ObjectType{AttrTypes: streamAttrTypes}
	configurationsAttrTypes = map[string]attr.Type{"streams": types.SetType{ElemType: streamObjectType}}
	tagAttrTypes            = map[string]attr.Type{"tag_id": types.StringType, "workspace_id": types.StringType, "name": types.StringType, "color": types.StringType}
	tagObjectType           = types.ObjectType{AttrTypes: tagAttrTypes}

	// objectAsOptions lets nested objects be read into structs whatever
	// their attributes hold; callers check for null and unknown themselves.
	objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}
)

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

// mustObject builds an object value, collecting any error into diags.
func mustObject(types_ map[string]attr.Type, values map[string]attr.Value, diags *diag.Diagnostics) types.Object {
	v, d := types.ObjectValue(types_, values)
	diags.Append(d...)
	return v
}

// optionalString maps the API's empty (absent or null) strings to null.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

// canonicalJSON re-encodes raw JSON with sorted object keys and no spaces,
// the form Terraform's jsonencode produces, so that a configuration written
// with jsonencode matches what the API returns. Integers keep every digit:
// a state's positions (a log sequence number, an offset) may be larger than
// a float64 holds exactly, and a saved state must restore what was read.
func canonicalJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return string(raw) // something after the value: not one JSON value
	}
	b, err := json.Marshal(exactIntegers(v))
	if err != nil {
		return string(raw)
	}
	return string(b)
}

// exactIntegers turns the numbers of a value decoded with UseNumber into
// float64, as a plain decode would, except integers, which keep their text.
func exactIntegers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = exactIntegers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = exactIntegers(e)
		}
	case json.Number:
		if !strings.ContainsAny(string(x), ".eE") {
			return x
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
	}
	return v
}
