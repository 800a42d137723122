package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// The connection timeline: rows of connection_timeline_event that the
// server writes as jobs start and end, served by POST
// /api/v1/connections/events/list and /get.
//
// A job that ends writes one event
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionTimelineEventHelper.kt):
// on success a FinalStatusEvent (JobsHandler.jobSuccessWithAttemptNumber),
// on failure a FailedEvent holding the first failure reason of the last
// attempt (JobsHandler.jobFailure), and on a cancellation through the API a
// FinalStatusEvent for the job named in the request, read before the
// cancellation reaches it (SchedulerHandler.submitCancellationToWorker).
// Other cancellations (of a job whose connection is inactive, deleted or
// being reset) are the workflow's and write nothing. A manual sync, a reset
// and a refresh also write a ManuallyStartedEvent when they start
// (SchedulerHandler.submitManualSyncToWorker, submitResetConnectionToWorker;
// StreamRefreshesHandler.createRefreshesForConnection).
//
// The event type is the job type and status
// (airbytehq/airbyte-platform@310e6cb: airbyte-data/src/main/kotlin/io/airbyte/data/services/shared/FinalStatusEvent.kt,
// getEventType): SYNC_, REFRESH_ or CLEAR_ (a reset) followed by SUCCEEDED,
// FAILED, CANCELLED or INCOMPLETE, the last for a failed job that loaded
// bytes. The summary is the event serialised by Jackson from its getters, so
// jobType and statusType, which have none, are not in it
// (airbytehq/airbyte-platform@310e6cb: airbyte-data/src/main/kotlin/io/airbyte/data/services/shared/FailedEvent.kt,
// ManuallyStartedEvent.kt). The emulator has no users: its events carry
// none.

// timelineEvent is a connection_timeline_event row.
type timelineEvent struct {
	id           string
	connectionID string
	eventType    string
	summary      any
	createdAt    time.Time
	jobID        int64
}

// finalStatusSummary is FinalStatusEvent as stored. The emulator rejects no
// records, so recordsRejected is 0 and rejectedRecordsMeta absent. streams
// are a refresh's or reset's streams (JobConverter.getStreamsAssociatedWithJob),
// absent for a sync.
type finalStatusSummary struct {
	JobID                 int64               `json:"jobId"`
	StartTimeEpochSeconds int64               `json:"startTimeEpochSeconds"`
	EndTimeEpochSeconds   int64               `json:"endTimeEpochSeconds"`
	BytesLoaded           int64               `json:"bytesLoaded"`
	RecordsLoaded         int64               `json:"recordsLoaded"`
	AttemptsCount         int                 `json:"attemptsCount"`
	RecordsRejected       int64               `json:"recordsRejected"`
	Streams               *[]streamDescriptor `json:"streams,omitempty"`
}

// failedSummary is FailedEvent as stored: an empty Optional is written as
// null.
type failedSummary struct {
	finalStatusSummary
	FailureReason *storedFailureReason `json:"failureReason"`
}

// startedSummary is ManuallyStartedEvent as stored.
type startedSummary struct {
	JobID                 int64               `json:"jobId"`
	StartTimeEpochSeconds int64               `json:"startTimeEpochSeconds"`
	Streams               *[]streamDescriptor `json:"streams,omitempty"`
}

// storedFailureReason is the config model's FailureReason as the job
// persistence holds it
// (airbytehq/airbyte-platform@310e6cb: airbyte-config/config-models/src/generated/java/io/airbyte/config/FailureReason.java):
// unlike the API's, it keeps the failure's metadata and stream.
type storedFailureReason struct {
	FailureOrigin    string            `json:"failureOrigin,omitempty"`
	FailureType      string            `json:"failureType,omitempty"`
	InternalMessage  string            `json:"internalMessage,omitempty"`
	ExternalMessage  string            `json:"externalMessage,omitempty"`
	Metadata         map[string]any    `json:"metadata,omitempty"`
	Stacktrace       string            `json:"stacktrace,omitempty"`
	Retryable        *bool             `json:"retryable,omitempty"`
	Timestamp        int64             `json:"timestamp"`
	StreamDescriptor *streamDescriptor `json:"streamDescriptor,omitempty"`
}

// storedFailure is the stored form of a failure of attempt n of job j. A
// connector failure carries the job id and attempt number, and
// from_trace_message when it came from an error trace message, which is
// when it has a failure type
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-worker/src/main/kotlin/io/airbyte/workers/helper/FailureHelper.kt).
func storedFailure(j *job, n int, f failureReason) *storedFailureReason {
	out := &storedFailureReason{FailureOrigin: f.FailureOrigin, FailureType: f.FailureType, InternalMessage: f.InternalMessage,
		ExternalMessage: f.ExternalMessage, Stacktrace: f.Stacktrace, Retryable: f.Retryable, Timestamp: f.Timestamp,
		StreamDescriptor: f.stream}
	if f.FailureType != "manual_cancellation" {
		out.Metadata = map[string]any{"jobId": j.id, "attemptNumber": n}
		if f.FailureType != "" {
			out.Metadata["from_trace_message"] = true
		}
	}
	return out
}

// timelinePrefix names a job type in event types.
func timelinePrefix(j *job) string {
	switch j.jobType {
	case "refresh":
		return "REFRESH_"
	case "reset":
		return "CLEAR_"
	}
	return "SYNC_"
}

// jobStreams is getStreamsAssociatedWithJob: a refresh's or reset's streams.
func jobStreams(j *job) *[]streamDescriptor {
	switch j.jobType {
	case "reset":
		s := slices.Clone(j.resetStreams)
		return &s
	case "refresh":
		s := []streamDescriptor{}
		for _, r := range j.refreshStreams {
			s = append(s, r.descriptor)
		}
		return &s
	}
	return nil
}

func (e *Emulator) addTimelineEvent(j *job, eventType string, summary any, at time.Time) {
	e.timelineSeq++
	id := uuid.NewSHA1(uuid.NameSpaceURL, []byte("airbyte-emulator:timeline/"+strconv.FormatInt(e.opts.Seed, 10)+"/"+
		strconv.FormatInt(e.timelineSeq, 10))).String()
	e.timeline = append(e.timeline, &timelineEvent{id: id, connectionID: j.connectionID, eventType: eventType, summary: summary,
		createdAt: at, jobID: j.id})
}

// finalSummary is the job's FinalStatusEvent with its figures and times as
// they are now.
func finalSummary(j *job) finalStatusSummary {
	return finalStatusSummary{JobID: j.id, StartTimeEpochSeconds: j.createdAt.Unix(), EndTimeEpochSeconds: j.updatedAt.Unix(),
		BytesLoaded: j.bytes, RecordsLoaded: j.rows, AttemptsCount: len(j.attempts), Streams: jobStreams(j)}
}

// recordJobSucceeded writes the event of a job that has just succeeded.
func (e *Emulator) recordJobSucceeded(j *job) {
	e.addTimelineEvent(j, timelinePrefix(j)+"SUCCEEDED", finalSummary(j), j.updatedAt)
}

// recordJobFailed writes the event of a job that has just failed
// (logJobFailureEventInConnectionTimeline): INCOMPLETE when it loaded bytes.
func (e *Emulator) recordJobFailed(j *job) {
	s := failedSummary{finalStatusSummary: finalSummary(j)}
	if a := j.current(); a != nil && len(a.failures) > 0 {
		s.FailureReason = storedFailure(j, a.number, a.failures[0])
	}
	status := "FAILED"
	if s.BytesLoaded > 0 {
		status = "INCOMPLETE"
	}
	e.addTimelineEvent(j, timelinePrefix(j)+status, s, j.updatedAt)
}

// recordJobCancelled writes the cancellation event of the job named in a
// cancel request, from the job as it was before the cancellation (before).
func (e *Emulator) recordJobCancelled(before finalStatusSummary, j *job, at time.Time) {
	e.addTimelineEvent(j, timelinePrefix(j)+"CANCELLED", before, at)
}

// recordJobStarted writes the event of a job started by hand, typed by the
// job the request started: a refresh request names its streams to refresh,
// a manual sync none (streams nil), a reset those asked for.
func (e *Emulator) recordJobStarted(j *job, streams *[]streamDescriptor, at time.Time) {
	if streams != nil {
		s := slices.Clone(*streams)
		streams = &s
	}
	e.addTimelineEvent(j, timelinePrefix(j)+"STARTED", startedSummary{JobID: j.id, StartTimeEpochSeconds: j.createdAt.Unix(),
		Streams: streams}, at)
}

// connectionEvent is ConnectionEvent, and ConnectionEventWithDetails too:
// the handler sets details to null, which the server's Jackson
// configuration (serialization-inclusion NON_ABSENT,
// airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/resources/application.yml)
// leaves out.
type connectionEvent struct {
	ID           string `json:"id"`
	ConnectionID string `json:"connectionId"`
	EventType    string `json:"eventType"`
	Summary      any    `json:"summary"`
	CreatedAt    int64  `json:"createdAt"`
}

func (ev *timelineEvent) read() connectionEvent {
	return connectionEvent{ID: ev.id, ConnectionID: ev.connectionID, EventType: ev.eventType, Summary: ev.summary,
		CreatedAt: ev.createdAt.Unix()}
}

// connectionEventTypes is ConnectionEventType.
var connectionEventTypes = []string{"SYNC_STARTED", "SYNC_SUCCEEDED", "SYNC_INCOMPLETE", "SYNC_FAILED", "SYNC_CANCELLED",
	"REFRESH_STARTED", "REFRESH_SUCCEEDED", "REFRESH_INCOMPLETE", "REFRESH_FAILED", "REFRESH_CANCELLED",
	"CLEAR_STARTED", "CLEAR_SUCCEEDED", "CLEAR_INCOMPLETE", "CLEAR_FAILED", "CLEAR_CANCELLED",
	"CONNECTION_SETTINGS_UPDATE", "CONNECTION_ENABLED", "CONNECTION_DISABLED", "SCHEMA_UPDATE", "SCHEMA_CONFIG_UPDATE",
	"CONNECTOR_UPDATE", "UNKNOWN"}

type connectionEventsRequest struct {
	ConnectionID   *string    `json:"connectionId"`
	EventTypes     *[]string  `json:"eventTypes"`
	Pagination     *paging    `json:"pagination"`
	CreatedAtStart *time.Time `json:"createdAtStart"`
	CreatedAtEnd   *time.Time `json:"createdAtEnd"`
}

type paging struct {
	PageSize  *int `json:"pageSize"`
	RowOffset *int `json:"rowOffset"`
}

// listConnectionEvents serves POST /api/v1/connections/events/list
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/controllers/ConnectionApiController.kt;
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// listConnectionEvents; airbyte-data/src/main/kotlin/io/airbyte/data/repositories/ConnectionTimelineEventRepository.kt,
// findByConnectionIdWithFilters): the connection's events of the given
// types (all when the list is absent) created in the time range, newest
// first, one page of pagination.pageSize (default 20) from rowOffset
// (default 0). Summaries are sent whole. The handler does not check the
// connection: for an unknown id the role check answers 403, and an instance
// admin gets no events.
func (e *Emulator) listConnectionEvents(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionEventsRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionID == nil || !validUUID(req.ConnectionID) || !knownEventTypes(req.EventTypes) {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	size, offset := 20, 0
	if req.Pagination != nil && req.Pagination.PageSize != nil {
		size = *req.Pagination.PageSize
	}
	if req.Pagination != nil && req.Pagination.RowOffset != nil {
		offset = *req.Pagination.RowOffset
	}
	if size < 0 || offset < 0 {
		// Postgres rejects a negative LIMIT or OFFSET; nothing maps the error.
		writeErrorID(w, http.StatusInternalServerError)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if e.connByID[*req.ConnectionID] == nil && e.opts.UnknownIDStatus != http.StatusNotFound {
		writeConfigForbidden(w, r)
		return
	}
	var events []*timelineEvent
	for _, ev := range e.timeline {
		if ev.connectionID != *req.ConnectionID ||
			(req.EventTypes != nil && !slices.Contains(*req.EventTypes, ev.eventType)) ||
			(req.CreatedAtStart != nil && ev.createdAt.Before(*req.CreatedAtStart)) ||
			(req.CreatedAtEnd != nil && ev.createdAt.After(*req.CreatedAtEnd)) {
			continue
		}
		events = append(events, ev)
	}
	// ORDER BY created_at DESC leaves ties to Postgres; the emulator puts
	// the later-written event first.
	slices.Reverse(events)
	slices.SortStableFunc(events, func(a, b *timelineEvent) int { return cmp.Compare(b.createdAt.Unix(), a.createdAt.Unix()) })
	out := []connectionEvent{}
	for _, ev := range events[min(offset, len(events)):min(offset+size, len(events))] {
		out = append(out, ev.read())
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

func knownEventTypes(types *[]string) bool {
	if types == nil {
		return true
	}
	for _, t := range *types {
		if !slices.Contains(connectionEventTypes, t) {
			return false
		}
	}
	return true
}

type connectionEventIDRequest struct {
	ConnectionEventID *string `json:"connectionEventId"`
	ConnectionID      *string `json:"connectionId"`
}

// getConnectionEvent serves POST /api/v1/connections/events/get
// (ConnectionsHandler.getConnectionEvent): the event, without details. The
// handler looks the event up by its id alone; an unknown id makes
// Optional.get throw NoSuchElementException, which no handler maps.
func (e *Emulator) getConnectionEvent(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionEventIDRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionEventID == nil || req.ConnectionID == nil || !validUUID(req.ConnectionEventID) || !validUUID(req.ConnectionID) {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if e.connByID[*req.ConnectionID] == nil && e.opts.UnknownIDStatus != http.StatusNotFound {
		writeConfigForbidden(w, r)
		return
	}
	for _, ev := range e.timeline {
		if ev.id == *req.ConnectionEventID {
			writeJSON(w, http.StatusOK, ev.read())
			return
		}
	}
	writeErrorID(w, http.StatusInternalServerError)
}
