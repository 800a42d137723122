package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ resource.Resource                   = (*connectionResource)(nil)
	_ resource.ResourceWithConfigure      = (*connectionResource)(nil)
	_ resource.ResourceWithImportState    = (*connectionResource)(nil)
	_ resource.ResourceWithIdentity       = (*connectionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectionResource)(nil)
)

// Default timeouts of the connection resource's operations.
const (
	defaultConnectionCreateTimeout = 10 * time.Minute
	defaultConnectionReadTimeout   = 5 * time.Minute
	defaultConnectionUpdateTimeout = 10 * time.Minute
	defaultConnectionDeleteTimeout = 10 * time.Minute
)

// connectionResource manages an Airbyte connection.
type connectionResource struct {
	data *providerData
}

// connectionResourceModel is the resource's state and plan.
type connectionResourceModel struct {
	connectionAPIModel
	DataResidency              types.String   `tfsdk:"data_residency"`
	DeleteSourceOnDestroy      types.Bool     `tfsdk:"delete_source_on_destroy"`
	DeleteDestinationOnDestroy types.Bool     `tfsdk:"delete_destination_on_destroy"`
	Timeouts                   timeouts.Value `tfsdk:"timeouts"`
}

// connectionIdentityModel is the resource identity: the connection's id.
type connectionIdentityModel struct {
	ConnectionID types.String `tfsdk:"connection_id"`
}

// NewConnectionResource returns the airbyte_connection resource.
func NewConnectionResource() resource.Resource { return &connectionResource{} }

func (r *connectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *connectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg connectionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, defaultConnectionCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	resp.Diagnostics.Append(r.data.checkActorWorkspaces(ctx, plan.SourceID.ValueString(), plan.DestinationID.ValueString())...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, d := r.createRequest(ctx, plan, cfg)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(r.checkStreamsToSend(ctx, in.SourceID, in.DestinationID, in.Configurations)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, d := r.create(ctx, in)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.data.listings.forget(conn.WorkspaceID)
	tflog.Info(ctx, "created Airbyte connection", map[string]any{"connection_id": conn.ConnectionID})
	if expr, zone, zoned := zonedCron(ctx, plan.Schedule); zoned {
		// The public API made the schedule UTC.
		zonedConn, d := r.setZonedCron(ctx, conn.ConnectionID, expr, zone)
		resp.Diagnostics.Append(d...)
		if zonedConn != nil {
			conn = zonedConn
		}
	}
	if d := r.saveState(ctx, conn, plan, &resp.State, resp.Identity); d.HasError() {
		// The connection exists: whatever went wrong, state must know its id
		// (Terraform then marks it tainted) rather than lose track of it.
		resp.Diagnostics.Append(d...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), conn.ConnectionID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connection_id"), conn.ConnectionID)...)
		return
	}
}

func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, defaultConnectionReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := state.ConnectionID.ValueString()
	if id == "" {
		id = state.ID.ValueString()
	}
	// The identity is set before anything can return: the framework refuses
	// a Read that leaves it empty, even one that removes the resource.
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, connectionIdentityModel{ConnectionID: types.StringValue(id)})...)
	}
	conn, err := r.readConnection(ctx, state.WorkspaceID.ValueString(), id)
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddWarning("Connection Not Found",
			fmt.Sprintf("Airbyte no longer has the connection %q, so it is removed from the Terraform state; the next plan creates it again.", id))
		resp.State.RemoveResource(ctx)
		return
	case client.IsForbidden(err):
		resp.Diagnostics.AddError("Connection Unknown Or Not Accessible",
			fmt.Sprintf("Airbyte answered 403 for the connection %q: the id is unknown, or these credentials may not see its workspace (%v). "+
				"The state is kept. If the connection was deleted, remove it with `terraform state rm`; otherwise check the credentials.", id, err))
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot Read Connection", fmt.Sprintf("Reading the connection %q failed: %v.%s", id, err, requestFailureAdvice(err)))
		return
	}
	if conn.Status == client.ConnectionStatusDeprecated {
		resp.Diagnostics.AddWarning("Connection Deleted",
			fmt.Sprintf("The connection %q was deleted in Airbyte, so it is removed from the Terraform state; the next plan creates it again.", id))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(r.data.checkWorkspace(path.Root("connection_id"), "connection", id, conn.WorkspaceID)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.saveState(ctx, conn, state, &resp.State, resp.Identity)...)
	recordRead(ctx, conn)
}

// readConnection reads one connection. A connection already in state (its
// workspace known) is served from the workspace's listing, shared by every
// connection refreshed in this run; an import, or a connection the listing
// lacks, is read on its own.
func (r *connectionResource) readConnection(ctx context.Context, workspaceID, id string) (*client.Connection, error) {
	if workspaceID != "" {
		if conn, ok := r.data.listings.lookup(ctx, workspaceID, id); ok {
			return conn, nil
		}
	}
	return r.data.client.GetConnection(ctx, id)
}

// saveState writes the API's connection into state, keeping the attributes
// that exist only in Terraform from prior (the plan or the prior state).
func (r *connectionResource) saveState(ctx context.Context, conn *client.Connection, prior connectionResourceModel, state interface {
	Set(context.Context, any) diag.Diagnostics
}, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	m := connectionResourceModel{
		DataResidency:              prior.DataResidency,
		DeleteSourceOnDestroy:      orFalse(prior.DeleteSourceOnDestroy),
		DeleteDestinationOnDestroy: orFalse(prior.DeleteDestinationOnDestroy),
		Timeouts:                   prior.Timeouts,
	}
	// Airbyte masks AES keys and returns tags in any order: prior's
	// values stand where they are the same.
	conn = withTagOrder(ctx, withKnownSecrets(ctx, conn, prior.Configurations), prior.Tags)
	diags.Append(m.fill(ctx, conn, r.data.webRoot)...)
	if diags.HasError() {
		return diags
	}
	diags.Append(state.Set(ctx, &m)...)
	if identity != nil {
		diags.Append(identity.Set(ctx, connectionIdentityModel{ConnectionID: types.StringValue(conn.ConnectionID)})...)
	}
	return diags
}

// inWorkspace checks that the connection in state belongs to the provider's
// workspace before it is changed or deleted.
func (r *connectionResource) inWorkspace(state connectionResourceModel, diags *diag.Diagnostics) bool {
	diags.Append(r.data.checkWorkspace(path.Root("connection_id"), "connection", state.ConnectionID.ValueString(), state.WorkspaceID.ValueString())...)
	return !diags.HasError()
}

func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, cfg connectionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, defaultConnectionUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := state.ConnectionID.ValueString()
	if !r.inWorkspace(state, &resp.Diagnostics) {
		return
	}
	patch, changed, d := r.patchRequest(ctx, plan, state, cfg)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	expr, zone, zoned := zonedCron(ctx, plan.Schedule)
	zoned = zoned && !schedulesEqual(ctx, plan.Schedule, state.Schedule)
	if !changed && !zoned {
		// Only Terraform-side settings changed: nothing to send. The
		// identity is set here too: a state written before identity existed
		// and planned with -refresh=false brings none, and Terraform refuses
		// an update that returns none.
		plan.connectionAPIModel = state.connectionAPIModel
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		if resp.Identity != nil {
			resp.Diagnostics.Append(resp.Identity.Set(ctx, connectionIdentityModel{ConnectionID: types.StringValue(id)})...)
		}
		return
	}
	r.data.listings.forget(state.WorkspaceID.ValueString())
	var conn *client.Connection
	if changed {
		var err error
		conn, err = r.data.client.PatchConnection(ctx, id, patch)
		if err != nil {
			resp.Diagnostics.AddError("Cannot Update Connection",
				fmt.Sprintf("Airbyte refused to update the connection %q: %v. The connection is unchanged.%s", id, err, requestFailureAdvice(err)))
			return
		}
	}
	if zoned {
		// A schedule outside UTC is set through the Config API: the public
		// PATCH would move it to UTC.
		zonedConn, d := r.setZonedCron(ctx, id, expr, zone)
		resp.Diagnostics.Append(d...)
		if zonedConn != nil {
			conn = zonedConn
		}
	}
	if conn == nil {
		return // nothing was changed, and the error says why
	}
	resp.Diagnostics.Append(r.saveState(ctx, conn, plan, &resp.State, resp.Identity)...)
}

// streamProperties indexes the source's streams for the destination, to
// tell which cursors and primary keys the source defines.
func (r *connectionResource) streamProperties(ctx context.Context, sourceID, destinationID string) (*streamIndex[client.StreamProperties], error) {
	props, err := r.data.catalogs.streams(ctx, sourceID, destinationID)
	if err != nil {
		return nil, err
	}
	return newStreamIndex(props, catalogStreamID), nil
}

func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, defaultConnectionDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := state.ConnectionID.ValueString()
	if !r.inWorkspace(state, &resp.Diagnostics) {
		return
	}
	err := r.data.client.DeleteConnection(ctx, id)
	r.data.listings.forget(state.WorkspaceID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		resp.Diagnostics.AddError("Cannot Delete Connection", fmt.Sprintf("Deleting the connection %q failed: %v.%s", id, err, requestFailureAdvice(err)))
		return
	}
	if state.DeleteSourceOnDestroy.ValueBool() {
		if err := r.data.client.DeleteSource(ctx, state.SourceID.ValueString()); err != nil && !client.IsNotFound(err) {
			resp.Diagnostics.AddError("Cannot Delete Source",
				fmt.Sprintf("The connection %q was deleted, but deleting its source %q failed: %v. Delete the source in the Airbyte UI.",
					id, state.SourceID.ValueString(), err))
		}
	}
	if state.DeleteDestinationOnDestroy.ValueBool() {
		if err := r.data.client.DeleteDestination(ctx, state.DestinationID.ValueString()); err != nil && !client.IsNotFound(err) {
			resp.Diagnostics.AddError("Cannot Delete Destination",
				fmt.Sprintf("The connection %q was deleted, but deleting its destination %q failed: %v. Delete the destination in the Airbyte UI.",
					id, state.DestinationID.ValueString(), err))
		}
	}
}

func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" && !isUUID(req.ID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("%q is not a connection id. Import with the connection's UUID, which is in its URL in the Airbyte UI: "+
				"terraform import airbyte_connection.example 9924bcd0-99be-453d-ba47-c2c9766f7da5", req.ID))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("connection_id"), path.Root("connection_id"), req, resp)
}
