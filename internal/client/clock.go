package client

import (
	"context"
	"time"
)

// Clock tells the time and waits. A Client uses the wall clock unless
// Config.Clock gives another; tests give one whose waits take no time, and
// the provider gives the client the same clock it times syncs with.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done, whichever comes first. It
	// returns ctx.Err() when ctx ended the wait, and nil otherwise.
	Sleep(ctx context.Context, d time.Duration) error
}

// WallClock is the real clock.
type WallClock struct{}

var _ Clock = WallClock{}

// Now returns the current time.
func (WallClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done.
func (WallClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
