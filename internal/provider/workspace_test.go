package provider

import (
	"context"
	"sync"
	"testing"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestActorWorkspaceLookupsAreShared: creating many connections from one
// source and destination at once reads each of them once.
func TestActorWorkspaceLookupsAreShared(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 61})
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	d := &providerData{client: c, workspaceID: e.Workspace(0).WorkspaceID}
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	e.emu.ResetStats()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if diags := d.checkActorWorkspaces(context.Background(), src, dst); diags.HasError() {
				t.Errorf("check: %v", diags)
			}
		}()
	}
	wg.Wait()
	stats := e.emu.Stats()
	if s, dd := stats.ByRoute["GET /sources/{sourceId}"], stats.ByRoute["GET /destinations/{destinationId}"]; s != 1 || dd != 1 {
		t.Fatalf("20 concurrent checks read the source %d times and the destination %d times, want once each", s, dd)
	}

	// Another workspace's source is refused, from the cache as well.
	foreign := e.Source(1, 0).SourceID
	for range 2 {
		if diags := d.checkActorWorkspaces(context.Background(), foreign, dst); !diags.HasError() {
			t.Fatal("a source of another workspace was accepted")
		}
	}
}
