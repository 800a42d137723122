package emulator

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/google/uuid"
)

// jobRead is the Config API's JobRead
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/converters/JobConverter.kt,
// getJobRead): startedAt is never written, and the stats are hydrated only
// by list endpoints, so neither is sent.
type jobRead struct {
	ID             int64              `json:"id"`
	ConfigType     string             `json:"configType"`
	ConfigID       string             `json:"configId"`
	EnabledStreams []streamDescriptor `json:"enabledStreams"`
	ResetConfig    *resetConfig       `json:"resetConfig,omitempty"`
	RefreshConfig  *refreshConfig     `json:"refreshConfig,omitempty"`
	CreatedAt      int64              `json:"createdAt"`
	UpdatedAt      int64              `json:"updatedAt"`
	Status         string             `json:"status"`
}

type resetConfig struct {
	StreamsToReset []streamDescriptor `json:"streamsToReset"`
}

type refreshConfig struct {
	StreamsToRefresh []streamDescriptor `json:"streamsToRefresh"`
}

type attemptInfoRead struct {
	Attempt attemptRead `json:"attempt"`
	LogType string      `json:"logType"`
	Logs    logLines    `json:"logs"`
}

type logLines struct {
	LogLines []string `json:"logLines"`
}

// attemptRead is AttemptRead (JobConverter.getAttemptRead): the figures
// and stats come from the attempt's output, so a running or cancelled
// attempt has none.
type attemptRead struct {
	ID             int64                 `json:"id"`
	Status         string                `json:"status"`
	CreatedAt      int64                 `json:"createdAt"`
	UpdatedAt      int64                 `json:"updatedAt"`
	EndedAt        *int64                `json:"endedAt,omitempty"`
	BytesSynced    *int64                `json:"bytesSynced,omitempty"`
	RecordsSynced  *int64                `json:"recordsSynced,omitempty"`
	TotalStats     *attemptStats         `json:"totalStats,omitempty"`
	StreamStats    *[]attemptStreamStats `json:"streamStats,omitempty"`
	FailureSummary *failureSummary       `json:"failureSummary,omitempty"`
}

// attemptStats holds the four fields JobConverter copies.
type attemptStats struct {
	RecordsEmitted       int64 `json:"recordsEmitted"`
	BytesEmitted         int64 `json:"bytesEmitted"`
	StateMessagesEmitted int64 `json:"stateMessagesEmitted"`
	RecordsCommitted     int64 `json:"recordsCommitted"`
}

// attemptStreamStats never carries streamNamespace: JobConverter does not set it.
type attemptStreamStats struct {
	StreamName string       `json:"streamName"`
	Stats      attemptStats `json:"stats"`
}

type failureSummary struct {
	Failures       []failureReason `json:"failures"`
	PartialSuccess *bool           `json:"partialSuccess,omitempty"`
}

type jobInfoRead struct {
	Job      jobRead           `json:"job"`
	Attempts []attemptInfoRead `json:"attempts"`
}

func jobReadOf(j *job) jobRead {
	out := jobRead{ID: j.id, ConfigType: "sync", ConfigID: j.connectionID, EnabledStreams: []streamDescriptor{},
		CreatedAt: j.createdAt.Unix(), UpdatedAt: j.updatedAt.Unix(), Status: j.status}
	for _, s := range j.streams {
		out.EnabledStreams = append(out.EnabledStreams, s.descriptor)
	}
	switch j.jobType {
	case "reset":
		// Config API clears are resets too: both controllers call
		// SchedulerHandler.resetConnection, and the job creator writes
		// RESET_CONNECTION; no job of this server version is a clear.
		out.ConfigType = "reset_connection"
		out.ResetConfig = &resetConfig{StreamsToReset: slices.Clone(j.resetStreams)}
	case "refresh":
		out.ConfigType = "refresh"
		if len(j.refreshStreams) > 0 { // extractRefreshConfigIfNeeded leaves an empty list out
			out.RefreshConfig = &refreshConfig{StreamsToRefresh: []streamDescriptor{}}
			for _, r := range j.refreshStreams {
				out.RefreshConfig.StreamsToRefresh = append(out.RefreshConfig.StreamsToRefresh, r.descriptor)
			}
		}
	}
	return out
}

func (e *Emulator) attemptReadOf(j *job, a *attempt) attemptRead {
	out := attemptRead{ID: int64(a.number), Status: a.status, CreatedAt: a.createdAt.Unix(), UpdatedAt: a.updatedAt.Unix()}
	if !a.endedAt.IsZero() {
		ended := a.endedAt.Unix()
		out.EndedAt = &ended
	}
	if a.output {
		rows, bytes := a.rows, a.bytes
		out.RecordsSynced, out.BytesSynced = &rows, &bytes
		out.TotalStats = &attemptStats{RecordsEmitted: rows, BytesEmitted: bytes, RecordsCommitted: rows,
			StateMessagesEmitted: int64(len(j.streams))}
		streams := []attemptStreamStats{}
		n := int64(len(j.streams))
		for i, s := range j.streams {
			r, b := rows/n, bytes/n
			if int64(i) < rows%n {
				r++
			}
			if int64(i) < bytes%n {
				b++
			}
			streams = append(streams, attemptStreamStats{StreamName: s.descriptor.Name,
				Stats: attemptStats{RecordsEmitted: r, BytesEmitted: b, StateMessagesEmitted: 1, RecordsCommitted: r}})
		}
		out.StreamStats = &streams
	}
	if len(a.failures) > 0 {
		out.FailureSummary = &failureSummary{Failures: slices.Clone(a.failures), PartialSuccess: a.partialSuccess}
		slices.SortStableFunc(out.FailureSummary.Failures, func(x, y failureReason) int { return cmp.Compare(x.Timestamp, y.Timestamp) })
	}
	return out
}

type jobIDRequest struct {
	ID *int64 `json:"id"`
}

// getJobInfo serves POST /api/v1/jobs/get
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/controllers/JobsApiController.kt,
// getJobInfo). An unknown id fails the role check (403), or for an instance
// admin reaches the persistence, whose "Could not find job with id"
// RuntimeException no handler maps: 500 {"errorId"}.
func (e *Emulator) getJobInfo(w http.ResponseWriter, r *http.Request, _ string) {
	var req jobIDRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ID == nil {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	j := e.jobByID(*req.ID)
	switch {
	case j == nil && e.opts.UnknownIDStatus == http.StatusNotFound:
		writeErrorID(w, http.StatusInternalServerError)
	case j == nil:
		writeConfigForbidden(w, r)
	default:
		writeJSON(w, http.StatusOK, e.jobInfoOf(j))
	}
}

// jobInfoOf is JobConverter.getJobInfoRead.
func (e *Emulator) jobInfoOf(j *job) jobInfoRead {
	out := jobInfoRead{Job: jobReadOf(j), Attempts: []attemptInfoRead{}}
	for _, a := range j.attempts {
		out.Attempts = append(out.Attempts, attemptInfoRead{Attempt: e.attemptReadOf(j, a), LogType: "formatted",
			Logs: logLines{LogLines: []string{}}})
	}
	return out
}

// connectionStatusRead is ConnectionStatusRead.
type connectionStatusRead struct {
	ConnectionID          string         `json:"connectionId"`
	ConnectionSyncStatus  string         `json:"connectionSyncStatus"`
	ScheduleData          *scheduleData  `json:"scheduleData,omitempty"`
	LastSuccessfulSync    *int64         `json:"lastSuccessfulSync,omitempty"`
	ActiveJob             *jobRead       `json:"activeJob,omitempty"`
	LastSyncJobID         *int64         `json:"lastSyncJobId,omitempty"`
	LastSyncAttemptNumber *int           `json:"lastSyncAttemptNumber,omitempty"`
	LastSyncJobCreatedAt  *int64         `json:"lastSyncJobCreatedAt,omitempty"`
	FailureReason         *failureReason `json:"failureReason,omitempty"`
}

type connectionIDsRequest struct {
	ConnectionIDs *[]string `json:"connectionIds"`
}

// getConnectionStatuses serves POST /api/v1/connections/status: one
// element per requested id, in order. An unknown id makes the role
// resolution throw, which leaves the caller with no role at all, so it is
// 403 for an instance admin too
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/support/AuthenticationHeaderResolver.kt,
// resolveConnectionIds).
func (e *Emulator) getConnectionStatuses(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionIDsRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionIDs == nil {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	for _, id := range *req.ConnectionIDs {
		if uuid.Validate(id) != nil {
			writeErrorID(w, http.StatusUnprocessableEntity) // not a UUID: the body does not bind
			return
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	out := []connectionStatusRead{}
	for _, id := range *req.ConnectionIDs {
		c := e.connByID[id]
		if c == nil {
			writeConfigForbidden(w, r)
			return
		}
		out = append(out, e.connectionStatus(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// connectionStatus follows ConnectionsHandler.getConnectionStatuses
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt):
// it looks at the connection's ten newest sync and reset jobs.
func (e *Emulator) connectionStatus(c *connection) connectionStatusRead {
	out := connectionStatusRead{ConnectionID: c.id, ScheduleData: scheduleDataOf(c)}
	var jobs []*job
	for _, j := range slices.Backward(e.jobs) {
		if j.connectionID != c.id {
			continue
		}
		if j.jobType == "sync" && out.LastSyncJobCreatedAt == nil {
			created := j.createdAt.Unix()
			out.LastSyncJobCreatedAt = &created
		}
		jobs = append(jobs, j)
	}
	slices.SortStableFunc(jobs, func(a, b *job) int { // created_at DESC, id DESC
		if c := b.createdAt.Compare(a.createdAt); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	jobs = jobs[:min(len(jobs), 10)]

	var lastEnded, lastSucceeded *job // newest succeeded or failed; newest succeeded
	for _, j := range jobs {
		if lastEnded == nil && (j.status == statusSucceeded || j.status == statusFailed) {
			lastEnded = j
		}
		if lastSucceeded == nil && j.status == statusSucceeded {
			lastSucceeded = j
		}
	}
	if lastSucceeded != nil {
		at := lastSucceeded.updatedAt.Unix()
		out.LastSuccessfulSync = &at
	}
	hasConfigError := false
	if lastEnded != nil {
		id := lastEnded.id
		out.LastSyncJobID = &id
		if a := lastAttempt(lastEnded, ""); a != nil {
			n := a.number
			out.LastSyncAttemptNumber = &n
		}
		if a := lastAttempt(lastEnded, statusFailed); lastEnded.status == statusFailed && a != nil && len(a.failures) > 0 {
			f := a.failures[0]
			out.FailureReason = &f
			hasConfigError = slices.ContainsFunc(a.failures, func(f failureReason) bool { return f.FailureType == "config_error" })
		}
	}
	var newest *job
	if len(jobs) > 0 {
		newest = jobs[0]
		if !newest.terminal() {
			jr := jobReadOf(newest)
			out.ActiveJob = &jr
		}
	}
	switch {
	case newest != nil && newest.status == statusRunning:
		out.ConnectionSyncStatus = "running"
	case newest != nil && !newest.terminal():
		out.ConnectionSyncStatus = "pending"
	case hasConfigError:
		out.ConnectionSyncStatus = "failed"
	case c.status != "active":
		out.ConnectionSyncStatus = "paused"
	case newest != nil && newest.status == statusCancelled:
		out.ConnectionSyncStatus = "incomplete"
	case lastEnded == nil || newest.jobType == "reset":
		out.ConnectionSyncStatus = "pending"
	case lastEnded.status == statusFailed:
		out.ConnectionSyncStatus = "incomplete"
	default:
		out.ConnectionSyncStatus = "synced"
	}
	return out
}

// lastAttempt is the job's attempt with the latest creation time, among
// those with the given status ("" for any).
func lastAttempt(j *job, status string) *attempt {
	var last *attempt
	for _, a := range j.attempts {
		if (status == "" || a.status == status) && (last == nil || a.createdAt.Unix() > last.createdAt.Unix()) {
			last = a
		}
	}
	return last
}

// scheduleDataOf is the connection's ConnectionScheduleData; manual
// connections have none.
func scheduleDataOf(c *connection) *scheduleData {
	switch c.scheduleType {
	case "cron":
		return &scheduleData{Cron: &cronData{CronExpression: c.cronExpression, CronTimeZone: c.cronZone()}}
	case "basic":
		return &scheduleData{BasicSchedule: &legacySchedule{Units: c.basicUnits, TimeUnit: c.basicTimeUnit}}
	}
	return nil
}
