package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// faultLevels are the faults the fault suite runs under: every kind the
// emulator can inject, at once, with access tokens that expire every 30
// seconds.
var faultLevels = emulator.Options{
	ThrottleRate:     0.05, // 429, half of them with Retry-After and half without
	FailRate:         0.05, // 503 before the side effect
	LostResponseRate: 0.05, // 502 after the side effect
	ResetRate:        0.03, // connection dropped after the side effect
	SpikeRate:        0.10, // answer held back 200 ms after the side effect
	SpikeLatency:     200 * time.Millisecond,
	TokenTTL:         30 * time.Second,
	JobDuration:      3 * time.Second,
}

// faultCycle is the size of one cycle of the fault suite.
type faultCycle struct {
	connections, syncs, changes int
}

// TestAccFaults runs whole cycles (apply N connections, run a sync on some,
// plan, change some, plan, destroy) through the real terraform CLI against an
// emulator that injects every fault it knows, and checks that no command
// fails and that the emulator ends up holding exactly what state says
// exists: no connection outside state, none created twice, no sync started
// twice, none left after destroy.
//
// make test runs a small cycle; make faults sets AIRBYTE_FAULTS_FULL=1 for
// 30 connections, syncs on 3 and changes to 10, and AIRBYTE_FAULTS_CYCLES
// for more than one cycle. The summary line goes to the file named by
// AIRBYTE_FAULTS_REPORT, for the make targets to print.
func TestAccFaults(t *testing.T) {
	size := faultCycle{connections: 6, syncs: 1, changes: 2}
	if os.Getenv("AIRBYTE_FAULTS_FULL") == "1" {
		size = faultCycle{connections: 30, syncs: 3, changes: 10}
	}
	cycles := 1
	if v := os.Getenv("AIRBYTE_FAULTS_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("AIRBYTE_FAULTS_CYCLES=%q: want a positive number", v)
		}
		cycles = n
	}
	requireTerraform(t)
	t.Parallel() // it owns its emulator; said here, as resource.ParallelTest would say it again each cycle

	opts := faultLevels
	opts.Seed = 7
	e := newAccEmulator(t, opts)
	done, errorsSeen := 0, 0
	t.Cleanup(func() {
		if t.Failed() {
			errorsSeen++
		}
		orphans, duplicates := faultAudit(e.emu.Snapshot(), nil)
		stats := e.emu.Stats()
		var injected int64
		for _, n := range stats.Injected {
			injected += n
		}
		kinds := slices.Sorted(maps.Keys(stats.Injected))
		parts := make([]string, 0, len(kinds))
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s=%d", k, stats.Injected[k]))
		}
		line := fmt.Sprintf("faults: cycles=%d requests=%d injected=%d errors=%d orphans=%d duplicates=%d "+
			"(per cycle: connections=%d syncs=%d changes=%d; create requests=%d, sync starts=%d; injected: %s)\n",
			done, stats.RequestsTotal, injected, errorsSeen, len(orphans), len(duplicates),
			size.connections, size.syncs, size.changes, stats.ByRoute["POST /connections"], stats.ByRoute["POST /jobs"],
			strings.Join(parts, " "))
		t.Log(strings.TrimSpace(line))
		if report := os.Getenv("AIRBYTE_FAULTS_REPORT"); report != "" {
			if err := os.WriteFile(report, []byte(line), 0o600); err != nil {
				t.Errorf("writing the fault report: %v", err)
			}
		}
	})

	for cycle := range cycles {
		accTest(t, resource.TestCase{
			Steps: []resource.TestStep{
				// Apply: every step is followed by a plan that must be empty.
				{Config: faultConfig(e, size, cycle, false, false), Check: faultCheck(e)},
				// A sync on some of them.
				{Config: faultConfig(e, size, cycle, true, false), Check: faultCheck(e)},
				// Change some of them.
				{Config: faultConfig(e, size, cycle, true, true), Check: faultCheck(e)},
			},
			CheckDestroy: func(*terraform.State) error {
				orphans, duplicates := faultAudit(e.emu.Snapshot(), nil)
				if len(orphans) > 0 || len(duplicates) > 0 {
					return fmt.Errorf("after destroy the emulator holds connections %v (orphans) and duplicates %v", orphans, duplicates)
				}
				return nil
			},
		})
		done++
	}
}

// faultConfig is one cycle's configuration: size.connections connections,
// with a sync on the first size.syncs when withSyncs, and the first
// size.changes renamed and given a prefix when changed.
func faultConfig(e *accEmulator, size faultCycle, cycle int, withSyncs, changed bool) string {
	src, dst := e.Source(0, 0), e.Destination(0, 0)
	var b strings.Builder
	b.WriteString(e.ProviderConfig())
	fmt.Fprintf(&b, `
resource "airbyte_connection" "c" {
  count          = %d
  name           = count.index < %d && %t ? "faults %d/${count.index} renamed" : "faults %d/${count.index}"
  prefix         = count.index < %d && %t ? "changed_" : "raw_"
  source_id      = %q
  destination_id = %q
  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 ${count.index} 3 * * ?"
  }
  configurations = {
    streams = [{ name = %q }]
  }
}
`, size.connections, size.changes, changed, cycle, cycle, size.changes, changed, src.SourceID, dst.DestinationID, src.Streams[0])
	if withSyncs {
		fmt.Fprintf(&b, `
resource "airbyte_run_sync" "s" {
  count         = %d
  connection_id = airbyte_connection.c[count.index].connection_id
  timeout       = "5m"
}
`, size.syncs)
	}
	return b.String()
}

// faultCheck compares the emulator with state after an apply.
func faultCheck(e *accEmulator) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]bool{}
		jobsInState := map[string]bool{}
		for _, r := range s.RootModule().Resources {
			switch r.Type {
			case "airbyte_connection":
				inState[r.Primary.ID] = true
			case "airbyte_run_sync":
				jobsInState[r.Primary.Attributes["job_id"]] = true
			}
		}
		snap := e.emu.Snapshot()
		orphans, duplicates := faultAudit(snap, inState)
		if len(orphans) > 0 || len(duplicates) > 0 {
			return fmt.Errorf("the emulator holds connections outside state %v and duplicates %v", orphans, duplicates)
		}
		active := 0
		for _, c := range snap.Connections {
			if c.Status != "deprecated" {
				active++
			}
		}
		if active != len(inState) {
			return fmt.Errorf("the emulator holds %d connections, state %d", active, len(inState))
		}
		// Every sync job of these connections was started by exactly one
		// airbyte_run_sync (jobs of earlier cycles' connections are left).
		for _, j := range snap.Jobs {
			if j.JobType == "sync" && inState[j.ConnectionID] && !jobsInState[strconv.FormatInt(j.JobID, 10)] {
				return fmt.Errorf("sync job %d of connection %s is not in state: a start was repeated", j.JobID, j.ConnectionID)
			}
		}
		return nil
	}
}

// faultAudit returns the active connections that are not in inState (every
// active connection when inState is nil) and the names that more than one
// connection, deleted or not, was created with: the suite gives every
// connection a name of its own, so a second one means a create was repeated.
func faultAudit(snap emulator.Snapshot, inState map[string]bool) (orphans, duplicates []string) {
	byName := map[string]int{}
	for _, c := range snap.Connections {
		byName[c.Name]++
		if c.Status != "deprecated" && !inState[c.ConnectionID] {
			orphans = append(orphans, c.ConnectionID)
		}
	}
	for name, n := range byName {
		if n > 1 {
			duplicates = append(duplicates, name)
		}
	}
	return orphans, duplicates
}

// holdFirstAnswer lets the emulator carry out the first request with the
// method whose path ends in suffix, then holds its answer back until the
// client gives up (a timeout or an interruption), after telling reached.
func holdFirstAnswer(method, suffix string, reached chan<- struct{}) func(http.Handler) http.Handler {
	var held atomic.Bool
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method || !strings.HasSuffix(r.URL.Path, suffix) || !held.CompareAndSwap(false, true) {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r)
			if reached != nil {
				close(reached)
			}
			<-r.Context().Done()
		})
	}
}

// refuseFirst answers the first n requests with the method whose path ends
// in suffix with a 503, without passing them on: nothing is made. It calls
// then, when not nil, before each refusal.
func refuseFirst(method, suffix string, n int32, then func()) func(http.Handler) http.Handler {
	var refused atomic.Int32
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == method && strings.HasSuffix(r.URL.Path, suffix) && refused.Add(1) <= n {
				if then != nil {
					then()
				}
				http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// faultTestResource is a connection resource on its own provider data, with
// the client's per-request timeout set to requestTimeout.
func faultTestResource(t *testing.T, e *accEmulator, requestTimeout time.Duration) *connectionResource {
	t.Helper()
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret,
		RequestTimeout: requestTimeout, RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &connectionResource{data: newProviderData(c, client.WallClock{}, e.Workspace(0).WorkspaceID)}
}

func faultCreateRequest(e *accEmulator, name string) client.ConnectionCreateRequest {
	return client.ConnectionCreateRequest{Name: name, SourceID: e.Source(0, 0).SourceID, DestinationID: e.Destination(0, 0).DestinationID}
}

// A create whose answer comes later than request_timeout was carried out:
// the connection it made is adopted, and the create is not sent again.
func TestSlowCreateAnswerIsAdopted(t *testing.T) {
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 71}, holdFirstAnswer(http.MethodPost, "/connections", nil))
	r := faultTestResource(t, e, 300*time.Millisecond)
	conn, diags := r.create(context.Background(), faultCreateRequest(e, "slow answer"))
	if diags.HasError() {
		t.Fatalf("create: %v", diags)
	}
	live := e.liveConnections()
	if len(live) != 1 || live[0].ConnectionID != conn.ConnectionID {
		t.Fatalf("the emulator holds %v, the create returned %s: want exactly the one adopted", live, conn.ConnectionID)
	}
	if n := e.emu.Stats().ByRoute["POST /connections"]; n != 1 {
		t.Fatalf("the create was sent %d times, want once", n)
	}
}

// A start whose answer comes later than request_timeout is adopted in the
// same way: one job, started once.
func TestSlowSyncStartAnswerIsAdopted(t *testing.T) {
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 72, SeedConnections: 1}, holdFirstAnswer(http.MethodPost, "/jobs", nil))
	r := faultTestResource(t, e, 300*time.Millisecond)
	connID := e.emu.Snapshot().Connections[0].ConnectionID
	job, err := r.data.syncs.start(context.Background(), syncRequest{ConnectionID: connID})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	jobs := e.emu.Snapshot().Jobs
	if len(jobs) != 1 || jobs[0].JobID != job.JobID {
		t.Fatalf("the emulator holds jobs %+v, the start returned %d: want exactly the one adopted", jobs, job.JobID)
	}
	if n := e.emu.Stats().ByRoute["POST /jobs"]; n != 1 {
		t.Fatalf("the start was sent %d times, want once", n)
	}
}

// A create refused before Airbyte acted (a 503 from a gateway) is, once a
// listing shows nothing was made, sent again; after maxUnsettledCreates
// such refusals it gives up with nothing made.
func TestRefusedCreateIsSentAgainWhenNothingWasMade(t *testing.T) {
	t.Run("succeeds on the third try", func(t *testing.T) {
		e := newAccEmulatorBehind(t, emulator.Options{Seed: 73}, refuseFirst(http.MethodPost, "/connections", maxUnsettledCreates-1, nil))
		r := faultTestResource(t, e, 5*time.Second)
		if _, diags := r.create(context.Background(), faultCreateRequest(e, "third time")); diags.HasError() {
			t.Fatalf("create: %v", diags)
		}
		if live := e.liveConnections(); len(live) != 1 {
			t.Fatalf("the emulator holds %d connections, want 1", len(live))
		}
	})
	t.Run("gives up", func(t *testing.T) {
		e := newAccEmulatorBehind(t, emulator.Options{Seed: 74}, refuseFirst(http.MethodPost, "/connections", maxUnsettledCreates, nil))
		r := faultTestResource(t, e, 5*time.Second)
		_, diags := r.create(context.Background(), faultCreateRequest(e, "never"))
		if !diags.HasError() || !strings.Contains(diagsText(diags), fmt.Sprintf("failed %d times", maxUnsettledCreates)) ||
			!strings.Contains(diagsText(diags), "nothing was created") {
			t.Fatalf("diagnostics %v", diags)
		}
		if live := e.liveConnections(); len(live) != 0 {
			t.Fatalf("the emulator holds %d connections, want none", len(live))
		}
	})
}

// Ctrl-C while a create's answer is outstanding returns promptly, and the
// connection the create made is still adopted, so state learns of it.
func TestInterruptedCreateIsAdopted(t *testing.T) {
	reached := make(chan struct{})
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 75}, holdFirstAnswer(http.MethodPost, "/connections", reached))
	r := faultTestResource(t, e, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-reached
		cancel()
	}()
	start := time.Now()
	conn, diags := r.create(ctx, faultCreateRequest(e, "interrupted"))
	if diags.HasError() {
		t.Fatalf("create: %v", diags)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the interrupted create took %v to return", d)
	}
	if live := e.liveConnections(); len(live) != 1 || live[0].ConnectionID != conn.ConnectionID {
		t.Fatalf("the emulator holds %v, the create returned %s", live, conn.ConnectionID)
	}
}

// Ctrl-C that arrives with a refusal of the create stops the retrying
// promptly, with a message that says nothing was made.
func TestInterruptedCreateRetryReportsNothingMade(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 76}, refuseFirst(http.MethodPost, "/connections", 1, cancel))
	r := faultTestResource(t, e, time.Minute)
	start := time.Now()
	_, diags := r.create(ctx, faultCreateRequest(e, "cancelled"))
	if !diags.HasError() || !strings.Contains(diagsText(diags), "Connection Create Interrupted") ||
		!strings.Contains(diagsText(diags), "nothing was created") {
		t.Fatalf("diagnostics %v", diags)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the interrupted create took %v to return", d)
	}
	if n := e.emu.Stats().ByRoute["POST /connections"]; n != 0 {
		t.Fatalf("the create reached Airbyte %d times after the interruption", n)
	}
	if live := e.liveConnections(); len(live) != 0 {
		t.Fatalf("the emulator holds %d connections, want none", len(live))
	}
}

func diagsText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}
