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
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

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
func providerSchemas(ctx context.Context) (*jsonProviderSchemas, error) {
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

	p := &jsonProvider{
		Provider:                marshalSchema(resp.Provider),
		ResourceSchemas:         map[string]*jsonSchema{},
		DataSourceSchemas:       map[string]*jsonSchema{},
		ActionSchemas:           map[string]*jsonActionSchema{},
		ListResourceSchemas:     map[string]*jsonSchema{},
		ResourceIdentitySchemas: map[string]*jsonIdentitySchema{},
	}
	for name, s := range resp.ResourceSchemas {
		p.ResourceSchemas[name] = marshalSchema(s)
	}
	for name, s := range resp.DataSourceSchemas {
		p.DataSourceSchemas[name] = marshalSchema(s)
	}
	for name, s := range resp.ActionSchemas {
		p.ActionSchemas[name] = &jsonActionSchema{Block: marshalBlock(s.Schema.Block)}
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
	return &jsonProviderSchemas{FormatVersion: "1.0", Schemas: map[string]*jsonProvider{providerKey: p}}, nil
}

func diagnosticsError(rpc string, diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
	return nil
}

// The types below follow the JSON format of `terraform providers schema -json`
// (format version 1.0), with the action_schemas, list_resource_schemas and
// resource_identity_schemas members of later Terraform versions.

type jsonProviderSchemas struct {
	FormatVersion string                   `json:"format_version"`
	Schemas       map[string]*jsonProvider `json:"provider_schemas"`
}

type jsonProvider struct {
	Provider                *jsonSchema                    `json:"provider,omitempty"`
	ResourceSchemas         map[string]*jsonSchema         `json:"resource_schemas,omitempty"`
	DataSourceSchemas       map[string]*jsonSchema         `json:"data_source_schemas,omitempty"`
	ActionSchemas           map[string]*jsonActionSchema   `json:"action_schemas,omitempty"`
	ListResourceSchemas     map[string]*jsonSchema         `json:"list_resource_schemas,omitempty"`
	ResourceIdentitySchemas map[string]*jsonIdentitySchema `json:"resource_identity_schemas,omitempty"`
}

type jsonSchema struct {
	Version int64      `json:"version"`
	Block   *jsonBlock `json:"block,omitempty"`
}

type jsonActionSchema struct {
	Block *jsonBlock `json:"block,omitempty"`
}

type jsonBlock struct {
	Attributes      map[string]*jsonAttribute `json:"attributes,omitempty"`
	BlockTypes      map[string]*jsonBlockType `json:"block_types,omitempty"`
	Description     string                    `json:"description,omitempty"`
	DescriptionKind string                    `json:"description_kind,omitempty"`
	Deprecated      bool                      `json:"deprecated,omitempty"`
}

type jsonBlockType struct {
	NestingMode string     `json:"nesting_mode,omitempty"`
	Block       *jsonBlock `json:"block,omitempty"`
	MinItems    int64      `json:"min_items,omitempty"`
	MaxItems    int64      `json:"max_items,omitempty"`
}

type jsonAttribute struct {
	Type            json.RawMessage `json:"type,omitempty"`
	NestedType      *jsonNestedType `json:"nested_type,omitempty"`
	Description     string          `json:"description,omitempty"`
	DescriptionKind string          `json:"description_kind,omitempty"`
	Deprecated      bool            `json:"deprecated,omitempty"`
	Required        bool            `json:"required,omitempty"`
	Optional        bool            `json:"optional,omitempty"`
	Computed        bool            `json:"computed,omitempty"`
	Sensitive       bool            `json:"sensitive,omitempty"`
	WriteOnly       bool            `json:"write_only,omitempty"`
}

type jsonNestedType struct {
	Attributes  map[string]*jsonAttribute `json:"attributes,omitempty"`
	NestingMode string                    `json:"nesting_mode,omitempty"`
}

type jsonIdentitySchema struct {
	Version    int64                             `json:"version"`
	Attributes map[string]*jsonIdentityAttribute `json:"attributes,omitempty"`
}

type jsonIdentityAttribute struct {
	Type              json.RawMessage `json:"type,omitempty"`
	Description       string          `json:"description,omitempty"`
	RequiredForImport bool            `json:"required_for_import,omitempty"`
	OptionalForImport bool            `json:"optional_for_import,omitempty"`
}

func marshalSchema(s *tfprotov6.Schema) *jsonSchema {
	if s == nil {
		return &jsonSchema{Block: &jsonBlock{}}
	}
	return &jsonSchema{Version: s.Version, Block: marshalBlock(s.Block)}
}

func marshalBlock(b *tfprotov6.SchemaBlock) *jsonBlock {
	if b == nil {
		return &jsonBlock{}
	}
	out := &jsonBlock{
		Description:     b.Description,
		DescriptionKind: stringKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		out.Attributes = make(map[string]*jsonAttribute, len(b.Attributes))
		for _, a := range b.Attributes {
			out.Attributes[a.Name] = marshalAttribute(a)
		}
	}
	if len(b.BlockTypes) > 0 {
		out.BlockTypes = make(map[string]*jsonBlockType, len(b.BlockTypes))
		for _, nb := range b.BlockTypes {
			out.BlockTypes[nb.TypeName] = &jsonBlockType{
				NestingMode: blockNestingMode(nb.Nesting),
				Block:       marshalBlock(nb.Block),
				MinItems:    nb.MinItems,
				MaxItems:    nb.MaxItems,
			}
		}
	}
	return out
}

func marshalAttribute(a *tfprotov6.SchemaAttribute) *jsonAttribute {
	out := &jsonAttribute{
		Description:     a.Description,
		DescriptionKind: stringKind(a.DescriptionKind),
		Deprecated:      a.Deprecated,
		Required:        a.Required,
		Optional:        a.Optional,
		Computed:        a.Computed,
		Sensitive:       a.Sensitive,
		WriteOnly:       a.WriteOnly,
	}
	if a.NestedType != nil {
		out.NestedType = &jsonNestedType{
			NestingMode: objectNestingMode(a.NestedType.Nesting),
			Attributes:  make(map[string]*jsonAttribute, len(a.NestedType.Attributes)),
		}
		for _, na := range a.NestedType.Attributes {
			out.NestedType.Attributes[na.Name] = marshalAttribute(na)
		}
	} else if a.Type != nil {
		out.Type = typeJSON(a.Type)
	}
	return out
}

func marshalIdentitySchema(s *tfprotov6.ResourceIdentitySchema) *jsonIdentitySchema {
	out := &jsonIdentitySchema{Version: s.Version, Attributes: map[string]*jsonIdentityAttribute{}}
	for _, a := range s.IdentityAttributes {
		out.Attributes[a.Name] = &jsonIdentityAttribute{
			Type:              typeJSON(a.Type),
			Description:       a.Description,
			RequiredForImport: a.RequiredForImport,
			OptionalForImport: a.OptionalForImport,
		}
	}
	return out
}

// typeJSON is the type in the JSON notation Terraform uses, such as "string"
// or ["list","string"]; the plugin protocol types marshal to the same form.
func typeJSON(t interface{ MarshalJSON() ([]byte, error) }) json.RawMessage {
	data, err := t.MarshalJSON()
	if err != nil {
		panic(fmt.Sprintf("marshalling the type %v: %v", t, err))
	}
	return data
}

func stringKind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

func blockNestingMode(m tfprotov6.SchemaNestedBlockNestingMode) string {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single"
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group"
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list"
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set"
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map"
	default:
		return "invalid"
	}
}

func objectNestingMode(m tfprotov6.SchemaObjectNestingMode) string {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single"
	case tfprotov6.SchemaObjectNestingModeList:
		return "list"
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set"
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map"
	default:
		return "invalid"
	}
}
