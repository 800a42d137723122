package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestAccRunSync_failureDetails: a sync whose attempts fail the way the
// server records it (three attempts, each a source system_error, on a
// deployment that allows three successive complete failures) fails the
// apply with Airbyte's origin, type and message and the attempt count, and
// the tainted resource keeps them in state, with the failing stream from
// the connection's timeline.
func TestAccRunSync_failureDetails(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 91,
		SyncRetries: emulator.RetryLimits{MaxSuccessiveCompleteFailures: 3}})
	const res = "airbyte_run_sync.s"
	const msg = "Access denied for user 'airbyte' to table events"
	config := runSyncConfig(e, connID, "")
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					err := e.emu.FailNextSyncWith(connID, emulator.SyncFailure{FailureOrigin: "source", FailureType: "system_error",
						Message: msg, Stream: "events", StreamNamespace: "public", Attempts: 3})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ExpectError: diagRE("Sync Failed", `The sync job 1 of the connection "`+connID+`" ended with status "failed", having moved 0 rows (0 B).`+
					` It failed after 3 attempts. Airbyte reports a source system error on the stream "public.events": `+msg+`. Check the job's logs`),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // tainted
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "status", "failed"),
					resource.TestCheckResourceAttr(res, "attempts", "3"),
					resource.TestCheckResourceAttr(res, "failure_origin", "source"),
					resource.TestCheckResourceAttr(res, "failure_type", "system_error"),
					resource.TestCheckResourceAttr(res, "failure_message", msg),
					resource.TestCheckResourceAttr(res, "failure_stream", "public.events"),
					resource.TestCheckResourceAttr(res, "partial_success", "false"),
					resource.TestCheckResourceAttr(res, "stream_stats.#", "0"),
					func(*terraform.State) error { return e.expectJobs(connID, "failed") },
				),
			},
		},
	})
}

// TestAccRunSync_partialSuccess: a sync whose only attempt commits records
// and then fails with a config_error (not retried) reports the partial
// success, with what each stream committed.
func TestAccRunSync_partialSuccess(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 92})
	const res = "airbyte_run_sync.s"
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					err := e.emu.FailNextSyncWith(connID, emulator.SyncFailure{FailureOrigin: "destination", FailureType: "config_error",
						Message: "The warehouse refused the credentials", PartialSuccess: true})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: runSyncConfig(e, connID, ""),
				ExpectError: diagRE("Sync Failed", `It failed after 1 attempt. Airbyte reports a destination config error: The warehouse refused `+
					`the credentials. Some records were committed before the failure (partial_success). Fix the destination's configuration`),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "attempts", "1"),
					resource.TestCheckResourceAttr(res, "failure_type", "config_error"),
					resource.TestCheckResourceAttr(res, "partial_success", "true"),
					resource.TestCheckResourceAttr(res, "stream_stats.#", "2"),
					resource.TestCheckResourceAttr(res, "stream_stats.0.name", "events"),
					resource.TestCheckResourceAttr(res, "stream_stats.1.name", "users"),
					func(s *terraform.State) error {
						a := s.RootModule().Resources[res].Primary.Attributes
						var sum int64
						for i := range 2 {
							var n int64
							if _, err := fmt.Sscan(a[fmt.Sprintf("stream_stats.%d.records_committed", i)], &n); err != nil || n <= 0 {
								return fmt.Errorf("stream_stats.%d.records_committed = %q, want records", i, a[fmt.Sprintf("stream_stats.%d.records_committed", i)])
							}
							sum += n
						}
						if a["rows_synced"] != fmt.Sprint(sum) {
							return fmt.Errorf("rows_synced = %s, but the streams committed %d", a["rows_synced"], sum)
						}
						return nil
					},
				),
			},
		},
	})
}

// streamStates reads the connection's per-stream state from the emulator's
// Config API: the names of the streams that have state.
func streamStates(t *testing.T, e *accEmulator, connID string) []string {
	t.Helper()
	st, err := e.apiClient().GetConnectionState(context.Background(), connID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	list := st.StreamState
	if st.GlobalState != nil {
		list = st.GlobalState.StreamStates
	}
	for _, s := range list {
		names = append(names, s.StreamDescriptor.Name)
	}
	return names
}

// TestAccRunSync_clearOneStream: after a sync that leaves state for both
// incremental streams, a clear of one stream drops that stream's state and
// keeps the other's.
func TestAccRunSync_clearOneStream(t *testing.T) {
	e, clk, connID := newSyncEmulator(t, emulator.Options{Seed: 93})
	const res = "airbyte_run_sync.clear"
	syncFirst := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_run_sync" "first" {
  connection_id = %q
}
`, connID)
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: syncFirst,
				Check: func(*terraform.State) error {
					if got := fmt.Sprint(streamStates(t, e, connID)); got != "[users events]" {
						return fmt.Errorf("state after the sync is for streams %s, want [users events]", got)
					}
					return nil
				},
			},
			{
				Config: syncFirst + fmt.Sprintf(`
resource "airbyte_run_sync" "clear" {
  connection_id = %q
  job_type      = "clear"
  streams       = [{ name = "events" }]
  depends_on    = [airbyte_run_sync.first]
}
`, connID),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(res, "status", "succeeded"),
					resource.TestCheckResourceAttr(res, "job_type", "clear"),
					resource.TestCheckResourceAttr(res, "job_id", "2"),
					func(*terraform.State) error {
						if got := fmt.Sprint(streamStates(t, e, connID)); got != "[users]" {
							return fmt.Errorf("state after the clear is for streams %s, want [users]", got)
						}
						return e.expectJobs(connID, "succeeded", "succeeded")
					},
				),
			},
		},
	})
	if jobs := e.jobsOf(connID); len(jobs) != 2 || jobs[1].JobType != "reset" {
		t.Errorf("the emulator's jobs are %+v, want a sync then a reset", jobs)
	}
}

// requestRecorder keeps the bodies of the requests whose path ends in suffix.
type requestRecorder struct {
	suffix string
	mu     sync.Mutex
	bodies []map[string]any
}

func (rr *requestRecorder) front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bytesSuffix(r.URL.Path, rr.suffix) {
			raw, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(raw))
			var body map[string]any
			_ = json.Unmarshal(raw, &body)
			rr.mu.Lock()
			rr.bodies = append(rr.bodies, body)
			rr.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func bytesSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

// TestAccRunSync_refreshMerge: a refresh of one stream with merge goes to
// the Config API's connections/refresh with refreshMode Merge and that
// stream, and runs one refresh job of that stream to success.
func TestAccRunSync_refreshMerge(t *testing.T) {
	clk := newTestClock()
	rec := &requestRecorder{suffix: "/connections/refresh"}
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 94, Now: clk.Now}, rec.front)
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	connID := conn.ConnectionID
	const res = "airbyte_run_sync.s"
	accTestWithClock(t, clk, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: runSyncConfig(e, connID, "  job_type     = \"refresh\"\n  refresh_mode = \"merge\"\n  streams      = [{ name = \"users\" }]"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(res, "status", "succeeded"),
				resource.TestCheckResourceAttr(res, "job_type", "refresh"),
				resource.TestCheckResourceAttr(res, "refresh_mode", "merge"),
				resource.TestCheckResourceAttr(res, "attempts", "1"),
				func(*terraform.State) error {
					jobs := e.jobsOf(connID)
					if len(jobs) != 1 || jobs[0].JobType != "refresh" || jobs[0].Status != "succeeded" {
						return fmt.Errorf("the emulator's jobs are %+v, want one succeeded refresh", jobs)
					}
					info, err := e.apiClient().GetJobInfo(context.Background(), jobs[0].JobID)
					if err != nil {
						return err
					}
					if info.Job.ConfigType != client.JobConfigTypeRefresh || info.Job.RefreshConfig == nil ||
						fmt.Sprint(info.Job.RefreshConfig.StreamsToRefresh) != "[{users public}]" {
						return fmt.Errorf("jobs/get shows %+v, want a refresh of the stream users", info.Job)
					}
					rec.mu.Lock()
					defer rec.mu.Unlock()
					if len(rec.bodies) != 1 || rec.bodies[0]["refreshMode"] != "Merge" {
						return fmt.Errorf("connections/refresh was called with %v, want one call with refreshMode Merge", rec.bodies)
					}
					return nil
				},
			),
		}},
	})
}
