package client_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestJobInfoAndStatusesAgainstEmulator follows a sync that fails with a
// config_error through jobs/get and connections/status.
func TestJobInfoAndStatusesAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	f := newEmulatorFixture(t, emulator.Options{Seed: 23, JobDuration: 10 * time.Second})
	ws := f.info.Workspaces[0]
	conn, err := f.client.CreateConnection(ctx, client.ConnectionCreateRequest{
		Name: "failing", SourceID: ws.Sources[1].SourceID, DestinationID: ws.Destinations[0].DestinationID,
		Configurations: &client.StreamConfigurations{Streams: []client.StreamConfiguration{{Name: ws.Sources[1].Streams[0]}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	statuses, err := f.client.GetConnectionStatuses(ctx, []string{conn.ConnectionID})
	if err != nil || len(statuses) != 1 || statuses[0].ConnectionSyncStatus != client.SyncStatusPending || statuses[0].LastSyncJobID != nil {
		t.Fatalf("status before any sync = %+v, %v; want pending with no job", statuses, err)
	}
	if err := f.emu.FailNextSync(conn.ConnectionID); err != nil {
		t.Fatal(err)
	}
	job, err := f.client.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(5 * time.Second)
	statuses, err = f.client.GetConnectionStatuses(ctx, []string{conn.ConnectionID})
	if err != nil || statuses[0].ConnectionSyncStatus != client.SyncStatusRunning || statuses[0].ActiveJob == nil ||
		statuses[0].ActiveJob.ID != job.JobID {
		t.Fatalf("status while running = %+v, %v; want running with the job active", statuses, err)
	}
	f.clock.Advance(10 * time.Second)

	info, err := f.client.GetJobInfo(ctx, job.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if info.Job.ID != job.JobID || info.Job.ConfigType != client.JobConfigTypeSync || info.Job.ConfigID != conn.ConnectionID ||
		info.Job.Status != client.JobStatusFailed || len(info.Job.EnabledStreams) != 1 || info.Job.EnabledStreams[0].Name != ws.Sources[1].Streams[0] {
		t.Fatalf("job = %+v; want a failed sync of the connection's streams", info.Job)
	}
	if len(info.Attempts) != 1 {
		t.Fatalf("%d attempts; want 1 (a config_error is not retried)", len(info.Attempts))
	}
	a := info.Attempts[0].Attempt
	if a.ID != 0 || a.Status != client.AttemptStatusFailed || a.EndedAt == nil || a.FailureSummary == nil ||
		len(a.FailureSummary.Failures) != 1 || a.FailureSummary.Failures[0].FailureType != "config_error" {
		t.Fatalf("attempt = %+v; want one failed attempt with a config_error", a)
	}

	statuses, err = f.client.GetConnectionStatuses(ctx, []string{conn.ConnectionID})
	if err != nil {
		t.Fatal(err)
	}
	s := statuses[0]
	if s.ConnectionSyncStatus != client.SyncStatusFailed || s.ActiveJob != nil || s.LastSyncJobID == nil || *s.LastSyncJobID != job.JobID ||
		s.LastSyncAttemptNumber == nil || *s.LastSyncAttemptNumber != 0 || s.FailureReason == nil || s.FailureReason.FailureType != "config_error" ||
		s.LastSuccessfulSync != nil {
		t.Fatalf("status after the failure = %+v; want failed with the config_error", s)
	}

	if _, err := f.client.GetJobInfo(ctx, job.JobID+1000); !client.IsForbidden(err) {
		t.Fatalf("unknown job: err = %v, want 403", err)
	}
	if _, err := f.client.GetConnectionStatuses(ctx, []string{"00000000-0000-4000-8000-000000000000"}); !client.IsForbidden(err) {
		t.Fatalf("unknown connection: err = %v, want 403", err)
	}
}

// TestStreamJobsAgainstEmulator resets, clears and refreshes streams of a
// connection and follows the jobs through jobs/get and the public API.
func TestStreamJobsAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	f := newEmulatorFixture(t, emulator.Options{Seed: 29, JobDuration: 10 * time.Second})
	ws := f.info.Workspaces[0]
	src := ws.Sources[1]
	conn, err := f.client.CreateConnection(ctx, client.ConnectionCreateRequest{
		Name: "streams", SourceID: src.SourceID, DestinationID: ws.Destinations[0].DestinationID,
		Configurations: &client.StreamConfigurations{Streams: []client.StreamConfiguration{{Name: src.Streams[0]}, {Name: src.Streams[1]}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	first := client.StreamDescriptor{Name: src.Streams[0]}
	finish := func(jobID int64, wantType client.JobType) {
		t.Helper()
		f.clock.Advance(time.Minute)
		job, err := f.client.GetJob(ctx, jobID)
		if err != nil || job.Status != client.JobStatusSucceeded || job.JobType != wantType {
			t.Fatalf("job %d = %+v, %v; want a succeeded %s", jobID, job, err, wantType)
		}
	}

	reset, err := f.client.ResetStreams(ctx, conn.ConnectionID, []client.StreamDescriptor{first})
	if err != nil {
		t.Fatal(err)
	}
	if j := reset.Job; j.ConfigType != client.JobConfigTypeResetConnection || len(j.EnabledStreams) != 1 || j.EnabledStreams[0] != first ||
		j.ResetConfig == nil || len(j.ResetConfig.StreamsToReset) != 1 || len(reset.Attempts) != 0 {
		t.Fatalf("reset of one stream = %+v", reset)
	}
	finish(reset.Job.ID, client.JobTypeReset)

	cleared, err := f.client.ClearStreams(ctx, conn.ConnectionID, []client.StreamDescriptor{{Name: src.Streams[1]}})
	if err != nil || len(cleared.Job.EnabledStreams) != 1 || cleared.Job.EnabledStreams[0].Name != src.Streams[1] {
		t.Fatalf("clear of one stream = %+v, %v", cleared, err)
	}
	finish(cleared.Job.ID, client.JobTypeReset)
	cleared, err = f.client.ClearStreams(ctx, conn.ConnectionID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if j := cleared.Job; j.ConfigType != client.JobConfigTypeResetConnection || len(j.EnabledStreams) != 2 {
		t.Fatalf("clear of every stream = %+v", cleared)
	}
	finish(cleared.Job.ID, client.JobTypeReset)

	refresh, err := f.client.RefreshStreams(ctx, conn.ConnectionID, client.RefreshModeTruncate, []client.StreamDescriptor{first})
	if err != nil || refresh == nil {
		t.Fatalf("RefreshStreams = %+v, %v", refresh, err)
	}
	if refresh.ConfigType != client.JobConfigTypeRefresh || len(refresh.EnabledStreams) != 2 || refresh.RefreshConfig == nil ||
		len(refresh.RefreshConfig.StreamsToRefresh) != 1 || refresh.RefreshConfig.StreamsToRefresh[0] != first {
		t.Fatalf("refresh job = %+v", refresh)
	}
	finish(refresh.ID, client.JobTypeRefresh)

	// While a sync runs the refresh waits for the next run.
	sync, err := f.client.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(5 * time.Second)
	if refresh, err := f.client.RefreshStreams(ctx, conn.ConnectionID, client.RefreshModeMerge, nil); refresh != nil || err != nil {
		t.Fatalf("refresh while a sync runs = %+v, %v; want no job", refresh, err)
	}
	finish(sync.JobID, client.JobTypeSync)
	next, err := f.client.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync)
	if err != nil || next.JobType != client.JobTypeRefresh {
		t.Fatalf("run after the deferred refresh = %+v, %v; want a refresh", next, err)
	}

	if _, err := f.client.ResetStreams(ctx, "00000000-0000-4000-8000-000000000000", nil); !client.IsForbidden(err) {
		t.Fatalf("unknown connection: err = %v, want 403", err)
	}
}

// TestJobFailureEventAgainstEmulator: the timeline gives the failing stream
// that jobs/get leaves out; a job that succeeded has no failure event.
func TestJobFailureEventAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	f := newEmulatorFixture(t, emulator.Options{Seed: 23, JobDuration: 10 * time.Second})
	ws := f.info.Workspaces[0]
	stream := ws.Sources[1].Streams[0]
	conn, err := f.client.CreateConnection(ctx, client.ConnectionCreateRequest{
		Name: "failing", SourceID: ws.Sources[1].SourceID, DestinationID: ws.Destinations[0].DestinationID,
		Configurations: &client.StreamConfigurations{Streams: []client.StreamConfiguration{{Name: stream}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ok, err := f.client.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if err := f.emu.FailNextSyncWith(conn.ConnectionID, emulator.SyncFailure{Message: "no access", Stream: stream}); err != nil {
		t.Fatal(err)
	}
	failed, err := f.client.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)

	reason, err := f.client.JobFailureEvent(ctx, conn.ConnectionID, failed.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if reason == nil || reason.FailureType != "config_error" || reason.ExternalMessage != "no access" ||
		reason.StreamDescriptor == nil || reason.StreamDescriptor.Name != stream {
		t.Fatalf("failure = %+v; want the config_error naming stream %q", reason, stream)
	}
	info, err := f.client.GetJobInfo(ctx, failed.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if sd := info.Attempts[0].Attempt.FailureSummary.Failures[0].StreamDescriptor; sd != nil {
		t.Fatalf("jobs/get names stream %+v; the server leaves it out", sd)
	}
	if reason, err := f.client.JobFailureEvent(ctx, conn.ConnectionID, ok.JobID); err != nil || reason != nil {
		t.Fatalf("succeeded job: %+v, %v; want no failure event", reason, err)
	}
	events, err := f.client.ListConnectionEvents(ctx, conn.ConnectionID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range events {
		types = append(types, ev.EventType)
	}
	want := []string{client.EventSyncFailed, client.EventSyncStarted, client.EventSyncSucceeded, client.EventSyncStarted}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Fatalf("events %v, want %v", types, want)
	}
}
