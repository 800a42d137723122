package provider

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestSyncDataSourceSchemas checks the four data sources' schemas: every
// attribute, nested ones included, has a description in a full sentence,
// and the job attributes have the types of syncJobModel in both
// airbyte_sync_history's jobs and airbyte_sync_result.
func TestSyncDataSourceSchemas(t *testing.T) {
	ctx := context.Background()
	schemas := map[string]dschema.Schema{}
	for _, ds := range []datasource.DataSource{
		NewConnectionStateDataSource(), NewConnectionCatalogDataSource(), NewSyncHistoryDataSource(), NewSyncResultDataSource(),
	} {
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "airbyte"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: %v", meta.TypeName, diags)
		}
		schemas[meta.TypeName] = resp.Schema
		sentence := regexp.MustCompile(`^[A-Z].*\.$`)
		if !sentence.MatchString(resp.Schema.MarkdownDescription) {
			t.Errorf("%s: description %q is not a full sentence", meta.TypeName, resp.Schema.MarkdownDescription)
		}
		walkDataSource("", resp.Schema.Attributes, func(p string, a dschema.Attribute) {
			if !sentence.MatchString(a.GetMarkdownDescription()) {
				t.Errorf("%s.%s: description %q is not a full sentence", meta.TypeName, p, a.GetMarkdownDescription())
			}
		})
		if a := resp.Schema.Attributes["connection_id"]; a == nil || !a.IsRequired() {
			t.Errorf("%s: connection_id is not required", meta.TypeName)
		}
	}
	for _, name := range []string{"airbyte_connection_state", "airbyte_connection_catalog", "airbyte_sync_history", "airbyte_sync_result"} {
		if _, ok := schemas[name]; !ok {
			t.Errorf("no data source is named %s", name)
		}
	}

	jobs := schemas["airbyte_sync_history"].Attributes["jobs"].(dschema.ListNestedAttribute).NestedObject.Attributes
	result := schemas["airbyte_sync_result"].Attributes
	for name, want := range syncJobAttrTypes {
		if got := jobs[name]; got == nil || !got.GetType().Equal(want) {
			t.Errorf("airbyte_sync_history jobs.%s has type %v, want %s", name, got, want)
		}
		if got := result[name]; got == nil || !got.GetType().Equal(want) {
			t.Errorf("airbyte_sync_result %s has type %v, want %s", name, got, want)
		}
	}
	if len(jobs) != len(syncJobAttrTypes) {
		t.Errorf("airbyte_sync_history jobs has %d attributes, syncJobModel %d", len(jobs), len(syncJobAttrTypes))
	}
}

// syncHistoryFixture is a connection with five jobs made through the API,
// each created an hour after the one before: syncs 1 (succeeded), 2
// (failed), a reset 3 (succeeded), sync 4 (succeeded) and sync 5, still
// running.
type syncHistoryFixture struct {
	conn *client.Connection
	ids  [5]int64
}

func newSyncHistoryFixture(t *testing.T, e *accEmulator, clk *testClock) syncHistoryFixture {
	t.Helper()
	f := syncHistoryFixture{conn: e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)}
	api := e.apiClient()
	for i, kind := range []client.JobType{client.JobTypeSync, client.JobTypeSync, client.JobTypeReset, client.JobTypeSync, client.JobTypeSync} {
		if i == 1 {
			if err := e.emu.FailNextSync(f.conn.ConnectionID); err != nil {
				t.Fatal(err)
			}
		}
		job, err := api.CreateJob(context.Background(), f.conn.ConnectionID, kind)
		if err != nil {
			t.Fatalf("creating job %d: %v", i+1, err)
		}
		f.ids[i] = job.JobID
		if i < 4 {
			clk.Advance(time.Hour) // the job ends before the next starts
		} else {
			clk.Advance(time.Second) // past pending: running
		}
	}
	return f
}

// jobIDs checks that a list of jobs holds exactly the jobs with these ids,
// in this order.
func jobIDs(ids ...int64) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"job_id": knownvalue.Int64Exact(id)})
	}
	return knownvalue.ListExact(checks)
}

// TestAccSyncHistoryDataSource pages through a connection's jobs: newest
// first by default, oldest first with from_tail = false, limit and offset
// cutting the list where they should, and the job_type and status filters
// (alone and together). Each job has every attribute of syncJobModel.
func TestAccSyncHistoryDataSource(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 63, Now: clk.Now})
	start := clk.Now()
	f := newSyncHistoryFixture(t, e, clk)
	j1, j2, j3, j4, j5 := f.ids[0], f.ids[1], f.ids[2], f.ids[3], f.ids[4]
	const all = "data.airbyte_sync_history.all"
	str := knownvalue.StringExact
	at := func(d time.Duration) knownvalue.Check { return str(start.Add(d).UTC().Format(time.RFC3339)) }
	jobURL := func(id int64) knownvalue.Check {
		return knownvalue.StringRegexp(regexp.MustCompile(fmt.Sprintf(`/workspaces/%s/connections/%s/timeline#%d::0$`,
			e.Workspace(0).WorkspaceID, f.conn.ConnectionID, id)))
	}
	history := func(name, args string) string {
		return fmt.Sprintf(`
data "airbyte_sync_history" %q {
  connection_id = %q
%s}
`, name, f.conn.ConnectionID, args)
	}
	ds := func(name string) string { return "data.airbyte_sync_history." + name }

	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config: e.ProviderConfig() +
				history("all", "") +
				history("page2", "  limit  = 2\n  offset = 2\n") +
				history("oldest", "  from_tail = false\n  limit     = 2\n") +
				history("oldest_skip", "  from_tail = false\n  offset    = 3\n") +
				history("past_end", "  offset = 5\n") +
				history("resets", "  job_type = \"reset\"\n") +
				history("syncs", "  job_type = \"sync\"\n") +
				history("failed", "  status = \"failed\"\n") +
				history("running", "  status = \"running\"\n") +
				history("good_syncs", "  job_type = \"sync\"\n  status   = \"succeeded\"\n"),
			ConfigStateChecks: []statecheck.StateCheck{
				// Defaults, written to state.
				statecheck.ExpectKnownValue(all, tfjsonpath.New("limit"), knownvalue.Int64Exact(20)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("offset"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("from_tail"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("job_type"), knownvalue.Null()),
				// Newest first, every attribute as the API reports it.
				// Failure details are read for the jobs that did not succeed only.
				statecheck.ExpectKnownValue(all, tfjsonpath.New("jobs"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(withoutDetails(map[string]knownvalue.Check{
						"job_id": knownvalue.Int64Exact(j5), "job_type": str("sync"), "status": str("running"),
						// A running job's duration is the time it was pending (0.2 s of the
						// default 2 s job) and stops there: Airbyte updates a job only when
						// its status changes.
						"start_time": at(4 * time.Hour), "last_updated_at": knownvalue.Null(), "duration": str("PT0S"),
						"bytes_synced": knownvalue.NotNull(), "rows_synced": knownvalue.NotNull(), "job_url": jobURL(j5),
					})),
					knownvalue.ObjectExact(withoutDetails(map[string]knownvalue.Check{
						"job_id": knownvalue.Int64Exact(j4), "job_type": str("sync"), "status": str("succeeded"),
						"start_time": at(3 * time.Hour), "last_updated_at": at(3*time.Hour + emulator.DefaultJobDuration),
						"duration": str("PT2S"), "bytes_synced": positive(), "rows_synced": positive(), "job_url": jobURL(j4),
					})),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"job_id": knownvalue.Int64Exact(j3), "job_type": str("reset"), "status": str("succeeded"),
						"start_time": at(2 * time.Hour),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"job_id": knownvalue.Int64Exact(j2), "job_type": str("sync"), "status": str("failed"),
						"start_time": at(time.Hour), "last_updated_at": at(time.Hour + emulator.DefaultJobDuration),
						"job_url": jobURL(j2),
						// The failure FailNextSync plans: a source config_error, not retried.
						"attempts": knownvalue.Int64Exact(1), "failure_origin": str("source"), "failure_type": str("config_error"),
						"failure_message": knownvalue.NotNull(), "partial_success": knownvalue.Bool(false),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"job_id": knownvalue.Int64Exact(j1), "status": str("succeeded"), "start_time": at(0),
					}),
				})),
				statecheck.ExpectKnownValue(ds("page2"), tfjsonpath.New("jobs"), jobIDs(j3, j2)),
				statecheck.ExpectKnownValue(ds("oldest"), tfjsonpath.New("jobs"), jobIDs(j1, j2)),
				statecheck.ExpectKnownValue(ds("oldest_skip"), tfjsonpath.New("jobs"), jobIDs(j4, j5)),
				statecheck.ExpectKnownValue(ds("past_end"), tfjsonpath.New("jobs"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(ds("resets"), tfjsonpath.New("jobs"), jobIDs(j3)),
				statecheck.ExpectKnownValue(ds("syncs"), tfjsonpath.New("jobs"), jobIDs(j5, j4, j2, j1)),
				statecheck.ExpectKnownValue(ds("failed"), tfjsonpath.New("jobs"), jobIDs(j2)),
				statecheck.ExpectKnownValue(ds("running"), tfjsonpath.New("jobs"), jobIDs(j5)),
				statecheck.ExpectKnownValue(ds("good_syncs"), tfjsonpath.New("jobs"), jobIDs(j4, j1)),
			},
		}},
	})
}

// withoutDetails adds to checks of a job that the job's failure details are null.
func withoutDetails(checks map[string]knownvalue.Check) map[string]knownvalue.Check {
	for name := range syncJobDetailsAttrTypes {
		checks[name] = knownvalue.Null()
	}
	return checks
}

// positive checks for a number above zero.
func positive() knownvalue.Check {
	return knownvalue.Int64Func(func(v int64) error {
		if v <= 0 {
			return fmt.Errorf("%d is not positive", v)
		}
		return nil
	})
}

// TestAccSyncHistoryDataSource_invalidArguments: arguments out of range
// are refused before anything is read.
func TestAccSyncHistoryDataSource_invalidArguments(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 64})
	config := func(args string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_sync_history" "h" {
  connection_id = "00000000-0000-4000-8000-000000000000"
  %s
}
`, args)
	}
	var steps []tfresource.TestStep
	for _, c := range [][2]string{
		{"limit = 0", `(?s)limit.*must be between 1 and 100`},
		{"limit = 101", `(?s)limit.*must be between 1 and 100`},
		{"offset = -1", `(?s)offset.*must be at least 0`},
		{`job_type = "backfill"`, `(?s)job_type.*value must be one of`},
		{`status = "done"`, `(?s)status.*value must be one of`},
	} {
		steps = append(steps, tfresource.TestStep{Config: config(c[0]), PlanOnly: true, ExpectError: regexp.MustCompile(c[1])})
	}
	accParallelTest(t, tfresource.TestCase{Steps: steps})
}

// TestSyncHistoryFailureStreamsFromOneTimelinePass reads a history of three failed syncs,
// each on a stream of its own choosing: every job gets its failing stream, which only the
// connection's timeline holds, from one listing of the timeline, not one per job.
func TestSyncHistoryFailureStreamsFromOneTimelinePass(t *testing.T) {
	clk := newTestClock()
	var timelineReads atomic.Int64
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 64, Now: clk.Now}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/connections/events/list") {
				timelineReads.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	streams := conn.Configurations.Streams
	failing := []client.StreamConfiguration{streams[0], streams[1], streams[0]}
	want := map[int64]string{}
	for i, s := range failing {
		err := e.emu.FailNextSyncWith(conn.ConnectionID, emulator.SyncFailure{FailureType: "config_error", Message: fmt.Sprintf("failure %d", i),
			Stream: s.Name, StreamNamespace: s.Namespace})
		if err != nil {
			t.Fatal(err)
		}
		job, err := e.apiClient().CreateJob(context.Background(), conn.ConnectionID, client.JobTypeSync)
		if err != nil {
			t.Fatal(err)
		}
		want[job.JobID] = streamName(client.StreamDescriptor{Name: s.Name, Namespace: s.Namespace})
		clk.Advance(time.Hour)
	}

	server := newProtocolServer(t, e)
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.DataSourceSchemas["airbyte_sync_history"].ValueType().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	attrs["connection_id"] = tftypes.NewValue(tftypes.String, conn.ConnectionID)
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	before := timelineReads.Load()
	resp, err := server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "airbyte_sync_history", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "ReadDataSource", resp.Diagnostics)
	if n := timelineReads.Load() - before; n != 1 {
		t.Errorf("the history read the timeline %d times, want once for its three failed jobs", n)
	}
	jobs := attrOf(t, resp.State, typ, "jobs")
	var list []tftypes.Value
	if err := jobs.As(&list); err != nil || len(list) != 3 {
		t.Fatalf("%d jobs (%v), want 3", len(list), err)
	}
	for _, j := range list {
		var job map[string]tftypes.Value
		if err := j.As(&job); err != nil {
			t.Fatal(err)
		}
		var id big.Float
		var stream string
		if err := job["job_id"].As(&id); err != nil {
			t.Fatal(err)
		}
		if err := job["failure_stream"].As(&stream); err != nil {
			t.Fatal(err)
		}
		n, _ := id.Int64()
		if stream != want[n] {
			t.Errorf("job %d: failure_stream %q, want %q", n, stream, want[n])
		}
	}
}
