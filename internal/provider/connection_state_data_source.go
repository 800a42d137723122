package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

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
	_ datasource.DataSource              = (*connectionStateDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*connectionStateDataSource)(nil)
)

// connectionStateDataSource reads the state Airbyte keeps for a connection
// between syncs (Config API state/get).
type connectionStateDataSource struct {
	data *providerData
}

// connectionStateModel is the data source's configuration and state.
type connectionStateModel struct {
	ConnectionID    types.String         `tfsdk:"connection_id"`
	StateType       types.String         `tfsdk:"state_type"`
	Streams         types.List           `tfsdk:"streams"`
	GlobalStateJSON jsontypes.Normalized `tfsdk:"global_state_json"`
	StateJSON       jsontypes.Normalized `tfsdk:"state_json"`
}

// streamStateModel is one element of streams.
type streamStateModel struct {
	Name      types.String         `tfsdk:"name"`
	Namespace types.String         `tfsdk:"namespace"`
	StateJSON jsontypes.Normalized `tfsdk:"state_json"`
}

var streamStateAttrTypes = map[string]attr.Type{
	"name": types.StringType, "namespace": types.StringType, "state_json": jsontypes.NormalizedType{},
}

// NewConnectionStateDataSource returns the airbyte_connection_state data source.
func NewConnectionStateDataSource() datasource.DataSource { return &connectionStateDataSource{} }

func (d *connectionStateDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_state"
}

func (d *connectionStateDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionStateDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the state Airbyte keeps for a connection between syncs: the cursors of incremental streams " +
			"and, for sources that read a change log (CDC), the position in it. It is what PyAirbyte's `get_state_artifacts` reads, " +
			"through the Config API's `state/get`, so the provider's `config_api_url` must be reachable. Every JSON value is written " +
			"with sorted keys and no spaces, so it is stable between reads and can be read with `jsondecode`. " +
			"When the provider has a `workspace_id`, a connection of another workspace is refused with an error.",
		Attributes: map[string]schema.Attribute{
			"connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the connection whose state is read.",
				Validators:          []validator.String{uuidValidator{}},
			},
			"state_type": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The kind of state: `stream` (one state per stream), `global` (a state shared by all streams, " +
					"as CDC sources keep, plus one per stream), `legacy` (one opaque blob, from old connectors) or `not_set` " +
					"(the connection has not synced successfully yet, or its state was reset).",
			},
			"streams": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The state of each stream, sorted by namespace and then name: for `stream` state the streams' states, " +
					"for `global` state the per-stream states inside it. Empty for `legacy` and `not_set` state.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Computed: true, MarkdownDescription: "The name of the stream."},
					"namespace": schema.StringAttribute{Computed: true,
						MarkdownDescription: "The namespace of the stream, such as a database schema; null when the stream has none."},
					"state_json": schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{},
						MarkdownDescription: "The stream's state as JSON, such as its cursor; null when Airbyte holds none for it."},
				}},
			},
			"global_state_json": schema.StringAttribute{
				Computed: true, CustomType: jsontypes.NormalizedType{},
				MarkdownDescription: "For `global` state, the state shared by all streams (the API's `shared_state`) as JSON, " +
					"such as a CDC log position; null for other kinds of state.",
			},
			"state_json": schema.StringAttribute{
				Computed: true, CustomType: jsontypes.NormalizedType{},
				MarkdownDescription: "The whole state as the API returns it (its `ConnectionState`), as JSON. Use it for `legacy` " +
					"state, whose blob is in its `state` field, or to save the state elsewhere.",
			},
		},
	}
}

func (d *connectionStateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m connectionStateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ConnectionID.ValueString()
	// state/get answers not_set for any id, even an unknown one, so the
	// workspace check is also what makes an unknown connection an error.
	_, diags := d.data.connectionWorkspace(ctx, path.Root("connection_id"), id)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	st, err := d.data.client.GetConnectionState(ctx, id)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Cannot Read Connection State",
			fmt.Sprintf("Reading the state of connection %q through the Config API (state/get) failed: %v. "+
				"Check that the provider's config_api_url (or %s) points at the Airbyte Config API and that the "+
				"credentials may read the connection's workspace.", id, err, envConfigAPIURL))
		return
	}
	resp.Diagnostics.Append(m.fill(ctx, st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fill sets the computed attributes from the API's state.
func (m *connectionStateModel) fill(ctx context.Context, st *client.ConnectionState) diag.Diagnostics {
	var diags diag.Diagnostics
	m.StateType = types.StringValue(string(orDefault(st.StateType, client.StateTypeNotSet)))

	var streams []client.StreamState
	m.GlobalStateJSON = jsontypes.NewNormalizedNull()
	switch st.StateType {
	case client.StateTypeStream:
		streams = st.StreamState
	case client.StateTypeGlobal:
		if st.GlobalState != nil {
			streams = st.GlobalState.StreamStates
			m.GlobalStateJSON = jsonString(st.GlobalState.SharedState)
		}
	}
	models := make([]streamStateModel, len(streams))
	for i, s := range streams {
		models[i] = streamStateModel{
			Name:      types.StringValue(s.StreamDescriptor.Name),
			Namespace: optionalString(s.StreamDescriptor.Namespace),
			StateJSON: jsonString(s.StreamState),
		}
	}
	slices.SortStableFunc(models, func(a, b streamStateModel) int {
		return cmp.Or(cmp.Compare(a.Namespace.ValueString(), b.Namespace.ValueString()), cmp.Compare(a.Name.ValueString(), b.Name.ValueString()))
	})
	var d diag.Diagnostics
	m.Streams, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: streamStateAttrTypes}, models)
	diags.Append(d...)

	whole, err := json.Marshal(st)
	if err != nil {
		diags.AddError("Cannot Encode Connection State", fmt.Sprintf("Encoding the state of connection %q as JSON failed: %v. This is a bug in the provider.", st.ConnectionID, err))
		return diags
	}
	m.StateJSON = jsontypes.NewNormalizedValue(canonicalJSON(whole))
	return diags
}

// jsonString is raw JSON in canonical form (sorted keys, no spaces), or null
// when raw is empty or the JSON literal null.
func jsonString(raw json.RawMessage) jsontypes.Normalized {
	s := canonicalJSON(raw)
	if s == "" || s == "null" {
		return jsontypes.NewNormalizedNull()
	}
	return jsontypes.NewNormalizedValue(s)
}
