package emulator

import (
	"time"
)

// A job's life follows the server's connection manager workflow
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt):
// pending until its first attempt is created, running while an attempt
// runs, incomplete between a failed attempt and the next one, then
// succeeded, failed or cancelled. The job's updatedAt moves only when its
// status changes
// (airbytehq/airbyte-platform@310e6cb: airbyte-persistence/job-persistence/src/main/kotlin/io/airbyte/persistence/job/DefaultJobPersistence.kt).

// Retry policy for attempts that fail without committing anything: five
// successive complete failures end the job, with a back-off of 10 s × 3^(n-1),
// at most 30 min, before attempt n+1
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/resources/application.yml, airbyte.retries;
// airbyte-commons-temporal/src/main/kotlin/io/airbyte/commons/temporal/scheduling/retries/RetryManager.kt, BackoffPolicy.kt).
const (
	maxSuccessiveCompleteFailures = 5
	backoffMinInterval            = 10 * time.Second
	backoffMaxInterval            = 30 * time.Minute
	backoffBase                   = 3
)

// completeFailureBackoff is the wait after the n-th successive complete failure.
func completeFailureBackoff(n int) time.Duration {
	d := backoffMinInterval
	for i := 1; i < n && d < backoffMaxInterval; i++ {
		d *= backoffBase
	}
	return min(d, backoffMaxInterval)
}

// Job and attempt statuses.
const (
	statusPending    = "pending"
	statusRunning    = "running"
	statusIncomplete = "incomplete"
	statusSucceeded  = "succeeded"
	statusFailed     = "failed"
	statusCancelled  = "cancelled"
)

// attempt is one run of a job. Attempts are numbered from 0.
type attempt struct {
	number               int
	status               string // running, failed or succeeded
	createdAt, updatedAt time.Time
	endedAt              time.Time // zero while running
	output               bool      // a sync output (stats) was written
	rows, bytes          int64     // committed, when output is set
	failures             []failureReason
	partialSuccess       *bool
}

// failureReason is the Config API's FailureReason; timestamp is in
// milliseconds.
type failureReason struct {
	FailureOrigin   string `json:"failureOrigin,omitempty"`
	FailureType     string `json:"failureType,omitempty"`
	ExternalMessage string `json:"externalMessage,omitempty"`
	InternalMessage string `json:"internalMessage,omitempty"`
	Stacktrace      string `json:"stacktrace,omitempty"`
	Retryable       *bool  `json:"retryable,omitempty"`
	Timestamp       int64  `json:"timestamp"`
	// stream is stored with the failure, but JobConverter and
	// ConnectionsHandler.mapFailureReason leave it out of every answer.
	stream *streamDescriptor
}

// cancellationFailure is added to the attempt a cancellation ends
// (FailureHelper.kt, failureSummaryForCancellation).
func cancellationFailure(t time.Time) failureReason {
	return failureReason{FailureType: "manual_cancellation",
		InternalMessage: "Setting attempt to FAILED because the job was cancelled",
		ExternalMessage: "This attempt was cancelled", Timestamp: t.UnixMilli()}
}

// succeeds reports whether attempt n of the job will succeed if it runs to its end.
func (j *job) succeeds(n int) bool { return !j.failure.fails(n) }

func (j *job) current() *attempt {
	if len(j.attempts) == 0 {
		return nil
	}
	return j.attempts[len(j.attempts)-1]
}

// advanceJobs moves every live job through the transitions that are due
// by now. Callers hold e.mu. Jobs need no goroutines: every request that
// looks at jobs, connections or state advances them first, so a
// transition sees the connection as it was at that moment.
func (e *Emulator) advanceJobs() {
	now := e.now()
	for _, j := range e.jobs {
		for !j.terminal() && !now.Before(j.next) {
			if j.status == statusRunning {
				e.endAttempt(j, j.next)
			} else {
				e.startAttempt(j, j.next)
			}
		}
	}
}

// startAttempt creates the job's next attempt at t. The first attempt
// clears state (AttemptHandler.createNewAttemptNumber); then the sync
// workflow returns a cancelled run when the connection is inactive or
// locked (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/sync/SyncWorkflowV2Impl.kt).
func (e *Emulator) startAttempt(j *job, t time.Time) {
	j.attempts = append(j.attempts, &attempt{number: len(j.attempts), status: statusRunning, createdAt: t, updatedAt: t})
	j.status, j.updatedAt, j.next = statusRunning, t, t.Add(j.run)
	if len(j.attempts) == 1 {
		e.clearStateForFirstAttempt(j)
	}
	if c := e.connByID[j.connectionID]; c != nil && (c.status == "inactive" || c.status == "locked") {
		e.cancelJobAt(j, t)
	}
}

// endAttempt ends the running attempt at t as planned.
func (e *Emulator) endAttempt(j *job, t time.Time) {
	a := j.current()
	a.updatedAt, a.endedAt = t, t
	if j.succeeds(a.number) {
		a.status, a.output = statusSucceeded, true
		a.rows, a.bytes = e.finalFigures(j)
		j.rows, j.bytes = j.rows+a.rows, j.bytes+a.bytes
		j.finish(statusSucceeded, t)
		j.resetRowsCleared = true
		e.recordSuccess(j)
		e.recordJobSucceeded(j)
		return
	}
	// The attempt's output holds what it committed; partialSuccess is
	// recordsCommitted > 0 (ConnectionManagerWorkflowImpl.getFailStatus).
	f := j.failure
	reason := f.reason
	reason.Timestamp = t.UnixMilli()
	a.status, a.failures = statusFailed, []failureReason{reason}
	if f.partial {
		a.output = true
		a.rows, a.bytes = e.partialFigures(j)
		j.rows, j.bytes = j.rows+a.rows, j.bytes+a.bytes
	}
	progress := a.rows > 0
	a.partialSuccess = &progress
	j.retries.add(progress)
	if f.configError() || !j.retries.shouldRetry(e.opts.SyncRetries.withDefaults()) {
		j.finish(statusFailed, t)
		e.recordJobFailed(j)
		return
	}
	j.status, j.updatedAt, j.next = statusIncomplete, t, t.Add(j.retries.backoff())
}

// cancelJobAt cancels a live job at t: its running attempt fails with a
// manual_cancellation failure and keeps the figures committed so far
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/JobsHandler.kt,
// persistJobCancellation). A job between attempts has no attempt to fail.
func (e *Emulator) cancelJobAt(j *job, t time.Time) {
	if j.status == statusRunning {
		a := j.current()
		a.status, a.updatedAt, a.endedAt = statusFailed, t, t
		a.failures = append(a.failures, cancellationFailure(t))
		j.rows, j.bytes = e.runningFigures(j, t)
	}
	j.finish(statusCancelled, t)
}

// cancel cancels the live job of a connection being deleted. The server's
// deleteConnection signal cancels a running job; a pending one would run
// on, but there it is pending for a fraction of a second, and here for up
// to a second (pendingPhase), so it is cancelled too.
func (e *Emulator) cancel(j *job, now time.Time) { e.cancelJobAt(j, now) }

func (j *job) finish(status string, t time.Time) {
	j.status, j.updatedAt, j.endedAt = status, t, t
}

// runningFigures are the rows and bytes the job has committed at t: those
// of its ended attempts plus a share of what the running attempt will
// commit (nothing for an attempt that fails completely).
func (e *Emulator) runningFigures(j *job, t time.Time) (rows, bytes int64) {
	rows, bytes = j.rows, j.bytes
	a := j.current()
	if j.status != statusRunning || a == nil || j.run <= 0 {
		return rows, bytes
	}
	p := min(float64(t.Sub(a.createdAt))/float64(j.run), 1)
	if p <= 0 {
		return rows, bytes
	}
	var r, b int64
	switch {
	case j.succeeds(a.number):
		r, b = e.finalFigures(j)
	case j.failure.partial:
		r, b = e.partialFigures(j)
	}
	return rows + int64(float64(r)*p), bytes + int64(float64(b)*p)
}

// partialFigures are what an attempt that fails after some progress
// commits: a third of a full sync's figures.
func (e *Emulator) partialFigures(j *job) (rows, bytes int64) {
	rows, bytes = e.finalFigures(j)
	return rows / 3, bytes / 3
}

// finalFigures are the rows and bytes a successful sync attempt commits,
// deterministic from the seed and the job id; resets and syncs of no
// streams commit nothing.
func (e *Emulator) finalFigures(j *job) (rows, bytes int64) {
	if j.jobType == "reset" || len(j.streams) == 0 {
		return 0, 0
	}
	h := splitmix(uint64(e.opts.Seed)*0x9e3779b97f4a7c15 ^ uint64(j.id))
	rows = int64(100 + h%9900)
	bytes = rows * int64(120+(h>>32)%400)
	return rows, bytes
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// clearStateForFirstAttempt deletes state when a job's first attempt is
// created: a reset deletes its streams' state, a sync its full_refresh
// streams' state, a refresh both its refreshed and its full_refresh
// streams' state, whatever the refresh mode
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/AttemptHandler.kt,
// updateGenerationAndStateForFirstAttempt).
func (e *Emulator) clearStateForFirstAttempt(j *job) {
	del := map[streamDescriptor]bool{}
	for _, s := range j.streams {
		if j.jobType != "reset" && s.fullRefresh {
			del[s.descriptor] = true
		}
	}
	for _, s := range j.resetStreams {
		del[s] = true
	}
	for _, r := range j.refreshStreams {
		del[r.descriptor] = true
	}
	e.bulkDeleteState(j.connectionID, del)
}

// bulkDeleteState removes the state of the given streams; it erases the
// whole state when they are every stream in the state or every stream of
// the connection
// (airbytehq/airbyte-platform@310e6cb: airbyte-config/config-persistence/src/main/kotlin/io/airbyte/config/persistence/StatePersistence.kt,
// bulkDelete).
func (e *Emulator) bulkDeleteState(connectionID string, del map[streamDescriptor]bool) {
	st := e.states[connectionID]
	if len(del) == 0 || st == nil {
		return
	}
	var list *[]streamState
	switch {
	case st.StateType == "stream":
		list = &st.StreamState
	case st.StateType == "global" && st.GlobalState != nil:
		list = &st.GlobalState.StreamStates
	default:
		delete(e.states, connectionID)
		return
	}
	inState := map[streamDescriptor]bool{}
	for _, s := range *list {
		inState[s.StreamDescriptor] = true
	}
	all := map[streamDescriptor]bool{}
	if c := e.connByID[connectionID]; c != nil {
		for _, s := range c.streams {
			all[streamDescriptor{Name: s.name, Namespace: s.namespace}] = true
		}
	}
	if sameSet(inState, del) || len(all) == 0 || sameSet(all, del) {
		delete(e.states, connectionID)
		return
	}
	kept := []streamState{}
	for _, s := range *list {
		if !del[s.StreamDescriptor] {
			kept = append(kept, s)
		}
	}
	*list = kept
}

func sameSet(a, b map[streamDescriptor]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
