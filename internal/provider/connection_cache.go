package provider

import (
	"context"
	"sync"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// connectionListings answers the reads of many connections of a workspace
// from one listing of the workspace, fetched once per provider process and
// shared by concurrent reads: a refresh of hundreds of connections then costs
// a few list pages instead of one request per connection. Anything this
// process writes drops the listing of its workspace, so a write is never
// followed by a stale read.
type connectionListings struct {
	client *client.Client

	mu          sync.Mutex
	byWorkspace map[string]*workspaceListing
}

// workspaceListing is one workspace's connections, or the error that
// listing them met. ready is closed once either is set.
type workspaceListing struct {
	ready chan struct{}
	conns map[string]client.Connection
	err   error
}

func newConnectionListings(c *client.Client) *connectionListings {
	return &connectionListings{client: c, byWorkspace: map[string]*workspaceListing{}}
}

// lookup returns the connection as the workspace's listing has it. found is
// false when the listing could not be fetched or does not hold the
// connection; the caller then reads the connection on its own.
func (l *connectionListings) lookup(ctx context.Context, workspaceID, connectionID string) (conn *client.Connection, found bool) {
	l.mu.Lock()
	lst, ok := l.byWorkspace[workspaceID]
	if !ok {
		lst = &workspaceListing{ready: make(chan struct{})}
		l.byWorkspace[workspaceID] = lst
		l.mu.Unlock()
		l.fill(ctx, workspaceID, lst)
	} else {
		l.mu.Unlock()
	}
	select {
	case <-lst.ready:
	case <-ctx.Done():
		return nil, false
	}
	if lst.err != nil {
		return nil, false
	}
	c, ok := lst.conns[connectionID]
	if !ok {
		return nil, false
	}
	return &c, true
}

// fill lists the workspace's connections, deleted ones included, so that a
// connection deleted outside Terraform is recognised without another request.
func (l *connectionListings) fill(ctx context.Context, workspaceID string, lst *workspaceListing) {
	defer close(lst.ready)
	conns, err := l.client.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{workspaceID}, IncludeDeleted: true})
	if err != nil {
		lst.err = err
		// A failed listing is not kept: the next read may list again.
		l.mu.Lock()
		if l.byWorkspace[workspaceID] == lst {
			delete(l.byWorkspace, workspaceID)
		}
		l.mu.Unlock()
		return
	}
	lst.conns = make(map[string]client.Connection, len(conns))
	for _, c := range conns {
		lst.conns[c.ConnectionID] = c
	}
}

// forget drops the listing of a workspace after a write to it.
func (l *connectionListings) forget(workspaceID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.byWorkspace, workspaceID)
}
