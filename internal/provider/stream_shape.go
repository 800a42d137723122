package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The shape of one element of configurations.streams, mappers included, is
// declared once, in streamShape (and mapperKinds, in mapper_kinds.go). The
// resource's schema, the data sources' schema and the attribute types of
// the values are built from it when the package is loaded.

// shapeKind is how an attribute of a shape holds its value.
type shapeKind int

const (
	shapeString     shapeKind = iota
	shapeBool                 // a bool
	shapeList                 // a list of elem
	shapeObject               // one object of attrs
	shapeObjectList           // a list of objects of attrs
	shapeObjectSet            // a set of objects of attrs
)

// shapeAttr declares one attribute of a nested shape. In the resource every
// attribute of the shape is optional and computed (what the configuration
// leaves out keeps Airbyte's value); in the data sources, computed.
type shapeAttr struct {
	name string
	kind shapeKind
	// description is the resource's; readDescription the data sources',
	// when it differs.
	description, readDescription string
	// elem is the type of a shapeList's elements.
	elem attr.Type
	// jsonValue marks a shapeString that holds JSON, of which another
	// spelling is no change.
	jsonValue bool
	sensitive bool
	// validators are what the resource checks of a shapeString.
	validators []validator.String
	// attrs are the attributes of a shapeObject's object, or of the
	// elements of a shapeObjectList or shapeObjectSet.
	attrs []shapeAttr
}

// streamShape is one element of configurations.streams.
var streamShape = []shapeAttr{
	{
		// Optional and computed, and required by ValidateConfig; see schedule_type.
		name:            "name",
		description:     "The name of the stream, as the source names it. Required.",
		readDescription: "The name of the stream, as the source names it.",
		validators:      []validator.String{stringvalidator.LengthAtLeast(1)},
	},
	{
		name: "namespace",
		description: "The namespace of the stream in the source (such as a database schema). Needed only when the source has two streams of " +
			"the same name; when set, it must be the stream's namespace in the source.",
		readDescription: "The namespace of the stream in the source, such as a database schema; null when the source has none.",
	},
	{
		name: "sync_mode",
		description: "How the stream is read and written: one of `" + strings.Join(syncModeValues, "`, `") + "`. " +
			"New streams use `full_refresh_overwrite`.",
		readDescription: "How the stream is read and written: one of `" + strings.Join(syncModeValues, "`, `") + "`.",
		validators:      []validator.String{stringvalidator.OneOf(syncModeValues...)},
	},
	{
		name: "cursor_field", kind: shapeList, elem: types.StringType,
		description:     "The path of the field that marks new records, for incremental sync modes. Leave it out when the source defines the cursor.",
		readDescription: "The path of the field that marks new records, for incremental sync modes; null when none is set.",
	},
	{
		name: "primary_key", kind: shapeList, elem: stringListType,
		description:     "The fields that identify a record, as a list of field paths, for deduplicating sync modes. Leave it out when the source defines the key.",
		readDescription: "The fields that identify a record, as a list of field paths; null when none is set.",
	},
	{
		name: "selected_fields", kind: shapeObjectSet,
		description:     "The fields to sync; all fields when left out.",
		readDescription: "The fields that are synced; null when every field is.",
		attrs: []shapeAttr{
			{name: "field_path", kind: shapeList, elem: types.StringType, description: "The path of the field."},
		},
	},
	{
		name: "include_files", kind: shapeBool,
		description:     "Whether to copy the files a file-based stream refers to.",
		readDescription: "Whether the files a file-based stream refers to are copied too.",
	},
	{
		name:            "destination_object_name",
		description:     "The name of the object the stream is written to, for destinations that take one.",
		readDescription: "The name of the object the stream is written to, for destinations that take one; null otherwise.",
	},
	{
		name: "mappers", kind: shapeObjectList,
		description:     "Transformations applied to the stream's records, in order.",
		readDescription: "The transformations applied to the stream's records, in order; null when there are none.",
		attrs: []shapeAttr{
			{name: "id", description: "The id of the mapper."},
			{
				name:            "type",
				description:     "The kind of mapper: one of `" + strings.Join(mapperTypeValues, "`, `") + "`.",
				readDescription: "The kind of mapper: one of `" + strings.Join(mapperTypeValues, "`, `") + "`.",
				validators:      []validator.String{stringvalidator.OneOf(mapperTypeValues...)},
			},
			{
				name: "mapper_configuration", kind: shapeObject,
				description:     "The mapper's settings: set the one block that matches `type`.",
				readDescription: "The mapper's settings, in the one block that matches `type`; the other blocks are null.",
				attrs:           mapperConfigurationShape(),
			},
		},
	},
}

// Built from streamShape once, when the package is loaded: the schemas of
// one stream, and the attribute types of the values that fill them.
var (
	streamResourceAttributes   = resourceAttributes(streamShape)
	streamDataSourceAttributes = dataSourceAttributes(streamShape)

	streamNestedObject           = nestedObject(streamResourceAttributes)
	streamAttrTypes              = streamNestedObject.CustomType.(types.ObjectType).AttrTypes
	streamObjectType             = types.ObjectType{AttrTypes: streamAttrTypes}
	selectedFieldAttrTypes       = objectAttrTypes(streamAttrTypes["selected_fields"].(types.SetType).ElemType)
	mapperAttrTypes              = objectAttrTypes(streamAttrTypes["mappers"].(types.ListType).ElemType)
	mapperConfigurationAttrTypes = objectAttrTypes(mapperAttrTypes["mapper_configuration"])
	configurationsAttrTypes      = map[string]attr.Type{"streams": types.SetType{ElemType: streamObjectType}}
)

// resourceAttributes is shape as the resource's schema.
func resourceAttributes(shape []shapeAttr) map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(shape))
	for _, a := range shape {
		out[a.name] = a.resourceAttribute()
	}
	return out
}

func (a shapeAttr) resourceAttribute() rschema.Attribute {
	switch a.kind {
	case shapeBool:
		return rschema.BoolAttribute{Optional: true, Computed: true, Sensitive: a.sensitive, MarkdownDescription: a.description}
	case shapeList:
		return rschema.ListAttribute{Optional: true, Computed: true, Sensitive: a.sensitive, MarkdownDescription: a.description, ElementType: a.elem}
	case shapeObject:
		obj := nestedObject(resourceAttributes(a.attrs))
		return rschema.SingleNestedAttribute{Optional: true, Computed: true, Sensitive: a.sensitive, MarkdownDescription: a.description,
			Attributes: obj.Attributes, CustomType: obj.CustomType}
	case shapeObjectList:
		obj := nestedObject(resourceAttributes(a.attrs))
		return rschema.ListNestedAttribute{Optional: true, Computed: true, Sensitive: a.sensitive, MarkdownDescription: a.description,
			NestedObject: obj, CustomType: types.ListType{ElemType: obj.CustomType}}
	case shapeObjectSet:
		obj := nestedObject(resourceAttributes(a.attrs))
		return rschema.SetNestedAttribute{Optional: true, Computed: true, Sensitive: a.sensitive, MarkdownDescription: a.description,
			NestedObject: obj, CustomType: types.SetType{ElemType: obj.CustomType}}
	}
	s := rschema.StringAttribute{Optional: true, Computed: true, Sensitive: a.sensitive, MarkdownDescription: a.description, Validators: a.validators}
	if a.jsonValue {
		s.CustomType = jsontypes.NormalizedType{}
	}
	return s
}

// dataSourceAttributes is shape as the data sources' schema.
func dataSourceAttributes(shape []shapeAttr) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(shape))
	for _, a := range shape {
		out[a.name] = a.dataSourceAttribute()
	}
	return out
}

func (a shapeAttr) dataSourceAttribute() dschema.Attribute {
	desc := a.readDescription
	if desc == "" {
		desc = a.description
	}
	switch a.kind {
	case shapeBool:
		return dschema.BoolAttribute{Computed: true, Sensitive: a.sensitive, MarkdownDescription: desc}
	case shapeList:
		return dschema.ListAttribute{Computed: true, Sensitive: a.sensitive, MarkdownDescription: desc, ElementType: a.elem}
	case shapeObject:
		return dschema.SingleNestedAttribute{Computed: true, Sensitive: a.sensitive, MarkdownDescription: desc,
			Attributes: dataSourceAttributes(a.attrs)}
	case shapeObjectList:
		return dschema.ListNestedAttribute{Computed: true, Sensitive: a.sensitive, MarkdownDescription: desc,
			NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttributes(a.attrs)}}
	case shapeObjectSet:
		return dschema.SetNestedAttribute{Computed: true, Sensitive: a.sensitive, MarkdownDescription: desc,
			NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttributes(a.attrs)}}
	}
	s := dschema.StringAttribute{Computed: true, Sensitive: a.sensitive, MarkdownDescription: desc}
	if a.jsonValue {
		s.CustomType = jsontypes.NormalizedType{}
	}
	return s
}

// nestedObject is the nested object of attrs with its type, computed once, as its CustomType. The
// type is exactly the one the framework would compute (the same object type, no custom
// behaviour), so schema, plans and state are unchanged; but the framework asks a nested
// attribute for its type at every value of a request it walks (path conversions, defaults,
// plan modifiers, semantic equality), and without a CustomType it builds the type anew from the
// attributes, nested objects included, each time. A nested attribute that holds the object
// carries the same type (or the list or set of it) as its own CustomType for the same reason.
func nestedObject(attrs map[string]rschema.Attribute) rschema.NestedAttributeObject {
	return rschema.NestedAttributeObject{Attributes: attrs, CustomType: types.ObjectType{AttrTypes: attributeTypes(attrs)}}
}

// attributeTypes are the types of the values of attrs.
func attributeTypes(attrs map[string]rschema.Attribute) map[string]attr.Type {
	out := make(map[string]attr.Type, len(attrs))
	for name, a := range attrs {
		out[name] = a.GetType()
	}
	return out
}

// objectAttrTypes are the attribute types of an object type.
func objectAttrTypes(t attr.Type) map[string]attr.Type {
	return t.(types.ObjectType).AttrTypes
}
