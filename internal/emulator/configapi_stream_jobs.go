package emulator

import (
	"net/http"
	"slices"
)

// Config API jobs of some or all streams: POST /api/v1/connections/reset,
// /clear, /reset/stream, /clear/stream and /refresh
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/controllers/ConnectionApiController.kt;
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt, resetConnection,
// resetConnectionStream; StreamRefreshesHandler.kt, createRefreshesForConnection).

// refreshRow is a stream_refreshes row: a stream to refresh and how.
type refreshRow struct {
	descriptor streamDescriptor
	mode       string // Truncate or Merge, as the API spells RefreshMode
}

// connectionStreamRequest is ConnectionStreamRequestBody and
// ConnectionStreamRefreshRequestBody (refreshMode only in the latter).
type connectionStreamRequest struct {
	ConnectionID *string                        `json:"connectionId"`
	Streams      *[]connectionStreamRequestItem `json:"streams"`
	RefreshMode  *string                        `json:"refreshMode"`
}

// connectionStreamRequestItem is ConnectionStream.
type connectionStreamRequestItem struct {
	StreamName      *string `json:"streamName"`
	StreamNamespace *string `json:"streamNamespace"`
}

// descriptors turns the request's streams into descriptors; ok is false
// when a stream has no name (the body does not bind: 422).
func (req connectionStreamRequest) descriptors() (out []streamDescriptor, ok bool) {
	if req.Streams == nil {
		return nil, true
	}
	for _, s := range *req.Streams {
		if s.StreamName == nil {
			return nil, false
		}
		d := streamDescriptor{Name: *s.StreamName}
		if s.StreamNamespace != nil {
			d.Namespace = *s.StreamNamespace
		}
		out = append(out, d)
	}
	return out, true
}

// decodeStreamRequest reads a ConnectionStream(Refresh)RequestBody,
// answering 422 itself when the body does not bind.
func decodeStreamRequest(w http.ResponseWriter, r *http.Request, refresh bool) (req connectionStreamRequest, streams []streamDescriptor, ok bool) {
	if !decodeJSON(w, r, &req) {
		return req, nil, false
	}
	streams, named := req.descriptors()
	bound := named && req.ConnectionID != nil && validUUID(req.ConnectionID)
	if refresh {
		bound = bound && req.RefreshMode != nil && slices.Contains(refreshModes, *req.RefreshMode)
	} else {
		bound = bound && req.Streams != nil
	}
	if !bound {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return req, nil, false
	}
	return req, streams, true
}

// resetConnection serves POST /api/v1/connections/reset and
// /api/v1/connections/clear (both call SchedulerHandler.resetConnection):
// a reset of every stream of the connection.
func (e *Emulator) resetConnection(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionIDRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionID == nil || !validUUID(req.ConnectionID) {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if c := e.configConnection(w, r, *req.ConnectionID); c != nil {
		e.writeReset(w, c, allStreams(c))
	}
}

// resetConnectionStream serves POST /api/v1/connections/reset/stream and
// /api/v1/connections/clear/stream: a reset of the given streams, or of
// every stream when the list is empty. The streams are not checked against
// the connection: each becomes a stream_reset row and is listed in
// resetConfig.streamsToReset, while the job's enabledStreams are the
// connection's streams among them.
func (e *Emulator) resetConnectionStream(w http.ResponseWriter, r *http.Request, _ string) {
	_, c, streams, ok := e.streamJobRequest(w, r, false)
	if !ok {
		return
	}
	defer e.mu.Unlock()
	e.writeReset(w, c, streams)
}

// streamJobRequest reads a ConnectionStream(Refresh)RequestBody, then
// takes e.mu, advances jobs and finds the connection; the streams are every
// stream of the connection when the request lists none. With ok it returns
// holding e.mu, for the caller to release; otherwise it has answered the
// error and holds nothing.
func (e *Emulator) streamJobRequest(w http.ResponseWriter, r *http.Request, refresh bool) (req connectionStreamRequest, c *connection, streams []streamDescriptor, ok bool) {
	req, streams, ok = decodeStreamRequest(w, r, refresh)
	if !ok {
		return req, nil, nil, false
	}
	e.mu.Lock()
	e.advanceJobs()
	if c = e.configConnection(w, r, *req.ConnectionID); c == nil {
		e.mu.Unlock()
		return req, nil, nil, false
	}
	if len(streams) == 0 {
		streams = allStreams(c)
	}
	return req, c, streams, true
}

// writeReset starts a reset and answers its JobInfoRead. A deleted
// connection's workflow refuses the signal; the handler's
// IllegalStateException reaches no mapper: 500 {"errorId"}
// (SchedulerHandler.readJobFromResult, TemporalClient.resetConnection).
func (e *Emulator) writeReset(w http.ResponseWriter, c *connection, streams []streamDescriptor) {
	j, ok := e.startReset(c, streams, e.now())
	if !ok {
		writeErrorID(w, http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, e.jobInfoOf(j))
}

var refreshModes = []string{"Truncate", "Merge"}

// jobReadResponse is JobReadResponse; a null job is left out.
type jobReadResponse struct {
	Job *jobRead `json:"job,omitempty"`
}

// refreshConnectionStream serves POST /api/v1/connections/refresh
// (StreamRefreshesHandler.createRefreshesForConnection). Every destination
// of the emulator supports refreshes. The handler writes a stream_refreshes
// row per stream (every stream of the connection when none are given; the
// streams are not checked) and starts a manual sync, which the workflow
// turns into a refresh job because of the rows
// (SchedulerHandler.createJob). The answer is that job; it is null (an
// empty object) when no run could start: while a job runs or waits between
// attempts (TemporalClient.startNewManualSync answers "A sync is already
// running", which this handler ignores) or when the connection is deleted.
// The rows then stay, and the connection's next run is the refresh. A
// pending job is answered as it is, and the rows wait for the run after it.
// Unlike a sync there is no status check: on an inactive connection the
// refresh job is created and cancelled when its attempt starts.
func (e *Emulator) refreshConnectionStream(w http.ResponseWriter, r *http.Request, _ string) {
	req, c, streams, ok := e.streamJobRequest(w, r, true)
	if !ok {
		return
	}
	defer e.mu.Unlock()
	rows := e.refreshes[c.id]
	for _, s := range streams {
		// saveStreamsToRefresh replaces a stream's earlier row.
		rows = slices.DeleteFunc(rows, func(r refreshRow) bool { return r.descriptor == s })
		rows = append(rows, refreshRow{descriptor: s, mode: *req.RefreshMode})
	}
	if e.refreshes == nil {
		e.refreshes = map[string][]refreshRow{}
	}
	e.refreshes[c.id] = rows
	now := e.now()
	active := e.activeJob(c.id)
	switch {
	case c.status == "deprecated" || active != nil && active.status != statusPending:
		writeJSON(w, http.StatusOK, jobReadResponse{})
	default:
		j := active
		if j == nil {
			j = e.nextJob(c, now)
		}
		if j.jobType == "refresh" {
			e.recordJobStarted(j, jobStreams(j), now)
		}
		jr := jobReadOf(j)
		writeJSON(w, http.StatusOK, jobReadResponse{Job: &jr})
	}
}
