package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
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
	_ datasource.DataSource              = (*connectionsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*connectionsDataSource)(nil)
)

// connectionsDataSource lists Airbyte connections.
type connectionsDataSource struct {
	data *providerData
}

// connectionsDataSourceModel is the data source's configuration and state.
type connectionsDataSourceModel struct {
	WorkspaceIDs   types.List   `tfsdk:"workspace_ids"`
	TagIDs         types.List   `tfsdk:"tag_ids"`
	IncludeDeleted types.Bool   `tfsdk:"include_deleted"`
	Limit          types.Int64  `tfsdk:"limit"`
	Offset         types.Int64  `tfsdk:"offset"`
	Name           types.String `tfsdk:"name"`
	NameRegex      types.String `tfsdk:"name_regex"`
	Data           types.List   `tfsdk:"data"`
	Next           types.String `tfsdk:"next"`
	Previous       types.String `tfsdk:"previous"`
}

// NewConnectionsDataSource returns the airbyte_connections data source.
func NewConnectionsDataSource() datasource.DataSource { return &connectionsDataSource{} }

func (d *connectionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connections"
}

func (d *connectionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Airbyte connections, with every attribute the `airbyte_connection` data source shows for each. " +
			"It accepts every argument of the official Airbyte provider's `airbyte_connections` data source with the same meaning, " +
			"with one difference: without `limit` it reads every page and returns all the connections, where the official data source " +
			"returns only the API's first page of 20. Set `limit` to read one page and follow `next` yourself. " +
			"`name` and `name_regex` narrow the result further.",
		Attributes: map[string]schema.Attribute{
			"workspace_ids": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The workspaces whose connections are listed. Defaults to the provider's `workspace_id` when it is set, " +
					"and otherwise to every workspace the credentials can see. When the provider has a `workspace_id`, naming any other " +
					"workspace here is an error.",
				Validators: []validator.List{listvalidator.ValueStringsAre(uuidValidator{})},
			},
			"tag_ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only connections with at least one of these tags are listed.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(uuidValidator{})},
			},
			"include_deleted": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Whether deleted connections (status `deprecated`) are listed too. Defaults to `false`.",
			},
			"limit": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Read only one page of this many connections (1 to 100), starting at `offset`, and return the API's " +
					"`next` and `previous` links. Without it, every page is read.",
				Validators: []validator.Int64{int64validator.Between(1, 100)},
			},
			"offset": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "How many connections to skip before the first one returned. Defaults to `0`.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only connections with exactly this name are returned. The filter is applied by the provider to the " +
					"connections read, so with `limit` it narrows that one page.",
			},
			"name_regex": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only connections whose name matches this regular expression (Go RE2 syntax, such as `^prod-`) are returned. " +
					"Like `name`, it is applied by the provider to the connections read.",
				Validators: []validator.String{regexValidator{}},
			},
			"data": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The connections, in the API's order, each with the attributes of the `airbyte_connection` data source.",
				NestedObject:        schema.NestedAttributeObject{Attributes: connectionDataSourceAttributes()},
			},
			"next": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "With `limit`, the API's link to the following page; the API sets it on every page that is not empty, " +
					"the last one included. Null without `limit`, since every page was read.",
			},
			"previous": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "With `limit`, the API's link to the preceding page; null on the first page and without `limit`.",
			},
		},
	}
}

func (d *connectionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m connectionsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var requested, tagIDs []string
	resp.Diagnostics.Append(m.WorkspaceIDs.ElementsAs(ctx, &requested, false)...)
	resp.Diagnostics.Append(m.TagIDs.ElementsAs(ctx, &tagIDs, false)...)
	filter, diags := newConnectionNameFilter(m.Name, m.NameRegex)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	workspaces, diags := d.data.listedWorkspaces(path.Root("workspace_ids"), requested)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	params := client.ListConnectionsParams{
		WorkspaceIDs:   workspaces,
		TagIDs:         tagIDs,
		IncludeDeleted: m.IncludeDeleted.ValueBool(),
		Offset:         int(m.Offset.ValueInt64()),
	}
	var conns []client.Connection
	m.Next, m.Previous = types.StringNull(), types.StringNull()
	if !m.Limit.IsNull() {
		params.Limit = int(m.Limit.ValueInt64())
		page, err := d.data.client.ListConnectionsPage(ctx, params)
		if err != nil {
			resp.Diagnostics.Append(listConnectionsError(params, err)...)
			return
		}
		conns = page.Data
		m.Next, m.Previous = optionalString(page.Next), optionalString(page.Previous)
	} else {
		all, err := d.data.client.ListConnections(ctx, params)
		if err != nil {
			resp.Diagnostics.Append(listConnectionsError(params, err)...)
			return
		}
		conns = all
	}

	elemType := connectionObjectType()
	elems := make([]attr.Value, 0, len(conns))
	for i := range conns {
		conn := &conns[i]
		if !filter.matches(conn.Name) {
			continue
		}
		resp.Diagnostics.Append(d.data.checkWorkspace(path.Root("data"), "connection", conn.ConnectionID, conn.WorkspaceID)...)
		var c connectionAPIModel
		resp.Diagnostics.Append(c.fill(ctx, conn, d.data.webRoot)...)
		v, diags := types.ObjectValueFrom(ctx, elemType.AttrTypes, c)
		resp.Diagnostics.Append(diags...)
		elems = append(elems, v)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	m.Data, diags = types.ListValue(elemType, elems)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// listConnectionsError says which listing failed and what the API answered.
func listConnectionsError(p client.ListConnectionsParams, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	scope := "every workspace these credentials can see"
	if len(p.WorkspaceIDs) > 0 {
		scope = fmt.Sprintf("workspaces %q", p.WorkspaceIDs)
	}
	var what string
	switch code := client.StatusCode(err); {
	case client.IsForbidden(err), client.IsUnauthorized(err):
		what = "Airbyte refused the request: check the workspace ids and that the credentials belong to those workspaces."
	case code == 0 || code == 429 || code >= 500:
		what = "Airbyte could not be reached or did not answer, after the retries max_retries allows. Try again later."
	default:
		what = "Check the arguments and the credentials, and try again."
	}
	diags.AddError("Cannot List Connections", fmt.Sprintf("Listing the connections of %s failed: %v. %s", scope, err, what))
	return diags
}

// connectionNameFilter keeps the connections whose name is name (when set)
// and matches re (when set).
type connectionNameFilter struct {
	name string
	re   *regexp.Regexp
}

// newConnectionNameFilter builds the filter of the name and name_regex arguments.
func newConnectionNameFilter(name, nameRegex types.String) (connectionNameFilter, diag.Diagnostics) {
	var diags diag.Diagnostics
	f := connectionNameFilter{name: name.ValueString()}
	if nameRegex.ValueString() != "" {
		re, err := regexp.Compile(nameRegex.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", invalidRegexDetail(nameRegex.ValueString(), err))
			return f, diags
		}
		f.re = re
	}
	return f, diags
}

func (f connectionNameFilter) matches(name string) bool {
	if f.name != "" && name != f.name {
		return false
	}
	return f.re == nil || f.re.MatchString(name)
}

func invalidRegexDetail(expr string, err error) string {
	return fmt.Sprintf("%q is not a valid regular expression: %v. Use Go's RE2 syntax, such as \"^prod-\" or \"(?i)postgres\"; "+
		"look-arounds and back-references are not supported.", expr, err)
}

// regexValidator checks that a string is a regular expression Go can compile.
type regexValidator struct{}

var _ validator.String = regexValidator{}

func (regexValidator) Description(context.Context) string {
	return "value must be a regular expression in Go's RE2 syntax"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression", invalidRegexDetail(req.ConfigValue.ValueString(), err))
	}
}
