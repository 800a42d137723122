package fetchcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// counted returns a fetch that counts its calls and answers with answer.
func counted(answer func(ctx context.Context, n int32) (string, error)) (func(context.Context) (string, error), *atomic.Int32) {
	var n atomic.Int32
	return func(ctx context.Context) (string, error) { return answer(ctx, n.Add(1)) }, &n
}

// TestConcurrentCallersShareOneFetch: callers that come while a fetch is
// under way share it, later callers are served from the cache, and another
// key is fetched on its own.
func TestConcurrentCallersShareOneFetch(t *testing.T) {
	var c Cache[string, string]
	release := make(chan struct{})
	fetch, fetches := counted(func(context.Context, int32) (string, error) {
		<-release
		return "v", nil
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := c.Get(context.Background(), "k", nil, fetch); v != "v" || err != nil {
				t.Errorf("Get = %q, %v", v, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the callers queue up behind the first
	close(release)
	wg.Wait()
	if v, err := c.Get(context.Background(), "k", nil, fetch); v != "v" || err != nil || fetches.Load() != 1 {
		t.Fatalf("21 calls for one key: Get = %q, %v after %d fetches, want v after 1", v, err, fetches.Load())
	}
	if _, err := c.Get(context.Background(), "other", nil, fetch); err != nil || fetches.Load() != 2 {
		t.Fatalf("another key: %v after %d fetches in all, want 2", err, fetches.Load())
	}
}

// TestFailuresAreNotKept: a failed fetch is reported to its caller and the
// next call fetches again.
func TestFailuresAreNotKept(t *testing.T) {
	var c Cache[string, string]
	fetch, fetches := counted(func(_ context.Context, n int32) (string, error) {
		if n == 1 {
			return "", errors.New("503 Service Unavailable")
		}
		return "v", nil
	})
	if _, err := c.Get(context.Background(), "k", nil, fetch); err == nil {
		t.Fatal("the failed fetch returned no error")
	}
	if _, ok := c.Peek("k"); ok {
		t.Fatal("the failure was kept")
	}
	if v, err := c.Get(context.Background(), "k", nil, fetch); v != "v" || err != nil || fetches.Load() != 2 {
		t.Fatalf("after a failure Get = %q, %v after %d fetches, want v after 2", v, err, fetches.Load())
	}
}

// TestLeaderCancellationDoesNotFailWaiters: when the caller whose fetch
// others wait for gives up, a waiter with time left fetches again for
// itself and gets the value, instead of the other's cancellation.
func TestLeaderCancellationDoesNotFailWaiters(t *testing.T) {
	for _, ending := range []struct {
		name string
		// ctx is the leader's context and end what ends it.
		ctx  func() (ctx context.Context, end, cleanup func())
		want error
	}{
		{"cancelled", func() (context.Context, func(), func()) {
			ctx, cancel := context.WithCancel(context.Background())
			return ctx, cancel, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, func(), func()) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			return ctx, func() {}, cancel
		}, context.DeadlineExceeded},
	} {
		t.Run(ending.name, func(t *testing.T) {
			var c Cache[string, string]
			started := make(chan struct{})
			fetch, fetches := counted(func(ctx context.Context, n int32) (string, error) {
				if n == 1 {
					close(started)
					<-ctx.Done() // the first fetch lasts as long as its caller waits
					return "", ctx.Err()
				}
				return "v", nil
			})
			leaderCtx, end, cleanup := ending.ctx()
			defer cleanup()
			leader := make(chan error, 1)
			go func() {
				_, err := c.Get(leaderCtx, "k", nil, fetch)
				leader <- err
			}()
			<-started
			waiter := make(chan error, 1)
			go func() {
				v, err := c.Get(context.Background(), "k", nil, fetch)
				if err == nil && v != "v" {
					err = errors.New("wrong value " + v)
				}
				waiter <- err
			}()
			time.Sleep(10 * time.Millisecond) // let the waiter queue up
			end()
			if err := <-leader; !errors.Is(err, ending.want) {
				t.Fatalf("the leader got %v, want %v", err, ending.want)
			}
			if err := <-waiter; err != nil {
				t.Fatalf("the waiter got %v, want the value", err)
			}
			if n := fetches.Load(); n != 2 {
				t.Fatalf("%d fetches, want 2 (the abandoned one and the waiter's own)", n)
			}
		})
	}
}

// TestWaiterReturnsWhenItsOwnContextEnds: a waiter stops waiting as soon as
// its own context ends, with its own error, while the fetch goes on for the
// caller that made it.
func TestWaiterReturnsWhenItsOwnContextEnds(t *testing.T) {
	var c Cache[string, string]
	started, release := make(chan struct{}), make(chan struct{})
	fetch, _ := counted(func(context.Context, int32) (string, error) {
		close(started)
		<-release
		return "v", nil
	})
	leader := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), "k", nil, fetch)
		leader <- err
	}()
	<-started
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	begun := time.Now()
	if _, err := c.Get(short, "k", nil, fetch); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the waiter got %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(begun); took > time.Second {
		t.Fatalf("the waiter returned after %s, want promptly after its 20ms deadline", took)
	}
	close(release)
	if err := <-leader; err != nil {
		t.Fatalf("the leader got %v", err)
	}
}

// TestFailureOfALiveLeaderIsShared: a fetch that fails while its caller
// still waits is a real failure, and its waiters get it too.
func TestFailureOfALiveLeaderIsShared(t *testing.T) {
	var c Cache[string, string]
	started, release := make(chan struct{}), make(chan struct{})
	fetch, fetches := counted(func(context.Context, int32) (string, error) {
		close(started)
		<-release
		return "", context.DeadlineExceeded // a request that timed out on its own
	})
	leader := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), "k", nil, fetch)
		leader <- err
	}()
	<-started
	waiter := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), "k", nil, fetch)
		waiter <- err
	}()
	time.Sleep(10 * time.Millisecond)
	close(release)
	if err, werr := <-leader, <-waiter; !errors.Is(err, context.DeadlineExceeded) || !errors.Is(werr, context.DeadlineExceeded) {
		t.Fatalf("leader got %v, waiter %v; want both the fetch's own failure", err, werr)
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1: the waiter shares a real failure", n)
	}
}

// TestFreshAndForget: a value fresh refuses is fetched anew, Forget drops a
// value, and ForgetIf drops it only when it is stale.
func TestFreshAndForget(t *testing.T) {
	var c Cache[string, int32]
	fetch := func() func(context.Context) (int32, error) {
		var n atomic.Int32
		return func(context.Context) (int32, error) { return n.Add(1), nil }
	}()
	get := func(fresh func(int32) bool) int32 {
		t.Helper()
		v, err := c.Get(context.Background(), "k", fresh, fetch)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := get(nil); v != 1 {
		t.Fatalf("first Get = %d, want 1", v)
	}
	if v := get(func(v int32) bool { return v != 1 }); v != 2 {
		t.Fatalf("Get refusing 1 = %d, want a new fetch (2)", v)
	}
	if v := get(func(v int32) bool { return v != 1 }); v != 2 {
		t.Fatalf("a second caller refusing 1 = %d, want the replacement (2) without a fetch", v)
	}
	c.ForgetIf("k", func(v int32) bool { return v == 1 })
	if v, ok := c.Peek("k"); !ok || v != 2 {
		t.Fatalf("ForgetIf of another value dropped the value: Peek = %d, %v", v, ok)
	}
	c.ForgetIf("k", func(v int32) bool { return v == 2 })
	if v := get(nil); v != 3 {
		t.Fatalf("after ForgetIf Get = %d, want a new fetch (3)", v)
	}
	c.Forget("k")
	if _, ok := c.Peek("k"); ok {
		t.Fatal("Forget left the value")
	}
	if v := get(nil); v != 4 {
		t.Fatalf("after Forget Get = %d, want a new fetch (4)", v)
	}
}

// TestForgetDuringAFetch: a value fetched while Forget ran is given to the
// callers that waited for it but not kept.
func TestForgetDuringAFetch(t *testing.T) {
	var c Cache[string, string]
	started, release := make(chan struct{}), make(chan struct{})
	fetch, fetches := counted(func(_ context.Context, n int32) (string, error) {
		if n == 1 {
			close(started)
			<-release
			return "before", nil
		}
		return "after", nil
	})
	first := make(chan string, 1)
	go func() {
		v, _ := c.Get(context.Background(), "k", nil, fetch)
		first <- v
	}()
	<-started
	c.Forget("k") // a write made the value under way out of date
	close(release)
	if v := <-first; v != "before" {
		t.Fatalf("the caller of the forgotten fetch got %q", v)
	}
	if v, _ := c.Get(context.Background(), "k", nil, fetch); v != "after" || fetches.Load() != 2 {
		t.Fatalf("after Forget Get = %q after %d fetches, want a fresh fetch", v, fetches.Load())
	}
}
