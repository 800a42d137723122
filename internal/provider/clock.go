package provider

import (
	"context"
	"time"
)

// clock tells the time and waits. The provider uses the real one; tests
// give it one whose waits take no time, shared with the emulator's clock,
// so that a long sync runs in an instant.
type clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done, whichever comes first.
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
