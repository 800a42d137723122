package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/conformance"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// clientOperations are the API operations the client implements, by the
// operationId of the OpenAPI documents. The conformance run fails when the
// tests leave one of them unexercised.
var clientOperations = []string{
	"createAccessToken",
	"createConnection", "getConnection", "patchConnection", "deleteConnection", "listConnections",
	"createJob", "getJob", "listJobs", "cancelJob",
	"getSource", "deleteSource",
	"getDestination", "deleteDestination",
	"getStreamProperties",
	"getState", "webBackendGetConnection", "listTags",
	"getJobInfo", "getConnectionStatuses",
	"resetConnection", "clearConnection", "resetConnectionStream", "clearConnectionStream", "refreshConnectionStream",
	"listConnectionEvents",
}

// TestMain validates every request the client sends to the emulator, and
// every response the emulator returns, against the Airbyte OpenAPI documents
// when AIRBYTE_OPENAPI_SPEC and AIRBYTE_CONFIG_API_SPEC name them.
func TestMain(m *testing.M) {
	os.Exit(conformance.Run(m, conformance.HandlerOptions{CheckRequests: true, CheckResponses: true}, clientOperations...))
}

// manualClock is a clock the test moves by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// emulatorFixture is an emulator served over HTTP (behind the conformance
// check) and a client configured with its application credentials.
type emulatorFixture struct {
	emu    *emulator.Emulator
	info   emulator.Info
	clock  *manualClock
	client *client.Client
}

func newEmulatorFixture(t *testing.T, opts emulator.Options) *emulatorFixture {
	t.Helper()
	clock := &manualClock{now: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
	opts.Now = clock.Now
	emu := emulator.New(opts)
	srv := httptest.NewServer(conformance.Wrap(emu))
	t.Cleanup(srv.Close)
	info := emu.Info(srv.URL)
	c, err := client.New(client.Config{
		ServerURL:      info.ServerURL,
		ClientID:       info.ClientID,
		ClientSecret:   info.ClientSecret,
		Version:        "test",
		RequestTimeout: 5 * time.Second,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   5 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return &emulatorFixture{emu: emu, info: info, clock: clock, client: c}
}

func ptr[T any](v T) *T { return &v }

// TestClientAgainstEmulator walks through every operation of the client the
// way the provider uses them, against the emulator.
func TestClientAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	f := newEmulatorFixture(t, emulator.Options{Seed: 11, JobDuration: 10 * time.Second})
	c := f.client
	ws := f.info.Workspaces[0]

	for _, s := range ws.Sources {
		got, err := c.GetSource(ctx, s.SourceID)
		if err != nil || got.WorkspaceID != ws.WorkspaceID {
			t.Fatalf("GetSource(%s) = %+v, %v", s.SourceID, got, err)
		}
		props, err := c.GetStreamProperties(ctx, s.SourceID, "", false)
		if err != nil || len(props) != len(s.Streams) {
			t.Fatalf("GetStreamProperties(%s) = %d streams, %v; want %d", s.SourceID, len(props), err, len(s.Streams))
		}
		props, err = c.GetStreamProperties(ctx, s.SourceID, ws.Destinations[0].DestinationID, false)
		if err != nil || len(props) == 0 || len(props[0].SyncModes) == 0 {
			t.Fatalf("GetStreamProperties with destination = %+v, %v; want sync modes", props, err)
		}
	}
	for _, d := range ws.Destinations {
		if got, err := c.GetDestination(ctx, d.DestinationID); err != nil || got.Name != d.Name {
			t.Fatalf("GetDestination(%s) = %+v, %v", d.DestinationID, got, err)
		}
	}

	// Create connections over every source and destination pair, with and
	// without streams and schedules.
	src, dst := ws.Sources[1], ws.Destinations[0]
	var created []*client.Connection
	for i := range 12 {
		in := client.ConnectionCreateRequest{
			Name:          fmt.Sprintf("conn-%02d", i),
			SourceID:      ws.Sources[i%len(ws.Sources)].SourceID,
			DestinationID: ws.Destinations[i%len(ws.Destinations)].DestinationID,
			Prefix:        ptr(fmt.Sprintf("p%d_", i)),
		}
		if i%2 == 0 {
			in.Schedule = &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeCron, CronExpression: "0 0 12 * * ?"}
		}
		if i%3 == 0 {
			in.Configurations = &client.StreamConfigurations{Streams: []client.StreamConfiguration{
				{Name: ws.Sources[i%len(ws.Sources)].Streams[0]},
			}}
		}
		conn, err := c.CreateConnection(ctx, in)
		if err != nil {
			t.Fatalf("CreateConnection %d: %v", i, err)
		}
		if conn.WorkspaceID != ws.WorkspaceID || conn.Name != in.Name || conn.Prefix != *in.Prefix {
			t.Fatalf("created connection = %+v", conn)
		}
		if i%2 == 0 && conn.Schedule.CronExpression != "0 0 12 * * ? UTC" {
			t.Fatalf("cron read back as %q, want the API's \" UTC\" suffix", conn.Schedule.CronExpression)
		}
		created = append(created, conn)
	}

	// One page at a time, and all pages at once.
	var paged []client.Connection
	for offset := 0; ; offset += 5 {
		page, err := c.ListConnectionsPage(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{ws.WorkspaceID}, Limit: 5, Offset: offset})
		if err != nil {
			t.Fatalf("ListConnectionsPage(offset %d): %v", offset, err)
		}
		paged = append(paged, page.Data...)
		if len(page.Data) < 5 {
			break
		}
	}
	all, err := c.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{ws.WorkspaceID}})
	if err != nil || len(all) != len(created) || len(paged) != len(created) {
		t.Fatalf("listed %d connections page by page and %d at once (%v); want %d", len(paged), len(all), err, len(created))
	}

	for _, conn := range created {
		got, err := c.GetConnection(ctx, conn.ConnectionID)
		if err != nil || got.ConnectionID != conn.ConnectionID {
			t.Fatalf("GetConnection(%s) = %+v, %v", conn.ConnectionID, got, err)
		}
		patched, err := c.PatchConnection(ctx, conn.ConnectionID, client.ConnectionPatchRequest{
			Name: ptr(conn.Name + "-renamed"), Prefix: ptr(""), Status: ptr(client.ConnectionStatusInactive),
			Schedule: &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeManual},
		})
		if err != nil {
			t.Fatalf("PatchConnection(%s): %v", conn.ConnectionID, err)
		}
		if patched.Name != conn.Name+"-renamed" || patched.Prefix != "" || patched.Status != client.ConnectionStatusInactive ||
			patched.Schedule.ScheduleType != client.ScheduleTypeManual || patched.SourceID != conn.SourceID {
			t.Fatalf("patched connection = %+v", patched)
		}
	}

	// Streams: replace the set, with sync modes.
	conn, err := c.CreateConnection(ctx, client.ConnectionCreateRequest{Name: "streams", SourceID: src.SourceID, DestinationID: dst.DestinationID})
	if err != nil {
		t.Fatal(err)
	}
	patched, err := c.PatchConnection(ctx, conn.ConnectionID, client.ConnectionPatchRequest{
		Configurations: &client.StreamConfigurations{Streams: []client.StreamConfiguration{
			{Name: src.Streams[0], SyncMode: client.SyncModeFullRefreshAppend},
			{Name: src.Streams[1], SyncMode: client.SyncModeIncrementalDedupedHistory},
		}},
	})
	if err != nil {
		t.Fatalf("PatchConnection streams: %v", err)
	}
	if n := len(patched.Configurations.Streams); n != 2 {
		t.Fatalf("after replacing the streams the connection has %d, want 2", n)
	}

	// The API's own words reach the caller.
	_, err = c.PatchConnection(ctx, conn.ConnectionID, client.ConnectionPatchRequest{
		Configurations: &client.StreamConfigurations{Streams: []client.StreamConfiguration{{Name: "no_such_stream"}}},
	})
	var apiErr *client.APIError
	if !client.IsBadRequest(err) || !asAPIError(err, &apiErr) || apiErr.Message == "" {
		t.Fatalf("unknown stream: err = %v, want a 400 carrying the API's message", err)
	}
	if _, err := c.GetConnection(ctx, "00000000-0000-4000-8000-000000000000"); !client.IsForbidden(err) {
		t.Fatalf("unknown connection: err = %v, want 403", err)
	}

	// Jobs: a sync runs to success, a second is refused while it runs, a
	// third is cancelled; history lists them newest first.
	state, err := c.GetConnectionState(ctx, conn.ConnectionID)
	if err != nil || state.StateType != client.StateTypeNotSet {
		t.Fatalf("state before any sync = %+v, %v; want not_set", state, err)
	}
	job, err := c.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	if _, err := c.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync); !client.IsConflict(err) {
		t.Fatalf("second sync while one runs: err = %v, want 409", err)
	}
	f.clock.Advance(5 * time.Second)
	if got, err := c.GetJob(ctx, job.JobID); err != nil || got.Status != client.JobStatusRunning {
		t.Fatalf("job half way = %+v, %v; want running", got, err)
	}
	f.clock.Advance(10 * time.Second)
	done, err := c.GetJob(ctx, job.JobID)
	if err != nil || done.Status != client.JobStatusSucceeded || done.RowsSynced == 0 || done.BytesSynced == 0 {
		t.Fatalf("finished job = %+v, %v; want succeeded with rows and bytes", done, err)
	}
	if _, err := client.ParseAirbyteTime(done.StartTime); err != nil {
		t.Fatalf("startTime %q: %v", done.StartTime, err)
	}
	if done.Duration != "PT10S" {
		t.Fatalf("duration = %q, want PT10S (the job ran for JobDuration)", done.Duration)
	}
	state, err = c.GetConnectionState(ctx, conn.ConnectionID)
	if err != nil || state.StateType == client.StateTypeNotSet {
		t.Fatalf("state after a sync = %+v, %v; want a state", state, err)
	}
	second, err := c.CreateJob(ctx, conn.ConnectionID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}
	// A cancellation reaches only a job whose attempt is running: once it is
	// past pending, the job ends cancelled; cancelling it again answers 200
	// with the job as it is (SchedulerHandler.submitCancellationToWorker).
	f.clock.Advance(5 * time.Second)
	cancelled, err := c.CancelJob(ctx, second.JobID)
	if err != nil || cancelled.Status != client.JobStatusCancelled {
		t.Fatalf("CancelJob = %+v, %v", cancelled, err)
	}
	if again, err := c.CancelJob(ctx, second.JobID); err != nil || again.Status != client.JobStatusCancelled {
		t.Fatalf("cancelling a finished job = %+v, %v; want it unchanged", again, err)
	}
	history, err := c.ListJobs(ctx, client.ListJobsParams{ConnectionID: conn.ConnectionID, OrderBy: client.OrderByCreatedAtDesc, Limit: 10})
	if err != nil || len(history.Data) != 2 || history.Data[0].JobID != second.JobID {
		t.Fatalf("history = %+v, %v; want the cancelled job first", history.Data, err)
	}
	oldest, err := c.ListJobs(ctx, client.ListJobsParams{ConnectionID: conn.ConnectionID, JobType: client.JobTypeSync, Limit: 1})
	if err != nil || len(oldest.Data) != 1 || oldest.Data[0].JobID != job.JobID {
		t.Fatalf("oldest job = %+v, %v", oldest.Data, err)
	}

	catalog, err := c.GetWebBackendConnection(ctx, conn.ConnectionID, false)
	if err != nil {
		t.Fatalf("GetWebBackendConnection: %v", err)
	}
	selected := 0
	for _, s := range catalog.SyncCatalog.Streams {
		if s.Config.Selected {
			selected++
		}
	}
	if selected != 2 || len(catalog.SyncCatalog.Streams) != len(src.Streams) {
		t.Fatalf("catalog has %d streams, %d selected; want %d and 2", len(catalog.SyncCatalog.Streams), selected, len(src.Streams))
	}

	// A token that stops working mid-run is replaced without the caller noticing.
	f.emu.ExpireTokens()
	if _, err := c.GetConnection(ctx, conn.ConnectionID); err != nil {
		t.Fatalf("GetConnection after the token expired: %v", err)
	}

	// Deleting is soft; deleting a source takes its connections with it.
	if err := c.DeleteConnection(ctx, conn.ConnectionID); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetConnection(ctx, conn.ConnectionID); err != nil || got.Status != client.ConnectionStatusDeprecated {
		t.Fatalf("deleted connection reads as %+v, %v; want deprecated", got, err)
	}
	withDeleted, err := c.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{ws.WorkspaceID}, IncludeDeleted: true})
	if err != nil || len(withDeleted) != len(created)+1 {
		t.Fatalf("includeDeleted listed %d, %v; want %d", len(withDeleted), err, len(created)+1)
	}
	other := f.info.Workspaces[1]
	if err := c.DeleteDestination(ctx, other.Destinations[1].DestinationID); err != nil {
		t.Fatalf("DeleteDestination: %v", err)
	}
	if err := c.DeleteSource(ctx, other.Sources[1].SourceID); err != nil {
		t.Fatalf("DeleteSource: %v", err)
	}
	// Airbyte tombstones a deleted source: it still reads, with a null configuration.
	if gone, err := c.GetSource(ctx, other.Sources[1].SourceID); err != nil || string(gone.Configuration) != "null" && len(gone.Configuration) != 0 {
		t.Fatalf("deleted source reads as %+v, %v; want it with no configuration", gone, err)
	}
}

// TestListConnectionsPagesThroughTheEmulator checks that the client follows
// the API's offset pagination to the end and stops on the short page.
func TestListConnectionsPagesThroughTheEmulator(t *testing.T) {
	f := newEmulatorFixture(t, emulator.Options{Seed: 3, SeedConnections: 250})
	ws := f.info.Workspaces[0].WorkspaceID
	f.emu.ResetStats()
	all, err := f.client.ListConnections(context.Background(), client.ListConnectionsParams{WorkspaceIDs: []string{ws}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 250 {
		t.Fatalf("listed %d connections, want 250", len(all))
	}
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.ConnectionID] {
			t.Fatalf("connection %s listed twice", c.ConnectionID)
		}
		seen[c.ConnectionID] = true
	}
	if n := f.emu.Stats().ByRoute["GET /connections"]; n != 3 {
		t.Fatalf("listing 250 connections took %d pages, want 3 (100, 100, 50)", n)
	}
}

// TestConcurrentCallsShareOneToken checks the token is fetched once for
// many parallel requests against the emulator.
func TestConcurrentCallsShareOneToken(t *testing.T) {
	f := newEmulatorFixture(t, emulator.Options{Seed: 5})
	src := f.info.Workspaces[0].Sources[0].SourceID
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.client.GetSource(context.Background(), src)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.emu.Stats().ByRoute["POST /applications/token"]; n != 1 {
		t.Fatalf("20 concurrent calls made %d token requests, want 1", n)
	}
}

func asAPIError(err error, target **client.APIError) bool {
	return errors.As(err, target)
}
