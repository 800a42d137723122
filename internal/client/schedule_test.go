package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

func TestCronAndZone(t *testing.T) {
	for _, tc := range []struct{ read, expr, zone string }{
		{"0 0 6 * * ? America/Toronto", "0 0 6 * * ?", "America/Toronto"},
		{"0 0 6 * * ? UTC", "0 0 6 * * ?", "UTC"},
		{"0 0 6 * * ? 2027 UTC", "0 0 6 * * ? 2027", "UTC"},
		{"0 0 6 * * ? 2027-2030 Europe/Paris", "0 0 6 * * ? 2027-2030", "Europe/Paris"},
		{"0 0 6 * * ? +05:30", "0 0 6 * * ?", "+05:30"},
		{"0 0 6 * * ? -08", "0 0 6 * * ?", "-08"},
		// Without a zone (as older servers wrote it) the expression runs in UTC.
		{"0 0 6 * * ?", "0 0 6 * * ?", "UTC"},
		{"0 0 6 * * ? *", "0 0 6 * * ? *", "UTC"},
		{"0 0 6 * * ? 2027", "0 0 6 * * ? 2027", "UTC"},
		{"", "", ""},
	} {
		expr, zone := client.ConnectionScheduleResponse{ScheduleType: client.ScheduleTypeCron, CronExpression: tc.read}.CronAndZone()
		if expr != tc.expr || zone != tc.zone {
			t.Errorf("CronAndZone(%q) = %q, %q; want %q, %q", tc.read, expr, zone, tc.expr, tc.zone)
		}
	}
}

// TestSetCronSchedule sets a zoned schedule through the Config API: the
// public read shows it with its zone, and a public PATCH of the schedule
// puts it back in UTC, as Airbyte does.
func TestSetCronSchedule(t *testing.T) {
	f := newEmulatorFixture(t, emulator.Options{Seed: 7})
	ctx := context.Background()
	ws := f.info.Workspaces[0]
	conn, err := f.client.CreateConnection(ctx, client.ConnectionCreateRequest{
		SourceID: ws.Sources[0].SourceID, DestinationID: ws.Destinations[0].DestinationID})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.SetCronSchedule(ctx, conn.ConnectionID, "0 0 6 * * ?", "America/Toronto"); err != nil {
		t.Fatalf("SetCronSchedule: %v", err)
	}
	got, err := f.client.GetConnection(ctx, conn.ConnectionID)
	if err != nil {
		t.Fatal(err)
	}
	if expr, zone := got.Schedule.CronAndZone(); expr != "0 0 6 * * ?" || zone != "America/Toronto" {
		t.Errorf("after SetCronSchedule the schedule reads %q: %q in %q", got.Schedule.CronExpression, expr, zone)
	}
	if got.Name != conn.Name || len(got.Configurations.Streams) != len(conn.Configurations.Streams) {
		t.Errorf("SetCronSchedule changed more than the schedule: %+v", got)
	}
	patched, err := f.client.PatchConnection(ctx, conn.ConnectionID, client.ConnectionPatchRequest{
		Schedule: &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeCron, CronExpression: "0 0 7 * * ?"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, zone := patched.Schedule.CronAndZone(); zone != client.UTC {
		t.Errorf("a public PATCH of the schedule left the zone %q, want UTC", zone)
	}

	var apiErr *client.APIError
	err = f.client.SetCronSchedule(ctx, conn.ConnectionID, "0 0 6 * * ?", "Etc/GMT+5")
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("an Etc/ zone: got %v, want Airbyte's 400", err)
	}
	if err := f.client.SetCronSchedule(ctx, "", "0 0 6 * * ?", "UTC"); !errors.Is(err, client.ErrEmptyID) {
		t.Errorf("no connection id: got %v, want ErrEmptyID", err)
	}
}
