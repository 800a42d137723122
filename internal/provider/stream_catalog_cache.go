package provider

import (
	"context"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/fetchcache"
)

// streamCatalogs holds the stream catalog of each source as GET /streams
// gives it for one destination (the streams, their sync modes for the pair,
// cursors, keys and fields), fetched once per provider process and shared by
// every resource: the plan of many connections on one source and
// destination asks once, and so does the apply. A failed fetch is not kept,
// so the next caller asks again.
type streamCatalogs struct {
	fetch func(ctx context.Context, sourceID, destinationID string) ([]client.StreamProperties, error)
	cache fetchcache.Cache[catalogPair, []client.StreamProperties]
}

// catalogPair names a catalog: a source's streams with the sync modes one
// destination supports.
type catalogPair struct{ sourceID, destinationID string }

func newStreamCatalogs(c *client.Client) *streamCatalogs {
	return &streamCatalogs{
		fetch: func(ctx context.Context, sourceID, destinationID string) ([]client.StreamProperties, error) {
			return c.GetStreamProperties(ctx, sourceID, destinationID, false)
		},
	}
}

// streams returns the catalog of the source for the destination. Concurrent
// callers share one request, each waiting on its own ctx (see fetchcache).
// The result is shared: callers must not change it.
func (c *streamCatalogs) streams(ctx context.Context, sourceID, destinationID string) ([]client.StreamProperties, error) {
	return c.cache.Get(ctx, catalogPair{sourceID, destinationID}, nil, func(ctx context.Context) ([]client.StreamProperties, error) {
		return c.fetch(ctx, sourceID, destinationID)
	})
}
