package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// connectionCreateErrorDetail explains a refused create in the API's words.
func connectionCreateErrorDetail(err error) string {
	var hint string
	switch {
	case client.IsBadRequest(err):
		hint = " Check the streams, sync modes, cursor fields and primary keys against the source's catalog, and the cron expression."
	case client.IsForbidden(err), client.IsNotFound(err):
		hint = " Check source_id and destination_id, and that the credentials may use their workspace."
	default:
		hint = requestFailureAdvice(err)
	}
	return fmt.Sprintf("Airbyte refused to create the connection: %v.%s Nothing was created.", err, hint)
}

// reconcileGrace bounds the lookup that settles an interrupted create.
const reconcileGrace = 15 * time.Second

// maxUnsettledCreates is how many creates with an unknown outcome, each
// shown by a listing to have made nothing, are tried before giving up.
const maxUnsettledCreates = 3

// create creates the connection. A create whose outcome is unknown is
// settled by reconcileCreate: the connection it made is adopted, and when the
// listing shows it made none the create is sent again, so a fault between
// here and Airbyte never leaves a connection outside state or makes two.
func (r *connectionResource) create(ctx context.Context, in client.ConnectionCreateRequest) (*client.Connection, diag.Diagnostics) {
	var diags diag.Diagnostics
	for attempt := 1; ; attempt++ {
		conn, err := r.data.client.CreateConnection(ctx, in)
		switch {
		case err == nil:
			return conn, diags
		case !client.IsAmbiguous(err):
			diags.AddError("Cannot Create Connection", connectionCreateErrorDetail(err))
			return nil, diags
		}
		conn, d := r.reconcileCreate(ctx, in, err)
		diags.Append(d...)
		if conn != nil || diags.HasError() {
			return conn, diags
		}
		if ctx.Err() != nil {
			diags.AddError("Connection Create Interrupted",
				fmt.Sprintf("Creating the connection was interrupted (%v). Airbyte holds no connection from this source to this "+
					"destination made since the request, so nothing was created.", err))
			return nil, diags
		}
		if attempt == maxUnsettledCreates {
			diags.AddError("Cannot Create Connection",
				fmt.Sprintf("Creating the connection failed %d times (last: %v). Airbyte holds no connection from this source to this "+
					"destination made since the requests, so nothing was created; apply again once Airbyte answers normally.", attempt, err))
			return nil, diags
		}
		tflog.Info(ctx, "the failed create made no connection; sending it again", map[string]any{"attempt": attempt + 1})
	}
}

// reconcileCreate runs when a create failed in a way that leaves open
// whether Airbyte acted on it. It looks for a connection the request may have
// created (same source, destination and name, created since the request) and
// adopts it, so no connection is left outside Terraform's state and none is
// created twice. It returns no connection and no error when Airbyte holds no
// such connection, so the create can be sent again.
func (r *connectionResource) reconcileCreate(ctx context.Context, in client.ConnectionCreateRequest, cause error) (*client.Connection, diag.Diagnostics) {
	var diags diag.Diagnostics
	var amb *client.AmbiguousError
	since := r.data.clock.Now().Add(-time.Minute)
	if errors.As(cause, &amb) {
		since = amb.StartedAt.Add(-5 * time.Second) // allow for clock skew between here and Airbyte
	}
	tflog.Warn(ctx, "connection create had an unknown outcome; looking for the connection it may have created",
		map[string]any{"error": cause.Error()})
	if ctx.Err() != nil {
		// Interrupted (Ctrl-C or a timeout) after the request may have
		// reached Airbyte: look anyway, briefly, so that state still learns
		// of a connection that was made.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), reconcileGrace)
		defer cancel()
	}
	ws := r.data.workspaceID
	if ws == "" {
		if src, err := r.data.client.GetSource(ctx, in.SourceID); err == nil {
			ws = src.WorkspaceID
		}
	}
	params := client.ListConnectionsParams{}
	if ws != "" {
		params.WorkspaceIDs = []string{ws}
	}
	all, err := r.data.client.ListConnections(ctx, params)
	if err != nil {
		diags.AddError("Connection Create Outcome Unknown",
			fmt.Sprintf("Creating the connection failed in a way that leaves open whether Airbyte created it (%v), and listing the "+
				"workspace's connections to find out failed too (%v). Check the Airbyte UI for a connection from source %q to destination %q "+
				"named %q; if there is one, import it with `terraform import`, otherwise apply again.", cause, err, in.SourceID, in.DestinationID, in.Name))
		return nil, diags
	}
	var found []client.Connection
	for _, c := range all {
		if c.SourceID == in.SourceID && c.DestinationID == in.DestinationID && (in.Name == "" || c.Name == in.Name) &&
			c.CreatedAt >= since.Unix() && c.Status != client.ConnectionStatusDeprecated {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 1:
		tflog.Info(ctx, "adopted the connection the failed create made", map[string]any{"connection_id": found[0].ConnectionID})
		return &found[0], diags
	case 0:
		tflog.Info(ctx, "Airbyte holds no connection made by the failed create")
	default:
		ids := make([]string, 0, len(found))
		for _, c := range found {
			ids = append(ids, c.ConnectionID)
		}
		diags.AddError("Connection Create Outcome Unknown",
			fmt.Sprintf("Creating the connection failed (%v), and Airbyte now holds %d matching connections made since the request: %s. "+
				"Import the right one with `terraform import` and delete the others.", cause, len(found), strings.Join(ids, ", ")))
	}
	return nil, diags
}
