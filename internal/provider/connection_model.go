package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
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

// Attribute types of the nested objects, shared by every schema that shows a
// connection; those of a stream are built from its shape (stream_shape.go).
var (
	stringListType = types.ListType{ElemType: types.StringType}

	scheduleAttrTypes = map[string]attr.Type{
		"schedule_type":   types.StringType,
		"cron_expression": cronExpressionType{},
		"cron_time_zone":  types.StringType,
		"basic_timing":    types.StringType,
	}
	tagAttrTypes  = map[string]attr.Type{"tag_id": types.StringType, "workspace_id": types.StringType, "name": types.StringType, "color": types.StringType}
	tagObjectType = types.ObjectType{AttrTypes: tagAttrTypes}

	// objectAsOptions lets nested objects be read into structs whatever
	// their attributes hold; callers check for null and unknown themselves.
	objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}
)

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
