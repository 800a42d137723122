package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// runnerFixture is a sync runner against an emulator, both on one test clock.
type runnerFixture struct {
	e      *accEmulator
	clk    *testClock
	runner *syncRunner
	connID string
}

func newRunnerFixture(t *testing.T, opts emulator.Options, front func(http.Handler) http.Handler) *runnerFixture {
	t.Helper()
	clk := newTestClock()
	opts.Now = clk.Now
	e := newAccEmulatorBehind(t, opts, front)
	c, err := client.New(client.Config{
		ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Clock: clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The Stripe source suggests streams, so the connection syncs some
	// (a Postgres connection created without streams would have none).
	conn, err := c.CreateConnection(context.Background(), client.ConnectionCreateRequest{
		Name: "synced", SourceID: e.Source(0, 1).SourceID, DestinationID: e.Destination(0, 0).DestinationID,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &runnerFixture{e: e, clk: clk, runner: &syncRunner{client: c, clock: clk}, connID: conn.ConnectionID}
}

func (f *runnerFixture) request() syncRequest {
	return syncRequest{ConnectionID: f.connID, Wait: true, Timeout: 30 * time.Minute, CancelOnTimeout: true, IfRunning: ifRunningWait}
}

// jobs returns the emulator's jobs of the fixture's connection, oldest first.
func (f *runnerFixture) jobs() []emulator.SnapshotJob {
	var out []emulator.SnapshotJob
	for _, j := range f.e.emu.Snapshot().Jobs {
		if j.ConnectionID == f.connID {
			out = append(out, j)
		}
	}
	return out
}

func TestSyncRunnerSucceedsAndReportsProgress(t *testing.T) {
	f := newRunnerFixture(t, emulator.Options{Seed: 41, JobDuration: 3 * time.Minute}, nil)
	var reports []syncProgress
	req := f.request()
	req.Progress = func(p syncProgress) { reports = append(reports, p) }
	job, err := f.runner.run(context.Background(), req)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if job.Status != client.JobStatusSucceeded || job.RowsSynced == 0 || job.BytesSynced == 0 {
		t.Fatalf("job = %+v, want succeeded with rows and bytes", job)
	}
	var statuses []string
	for _, r := range reports {
		if len(statuses) == 0 || statuses[len(statuses)-1] != string(r.Job.Status) {
			statuses = append(statuses, string(r.Job.Status))
		}
	}
	if got := strings.Join(statuses, ">"); got != "pending>running>succeeded" && got != "running>succeeded" {
		t.Fatalf("progress went %s, want every status change reported", got)
	}
	for i := 1; i < len(reports); i++ {
		gap := reports[i].Elapsed - reports[i-1].Elapsed
		if gap > progressInterval {
			t.Fatalf("%s passed between two progress reports; at most %s may", gap, progressInterval)
		}
	}
	if last := reports[len(reports)-1]; last.Job.Status != client.JobStatusSucceeded {
		t.Fatalf("the last report is %s, want succeeded", last.Job.Status)
	}
}

// TestSyncRunnerPollingCost measures what following a 10-minute sync costs:
// how many times the job is read and how late its end is seen.
func TestSyncRunnerPollingCost(t *testing.T) {
	f := newRunnerFixture(t, emulator.Options{Seed: 42, JobDuration: 10 * time.Minute}, nil)
	begin := f.clk.Now()
	f.e.emu.ResetStats()
	job, err := f.runner.run(context.Background(), f.request())
	if err != nil {
		t.Fatal(err)
	}
	polls := f.e.emu.Stats().ByRoute["GET /jobs/{jobId}"]
	lateBy := f.clk.Now().Sub(begin) - 10*time.Minute
	t.Logf("a 10-minute sync: %d job polls, end seen %s after it happened", polls, lateBy)
	if polls > 80 {
		t.Errorf("following a 10-minute sync read the job %d times, want at most 80", polls)
	}
	if lateBy > maxPollInterval {
		t.Errorf("the end of the sync was seen %s late, want at most %s", lateBy, maxPollInterval)
	}
	if job.Status != client.JobStatusSucceeded {
		t.Errorf("status %s", job.Status)
	}
}

func TestSyncRunnerReportsAFailedJob(t *testing.T) {
	f := newRunnerFixture(t, emulator.Options{Seed: 43}, nil)
	if err := f.e.emu.FailNextSync(f.connID); err != nil {
		t.Fatal(err)
	}
	job, err := f.runner.run(context.Background(), f.request())
	var serr *syncError
	if !errors.As(err, &serr) || serr.Kind != syncFailed || job == nil || job.Status != client.JobStatusFailed {
		t.Fatalf("run = %+v, %v; want a failed job and a syncFailed error", job, err)
	}
}

func TestSyncRunnerTimeout(t *testing.T) {
	for _, cancel := range []bool{true, false} {
		// Pending for the first tenth of its 30 minutes, running after that.
		f := newRunnerFixture(t, emulator.Options{Seed: 44, JobDuration: 30 * time.Minute}, nil)
		req := f.request()
		req.Timeout, req.CancelOnTimeout = 5*time.Minute, cancel
		begin := f.clk.Now()
		job, err := f.runner.run(context.Background(), req)
		var serr *syncError
		if !errors.As(err, &serr) || serr.Kind != syncTimedOut || serr.Cancelled != cancel {
			t.Fatalf("cancel_on_timeout=%v: err = %v, want a timeout (cancelled: %v)", cancel, err, cancel)
		}
		if waited := f.clk.Now().Sub(begin); waited < 5*time.Minute || waited > 5*time.Minute+maxPollInterval {
			t.Fatalf("gave up after %s, want 5m", waited)
		}
		want := "running"
		if cancel {
			want = "cancelled"
		}
		if got := f.jobs()[0].Status; got != want || string(job.Status) != want {
			t.Fatalf("cancel_on_timeout=%v: job is %s in the emulator and %s in the result, want %s", cancel, got, job.Status, want)
		}
		if !strings.Contains(err.Error(), "did not finish within 5m0s") {
			t.Fatalf("message %q does not say what happened", err)
		}
	}
}

func TestSyncRunnerIfRunning(t *testing.T) {
	f := newRunnerFixture(t, emulator.Options{Seed: 45, JobDuration: 20 * time.Minute}, nil)
	other, err := f.runner.client.CreateJob(context.Background(), f.connID, client.JobTypeSync)
	if err != nil {
		t.Fatal(err)
	}

	req := f.request()
	req.IfRunning = ifRunningFail
	_, err = f.runner.run(context.Background(), req)
	var serr *syncError
	if !errors.As(err, &serr) || serr.Kind != syncAlreadyRunning || serr.Job.JobID != other.JobID {
		t.Fatalf("if_running=fail: err = %v, want syncAlreadyRunning naming job %d", err, other.JobID)
	}
	if n := len(f.jobs()); n != 1 {
		t.Fatalf("if_running=fail started a job: %d jobs", n)
	}

	// A timeout while waiting out the other sync never cancels it.
	req = f.request()
	req.Timeout = 2 * time.Minute
	_, err = f.runner.run(context.Background(), req)
	if !errors.As(err, &serr) || serr.Kind != syncTimedOut || !serr.Waiting || serr.Cancelled {
		t.Fatalf("timeout while waiting: err = %v", err)
	}
	if got := f.jobs()[0].Status; got != "running" {
		t.Fatalf("the other sync is %s; a wait for it must not cancel it", got)
	}

	// The timeout covers the wait for the other sync too.
	req = f.request()
	req.Timeout = time.Hour
	job, err := f.runner.run(context.Background(), req)
	if err != nil {
		t.Fatalf("if_running=wait: %v", err)
	}
	jobs := f.jobs()
	if len(jobs) != 2 || jobs[0].Status != "succeeded" || jobs[1].Status != "succeeded" || jobs[1].JobID != job.JobID {
		t.Fatalf("jobs = %+v; want the other sync to finish and then ours", jobs)
	}
}

func TestSyncRunnerWithoutWait(t *testing.T) {
	f := newRunnerFixture(t, emulator.Options{Seed: 46, JobDuration: time.Hour}, nil)
	req := f.request()
	req.Wait = false
	begin := f.clk.Now()
	job, err := f.runner.run(context.Background(), req)
	if err != nil || job.IsTerminal() || !f.clk.Now().Equal(begin) {
		t.Fatalf("run = %+v, %v after %s; want the started job at once", job, err, f.clk.Now().Sub(begin))
	}
}

// TestSyncRunnerInterrupted: a cancelled context (Ctrl-C) ends the wait at
// once and cancels the job, even though the context is over.
func TestSyncRunnerInterrupted(t *testing.T) {
	f := newRunnerFixture(t, emulator.Options{Seed: 47, JobDuration: time.Hour}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	req := f.request()
	req.Progress = func(p syncProgress) {
		if p.Job.Status == client.JobStatusRunning {
			cancel()
		}
	}
	job, err := f.runner.run(ctx, req)
	var serr *syncError
	if !errors.As(err, &serr) || serr.Kind != syncInterrupted || !serr.Cancelled {
		t.Fatalf("err = %v, want an interrupted, cancelled sync", err)
	}
	if job.Status != client.JobStatusCancelled || f.jobs()[0].Status != "cancelled" {
		t.Fatalf("job %s, emulator %s; want cancelled", job.Status, f.jobs()[0].Status)
	}
}

// TestSyncRunnerLostStartResponse: a start whose response is lost is not
// repeated; the job it made is found and followed.
func TestSyncRunnerLostStartResponse(t *testing.T) {
	var lost atomic.Bool
	f := newRunnerFixture(t, emulator.Options{Seed: 48}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/jobs") && lost.CompareAndSwap(false, true) {
				next.ServeHTTP(httptest.NewRecorder(), r) // the job starts; its response is lost
				w.WriteHeader(http.StatusGatewayTimeout)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	job, err := f.runner.run(context.Background(), f.request())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	jobs := f.jobs()
	if len(jobs) != 1 || jobs[0].JobID != job.JobID || job.Status != client.JobStatusSucceeded {
		t.Fatalf("jobs = %+v, result %+v; want the one job the lost start made, followed to its end", jobs, job)
	}
}
