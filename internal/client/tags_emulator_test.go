package client_test

import (
	"context"
	"testing"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestListTagsAgainstEmulator lists tags workspace by workspace, as the
// provider does when it plans a connection's tags.
func TestListTagsAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	f := newEmulatorFixture(t, emulator.Options{Seed: 161})
	ws1, ws2 := f.info.Workspaces[0].WorkspaceID, f.info.Workspaces[1].WorkspaceID
	prod, err := f.emu.CreateTag(ws1, "prod", "FF5733")
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.emu.CreateTag(ws2, "prod", "00AA00")
	if err != nil {
		t.Fatal(err)
	}

	got, err := f.client.ListTags(ctx, []string{ws1})
	want := []client.Tag{{TagID: prod, WorkspaceID: ws1, Name: "prod", Color: "FF5733"}}
	if err != nil || len(got) != 1 || got[0] != want[0] {
		t.Fatalf("ListTags(%s) = %+v, %v; want %+v", ws1, got, err, want)
	}
	got, err = f.client.ListTags(ctx, []string{ws1, ws2})
	if err != nil || len(got) != 2 || got[1].TagID != other || got[1].WorkspaceID != ws2 {
		t.Fatalf("ListTags(both) = %+v, %v; want both workspaces' tags", got, err)
	}
	if _, err := f.client.ListTags(ctx, []string{"6f1c1a52-5a46-4d7c-8d65-0b0d8e8e9f00"}); !client.IsForbidden(err) {
		t.Fatalf("ListTags(unknown workspace) error = %v, want 403", err)
	}
}
