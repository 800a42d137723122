package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	ifRunningWait   = "wait"
	ifRunningFail   = "fail"
	ifRunningAttach = "attach"
)

// syncRequest says how to run one job: a sync, a clear or a refresh.
type syncRequest struct {
	ConnectionID string
	// JobType is a value of job_type; "" is a sync.
	JobType string
	// Streams limits a clear or a refresh to these streams; none is every stream.
	Streams []client.StreamDescriptor
	// RefreshMode is a value of refresh_mode, for a refresh.
	RefreshMode string
	// Wait makes run follow the job to its end; without it run returns the
	// job as soon as it started.
	Wait bool
	// Timeout bounds the whole wait, including waiting out another sync.
	Timeout         time.Duration
	CancelOnTimeout bool
	// IfRunning says what to do when the connection already runs a job.
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

// jobType is the request's job type, sync when not set.
func (q syncRequest) jobType() string {
	if q.JobType == "" {
		return jobTypeSync
	}
	return q.JobType
}

// syncErrorKind says how a sync went wrong.
type syncErrorKind int

const (
	syncStartFailed syncErrorKind = iota
	syncAlreadyRunning
	syncFailed
	syncTimedOut
	syncInterrupted
	syncBadStreams
)

// syncError is a sync that did not succeed. Job is the job as last seen,
// when there is one, so that callers can still record it.
type syncError struct {
	Kind      syncErrorKind
	Job       *client.Job
	Cancelled bool // the job was cancelled on our request
	// Waiting is true when Job is another sync that was to end before ours started.
	Waiting bool
	// Attached is true when Job is a job this run attached to rather than started.
	Attached bool
	// Outcome is the failed job's attempts summed up; nil when they could
	// not be read.
	Outcome *jobOutcome
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
		return fmt.Sprintf("job %d ended %s", e.Job.JobID, e.Job.Status)
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
	if e.Kind == syncBadStreams {
		return e.Err.Error()
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

// run starts the job the request asks for and, when asked, waits for its
// end. It returns the job as last seen, also alongside an error (a
// *syncError) whenever a job was started or attached to.
//
// A sync learns of a running job from Airbyte's refusal to start another.
// A clear or a refresh looks first: Airbyte would start a clear at once,
// cancelling the running job.
func (r *syncRunner) run(ctx context.Context, req syncRequest) (*client.Job, error) {
	started := r.clock.Now()
	deadline := started.Add(req.Timeout)
	req.Streams = slices.Clone(req.Streams)
	if err := r.resolveStreams(ctx, &req); err != nil {
		return nil, err
	}
	for waits := 0; ; waits++ {
		running, err := r.startUnlessRunning(ctx, req)
		if err != nil {
			return nil, err
		}
		if running.started {
			if !req.Wait {
				return running.job, nil
			}
			return r.follow(ctx, req, running.job, started, deadline, false)
		}
		other := running.job
		switch {
		case req.IfRunning == ifRunningFail:
			return nil, &syncError{Kind: syncAlreadyRunning, Job: other}
		case req.IfRunning == ifRunningAttach && runsAs(req.jobType(), other.JobType):
			tflog.Info(ctx, "a job of the same type is running; attaching to it instead of starting another", map[string]any{
				"connection_id": req.ConnectionID, "job_id": other.JobID})
			if !req.Wait {
				return other, nil
			}
			job, err := r.follow(ctx, req, other, started, deadline, false)
			var se *syncError
			if errors.As(err, &se) {
				se.Attached = true
			}
			return job, err
		case waits == maxRunningWaits:
			return nil, &syncError{Kind: syncStartFailed, Err: fmt.Errorf("the connection kept running other jobs: waited out %d of them", waits)}
		}
		tflog.Info(ctx, "another job is running; waiting for it to end before starting ours", map[string]any{
			"connection_id": req.ConnectionID, "job_id": other.JobID})
		if _, err := r.follow(ctx, req, other, started, deadline, true); err != nil {
			var se *syncError
			if errors.As(err, &se) && se.Kind == syncFailed {
				continue // the other job failed: ours can start now
			}
			return nil, err
		}
	}
}

// startResult is a job this run started, or the other job that kept it
// from starting.
type startResult struct {
	job     *client.Job
	started bool
}

// startUnlessRunning starts the request's job unless another job of the
// connection is running, and then returns that one.
func (r *syncRunner) startUnlessRunning(ctx context.Context, req syncRequest) (startResult, error) {
	failed := func(err error) error {
		if ctx.Err() != nil {
			return &syncError{Kind: syncInterrupted, Err: ctx.Err()}
		}
		return &syncError{Kind: syncStartFailed, Err: err}
	}
	if req.jobType() != jobTypeSync {
		running, err := r.runningJob(ctx, req.ConnectionID)
		switch {
		case err != nil:
			return startResult{}, failed(fmt.Errorf("looking for a running job: %w", err))
		case running != nil:
			return startResult{job: running}, nil
		}
		job, err := r.start(ctx, req)
		if err != nil {
			return startResult{}, failed(err)
		}
		return startResult{job: job, started: true}, nil
	}
	job, err := r.start(ctx, req)
	if err == nil {
		return startResult{job: job, started: true}, nil
	}
	if !client.IsConflict(err) {
		return startResult{}, failed(err)
	}
	// Another job is running on this connection.
	running, lookErr := r.runningJob(ctx, req.ConnectionID)
	if lookErr != nil {
		return startResult{}, &syncError{Kind: syncStartFailed, Err: fmt.Errorf("%w (and finding the running job failed: %v)", err, lookErr)}
	}
	if running == nil {
		// A conflict with no job running: Airbyte syncs only active
		// connections, and its message ("Could not fulfill request") does
		// not say so; the connection's status does.
		return startResult{}, &syncError{Kind: syncStartFailed, Err: err, ConnectionStatus: r.connectionStatus(ctx, req.ConnectionID)}
	}
	return startResult{job: running}, nil
}

// connectionStatus is the connection's status, or "" when it cannot be read.
func (r *syncRunner) connectionStatus(ctx context.Context, connectionID string) client.ConnectionStatus {
	conn, err := r.client.GetConnection(ctx, connectionID)
	if err != nil {
		return ""
	}
	return conn.Status
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
			if !job.Status.IsFailure() {
				return job, nil
			}
			serr := &syncError{Kind: syncFailed, Job: job, Waiting: waiting}
			if !waiting {
				serr.Outcome = jobOutcomeOf(ctx, r.client, job.JobID)
			}
			return job, serr
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
		// The cancel's answer has no figures; the job read again has what
		// it committed before it was cancelled.
		if last, getErr := r.client.GetJob(cctx, job.JobID); getErr == nil {
			serr.Job = last
		}
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
