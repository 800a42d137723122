package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ list.ListResource              = (*connectionListResource)(nil)
	_ list.ListResourceWithConfigure = (*connectionListResource)(nil)
)

// connectionListResource lists the connections of a workspace for
// `terraform query`, so that they can be imported by identity.
type connectionListResource struct {
	data *providerData
}

// connectionListModel is the configuration of a list block.
type connectionListModel struct {
	WorkspaceID    types.String `tfsdk:"workspace_id"`
	Name           types.String `tfsdk:"name"`
	NameRegex      types.String `tfsdk:"name_regex"`
	Status         types.String `tfsdk:"status"`
	IncludeDeleted types.Bool   `tfsdk:"include_deleted"`
}

// NewConnectionListResource returns the airbyte_connection list resource.
func NewConnectionListResource() list.ListResource { return &connectionListResource{} }

func (r *connectionListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *connectionListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *connectionListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the Airbyte connections of a workspace with `terraform query` (Terraform 1.14 and later), each with " +
			"its identity (`connection_id`) so that it can be imported, and with `include_resource = true` its full " +
			"`airbyte_connection` attributes. The filters are applied by the provider to the connections the API returns.",
		Attributes: map[string]schema.Attribute{
			"workspace_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The workspace whose connections are listed. Defaults to the provider's `workspace_id`, and without one " +
					"to every workspace the credentials can see. When the provider has a `workspace_id`, naming another workspace is an error.",
				Validators: []validator.String{uuidValidator{}},
			},
			"name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the connections with exactly this name are listed.",
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the connections whose name matches this regular expression (Go RE2 syntax, such as `^prod-`) are listed.",
				Validators:          []validator.String{regexValidator{}},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the connections with this status are listed: `active` or `inactive`. All are listed when it is left out.",
				Validators:          []validator.String{stringvalidator.OneOf(connectionStatusValues...)},
			},
			"include_deleted": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Whether deleted connections (status `deprecated`) are listed too. Defaults to `false`.",
			},
		},
	}
}

// List pushes one result per matching connection. Every error, from the
// configuration to the API, is pushed as a result's diagnostics so that it
// reaches the user instead of ending the listing silently.
func (r *connectionListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	stream.Results = func(push func(list.ListResult) bool) {
		fail := func(diags diag.Diagnostics) { push(list.ListResult{Diagnostics: diags}) }
		if r.data == nil {
			var diags diag.Diagnostics
			diags.AddError("Provider Not Configured", "The airbyte provider was not configured before listing connections. This is a bug in the provider or in Terraform.")
			fail(diags)
			return
		}
		var cfg connectionListModel
		if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
			fail(diags)
			return
		}
		filter, diags := newConnectionNameFilter(cfg.Name, cfg.NameRegex)
		if diags.HasError() {
			fail(diags)
			return
		}
		var requested []string
		if ws := cfg.WorkspaceID.ValueString(); ws != "" {
			requested = []string{ws}
		}
		workspaces, diags := r.data.listedWorkspaces(path.Root("workspace_id"), requested)
		if diags.HasError() {
			fail(diags)
			return
		}
		params := client.ListConnectionsParams{WorkspaceIDs: workspaces, IncludeDeleted: cfg.IncludeDeleted.ValueBool()}
		conns, err := r.data.client.ListConnections(ctx, params)
		if err != nil {
			fail(listConnectionsError(params, err))
			return
		}

		var pushed int64
		for i := range conns {
			conn := &conns[i]
			if !filter.matches(conn.Name) || (cfg.Status.ValueString() != "" && string(conn.Status) != cfg.Status.ValueString()) {
				continue
			}
			if req.Limit > 0 && pushed >= req.Limit {
				return
			}
			if !push(r.result(ctx, req, conn)) {
				return
			}
			pushed++
		}
	}
}

// result builds the list result of one connection: its identity, its name
// and, when asked for, the resource state the resource's Read would write.
func (r *connectionListResource) result(ctx context.Context, req list.ListRequest, conn *client.Connection) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = conn.Name
	result.Diagnostics.Append(r.data.checkWorkspace(path.Root("workspace_id"), "connection", conn.ConnectionID, conn.WorkspaceID)...)
	if result.Diagnostics.HasError() {
		return result
	}
	result.Diagnostics.Append(result.Identity.Set(ctx, connectionIdentityModel{ConnectionID: types.StringValue(conn.ConnectionID)})...)
	if !req.IncludeResource {
		return result
	}
	timeoutsType, diags := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	result.Diagnostics.Append(diags...)
	tt, ok := timeoutsType.(timeouts.Type)
	if !ok {
		result.Diagnostics.AddError("Unexpected Resource Schema",
			fmt.Sprintf("The airbyte_connection resource's timeouts attribute has type %T, not a timeouts block. This is a bug in the provider.", timeoutsType))
		return result
	}
	m := connectionResourceModel{
		DataResidency:              types.StringNull(),
		DeleteSourceOnDestroy:      types.BoolValue(false),
		DeleteDestinationOnDestroy: types.BoolValue(false),
		Timeouts:                   timeouts.Value{Object: types.ObjectNull(tt.AttrTypes)},
	}
	result.Diagnostics.Append(m.fill(ctx, conn, r.data.webRoot)...)
	if result.Diagnostics.HasError() {
		return result
	}
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	return result
}
