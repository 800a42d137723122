package provider

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// fakeCatalogs is a streamCatalogs whose fetches are counted and answered
// by answer, which may block.
func fakeCatalogs(answer func(ctx context.Context, n int32) ([]client.StreamProperties, error)) (*streamCatalogs, *atomic.Int32) {
	var n atomic.Int32
	return &streamCatalogs{
		fetch: func(ctx context.Context, _, _ string) ([]client.StreamProperties, error) {
			return answer(ctx, n.Add(1))
		},
	}, &n
}

var oneStream = []client.StreamProperties{{StreamName: "users"}}

// TestStreamCatalogsShareOneFetchPerPair: concurrent callers for one pair
// share one fetch, later callers are served from the cache, and another
// pair is fetched on its own.
func TestStreamCatalogsShareOneFetchPerPair(t *testing.T) {
	release := make(chan struct{})
	c, fetches := fakeCatalogs(func(context.Context, int32) ([]client.StreamProperties, error) {
		<-release
		return oneStream, nil
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.streams(context.Background(), "src", "dst")
			if err != nil || len(got) != 1 {
				t.Errorf("streams = %v, %v", got, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the callers queue up behind the first
	close(release)
	wg.Wait()
	if _, err := c.streams(context.Background(), "src", "dst"); err != nil {
		t.Fatal(err)
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("21 calls for one pair made %d fetches, want 1", n)
	}
	if _, err := c.streams(context.Background(), "src", "other-dst"); err != nil {
		t.Fatal(err)
	}
	if n := fetches.Load(); n != 2 {
		t.Fatalf("a second pair made %d fetches in all, want 2", n)
	}
}

// TestStreamCatalogsDoNotKeepFailures: a failed fetch is reported to its
// caller and not kept; the next call fetches again.
func TestStreamCatalogsDoNotKeepFailures(t *testing.T) {
	c, fetches := fakeCatalogs(func(_ context.Context, n int32) ([]client.StreamProperties, error) {
		if n == 1 {
			return nil, errors.New("503 Service Unavailable")
		}
		return oneStream, nil
	})
	if _, err := c.streams(context.Background(), "src", "dst"); err == nil {
		t.Fatal("the failed fetch returned no error")
	}
	if got, err := c.streams(context.Background(), "src", "dst"); err != nil || len(got) != 1 {
		t.Fatalf("after a failure, streams = %v, %v; want the catalog fetched again", got, err)
	}
	if n := fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2 (the failure is not cached)", n)
	}
}

// TestCachesWaitOnTheirOwnContext: a caller of the stream catalog cache or
// of the workspace lookups that waits for another caller's request stops
// when its own context ends; and when the request it waited for ended only
// because the other caller gave up, it asks again for itself instead of
// failing with the other's cancellation.
func TestCachesWaitOnTheirOwnContext(t *testing.T) {
	// Each cache's lookup, on a cache whose request is fetch.
	caches := map[string]func(fetch func(context.Context) error) func(context.Context) error{
		"stream catalogs": func(fetch func(context.Context) error) func(context.Context) error {
			c := &streamCatalogs{fetch: func(ctx context.Context, _, _ string) ([]client.StreamProperties, error) {
				return oneStream, fetch(ctx)
			}}
			return func(ctx context.Context) error {
				got, err := c.streams(ctx, "src", "dst")
				if err == nil && len(got) != 1 {
					err = errors.New("wrong catalog")
				}
				return err
			}
		},
		"workspace lookups": func(fetch func(context.Context) error) func(context.Context) error {
			d := &providerData{}
			return func(ctx context.Context) error {
				ws, err := d.workspaceOf(ctx, "source/src", func(ctx context.Context) (string, error) { return "ws-1", fetch(ctx) })
				if err == nil && ws != "ws-1" {
					err = errors.New("wrong workspace")
				}
				return err
			}
		},
	}
	for name, newLookup := range caches {
		t.Run(name, func(t *testing.T) {
			var fetches atomic.Int32
			started := make(chan struct{})
			lookup := newLookup(func(ctx context.Context) error {
				if fetches.Add(1) == 1 {
					close(started)
					<-ctx.Done() // the first request lasts as long as its caller waits
					return ctx.Err()
				}
				return nil
			})
			leaderCtx, cancelLeader := context.WithCancel(context.Background())
			leaderDone := make(chan error, 1)
			go func() { leaderDone <- lookup(leaderCtx) }()
			<-started

			// A waiter whose own deadline passes returns at once with its own error.
			short, cancelShort := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancelShort()
			begun := time.Now()
			if err := lookup(short); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("a waiter past its deadline got %v, want context.DeadlineExceeded", err)
			}
			if took := time.Since(begun); took > time.Second {
				t.Fatalf("the waiter returned %s after it started, want promptly after its 10ms deadline", took)
			}

			// A patient waiter outlives the first caller and gets the value.
			patient := make(chan error, 1)
			go func() { patient <- lookup(context.Background()) }()
			time.Sleep(10 * time.Millisecond)
			cancelLeader()
			if err := <-leaderDone; !errors.Is(err, context.Canceled) {
				t.Fatalf("the first caller got %v, want context.Canceled", err)
			}
			if err := <-patient; err != nil {
				t.Fatalf("the patient waiter got %v, want the value", err)
			}
			if n := fetches.Load(); n != 2 {
				t.Fatalf("%d requests, want 2 (the interrupted one and the waiter's own)", n)
			}
		})
	}
}

// TestStreamPropertiesUseTheCache: the connection resource's stream
// properties come from the provider's cache, so any number of concurrent
// plans or updates of connections on one pair send one GET /streams.
func TestStreamPropertiesUseTheCache(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 131})
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	r := &connectionResource{data: &providerData{client: c, catalogs: newStreamCatalogs(c)}}
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	e.emu.ResetStats()
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			props, err := r.streamProperties(context.Background(), src, dst)
			if p, _ := props.find("users", optionalString("public")); err != nil || p.StreamName != "users" {
				t.Errorf("streamProperties = %v, %v", props, err)
			}
		}()
	}
	wg.Wait()
	if n := e.emu.Stats().ByRoute["GET /streams"]; n != 1 {
		t.Fatalf("10 concurrent reads of one pair's streams sent %d GET /streams, want 1", n)
	}
}
