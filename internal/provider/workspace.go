package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// checkWorkspace reports an error on attr when the provider is tied to a
// workspace and the object (kind and id, such as "connection" and its id)
// belongs to another one. It is the one place that decides what belongs.
func (d *providerData) checkWorkspace(attr path.Path, kind, id, actualWorkspaceID string) diag.Diagnostics {
	var diags diag.Diagnostics
	if d.workspaceID == "" || actualWorkspaceID == d.workspaceID {
		return diags
	}
	diags.AddAttributeError(attr, "Workspace Mismatch",
		fmt.Sprintf("The %s %q belongs to workspace %q, but the provider is configured for workspace %q. "+
			"Nothing was changed. Use the id of a %s in workspace %q, or point the provider's workspace_id "+
			"(or AIRBYTE_WORKSPACE_ID) at workspace %q.",
			kind, id, actualWorkspaceID, d.workspaceID, kind, d.workspaceID, actualWorkspaceID))
	return diags
}

// checkActorWorkspaces verifies that a source and a destination belong to
// the provider's workspace before anything is created from them. Lookups
// are cached for the life of the provider process.
func (d *providerData) checkActorWorkspaces(ctx context.Context, sourceID, destinationID string) diag.Diagnostics {
	var diags diag.Diagnostics
	if d.workspaceID == "" {
		return diags
	}
	lookups := []struct {
		kind, id string
		attr     path.Path
		get      func(context.Context, string) (string, error)
	}{
		{"source", sourceID, path.Root("source_id"), func(ctx context.Context, id string) (string, error) {
			s, err := d.client.GetSource(ctx, id)
			if err != nil {
				return "", err
			}
			return s.WorkspaceID, nil
		}},
		{"destination", destinationID, path.Root("destination_id"), func(ctx context.Context, id string) (string, error) {
			dst, err := d.client.GetDestination(ctx, id)
			if err != nil {
				return "", err
			}
			return dst.WorkspaceID, nil
		}},
	}
	for _, l := range lookups {
		ws, err := d.workspaceOf(ctx, l.kind+"/"+l.id, func(ctx context.Context) (string, error) { return l.get(ctx, l.id) })
		if err != nil {
			diags.Append(lookupError(l.attr, l.kind, l.id, err)...)
			continue
		}
		diags.Append(d.checkWorkspace(l.attr, l.kind, l.id, ws)...)
	}
	return diags
}

// workspaceOf returns the workspace of the object named by key ("source/<id>"
// and the like), from the cache or else from get. Concurrent lookups of one
// key share one request, so creating many connections from one source reads
// the source once; each caller waits on its own ctx.
func (d *providerData) workspaceOf(ctx context.Context, key string, get func(context.Context) (string, error)) (string, error) {
	return d.actorWorkspaces.Get(ctx, key, nil, get)
}

// connectionWorkspace returns the workspace of a connection, looked up once
// per provider process (a connection never changes workspace), and checks it
// against the provider's workspace. Errors are reported on attr.
func (d *providerData) connectionWorkspace(ctx context.Context, attr path.Path, connectionID string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	ws, err := d.workspaceOf(ctx, "connection/"+connectionID, func(ctx context.Context) (string, error) {
		conn, err := d.client.GetConnection(ctx, connectionID)
		if err != nil {
			return "", err
		}
		if conn.Status == client.ConnectionStatusDeprecated {
			return "", errConnectionDeleted
		}
		return conn.WorkspaceID, nil
	})
	switch {
	case errors.Is(err, errConnectionDeleted):
		diags.AddAttributeError(attr, "Connection Deleted",
			fmt.Sprintf("The connection %q was deleted in Airbyte. Use the id of a live connection.", connectionID))
		return "", diags
	case err != nil:
		diags.Append(lookupError(attr, "connection", connectionID, err)...)
		return "", diags
	}
	diags.Append(d.checkWorkspace(attr, "connection", connectionID, ws)...)
	return ws, diags
}

// errConnectionDeleted is a connection lookup that found the connection deleted.
var errConnectionDeleted = errors.New("the connection was deleted")

// lookupError turns a failed lookup of an object by id into an attribute
// error that says what the API answered and what to do.
func lookupError(attr path.Path, kind, id string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case client.IsForbidden(err), client.IsNotFound(err):
		diags.AddAttributeError(attr, fmt.Sprintf("Unknown %s", titleCase(kind)),
			fmt.Sprintf("Airbyte does not know the %s %q, or these credentials may not see it (%v). "+
				"Check the id and that the credentials belong to the %s's workspace.", kind, id, err, kind))
	default:
		diags.AddAttributeError(attr, fmt.Sprintf("Cannot Read %s", titleCase(kind)),
			fmt.Sprintf("Reading the %s %q failed: %v.%s", kind, id, err, requestFailureAdvice(err)))
	}
	return diags
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// listedWorkspaces returns the workspaces a listing is limited to: those
// requested, or else the provider's workspace when it has one. When the
// provider has a workspace, requesting any other one is an error on attr:
// a provider tied to a workspace shows nothing of another.
func (d *providerData) listedWorkspaces(attr path.Path, requested []string) ([]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if len(requested) == 0 {
		if d.workspaceID == "" {
			return nil, diags
		}
		return []string{d.workspaceID}, diags
	}
	if d.workspaceID == "" {
		return requested, diags
	}
	for _, id := range requested {
		if id == d.workspaceID {
			continue
		}
		diags.AddAttributeError(attr, "Workspace Mismatch",
			fmt.Sprintf("The listing asks for workspace %q, but the provider is configured for workspace %q and shows nothing "+
				"of another workspace. Nothing was read. Leave the workspace out to list workspace %q, or use a provider "+
				"configuration whose workspace_id (or AIRBYTE_WORKSPACE_ID) is %q.", id, d.workspaceID, d.workspaceID, id))
	}
	return requested, diags
}
