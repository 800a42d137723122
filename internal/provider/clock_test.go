package provider

import (
	"context"
	"sync"
	"time"
)

// testClock is a clock whose Sleep returns at once, moving the time on by
// the duration slept. Given to the provider (newWithClock) and to the
// emulator (emulator.Options.Now), it lets a sync of an hour run in an
// instant, with every wait and timeout still measured as it would be.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the time on by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
