package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// job is a sync, reset or refresh job; its lifecycle is in attempts.go.
type job struct {
	id           int64
	connectionID string
	jobType      string // sync, reset or refresh, as the public API names them
	createdAt    time.Time
	run          time.Duration // length of each attempt
	streams      []jobStream   // the connection's selected streams at creation; a reset's only those it resets
	// resetStreams are a reset's streamsToReset, as requested (they may
	// name streams the connection does not have).
	resetStreams []streamDescriptor
	// refreshStreams are a refresh's streamsToRefresh.
	refreshStreams []refreshRow
	failure        plannedFailure
	retries        retryCounts
	status         string    // pending, running, incomplete, succeeded, failed or cancelled
	updatedAt      time.Time // last status change
	next           time.Time // when the running attempt ends or the next one starts
	endedAt        time.Time // when it reached a terminal status
	attempts       []*attempt
	rows, bytes    int64 // committed figures once terminal
	// resetRowsCleared is set when a reset job's stream_reset rows are
	// deleted: on success or a manual cancellation.
	resetRowsCleared bool
}

// jobStream is a stream of a job's configured catalog.
type jobStream struct {
	descriptor  streamDescriptor
	fullRefresh bool
}

func (j *job) terminal() bool {
	return j.status == statusSucceeded || j.status == statusFailed || j.status == statusCancelled
}

// Messages of the public API's error mapping
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/errorHandlers/ConfigClientErrorHandler.kt):
// every IllegalStateException becomes conflictMessage, and a job id the
// persistence does not know becomes jobNotRunning.
const (
	conflictMessage = "Could not fulfill request"
	jobNotRunning   = "Job is not currently running"
	runnerDenied    = "Caller does not have the required WORKSPACE_RUNNER permissions to access the resource(s)."
)

// pendingPhase is how long a job of duration d stays pending: a tenth of
// it, and never more than a second. On the server the workflow creates the
// first attempt right after the job, so a job is pending only for a moment
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt).
func pendingPhase(d time.Duration) time.Duration {
	return min(d/10, time.Second)
}

// newJob creates a pending job for the connection at now. A sync takes the
// connection's planned failures.
func (e *Emulator) newJob(c *connection, jobType string, now time.Time) *job {
	d := e.faults.JobDuration
	pending := pendingPhase(d)
	j := &job{id: e.nextJobID, connectionID: c.id, jobType: jobType, createdAt: now, run: d - pending,
		status: statusPending, updatedAt: now, next: now.Add(pending), streams: []jobStream{}}
	for _, s := range c.streams {
		j.streams = append(j.streams, jobStream{descriptor: streamDescriptor{Name: s.name, Namespace: s.namespace},
			fullRefresh: s.syncMode != syncIncremental})
	}
	if jobType == "sync" || jobType == "refresh" {
		j.failure = e.takePlannedFailure(c.id)
	}
	e.nextJobID++
	e.jobs = append(e.jobs, j)
	return j
}

// activeJob is the connection's job that has not ended, if any.
func (e *Emulator) activeJob(connectionID string) *job {
	for _, j := range e.jobs {
		if j.connectionID == connectionID && !j.terminal() {
			return j
		}
	}
	return nil
}

// resetRowsLeft returns the stream_reset rows left for the connection: the
// streams of its latest reset job when that job neither succeeded nor was
// cancelled by hand (a reset cancelled because the connection was inactive,
// or replaced by another reset, keeps them). While there are any, the next
// job created is a reset of them
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt, createJob).
func (e *Emulator) resetRowsLeft(connectionID string) []streamDescriptor {
	for _, j := range slices.Backward(e.jobs) {
		if j.connectionID == connectionID && j.jobType == "reset" {
			if j.resetRowsCleared {
				return nil
			}
			return j.resetStreams
		}
	}
	return nil
}

// nextJob creates the job the connection manager workflow creates when a
// run starts (SchedulerHandler.createJob): a reset of the stream_reset
// rows if there are any, else a refresh of the stream_refreshes rows
// (which creating it deletes, DefaultJobCreator.createRefreshConnection),
// else a sync.
func (e *Emulator) nextJob(c *connection, now time.Time) *job {
	if rows := e.resetRowsLeft(c.id); len(rows) > 0 {
		return e.newResetJob(c, rows, now)
	}
	if rows := e.refreshes[c.id]; len(rows) > 0 {
		j := e.newJob(c, "refresh", now)
		j.refreshStreams = rows
		delete(e.refreshes, c.id)
		return j
	}
	return e.newJob(c, "sync", now)
}

// newResetJob creates a reset of the given streams plus any stream_reset
// rows left (the rows are a set per connection). Its configured catalog is
// the connection's streams among them (DefaultJobCreator.createResetConnectionJob,
// CatalogTransforms.updateCatalogForReset).
func (e *Emulator) newResetJob(c *connection, streams []streamDescriptor, now time.Time) *job {
	rows := slices.Clone(e.resetRowsLeft(c.id))
	for _, s := range streams {
		if !slices.Contains(rows, s) {
			rows = append(rows, s)
		}
	}
	j := e.newJob(c, "reset", now)
	j.resetStreams = rows
	j.streams = slices.DeleteFunc(j.streams, func(s jobStream) bool { return !slices.Contains(rows, s.descriptor) })
	return j
}

// allStreams is ConnectionService.getAllStreamsForConnection: the
// descriptors of the connection's configured streams.
func allStreams(c *connection) []streamDescriptor {
	out := []streamDescriptor{}
	for _, s := range c.streams {
		out = append(out, streamDescriptor{Name: s.name, Namespace: s.namespace})
	}
	return out
}

// jobView is a job's status, update time and figures at now.
type jobView struct {
	status      string
	updatedAt   time.Time
	rows, bytes *int64
}

func (e *Emulator) viewJob(j *job, now time.Time) jobView {
	r, b := j.rows, j.bytes
	if !j.terminal() {
		r, b = e.runningFigures(j, now)
	}
	return jobView{status: j.status, updatedAt: j.updatedAt, rows: &r, bytes: &b}
}

// jobResponse is JobResponse; lastUpdatedAt, duration and the figures are
// omitted while they have no value.
type jobResponse struct {
	JobID         int64  `json:"jobId"`
	Status        string `json:"status"`
	JobType       string `json:"jobType"`
	StartTime     string `json:"startTime"`
	ConnectionID  string `json:"connectionId"`
	LastUpdatedAt string `json:"lastUpdatedAt,omitempty"`
	Duration      string `json:"duration,omitempty"`
	BytesSynced   *int64 `json:"bytesSynced,omitempty"`
	RowsSynced    *int64 `json:"rowsSynced,omitempty"`
}

// jobJSON maps a job as JobResponseMapper.fromJobRead does
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/JobResponseMapper.kt):
// duration runs from creation to the last status change (so it does not
// grow while a job runs), lastUpdatedAt only for ended jobs. The figures are
// the aggregated stats, which GET /jobs and GET /jobs/{jobId} hydrate (0
// for a pending job) and POST and DELETE do not (withFigures false).
func (e *Emulator) jobJSON(j *job, now time.Time, withFigures bool) jobResponse {
	v := e.viewJob(j, now)
	out := jobResponse{JobID: j.id, Status: v.status, JobType: j.jobType, StartTime: javaTime(j.createdAt), ConnectionID: j.connectionID}
	if withFigures {
		out.RowsSynced, out.BytesSynced = v.rows, v.bytes
	}
	if v.status != statusPending {
		out.Duration = javaDuration(v.updatedAt.Unix() - j.createdAt.Unix())
	}
	if j.terminal() {
		out.LastUpdatedAt = javaTime(j.updatedAt)
	}
	return out
}

// javaTime formats like Java's OffsetDateTime.toString at UTC with second
// precision: seconds are left out when they are zero.
func javaTime(t time.Time) string {
	t = t.UTC().Truncate(time.Second)
	if t.Second() == 0 {
		return t.Format("2006-01-02T15:04Z")
	}
	return t.Format("2006-01-02T15:04:05Z")
}

// javaDuration formats whole seconds like Java's Duration.toString:
// "PT0S", "PT5M7S", "PT8H6M12S", "PT1H".
func javaDuration(secs int64) string {
	if secs == 0 {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteString("PT")
	if h := secs / 3600; h != 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m := secs % 3600 / 60; m != 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if s := secs % 60; s != 0 {
		fmt.Fprintf(&b, "%dS", s)
	}
	return b.String()
}

type jobCreateRequest struct {
	ConnectionID *string `json:"connectionId"`
	JobType      *string `json:"jobType"`
}

var jobTypes = []string{"sync", "reset", "refresh", "clear"}

// createJob serves POST /jobs
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/JobsController.kt,
// publicCreateJob; airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt).
func (e *Emulator) createJob(w http.ResponseWriter, r *http.Request, _ string) {
	var req jobCreateRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionID == nil || req.JobType == nil || !slices.Contains(jobTypes, *req.JobType) {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	c := e.connByID[*req.ConnectionID]
	if c == nil {
		e.writeUnknownFor(w, "connection", *req.ConnectionID, editorsDenied)
		return
	}
	if *req.JobType == "refresh" {
		writeProblem(w, unprocessable("Refreshes are not supported in the public API"))
		return
	}
	now := e.now()
	active := e.activeJob(c.id)
	if *req.JobType == "sync" {
		switch {
		case c.status != "active":
			// check(sync.status == ACTIVE) in submitManualSyncToWorker.
			writeProblem(w, stateConflict(conflictMessage))
		case active != nil && active.status != statusPending:
			writeProblem(w, tryAgainLater("A sync is already running for: "+c.id))
		case active != nil:
			// The server waits up to 60 s for a job other than the pending
			// one, which never comes, then fails with an IllegalStateException
			// (TemporalClient.startNewManualSyncAndWaitForJobId); the emulator
			// answers the same at once.
			writeProblem(w, stateConflict(conflictMessage))
		default:
			j := e.nextJob(c, now)
			e.recordJobStarted(j, nil, now) // submitManualSyncToWorker names no streams
			writeJSON(w, http.StatusOK, e.jobJSON(j, now, false))
		}
		return
	}
	// reset and clear both start a reset_connection job, with no status check.
	j, ok := e.startReset(c, allStreams(c), now)
	if !ok {
		// The deleted workflow cannot be signalled (TemporalClient.resetConnection).
		writeProblem(w, stateConflict(conflictMessage))
		return
	}
	writeJSON(w, http.StatusOK, e.jobJSON(j, now, false))
}

// startReset is TemporalClient.resetConnection: it writes stream_reset rows
// for the streams and signals the workflow, whose reset signal cancels the
// job under way so the reset runs next
// (ConnectionManagerWorkflowImpl.resetConnection). A deleted connection's
// workflow cannot be signalled: ok is false. With no rows at all the run
// the signal starts is whatever nextJob makes of it.
func (e *Emulator) startReset(c *connection, streams []streamDescriptor, now time.Time) (j *job, ok bool) {
	if c.status == "deprecated" {
		return nil, false
	}
	if active := e.activeJob(c.id); active != nil {
		e.cancelJobAt(active, now)
	}
	if len(streams) == 0 && len(e.resetRowsLeft(c.id)) == 0 {
		j = e.nextJob(c, now)
	} else {
		j = e.newResetJob(c, streams, now)
	}
	// submitResetConnectionToWorker logs the start with the streams asked for.
	e.recordJobStarted(j, &streams, now)
	return j, true
}

// findJob parses the jobId path value and writes the error response itself
// when there is no such job: the role check's 403 with denied, or for an
// instance admin the handler's "Could not find job with id" mapped to 409.
func (e *Emulator) findJob(w http.ResponseWriter, r *http.Request, denied string) *job {
	id, err := strconv.ParseInt(r.PathValue("jobId"), 10, 64)
	if err != nil {
		writeErrorID(w, http.StatusBadRequest)
		return nil
	}
	if j := e.jobByID(id); j != nil {
		return j
	}
	if e.opts.UnknownIDStatus == http.StatusNotFound {
		writeProblem(w, stateConflict(jobNotRunning))
	} else {
		writeProblem(w, forbiddenWith(denied))
	}
	return nil
}

func (e *Emulator) jobByID(id int64) *job {
	for _, j := range e.jobs {
		if j.id == id {
			return j
		}
	}
	return nil
}

func (e *Emulator) getJob(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if j := e.findJob(w, r, readerDenied); j != nil {
		writeJSON(w, http.StatusOK, e.jobJSON(j, e.now(), true))
	}
}

// cancelJob serves DELETE /jobs/{jobId}. The server signals the job's
// connection, not the job: whatever job of the connection is running (or
// between attempts) is cancelled, a pending one is left alone, and the
// requested job is answered as it then is, whatever its status
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt,
// submitCancellationToWorker; airbyte-commons-temporal/src/main/kotlin/io/airbyte/commons/temporal/TemporalClient.kt,
// startNewCancellation).
func (e *Emulator) cancelJob(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	j := e.findJob(w, r, runnerDenied)
	if j == nil {
		return
	}
	if c := e.connByID[j.connectionID]; c == nil || c.status == "deprecated" {
		writeProblem(w, stateConflict(conflictMessage)) // the connection's workflow is deleted
		return
	}
	now := e.now()
	before := finalSummary(j)
	before.RecordsLoaded, before.BytesLoaded = e.runningFigures(j, now)
	if active := e.activeJob(j.connectionID); active != nil && active.status != statusPending {
		e.cancelJobAt(active, now)
		active.resetRowsCleared = true
	}
	e.recordJobCancelled(before, j, now)
	writeJSON(w, http.StatusOK, e.jobJSON(j, now, false))
}
