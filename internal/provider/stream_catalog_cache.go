package provider

import (
	"context"
	"errors"
	"sync"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// streamCatalogs holds the stream catalog of each source as GET /streams
// gives it for one destination (the streams, their sync modes for the pair,
// cursors, keys and fields), fetched once per provider process and shared by
// every resource: the plan of many connections on one source and
// destination asks once, and so does the apply. A failed fetch is not kept,
// so the next caller asks again.
type streamCatalogs struct {
	fetch func(ctx context.Context, sourceID, destinationID string) ([]client.StreamProperties, error)

	mu     sync.Mutex
	byPair map[catalogPair]*catalogFetch
}

// catalogPair names a catalog: a source's streams with the sync modes one
// destination supports.
type catalogPair struct{ sourceID, destinationID string }

// catalogFetch is one pair's catalog, or the error fetching it met. ready is
// closed once either is set.
type catalogFetch struct {
	ready   chan struct{}
	streams []client.StreamProperties
	err     error
}

func newStreamCatalogs(c *client.Client) *streamCatalogs {
	return &streamCatalogs{
		fetch: func(ctx context.Context, sourceID, destinationID string) ([]client.StreamProperties, error) {
			return c.GetStreamProperties(ctx, sourceID, destinationID, false)
		},
		byPair: map[catalogPair]*catalogFetch{},
	}
}

// streams returns the catalog of the source for the destination. Concurrent
// callers share one request; a caller that waits for another's request gives
// up when its own ctx ends, and asks again itself when the other's request
// ended only because that caller's context did. The result is shared:
// callers must not change it.
func (c *streamCatalogs) streams(ctx context.Context, sourceID, destinationID string) ([]client.StreamProperties, error) {
	key := catalogPair{sourceID, destinationID}
	for {
		c.mu.Lock()
		f, ok := c.byPair[key]
		if !ok {
			f = &catalogFetch{ready: make(chan struct{})}
			c.byPair[key] = f
			c.mu.Unlock()
			c.fill(ctx, key, f)
			return f.streams, f.err
		}
		c.mu.Unlock()
		select {
		case <-f.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err == nil {
			return f.streams, nil
		}
		if ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
			continue // another caller gave up; this one has time left
		}
		return nil, f.err
	}
}

func (c *streamCatalogs) fill(ctx context.Context, key catalogPair, f *catalogFetch) {
	defer close(f.ready)
	f.streams, f.err = c.fetch(ctx, key.sourceID, key.destinationID)
	if f.err != nil {
		c.mu.Lock()
		if c.byPair[key] == f {
			delete(c.byPair, key)
		}
		c.mu.Unlock()
	}
}
