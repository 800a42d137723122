package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ datasource.DataSource              = (*connectionCatalogDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*connectionCatalogDataSource)(nil)
)

// connectionCatalogDataSource reads a connection's configured catalog: every
// stream the source offers, selected or not, with its settings (Config API
// web_backend/connections/get).
type connectionCatalogDataSource struct {
	data *providerData
}

// connectionCatalogModel is the data source's configuration and state.
type connectionCatalogModel struct {
	ConnectionID         types.String `tfsdk:"connection_id"`
	WithRefreshedCatalog types.Bool   `tfsdk:"with_refreshed_catalog"`
	Streams              types.List   `tfsdk:"streams"`
}

// catalogStreamModel is one element of streams.
type catalogStreamModel struct {
	Name                    types.String         `tfsdk:"name"`
	Namespace               types.String         `tfsdk:"namespace"`
	Selected                types.Bool           `tfsdk:"selected"`
	SyncMode                types.String         `tfsdk:"sync_mode"`
	DestinationSyncMode     types.String         `tfsdk:"destination_sync_mode"`
	CursorField             types.List           `tfsdk:"cursor_field"`
	PrimaryKey              types.List           `tfsdk:"primary_key"`
	SourceDefinedCursor     types.Bool           `tfsdk:"source_defined_cursor"`
	SourceDefinedPrimaryKey types.List           `tfsdk:"source_defined_primary_key"`
	DefaultCursorField      types.List           `tfsdk:"default_cursor_field"`
	SupportedSyncModes      types.List           `tfsdk:"supported_sync_modes"`
	SelectedFields          types.List           `tfsdk:"selected_fields"`
	JSONSchema              jsontypes.Normalized `tfsdk:"json_schema"`
}

var (
	fieldPathListType     = types.ListType{ElemType: stringListType}
	catalogStreamAttrType = map[string]attr.Type{
		"name": types.StringType, "namespace": types.StringType, "selected": types.BoolType,
		"sync_mode": types.StringType, "destination_sync_mode": types.StringType,
		"cursor_field": stringListType, "primary_key": fieldPathListType, "source_defined_cursor": types.BoolType,
		"source_defined_primary_key": fieldPathListType, "default_cursor_field": stringListType,
		"supported_sync_modes": stringListType, "selected_fields": fieldPathListType, "json_schema": jsontypes.NormalizedType{},
	}
)

// combinedSyncModes maps the Config API's pair of a source sync mode and a
// destination sync mode to the public API's single sync mode, as the
// server's ConnectionReadMapper does.
var combinedSyncModes = map[[2]string]client.SyncMode{
	{"full_refresh", "overwrite"}:       client.SyncModeFullRefreshOverwrite,
	{"full_refresh", "append"}:          client.SyncModeFullRefreshAppend,
	{"full_refresh", "overwrite_dedup"}: client.SyncModeFullRefreshOverwriteDeduped,
	{"full_refresh", "update"}:          client.SyncModeFullRefreshUpdate,
	{"full_refresh", "soft_delete"}:     client.SyncModeFullRefreshSoftDelete,
	{"incremental", "append"}:           client.SyncModeIncrementalAppend,
	{"incremental", "append_dedup"}:     client.SyncModeIncrementalDedupedHistory,
	{"incremental", "update"}:           client.SyncModeIncrementalUpdate,
	{"incremental", "soft_delete"}:      client.SyncModeIncrementalSoftDelete,
}

// combinedSyncMode is the public API's name for a stream configured with
// the source sync mode source and the destination sync mode destination.
// Like the server, it reads a missing mode as full_refresh_overwrite. A pair
// the public API has no name for (such as incremental with overwrite)
// gives false.
func combinedSyncMode(source, destination string) (client.SyncMode, bool) {
	if source == "" || destination == "" {
		return client.SyncModeFullRefreshOverwrite, true
	}
	m, ok := combinedSyncModes[[2]string{source, destination}]
	return m, ok
}

// NewConnectionCatalogDataSource returns the airbyte_connection_catalog data source.
func NewConnectionCatalogDataSource() datasource.DataSource { return &connectionCatalogDataSource{} }

func (d *connectionCatalogDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_catalog"
}

func (d *connectionCatalogDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionCatalogDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	strList := func(desc string) schema.Attribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	pathList := func(desc string) schema.Attribute {
		return schema.ListAttribute{Computed: true, ElementType: stringListType, MarkdownDescription: desc}
	}
	modes := make([]string, 0, len(client.SyncModes()))
	for _, m := range client.SyncModes() {
		modes = append(modes, string(m))
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a connection's configured catalog: every stream its source offers, selected or not, with how each is " +
			"synced and what the source says about it (its JSON schema, keys and cursor). It is what PyAirbyte's `get_catalog_artifact` " +
			"reads, through the Config API's `web_backend/connections/get`, so the provider's `config_api_url` must be reachable. " +
			"Where the `airbyte_connection` data source shows only the selected streams, this one shows the unselected ones too. " +
			"When the provider has a `workspace_id`, a connection of another workspace is refused with an error.",
		Attributes: map[string]schema.Attribute{
			"connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the connection whose catalog is read.",
				Validators:          []validator.String{uuidValidator{}},
			},
			"with_refreshed_catalog": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether Airbyte rediscovers the source's schema before answering, so that streams and fields added " +
					"to the source since the last discovery show up. Discovery runs the source connector and can take a while. " +
					"Defaults to `false`.",
			},
			"streams": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The streams of the source, sorted by namespace and then name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Computed: true, MarkdownDescription: "The name of the stream, as the source names it."},
					"namespace": schema.StringAttribute{Computed: true,
						MarkdownDescription: "The namespace of the stream in the source, such as a database schema; null when the source has none."},
					"selected": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the connection syncs the stream."},
					"sync_mode": schema.StringAttribute{Computed: true,
						MarkdownDescription: "How the stream is read and written, in the public API's (and the `airbyte_connection` resource's) " +
							"terms: one of `" + strings.Join(modes, "`, `") + "`. It combines the source sync mode (`full_refresh` or " +
							"`incremental`) and `destination_sync_mode`; null for a combination the public API has no name for. " +
							"For an unselected stream it is the mode the stream would be synced with if selected."},
					"destination_sync_mode": schema.StringAttribute{Computed: true,
						MarkdownDescription: "How the stream is written to the destination: `append`, `overwrite`, `append_dedup`, " +
							"`overwrite_dedup`, `update` or `soft_delete`."},
					"cursor_field": strList("The path of the field that marks new records, for incremental sync modes; empty when none is set."),
					"primary_key":  pathList("The fields that identify a record, as a list of field paths; empty when none is set."),
					"source_defined_cursor": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether the source decides the cursor, so that `cursor_field` cannot be chosen."},
					"source_defined_primary_key": pathList("The primary key the source defines, as a list of field paths; empty when it defines none."),
					"default_cursor_field":       strList("The path of the cursor the source suggests; empty when it suggests none."),
					"supported_sync_modes":       strList("The source sync modes the stream supports: `full_refresh`, `incremental` or both."),
					"selected_fields": pathList("The paths of the fields that are synced, when only some are; null when every field is " +
						"synced."),
					"json_schema": schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{},
						MarkdownDescription: "The stream's JSON schema as the source discovered it, as JSON with sorted keys " +
							"(use `jsondecode` to read it); null when the source sent none."},
				}},
			},
		},
	}
}

func (d *connectionCatalogDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m connectionCatalogModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ConnectionID.ValueString()
	_, diags := d.data.connectionWorkspace(ctx, path.Root("connection_id"), id)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	refresh := m.WithRefreshedCatalog.ValueBool()
	conn, err := d.data.client.GetWebBackendConnection(ctx, id, refresh)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Cannot Read Connection Catalog",
			fmt.Sprintf("Reading the catalog of connection %q through the Config API (web_backend/connections/get, "+
				"withRefreshedCatalog=%t) failed: %v. Check that the provider's config_api_url (or %s) points at the Airbyte "+
				"Config API and that the credentials may read the connection's workspace.", id, refresh, err, envConfigAPIURL))
		return
	}
	m.WithRefreshedCatalog = types.BoolValue(refresh)
	m.Streams, diags = catalogStreams(ctx, conn.SyncCatalog)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// catalogStreams converts a configured catalog into the streams list,
// sorted by namespace and then name.
func catalogStreams(ctx context.Context, catalog client.AirbyteCatalog) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	models := make([]catalogStreamModel, 0, len(catalog.Streams))
	for _, entry := range catalog.Streams {
		if entry.Stream == nil {
			continue
		}
		m, d := catalogStream(ctx, entry.Stream, entry.Config)
		diags.Append(d...)
		models = append(models, m)
	}
	slices.SortStableFunc(models, func(a, b catalogStreamModel) int {
		return cmp.Or(cmp.Compare(a.Namespace.ValueString(), b.Namespace.ValueString()), cmp.Compare(a.Name.ValueString(), b.Name.ValueString()))
	})
	list, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: catalogStreamAttrType}, models)
	diags.Append(d...)
	return list, diags
}

// catalogStream converts one stream and its configuration; cfg is nil for
// a stream Airbyte sent without one.
func catalogStream(ctx context.Context, s *client.AirbyteStream, cfg *client.AirbyteStreamConfiguration) (catalogStreamModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	stringList := func(v []string) types.List {
		l, d := types.ListValueFrom(ctx, types.StringType, nonNilSlice(v))
		diags.Append(d...)
		return l
	}
	pathList := func(v [][]string) types.List {
		l, d := types.ListValueFrom(ctx, stringListType, nonNilSlice(v))
		diags.Append(d...)
		return l
	}
	if cfg == nil {
		cfg = &client.AirbyteStreamConfiguration{}
	}
	m := catalogStreamModel{
		Name:                    types.StringValue(s.Name),
		Namespace:               optionalString(s.Namespace),
		Selected:                types.BoolValue(cfg.Selected),
		SyncMode:                types.StringNull(),
		DestinationSyncMode:     optionalString(cfg.DestinationSyncMode),
		CursorField:             stringList(cfg.CursorField),
		PrimaryKey:              pathList(cfg.PrimaryKey),
		SourceDefinedCursor:     types.BoolValue(s.SourceDefinedCursor),
		SourceDefinedPrimaryKey: pathList(s.SourceDefinedPrimaryKey),
		DefaultCursorField:      stringList(s.DefaultCursorField),
		SupportedSyncModes:      stringList(s.SupportedSyncModes),
		SelectedFields:          types.ListNull(stringListType),
		JSONSchema:              jsonString(s.JSONSchema),
	}
	if mode, ok := combinedSyncMode(cfg.SyncMode, cfg.DestinationSyncMode); ok {
		m.SyncMode = types.StringValue(string(mode))
	}
	if cfg.FieldSelectionEnabled && len(cfg.SelectedFields) > 0 {
		fields := make([][]string, len(cfg.SelectedFields))
		for i, f := range cfg.SelectedFields {
			fields[i] = nonNilSlice(f.FieldPath)
		}
		m.SelectedFields = pathList(fields)
	}
	return m, diags
}

// nonNilSlice turns nil into an empty slice, so that the list it becomes is
// empty rather than null.
func nonNilSlice[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
