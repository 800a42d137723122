package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

func TestConnectionListingsShareOneListing(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 51, SeedConnections: 250})
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	ws := e.Workspace(0).WorkspaceID
	all, err := c.ListConnections(context.Background(), client.ListConnectionsParams{WorkspaceIDs: []string{ws}})
	if err != nil || len(all) != 250 {
		t.Fatalf("listing the seeded connections: %d, %v", len(all), err)
	}
	if err := c.DeleteConnection(context.Background(), all[7].ConnectionID); err != nil {
		t.Fatal(err)
	}
	listings := newConnectionListings(c)
	e.emu.ResetStats()

	var wg sync.WaitGroup
	missing := make(chan string, len(all))
	for _, conn := range all {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			if got, ok := listings.lookup(context.Background(), ws, id); !ok || got.ConnectionID != id {
				missing <- id
			}
		}(conn.ConnectionID)
	}
	wg.Wait()
	close(missing)
	for id := range missing {
		t.Errorf("connection %s was not served from the listing", id)
	}
	stats := e.emu.Stats()
	if n := stats.ByRoute["GET /connections"]; n != 3 {
		t.Errorf("250 concurrent reads listed %d pages, want 3 (one listing, pages of 100)", n)
	}
	if n := stats.ByRoute["GET /connections/{connectionId}"]; n != 0 {
		t.Errorf("%d single reads, want none", n)
	}
	if got, ok := listings.lookup(context.Background(), ws, all[7].ConnectionID); !ok || got.Status != client.ConnectionStatusDeprecated {
		t.Errorf("a deleted connection must be in the listing as deprecated, got %+v, %v", got, ok)
	}
	if _, ok := listings.lookup(context.Background(), ws, "00000000-0000-4000-8000-000000000000"); ok {
		t.Error("an unknown connection was found")
	}

	// A write drops the listing: the next read lists again and sees the change.
	if _, err := c.PatchConnection(context.Background(), all[3].ConnectionID, client.ConnectionPatchRequest{Name: ptr("renamed")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := listings.lookup(context.Background(), ws, all[3].ConnectionID); got.Name == "renamed" {
		t.Fatal("the listing changed without being dropped; this test no longer shows what forget does")
	}
	listings.forget(ws)
	if got, _ := listings.lookup(context.Background(), ws, all[3].ConnectionID); got.Name != "renamed" {
		t.Errorf("after forget the listing still has %q", got.Name)
	}
}

func TestConnectionListingsFailureIsNotKept(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 52, SeedConnections: 3})
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListConnections(context.Background(), client.ListConnectionsParams{})
	if err != nil {
		t.Fatal(err)
	}
	listings := newConnectionListings(c)
	ws := e.Workspace(0).WorkspaceID
	e.emu.SetFaults(emulator.Faults{FailRate: 1})
	if _, ok := listings.lookup(context.Background(), ws, all[0].ConnectionID); ok {
		t.Fatal("a failed listing served a connection")
	}
	e.emu.SetFaults(emulator.Faults{})
	if _, ok := listings.lookup(context.Background(), ws, all[0].ConnectionID); !ok {
		t.Fatal("after a failed listing the next read must list again")
	}
}

// TestAccConnection_refreshIsBatched: refreshing many managed connections
// lists the workspace instead of reading each connection.
func TestAccConnection_refreshIsBatched(t *testing.T) {
	const n = 30
	e := newAccEmulator(t, emulator.Options{Seed: 53, SeedConnections: n})
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	conns, err := c.ListConnections(context.Background(), client.ListConnectionsParams{})
	if err != nil || len(conns) != n {
		t.Fatalf("seeded %d connections, %v", len(conns), err)
	}
	var b strings.Builder
	b.WriteString(e.ProviderConfig())
	for i, conn := range conns {
		fmt.Fprintf(&b, "import {\n  to = airbyte_connection.c%d\n  id = %q\n}\n\nresource \"airbyte_connection\" \"c%d\" {\n  source_id      = %q\n  destination_id = %q\n}\n\n",
			i, conn.ConnectionID, i, conn.SourceID, conn.DestinationID)
	}
	config := b.String()
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:    func() { e.emu.ResetStats() },
				RefreshState: true,
				Check: func(*terraform.State) error {
					stats := e.emu.Stats()
					single, pages := stats.ByRoute["GET /connections/{connectionId}"], stats.ByRoute["GET /connections"]
					if single != 0 || pages != 1 {
						return fmt.Errorf("refreshing %d connections made %d single reads and %d list requests, want 0 and 1", n, single, pages)
					}
					return nil
				},
			},
		},
	})
}
