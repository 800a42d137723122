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

// mapperSetting is one setting of a mapper: an attribute of its block, and a
// field of the API's mapperConfiguration.
type mapperSetting struct {
	name string // the attribute of the block
	json string // the field of mapperConfiguration
	// description is the resource's; readDescription the data sources',
	// when it differs.
	description, readDescription string
	sensitive                    bool
	jsonValue                    bool // the field holds JSON, which the attribute holds as a string
}

// mapperBlock is the block of mapper_configuration that configures one kind
// of mapper, or one variant of a kind.
type mapperBlock struct {
	name    string                  // the attribute of mapper_configuration (of the kind's block, for a variant)
	apiType client.StreamMapperType // a kind: the mapper type it configures
	// description is the resource's; readDescription the data sources'.
	description, readDescription string
	settings                     []mapperSetting
	// A kind with variants has a sub-block for each. The API's configuration
	// fills the variant whose selectedBy value its variantKey field holds
	// (case aside), else the first.
	variantKey string
	variants   []mapperBlock
	selectedBy string // a variant: the value of its kind's variantKey
}

// mapperKinds are the mappers Airbyte applies to a stream's records, in the
// order of the API's enum, with their settings. The schemas, the attribute
// types and the conversions to and from the API's JSON are built from it.
var mapperKinds = []mapperBlock{
	{
		name: "hashing", apiType: client.StreamMapperHashing,
		description: "Replaces a field with its hash.", readDescription: "The settings of a hashing mapper.",
		settings: []mapperSetting{
			{name: "target_field", json: "targetField", description: "The name of the field to hash.", readDescription: "The field that is hashed."},
			{name: "method", json: "method", description: "The hash function: `MD2`, `MD5`, `SHA-1`, `SHA-224`, `SHA-256`, `SHA-384` or `SHA-512`.",
				readDescription: "The hash function, such as `SHA-256`."},
			{name: "field_name_suffix", json: "fieldNameSuffix", description: "The suffix of the field that receives the hash."},
		},
	},
	{
		name: "field_renaming", apiType: client.StreamMapperFieldRenaming,
		description: "Renames a field.", readDescription: "The settings of a field-renaming mapper.",
		settings: []mapperSetting{
			{name: "original_field_name", json: "originalFieldName", description: "The name of the field in the source.", readDescription: "The field's name in the source."},
			{name: "new_field_name", json: "newFieldName", description: "The name the field gets in the destination.", readDescription: "The field's name in the destination."},
		},
	},
	{
		name: "row_filtering", apiType: client.StreamMapperRowFiltering,
		description: "Keeps only the records that match a filter.", readDescription: "The settings of a row-filtering mapper.",
		settings: []mapperSetting{
			{name: "conditions", json: "conditions", jsonValue: true,
				description: "The filter, as JSON: `jsonencode({ type = \"EQUAL\", fieldName = \"status\", comparisonValue = \"active\" })`, " +
					"or the same as a JSON string. Any spelling of the same JSON (key order, spaces) is the same filter.",
				readDescription: "The filter, as JSON with sorted keys, as `jsonencode` writes it."},
		},
	},
	{
		name: "encryption", apiType: client.StreamMapperEncryption,
		description:     "Encrypts a field, with AES (set `aes`) or RSA (set `rsa`).",
		readDescription: "The settings of an encryption mapper, in the block of its algorithm.",
		variantKey:      "algorithm",
		variants: []mapperBlock{
			{
				name: "aes", selectedBy: "AES",
				description: "Encryption with a symmetric AES key.", readDescription: "The settings of AES encryption.",
				settings: []mapperSetting{
					{name: "algorithm", json: "algorithm", description: "The encryption algorithm: `AES`.", readDescription: "The algorithm, `AES`."},
					{name: "field_name_suffix", json: "fieldNameSuffix", description: "The suffix of the field that receives the ciphertext."},
					{name: "key", json: "key", sensitive: true, description: "The AES key, which Terraform treats as sensitive.",
						readDescription: "The AES key as Airbyte shows it: always masked, `**********`."},
					{name: "mode", json: "mode", description: "The block cipher mode: `CBC`, `CFB`, `OFB`, `CTR`, `GCM` or `ECB`.",
						readDescription: "The block cipher mode, such as `CBC`."},
					{name: "padding", json: "padding", description: "The padding: `NoPadding` or `PKCS5Padding`.", readDescription: "The padding, such as `PKCS5Padding`."},
					{name: "target_field", json: "targetField", description: "The name of the field to encrypt.", readDescription: "The field that is encrypted."},
				},
			},
			{
				name: "rsa", selectedBy: "RSA",
				description: "Encryption with an RSA public key.", readDescription: "The settings of RSA encryption.",
				settings: []mapperSetting{
					{name: "algorithm", json: "algorithm", description: "The encryption algorithm: `RSA`.", readDescription: "The algorithm, `RSA`."},
					{name: "field_name_suffix", json: "fieldNameSuffix", description: "The suffix of the field that receives the ciphertext."},
					{name: "public_key", json: "publicKey", description: "The RSA public key that encrypts the field.", readDescription: "The RSA public key."},
					{name: "target_field", json: "targetField", description: "The name of the field to encrypt.", readDescription: "The field that is encrypted."},
				},
			},
		},
	},
	{
		name: "field_filtering", apiType: client.StreamMapperFieldFiltering,
		description: "Leaves a field out of the records.", readDescription: "The settings of a field-filtering mapper.",
		settings: []mapperSetting{
			{name: "target_field", json: "targetField", description: "The name of the field to leave out.", readDescription: "The field that is left out."},
		},
	},
}

// Built from mapperKinds once, when the package is loaded.
var (
	mapperTypeValues = func() []string {
		out := make([]string, 0, len(mapperKinds))
		for _, k := range mapperKinds {
			out = append(out, string(k.apiType))
		}
		return out
	}()
	mapperKindByType = func() map[client.StreamMapperType]mapperBlock {
		out := make(map[client.StreamMapperType]mapperBlock, len(mapperKinds))
		for _, k := range mapperKinds {
			out[k.apiType] = k
		}
		return out
	}()
)

// mapperConfigurationShape is the shape of mapper_configuration: a block
// for each kind of mapper.
func mapperConfigurationShape() []shapeAttr {
	out := make([]shapeAttr, 0, len(mapperKinds))
	for _, k := range mapperKinds {
		out = append(out, k.shape())
	}
	return out
}

func (b mapperBlock) shape() shapeAttr {
	a := shapeAttr{name: b.name, kind: shapeObject, description: b.description, readDescription: b.readDescription}
	for _, v := range b.variants {
		a.attrs = append(a.attrs, v.shape())
	}
	for _, s := range b.settings {
		a.attrs = append(a.attrs, shapeAttr{name: s.name, description: s.description, readDescription: s.readDescription,
			sensitive: s.sensitive, jsonValue: s.jsonValue})
	}
	return a
}

// mapperValueFromAPI converts one mapper; the settings of its kind go into
// the block of its kind, and every other block is null.
func mapperValueFromAPI(mp client.StreamMapper) (attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	var fields map[string]json.RawMessage
	var bad error // the first error in reading the configuration
	if len(mp.MapperConfiguration) > 0 && string(mp.MapperConfiguration) != "null" {
		bad = json.Unmarshal(mp.MapperConfiguration, &fields)
	}
	blocks := make(map[string]attr.Value, len(mapperKinds))
	for _, k := range mapperKinds {
		blocks[k.name] = types.ObjectNull(objectAttrTypes(mapperConfigurationAttrTypes[k.name]))
	}
	if k, ok := mapperKindByType[mp.Type]; ok {
		blocks[k.name] = k.valueFromAPI(fields, mapperConfigurationAttrTypes[k.name], &bad, &diags)
	}
	if bad != nil {
		diags.AddError("Unreadable Mapper Configuration",
			fmt.Sprintf("The API returned a %q mapper whose configuration could not be read: %v", mp.Type, bad))
	}
	return mustObject(mapperAttrTypes, map[string]attr.Value{
		"id":                   optionalString(mp.ID),
		"type":                 types.StringValue(string(mp.Type)),
		"mapper_configuration": mustObject(mapperConfigurationAttrTypes, blocks, &diags),
	}, &diags), diags
}

// valueFromAPI is the block's value, of type t, for the API's configuration
// fields. bad receives the first field that could not be read.
func (b mapperBlock) valueFromAPI(fields map[string]json.RawMessage, t attr.Type, bad *error, diags *diag.Diagnostics) attr.Value {
	attrTypes := objectAttrTypes(t)
	values := make(map[string]attr.Value, len(attrTypes))
	if len(b.variants) > 0 {
		var selector string
		_ = json.Unmarshal(fields[b.variantKey], &selector)
		chosen := b.variants[0].name
		for _, v := range b.variants {
			if strings.EqualFold(selector, v.selectedBy) {
				chosen = v.name
			}
		}
		for _, v := range b.variants {
			values[v.name] = types.ObjectNull(objectAttrTypes(attrTypes[v.name]))
			if v.name == chosen {
				values[v.name] = v.valueFromAPI(fields, attrTypes[v.name], bad, diags)
			}
		}
	}
	for _, s := range b.settings {
		values[s.name] = s.valueFromAPI(fields[s.json], bad)
	}
	return mustObject(attrTypes, values, diags)
}

// valueFromAPI is the setting's value for the field's JSON (nil when the
// configuration has no such field).
func (s mapperSetting) valueFromAPI(raw json.RawMessage, bad *error) attr.Value {
	if s.jsonValue {
		if c := canonicalJSON(raw); c != "" {
			return jsontypes.NewNormalizedValue(c)
		}
		return jsontypes.NewNormalizedNull()
	}
	var v string
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil && *bad == nil {
			*bad = err
		}
	}
	return optionalString(v)
}

// mapperToAPI converts one configured mapper into the API's shape: the
// settings of every block that is set, in the order of mapperKinds.
func mapperToAPI(ctx context.Context, v attr.Value) (client.StreamMapper, diag.Diagnostics) {
	var diags diag.Diagnostics
	var m mapperModel
	diags.Append(v.(types.Object).As(ctx, &m, objectAsOptions)...)
	out := client.StreamMapper{ID: m.ID.ValueString(), Type: client.StreamMapperType(m.Type.ValueString())}
	cfg := map[string]any{}
	blocks := m.MapperConfiguration.Attributes()
	for _, k := range mapperKinds {
		diags.Append(k.putSettings(ctx, blocks[k.name], cfg)...)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		diags.AddError("Invalid Mapper Configuration", err.Error())
	}
	out.MapperConfiguration = b
	return out, diags
}

// putSettings puts the settings the block holds into cfg, the fields of
// mapperConfiguration, and those of its variants after them.
func (b mapperBlock) putSettings(ctx context.Context, block attr.Value, cfg map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	obj, ok := block.(types.Object)
	if !ok || !known(obj) {
		return diags
	}
	attrs := obj.Attributes()
	for _, s := range b.settings {
		sv, ok := attrs[s.name].(basetypes.StringValuable)
		if !ok {
			continue
		}
		str, d := sv.ToStringValue(ctx)
		diags.Append(d...)
		if !known(str) {
			continue
		}
		if s.jsonValue {
			cfg[s.json] = json.RawMessage(str.ValueString())
		} else {
			cfg[s.json] = str.ValueString()
		}
	}
	for _, v := range b.variants {
		diags.Append(v.putSettings(ctx, attrs[v.name], cfg)...)
	}
	return diags
}
