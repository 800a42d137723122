package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// The polling schedule of a running job: the first look after
// firstPollInterval, each wait after that pollGrowth times longer, up to
// maxPollInterval, so a long sync costs few requests and its end is seen
// within maxPollInterval.
const (
	firstPollInterval = time.Second
	maxPollInterval   = 10 * time.Second
	pollGrowth        = 1.5
	// progressInterval is the longest time between two progress reports.
	progressInterval = 30 * time.Second
	// cancelTimeout bounds the request that cancels a job after the
	// caller's own context has ended.
	cancelTimeout = 30 * time.Second
	// maxRunningWaits bounds how many other syncs if_running = "wait" waits out.
	maxRunningWaits = 5
)

// Values of if_running.
const (
	ifRunningWait = "wait"
	ifRunningFail = "fail"
)

// syncRequest says how to run one sync.
type syncRequest struct {
	ConnectionID string
	// Wait makes run follow the job to its end; without it run returns the
	// job as soon as it started.
	Wait bool
	// Timeout bounds the whole wait, including waiting out another sync.
	Timeout         time.Duration
	CancelOnTimeout bool
	// IfRunning says what to do when the connection is already syncing.
	IfRunning string
	// Progress, when set, hears of the job at every status change and at
	// least every progressInterval while it runs.
	Progress func(syncProgress)
}

// syncProgress is one report on a running sync.
type syncProgress struct {
	Job     client.Job
	Elapsed time.Duration
	// Waiting is true while the job is another sync that runs first.
	Waiting bool
}

// syncErrorKind says how a sync went wrong.
type syncErrorKind int

const (
	syncStartFailed syncErrorKind = iota
	syncAlreadyRunning
	syncFailed
	syncTimedOut
	syncInterrupted
)

// syncError is a sync that did not succeed. Job is the job as last seen,
// when there is one, so that callers can still record it.
type syncError struct {
	Kind      syncErrorKind
	Job       *client.Job
	Cancelled bool // the job was cancelled on our request
	// Waiting is true when Job is another sync that was to end before ours started.
	Waiting bool
	Timeout time.Duration
	Err     error
	// ConnectionStatus is the connection's status when Airbyte refused to
	// start a sync with no other sync running; "" when not known.
	ConnectionStatus client.ConnectionStatus
}

func (e *syncError) Error() string {
	switch e.Kind {
	case syncAlreadyRunning:
		return fmt.Sprintf("another sync (job %d) is already running on this connection, and if_running is \"fail\"", e.Job.JobID)
	case syncFailed:
		return fmt.Sprintf("sync job %d ended %s", e.Job.JobID, e.Job.Status)
	case syncTimedOut:
		if e.Waiting {
			return fmt.Sprintf("another sync (job %d) was still running after %s, so this sync was not started", e.Job.JobID, e.Timeout)
		}
		what := "it is still running"
		if e.Cancelled {
			what = "it was cancelled"
		} else if e.Job != nil && e.Job.IsTerminal() {
			what = "it ended " + string(e.Job.Status) + " meanwhile"
		}
		return fmt.Sprintf("sync job %d did not finish within %s; %s", e.Job.JobID, e.Timeout, what)
	case syncInterrupted:
		what := "it is still running"
		if e.Waiting {
			what = "another sync was running and this one was not started"
		}
		if e.Cancelled {
			what = "it was cancelled"
		}
		id := "not started"
		if e.Job != nil {
			id = fmt.Sprintf("job %d", e.Job.JobID)
		}
		return fmt.Sprintf("the wait for the sync (%s) was interrupted; %s", id, what)
	}
	return fmt.Sprintf("starting a sync failed: %v", e.Err)
}

func (e *syncError) Unwrap() error { return e.Err }

// syncRunner starts sync jobs and follows them. The run_sync resource and
// the run_sync action both run their syncs through it.
type syncRunner struct {
	client *client.Client
	clock  client.Clock
}

// run starts a sync of the connection and, when asked, waits for its end.
// It returns the job as last seen, also alongside an error (a *syncError)
// whenever a job was started.
func (r *syncRunner) run(ctx context.Context, req syncRequest) (*client.Job, error) {
	started := r.clock.Now()
	deadline := started.Add(req.Timeout)
	for waits := 0; ; waits++ {
		job, err := r.start(ctx, req.ConnectionID)
		if err == nil {
			if !req.Wait {
				return job, nil
			}
			return r.follow(ctx, req, job, started, deadline, false)
		}
		if !client.IsConflict(err) {
			if ctx.Err() != nil {
				return nil, &syncError{Kind: syncInterrupted, Err: ctx.Err()}
			}
			return nil, &syncError{Kind: syncStartFailed, Err: err}
		}
		// Another sync is running on this connection.
		running, lookErr := r.runningJob(ctx, req.ConnectionID)
		if lookErr != nil {
			return nil, &syncError{Kind: syncStartFailed, Err: fmt.Errorf("%w (and finding the running job failed: %v)", err, lookErr)}
		}
		if running == nil {
			// A conflict with no sync running: Airbyte syncs only active
			// connections, and its message ("Could not fulfill request") does
			// not say so; the connection's status does.
			return nil, &syncError{Kind: syncStartFailed, Err: err, ConnectionStatus: r.connectionStatus(ctx, req.ConnectionID)}
		}
		if req.IfRunning == ifRunningFail {
			return nil, &syncError{Kind: syncAlreadyRunning, Job: running}
		}
		if waits == maxRunningWaits {
			return nil, &syncError{Kind: syncStartFailed, Err: fmt.Errorf("the connection kept syncing: waited out %d other syncs: %w", waits, err)}
		}
		tflog.Info(ctx, "another sync is running; waiting for it to end before starting ours", map[string]any{
			"connection_id": req.ConnectionID, "job_id": running.JobID})
		if _, err := r.follow(ctx, req, running, started, deadline, true); err != nil {
			var se *syncError
			if errors.As(err, &se) && se.Kind == syncFailed {
				continue // the other sync failed: ours can start now
			}
			return nil, err
		}
	}
}

// connectionStatus is the connection's status, or "" when it cannot be read.
func (r *syncRunner) connectionStatus(ctx context.Context, connectionID string) client.ConnectionStatus {
	conn, err := r.client.GetConnection(ctx, connectionID)
	if err != nil {
		return ""
	}
	return conn.Status
}

// maxUnsettledStarts is how many sync starts with an unknown outcome, each
// shown by the job history to have started nothing, are tried before giving
// up.
const maxUnsettledStarts = 3

// start creates a sync job. A start whose outcome is unknown (the response
// was lost) is settled by looking for the job it may have made, so that a
// retry never starts a second sync; when it made none, the start is sent
// again.
func (r *syncRunner) start(ctx context.Context, connectionID string) (*client.Job, error) {
	for attempt := 1; ; attempt++ {
		since := r.clock.Now().Add(-5 * time.Second) // allowing for clock skew between here and Airbyte
		job, err := r.client.CreateJob(ctx, connectionID, client.JobTypeSync)
		if !client.IsAmbiguous(err) {
			return job, err
		}
		tflog.Warn(ctx, "starting the sync had an unknown outcome; looking for the job it may have made",
			map[string]any{"connection_id": connectionID, "error": err.Error()})
		lookCtx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			// Interrupted after the start may have reached Airbyte: look
			// anyway, briefly, so that a job that was started is known (and
			// cancelled by the caller) rather than left running unseen.
			lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
		}
		found, lookErr := r.jobSince(lookCtx, connectionID, since)
		cancel()
		switch {
		case lookErr != nil:
			return nil, fmt.Errorf("%w; looking for the job it may have started failed too: %v. "+
				"Check the connection's job history before starting another sync", err, lookErr)
		case found != nil:
			tflog.Info(ctx, "adopted the sync job the failed start made", map[string]any{"job_id": found.JobID})
			return found, nil
		case attempt == maxUnsettledStarts || ctx.Err() != nil:
			return nil, fmt.Errorf("starting the sync failed %d times and the job history shows none of them started a job: %w", attempt, err)
		}
		// Nothing was started: starting again makes the only job.
	}
}

// jobSince returns the newest sync job of the connection created at or after since.
func (r *syncRunner) jobSince(ctx context.Context, connectionID string, since time.Time) (*client.Job, error) {
	page, err := r.client.ListJobs(ctx, client.ListJobsParams{
		ConnectionID: connectionID, JobType: client.JobTypeSync, OrderBy: client.OrderByCreatedAtDesc, Limit: 5,
	})
	if err != nil {
		return nil, err
	}
	for _, j := range page.Data {
		// startTime has whole seconds: compare at that precision.
		if t, err := client.ParseAirbyteTime(j.StartTime); err == nil && !t.Before(since.Truncate(time.Second)) {
			return &j, nil
		}
	}
	return nil, nil
}

// runningJob returns the newest job of the connection that has not ended.
func (r *syncRunner) runningJob(ctx context.Context, connectionID string) (*client.Job, error) {
	page, err := r.client.ListJobs(ctx, client.ListJobsParams{
		ConnectionID: connectionID, OrderBy: client.OrderByCreatedAtDesc, Limit: 10,
	})
	if err != nil {
		return nil, err
	}
	for _, j := range page.Data {
		if !j.IsTerminal() {
			return &j, nil
		}
	}
	return nil, nil
}

// follow polls the job until it ends, the deadline passes or ctx ends.
func (r *syncRunner) follow(ctx context.Context, req syncRequest, job *client.Job, started, deadline time.Time, waiting bool) (*client.Job, error) {
	interval := firstPollInterval
	lastStatus := client.JobStatus("")
	var lastReport time.Time
	for {
		now := r.clock.Now()
		if req.Progress != nil && (job.Status != lastStatus || now.Sub(lastReport) >= progressInterval) {
			req.Progress(syncProgress{Job: *job, Elapsed: now.Sub(started), Waiting: waiting})
			lastReport = now
		}
		if job.Status != lastStatus {
			tflog.Info(ctx, "sync job status", map[string]any{
				"connection_id": req.ConnectionID, "job_id": job.JobID, "status": string(job.Status),
				"rows_synced": job.RowsSynced, "bytes_synced": job.BytesSynced, "elapsed": now.Sub(started).Round(time.Second).String()})
			lastStatus = job.Status
		}
		if job.IsTerminal() {
			if job.Status.IsFailure() {
				return job, &syncError{Kind: syncFailed, Job: job}
			}
			return job, nil
		}
		if !now.Before(deadline) {
			return r.stop(ctx, req, job, &syncError{Kind: syncTimedOut, Job: job, Timeout: req.Timeout, Waiting: waiting})
		}
		wait := min(interval, deadline.Sub(now))
		if req.Progress != nil {
			// Look again in time for the next report to be due at most progressInterval after the last.
			wait = min(wait, max(lastReport.Add(progressInterval).Sub(now), 0))
		}
		if err := r.clock.Sleep(ctx, wait); err != nil {
			return r.stop(ctx, req, job, &syncError{Kind: syncInterrupted, Job: job, Err: err, Waiting: waiting})
		}
		interval = min(time.Duration(float64(interval)*pollGrowth), maxPollInterval)
		next, err := r.client.GetJob(ctx, job.JobID)
		switch {
		case err != nil && ctx.Err() != nil:
			return r.stop(ctx, req, job, &syncError{Kind: syncInterrupted, Job: job, Err: ctx.Err(), Waiting: waiting})
		case err != nil:
			// A failed look is not a failed sync: keep following it, within the deadline.
			tflog.Warn(ctx, "reading the sync job failed; trying again", map[string]any{"job_id": job.JobID, "error": err.Error()})
		default:
			job = next
		}
	}
}

// stop ends a wait that timed out or was interrupted: it cancels the job
// when asked (never another sync we were only waiting out), and returns
// the job as last seen with the error.
func (r *syncRunner) stop(ctx context.Context, req syncRequest, job *client.Job, serr *syncError) (*client.Job, error) {
	if !req.CancelOnTimeout || serr.Waiting {
		return job, serr
	}
	// The caller's context may be over; the cancel request gets its own.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	cancelled, err := r.client.CancelJob(cctx, job.JobID)
	switch {
	case err == nil:
		serr.Job, serr.Cancelled = cancelled, true
		tflog.Info(ctx, "cancelled the sync job", map[string]any{"job_id": job.JobID})
	case client.IsConflict(err):
		// It ended on its own in the meantime.
		if last, getErr := r.client.GetJob(cctx, job.JobID); getErr == nil {
			serr.Job = last
		}
	default:
		serr.Err = errors.Join(serr.Err, fmt.Errorf("cancelling job %d failed: %w", job.JobID, err))
	}
	return serr.Job, serr
}
