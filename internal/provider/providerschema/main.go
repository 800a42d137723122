// Command providerschema prints the provider's schema in the JSON format of
// `terraform providers schema -json`, for `tfplugindocs generate
// --providers-schema`.
//
// Terraform 1.11 leaves actions and list resources out of that command's
// output, and running it needs a Terraform binary. This command instead asks
// the provider server itself, in process and through the plugin protocol
// (GetProviderSchema and GetResourceIdentitySchemas), so the schema it prints
// holds resources, data sources, actions, list resources and resource
// identities, and nothing is built, installed or downloaded.
//
// Usage:
//
//	go run ./internal/provider/providerschema [-o FILE]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/provider"
)

// providerKey is the key of the provider in the printed provider_schemas.
// Terraform keys it by its full source address, but tfplugindocs looks a
// schema file up by the provider's short name (or under the hashicorp
// namespace), so the short name is what it can find.
const providerKey = "airbyte"

func main() {
	out := flag.String("o", "", "write the schema to this file instead of standard output")
	flag.Parse()

	schemas, err := providerSchemas(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
	data, err := json.MarshalIndent(schemas, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
	data = append(data, '\n')
	if *out == "" {
		_, err = os.Stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
}

// providerSchemas asks the provider server for its schemas and converts them.
func providerSchemas(ctx context.Context) (*tfjson.ProviderSchemas, error) {
	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return nil, fmt.Errorf("starting the provider server: %w", err)
	}
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	if err := diagnosticsError("GetProviderSchema", resp.Diagnostics); err != nil {
		return nil, err
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetResourceIdentitySchemas: %w", err)
	}
	if err := diagnosticsError("GetResourceIdentitySchemas", identities.Diagnostics); err != nil {
		return nil, err
	}

	p := &tfjson.ProviderSchema{
		ConfigSchema:            marshalSchema(resp.Provider),
		ResourceSchemas:         map[string]*tfjson.Schema{},
		DataSourceSchemas:       map[string]*tfjson.Schema{},
		ActionSchemas:           map[string]*tfjson.ActionSchema{},
		ListResourceSchemas:     map[string]*tfjson.Schema{},
		ResourceIdentitySchemas: map[string]*tfjson.IdentitySchema{},
	}
	for name, s := range resp.ResourceSchemas {
		p.ResourceSchemas[name] = marshalSchema(s)
	}
	for name, s := range resp.DataSourceSchemas {
		p.DataSourceSchemas[name] = marshalSchema(s)
	}
	for name, s := range resp.ActionSchemas {
		p.ActionSchemas[name] = &tfjson.ActionSchema{Block: marshalBlock(s.Schema.Block)}
	}
	for name, s := range resp.ListResourceSchemas {
		p.ListResourceSchemas[name] = marshalSchema(s)
	}
	for name, s := range identities.IdentitySchemas {
		p.ResourceIdentitySchemas[name] = marshalIdentitySchema(s)
	}
	if len(resp.EphemeralResourceSchemas) > 0 || len(resp.Functions) > 0 {
		return nil, fmt.Errorf("the provider declares ephemeral resources or functions, which this command does not convert yet")
	}
	return &tfjson.ProviderSchemas{FormatVersion: "1.0", Schemas: map[string]*tfjson.ProviderSchema{providerKey: p}}, nil
}

func diagnosticsError(rpc string, diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
	return nil
}

// The functions below convert the plugin protocol's schemas into terraform-json's types, which
// marshal to the JSON format of `terraform providers schema -json` (format version 1.0), with the
// action_schemas, list_resource_schemas and resource_identity_schemas members of later Terraform
// versions.

func marshalSchema(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return &tfjson.Schema{Block: &tfjson.SchemaBlock{}}
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: marshalBlock(s.Block)}
}

func marshalBlock(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	if b == nil {
		return &tfjson.SchemaBlock{}
	}
	out := &tfjson.SchemaBlock{
		Description:     b.Description,
		DescriptionKind: descriptionKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		out.Attributes = make(map[string]*tfjson.SchemaAttribute, len(b.Attributes))
		for _, a := range b.Attributes {
			out.Attributes[a.Name] = marshalAttribute(a)
		}
	}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = make(map[string]*tfjson.SchemaBlockType, len(b.BlockTypes))
		for _, nb := range b.BlockTypes {
			out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: blockNestingMode(nb.Nesting),
				Block:       marshalBlock(nb.Block),
				MinItems:    uint64(nb.MinItems),
				MaxItems:    uint64(nb.MaxItems),
			}
		}
	}
	return out
}

func marshalAttribute(a *tfprotov6.SchemaAttribute) *tfjson.SchemaAttribute {
	out := &tfjson.SchemaAttribute{
		Description:     a.Description,
		DescriptionKind: descriptionKind(a.DescriptionKind),
		Deprecated:      a.Deprecated,
		Required:        a.Required,
		Optional:        a.Optional,
		Computed:        a.Computed,
		Sensitive:       a.Sensitive,
		WriteOnly:       a.WriteOnly,
	}
	if a.NestedType != nil {
		out.AttributeNestedType = &tfjson.SchemaNestedAttributeType{
			NestingMode: objectNestingMode(a.NestedType.Nesting),
			Attributes:  make(map[string]*tfjson.SchemaAttribute, len(a.NestedType.Attributes)),
		}
		for _, na := range a.NestedType.Attributes {
			out.AttributeNestedType.Attributes[na.Name] = marshalAttribute(na)
		}
	} else if a.Type != nil {
		out.AttributeType = ctyType(a.Type)
	}
	return out
}

func marshalIdentitySchema(s *tfprotov6.ResourceIdentitySchema) *tfjson.IdentitySchema {
	out := &tfjson.IdentitySchema{Version: uint64(s.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
	for _, a := range s.IdentityAttributes {
		out.Attributes[a.Name] = &tfjson.IdentityAttribute{
			IdentityType:      ctyType(a.Type),
			Description:       a.Description,
			RequiredForImport: a.RequiredForImport,
			OptionalForImport: a.OptionalForImport,
		}
	}
	return out
}

// ctyType is the plugin protocol type t as the cty type terraform-json holds; both print in
// the JSON notation Terraform uses, such as "string" or ["list","string"].
func ctyType(t tftypes.Type) cty.Type {
	switch {
	case t.Is(tftypes.String):
		return cty.String
	case t.Is(tftypes.Number):
		return cty.Number
	case t.Is(tftypes.Bool):
		return cty.Bool
	case t.Is(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType
	}
	switch t := t.(type) {
	case tftypes.List:
		return cty.List(ctyType(t.ElementType))
	case tftypes.Set:
		return cty.Set(ctyType(t.ElementType))
	case tftypes.Map:
		return cty.Map(ctyType(t.ElementType))
	case tftypes.Tuple:
		elems := make([]cty.Type, len(t.ElementTypes))
		for i, e := range t.ElementTypes {
			elems[i] = ctyType(e)
		}
		return cty.Tuple(elems)
	case tftypes.Object:
		attrs := make(map[string]cty.Type, len(t.AttributeTypes))
		for name, a := range t.AttributeTypes {
			attrs[name] = ctyType(a)
		}
		if len(t.OptionalAttributes) == 0 {
			return cty.Object(attrs)
		}
		return cty.ObjectWithOptionalAttrs(attrs, slices.Sorted(maps.Keys(t.OptionalAttributes)))
	}
	panic(fmt.Sprintf("the schema has a type this command does not convert: %s", t))
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

// nestingModeInvalid marks a nesting mode the plugin protocol adds and this command does not know.
const nestingModeInvalid tfjson.SchemaNestingMode = "invalid"

func blockNestingMode(m tfprotov6.SchemaNestedBlockNestingMode) tfjson.SchemaNestingMode {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return tfjson.SchemaNestingModeSingle
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return tfjson.SchemaNestingModeGroup
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return tfjson.SchemaNestingModeList
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return tfjson.SchemaNestingModeSet
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return tfjson.SchemaNestingModeMap
	default:
		return nestingModeInvalid
	}
}

func objectNestingMode(m tfprotov6.SchemaObjectNestingMode) tfjson.SchemaNestingMode {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return tfjson.SchemaNestingModeSingle
	case tfprotov6.SchemaObjectNestingModeList:
		return tfjson.SchemaNestingModeList
	case tfprotov6.SchemaObjectNestingModeSet:
		return tfjson.SchemaNestingModeSet
	case tfprotov6.SchemaObjectNestingModeMap:
		return tfjson.SchemaNestingModeMap
	default:
		return nestingModeInvalid
	}
}
