// Package fetchcache keeps values that cost a request to fetch, such as an
// access token or a workspace's tags, and fetches each once for all the
// callers that want it at the same time.
//
// Every caller waits on its own context. A caller that gives up stops
// waiting at once; and when the fetch a caller waited for failed only
// because the caller that started it gave up, the waiter fetches again with
// its own context instead of failing with another's cancellation.
package fetchcache

import (
	"context"
	"errors"
	"sync"
)

// Cache holds one value per key. The zero value is ready to use; a Cache
// must not be copied after first use.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*entry[V]
}

// entry is a key's value, or the fetch of it under way. done is closed once
// value and err are set.
type entry[V any] struct {
	done  chan struct{}
	value V
	err   error
	// abandoned is set when the fetch failed after the context of the
	// caller that made it ended: the failure is that caller's, not the
	// waiters'.
	abandoned bool
}

// errPanicked is the outcome waiters see of a fetch that panicked.
var errPanicked = errors.New("fetchcache: the fetch panicked")

// Get returns the value of key. A value held that fresh accepts (a nil
// fresh accepts any) is returned at once. When a fetch of key is under way,
// Get waits for it, or until ctx ends, and shares its outcome, even a value
// fresh would not accept. Otherwise Get calls fetch with ctx and keeps the
// value it returns for later callers; a failure is returned to the callers
// waiting for it but not kept.
func (c *Cache[K, V]) Get(ctx context.Context, key K, fresh func(V) bool, fetch func(context.Context) (V, error)) (V, error) {
	for {
		c.mu.Lock()
		if c.entries == nil {
			c.entries = map[K]*entry[V]{}
		}
		e, ok := c.entries[key]
		if ok && fresh != nil && e.finished() && !fresh(e.value) {
			ok = false // out of date: replace it
		}
		if !ok {
			e = &entry[V]{done: make(chan struct{})}
			c.entries[key] = e
			c.mu.Unlock()
			return c.fill(ctx, key, e, fetch)
		}
		c.mu.Unlock()

		select {
		case <-e.done:
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
		if e.abandoned && ctx.Err() == nil {
			continue // the caller that fetched gave up; this one has not
		}
		return e.value, e.err
	}
}

// fill runs the fetch of e with the context of the caller that started it.
func (c *Cache[K, V]) fill(ctx context.Context, key K, e *entry[V], fetch func(context.Context) (V, error)) (V, error) {
	e.err = errPanicked
	defer func() {
		if e.err != nil {
			e.abandoned = ctx.Err() != nil
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key)
			}
			c.mu.Unlock()
		}
		close(e.done)
	}()
	e.value, e.err = fetch(ctx)
	return e.value, e.err
}

// finished reports whether the fetch of e is over.
func (e *entry[V]) finished() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// Peek returns the value held for key, if there is one, without fetching.
func (c *Cache[K, V]) Peek(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.finished() {
		return e.value, true
	}
	var zero V
	return zero, false
}

// Forget drops the value of key, or the fetch of it under way: the callers
// waiting for that fetch still get its outcome, and later callers fetch
// anew.
func (c *Cache[K, V]) Forget(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// ForgetIf drops the value held for key when stale reports it out of date.
// A fetch under way is left alone.
func (c *Cache[K, V]) ForgetIf(key K, stale func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.finished() && stale(e.value) {
		delete(c.entries, key)
	}
}
