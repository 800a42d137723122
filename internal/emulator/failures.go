package emulator

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Planned sync failures and the server's retry policy.
//
// A failing attempt records one FailureReason, as a connector's error trace
// message becomes one (airbytehq/airbyte-platform@310e6cb: airbyte-commons-worker/src/main/kotlin/io/airbyte/workers/helper/FailureHelper.kt,
// genericFailure, sourceFailure). After it the connection manager workflow
// decides (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt,
// reportFailure): a config_error fails the job at once; any other failure
// counts as a partial failure when the attempt committed at least one
// record (airbyte-workers/src/main/kotlin/io/airbyte/workers/helpers/ProgressCheckerPredicates.kt)
// and as a complete failure otherwise, and the job is retried while the
// RetryManager's limits allow
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-temporal/src/main/kotlin/io/airbyte/commons/temporal/scheduling/retries/RetryManager.kt;
// limits from airbyte-workers/src/main/resources/application.yml, airbyte.retries, read in
// airbyte-workers/src/main/kotlin/io/airbyte/workers/helpers/RetryStateClient.kt). Complete failures wait
// completeFailureBackoff before the next attempt; partial failures have no
// back-off policy, so the next attempt starts at once.

// RetryLimits are the server's sync retry limits, set on a deployment with
// SYNC_JOB_RETRIES_COMPLETE_FAILURES_MAX_SUCCESSIVE,
// SYNC_JOB_RETRIES_COMPLETE_FAILURES_MAX_TOTAL,
// SYNC_JOB_RETRIES_PARTIAL_FAILURES_MAX_SUCCESSIVE and
// SYNC_JOB_RETRIES_PARTIAL_FAILURES_MAX_TOTAL. A job is retried while every
// count stays under its limit. Zero fields take the server's defaults: 5,
// 10, 1000 and 20.
type RetryLimits struct {
	MaxSuccessiveCompleteFailures int
	MaxTotalCompleteFailures      int
	MaxSuccessivePartialFailures  int
	MaxTotalPartialFailures       int
}

func (l RetryLimits) withDefaults() RetryLimits {
	def := func(v, d int) int {
		if v <= 0 {
			return d
		}
		return v
	}
	return RetryLimits{
		MaxSuccessiveCompleteFailures: def(l.MaxSuccessiveCompleteFailures, maxSuccessiveCompleteFailures),
		MaxTotalCompleteFailures:      def(l.MaxTotalCompleteFailures, 10),
		MaxSuccessivePartialFailures:  def(l.MaxSuccessivePartialFailures, 1000),
		MaxTotalPartialFailures:       def(l.MaxTotalPartialFailures, 20),
	}
}

// retryCounts is a job's RetryManager state.
type retryCounts struct {
	successiveComplete, totalComplete int
	successivePartial, totalPartial   int
}

func (r *retryCounts) add(partial bool) {
	if partial {
		r.successiveComplete = 0
		r.successivePartial++
		r.totalPartial++
		return
	}
	r.successivePartial = 0
	r.successiveComplete++
	r.totalComplete++
}

func (r *retryCounts) shouldRetry(l RetryLimits) bool {
	return r.successiveComplete < l.MaxSuccessiveCompleteFailures && r.totalComplete < l.MaxTotalCompleteFailures &&
		r.successivePartial < l.MaxSuccessivePartialFailures && r.totalPartial < l.MaxTotalPartialFailures
}

// backoff is RetryManager.backoff: the complete-failure policy after a
// complete failure, nothing after a partial one.
func (r *retryCounts) backoff() time.Duration {
	if r.successiveComplete > 0 {
		return completeFailureBackoff(r.successiveComplete)
	}
	return 0
}

// SyncFailure describes how the next sync (or refresh) job of a connection
// fails. It is also the body of POST
// /_emulator/connections/{connectionId}/fail-next-sync.
type SyncFailure struct {
	// FailureOrigin is a FailureOrigin value: source (the default),
	// destination, replication, persistence, airbyte_platform,
	// normalization, dbt or unknown.
	FailureOrigin string `json:"failure_origin,omitempty"`
	// FailureType is a FailureType value other than manual_cancellation
	// (which only a cancellation records): config_error, system_error,
	// refresh_schema, heartbeat_timeout, destination_timeout or
	// transient_error. Empty means config_error when Attempts is 0 and, for
	// a positive Attempts, a crash with no failure type (a connector that
	// exits without a trace message), which is retried.
	FailureType string `json:"failure_type,omitempty"`
	// Message is the failure's externalMessage; empty gives a generic one.
	Message string `json:"message,omitempty"`
	// Stream and StreamNamespace name the failing stream, which must be one
	// of the connection's streams. The server stores it with the failure but
	// neither jobs/get nor connections/status sends it.
	Stream          string `json:"stream,omitempty"`
	StreamNamespace string `json:"stream_namespace,omitempty"`
	// Attempts is how many attempts fail, from the first; 0 means 1. A
	// config_error is never retried, so it allows 1 only. Other failures are
	// retried under the RetryLimits: when Attempts reaches a limit the job
	// ends failed after that many attempts, otherwise the attempt after the
	// failing ones succeeds.
	Attempts int `json:"attempts,omitempty"`
	// PartialSuccess makes each failing attempt commit records before it
	// fails: the attempt has figures, failureSummary.partialSuccess is true,
	// and the failure counts against the partial-failure limits.
	PartialSuccess bool `json:"partial_success,omitempty"`
}

// failureOrigins and failureTypes are config.yaml's FailureOrigin and
// FailureType enums.
var (
	failureOrigins = []string{"source", "destination", "replication", "persistence", "airbyte_platform", "normalization", "dbt", "unknown"}
	failureTypes   = []string{"config_error", "system_error", "manual_cancellation", "refresh_schema", "heartbeat_timeout",
		"destination_timeout", "transient_error"}
)

// ErrInvalidFailure is returned for a SyncFailure the emulator cannot play.
var ErrInvalidFailure = errors.New("invalid sync failure")

// plannedFailure says how a job's attempts fail; the zero value fails none.
type plannedFailure struct {
	reason   failureReason // recorded by each failing attempt, timestamp aside
	attempts int           // attempts that fail, from the first
	partial  bool          // failing attempts commit records first
}

// fails reports whether attempt n fails.
func (p plannedFailure) fails(n int) bool { return n < p.attempts }

// configError reports whether the planned failure ends the job at once.
func (p plannedFailure) configError() bool { return p.reason.FailureType == "config_error" }

// FailNextSync makes the first attempt of the next sync job created for
// the connection fail with a config_error, which the server does not retry:
// the job ends failed when that attempt ends, JobDuration after its creation.
func (e *Emulator) FailNextSync(connectionID string) error {
	return e.FailNextSyncWith(connectionID, SyncFailure{})
}

// FailNextSyncAttempts makes the first n attempts of the next sync job
// created for the connection fail without committing anything, as a source
// crashing with no trace message does. With the default limits the
// emulator retries after 10 s, 30 s, 90 s and 270 s with the job incomplete
// in between, so n < 5 ends in success at attempt n and n >= 5 ends the job
// failed after five attempts. n = 0 cancels an earlier call.
func (e *Emulator) FailNextSyncAttempts(connectionID string, n int) error {
	if n == 0 {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.connByID[connectionID] == nil {
			return fmt.Errorf("%w: %s", ErrUnknownConnection, connectionID)
		}
		delete(e.plannedFailures, connectionID)
		return nil
	}
	return e.FailNextSyncWith(connectionID, SyncFailure{Attempts: n})
}

// FailNextSyncWith plans how the next sync or refresh job created for the
// connection fails, replacing any earlier plan. The stream, when given, must
// be one of the connection's streams now.
func (e *Emulator) FailNextSyncWith(connectionID string, f SyncFailure) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.connByID[connectionID]
	if c == nil {
		return fmt.Errorf("%w: %s", ErrUnknownConnection, connectionID)
	}
	p, err := planFailure(c, f)
	if err != nil {
		return err
	}
	if e.plannedFailures == nil {
		e.plannedFailures = map[string]plannedFailure{}
	}
	e.plannedFailures[connectionID] = p
	return nil
}

func planFailure(c *connection, f SyncFailure) (plannedFailure, error) {
	invalid := func(format string, args ...any) (plannedFailure, error) {
		return plannedFailure{}, fmt.Errorf("%w: "+format, append([]any{ErrInvalidFailure}, args...)...)
	}
	if f.Attempts < 0 {
		return invalid("attempts is %d; give the number of attempts that fail, 1 or more", f.Attempts)
	}
	origin := f.FailureOrigin
	if origin == "" {
		origin = "source"
	}
	if !slices.Contains(failureOrigins, origin) {
		return invalid("unknown failure_origin %q; use one of %v", origin, failureOrigins)
	}
	if f.FailureType != "" && !slices.Contains(failureTypes, f.FailureType) {
		return invalid("unknown failure_type %q; use one of %v", f.FailureType, failureTypes)
	}
	if f.FailureType == "manual_cancellation" {
		return invalid("failure_type manual_cancellation is what cancelling a job records; cancel the job instead")
	}
	typ := f.FailureType
	if typ == "" && f.Attempts == 0 {
		typ = "config_error"
	}
	attempts := max(f.Attempts, 1)
	if typ == "config_error" && attempts > 1 {
		return invalid("a config_error is not retried: the job fails after its first attempt, so attempts must be 1 (got %d)", attempts)
	}
	reason := failureReason{FailureOrigin: origin, FailureType: typ, ExternalMessage: f.Message}
	switch {
	case typ == "":
		// FailureHelper.sourceFailure for a process that exits without a trace message.
		reason.InternalMessage = "Source process exited with non-zero exit code 1"
		reason.Stacktrace = "io.airbyte.workers.exception.WorkerException: Source process exited with non-zero exit code 1"
		if reason.ExternalMessage == "" {
			reason.ExternalMessage = "Something went wrong within the source connector"
		}
	case reason.ExternalMessage == "" && typ == "config_error":
		reason.ExternalMessage = "The " + origin + " rejected its configuration (emulated config_error)."
	case reason.ExternalMessage == "":
		reason.ExternalMessage = "The " + origin + " failed (emulated " + typ + ")."
	}
	if typ != "" {
		reason.InternalMessage = "emulated " + typ
	}
	if f.Stream != "" || f.StreamNamespace != "" {
		d := streamDescriptor{Name: f.Stream, Namespace: f.StreamNamespace}
		if !slices.ContainsFunc(c.streams, func(s configuredStream) bool { return s.name == d.Name && s.namespace == d.Namespace }) {
			return invalid("connection %s has no stream %q (namespace %q); use one of its streams", c.id, d.Name, d.Namespace)
		}
		reason.stream = &d
	}
	return plannedFailure{reason: reason, attempts: attempts, partial: f.PartialSuccess}, nil
}

// takePlannedFailure hands the connection's planned failure to a new job.
func (e *Emulator) takePlannedFailure(connectionID string) plannedFailure {
	p := e.plannedFailures[connectionID]
	delete(e.plannedFailures, connectionID)
	return p
}
