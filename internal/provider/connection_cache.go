package provider

import (
	"context"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/fetchcache"
)

// connectionListings answers the reads of many connections of a workspace
// from one listing of the workspace, fetched once per provider process and
// shared by concurrent reads: a refresh of hundreds of connections then costs
// a few list pages instead of one request per connection. Anything this
// process writes drops the listing of its workspace, so a write is never
// followed by a stale read. A failed listing is not kept.
type connectionListings struct {
	client      *client.Client
	byWorkspace fetchcache.Cache[string, map[string]client.Connection]
}

func newConnectionListings(c *client.Client) *connectionListings {
	return &connectionListings{client: c}
}

// lookup returns the connection as the workspace's listing has it. found is
// false when the listing could not be fetched or does not hold the
// connection; the caller then reads the connection on its own.
func (l *connectionListings) lookup(ctx context.Context, workspaceID, connectionID string) (conn *client.Connection, found bool) {
	conns, err := l.byWorkspace.Get(ctx, workspaceID, nil, func(ctx context.Context) (map[string]client.Connection, error) {
		return l.list(ctx, workspaceID)
	})
	if err != nil {
		return nil, false
	}
	c, ok := conns[connectionID]
	if !ok {
		return nil, false
	}
	return &c, true
}

// list lists the workspace's connections, deleted ones included, so that a
// connection deleted outside Terraform is recognised without another request.
func (l *connectionListings) list(ctx context.Context, workspaceID string) (map[string]client.Connection, error) {
	conns, err := l.client.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{workspaceID}, IncludeDeleted: true})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]client.Connection, len(conns))
	for _, c := range conns {
		byID[c.ConnectionID] = c
	}
	return byID, nil
}

// forget drops the listing of a workspace after a write to it.
func (l *connectionListings) forget(workspaceID string) { l.byWorkspace.Forget(workspaceID) }
