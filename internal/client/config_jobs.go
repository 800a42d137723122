package client

import (
	"context"
	"fmt"
)

// Jobs as the Config API reports them: JobInfoRead, with every attempt and
// its failures, and the connection statuses. These carry more than the
// Public API's JobResponse (failure reasons, per-stream figures, the streams
// a job covers).

// JobConfigType is JobConfigType, the Config API's name for what a job does.
type JobConfigType string

const (
	JobConfigTypeSync            JobConfigType = "sync"
	JobConfigTypeResetConnection JobConfigType = "reset_connection"
	JobConfigTypeClear           JobConfigType = "clear"
	JobConfigTypeRefresh         JobConfigType = "refresh"
)

// AttemptStatus is AttemptStatus.
type AttemptStatus string

const (
	AttemptStatusRunning   AttemptStatus = "running"
	AttemptStatusFailed    AttemptStatus = "failed"
	AttemptStatusSucceeded AttemptStatus = "succeeded"
)

// SyncStatus is the Config API's ConnectionSyncStatus enum: where a
// connection stands.
type SyncStatus string

const (
	SyncStatusRunning SyncStatus = "running"
	SyncStatusQueued  SyncStatus = "queued"
	// SyncStatusFailed: the last job failed with a config_error or
	// a breaking schema change; someone has to act.
	SyncStatusFailed SyncStatus = "failed"
	// SyncStatusPaused: the connection is inactive or deprecated.
	SyncStatusPaused SyncStatus = "paused"
	// SyncStatusPending: a job is pending, or no sync has ended yet,
	// or the newest job was a reset.
	SyncStatusPending SyncStatus = "pending"
	// SyncStatusIncomplete: the last sync failed (or was
	// cancelled) for a reason the next one may not have.
	SyncStatusIncomplete SyncStatus = "incomplete"
	SyncStatusSynced     SyncStatus = "synced"
)

// RefreshMode is RefreshMode: Truncate drops the streams' data in the
// destination and syncs them again; Merge syncs them again on top of it.
type RefreshMode string

const (
	RefreshModeTruncate RefreshMode = "Truncate"
	RefreshModeMerge    RefreshMode = "Merge"
)

// JobInfo is JobInfoRead. Attempts are in attempt order; their logs are
// not decoded.
type JobInfo struct {
	Job      JobRead       `json:"job"`
	Attempts []AttemptInfo `json:"attempts"`
}

// AttemptInfo is AttemptInfoRead without its logs.
type AttemptInfo struct {
	Attempt Attempt `json:"attempt"`
}

// JobRead is JobRead. Times are epoch seconds.
type JobRead struct {
	ID         int64         `json:"id"`
	ConfigType JobConfigType `json:"configType"`
	// ConfigID is the connection id for sync, reset, clear and refresh jobs.
	ConfigID string `json:"configId"`
	// EnabledStreams are the streams the job covers: for a clear, reset or
	// refresh of some streams, only those.
	EnabledStreams []StreamDescriptor `json:"enabledStreams,omitempty"`
	CreatedAt      int64              `json:"createdAt"`
	UpdatedAt      int64              `json:"updatedAt"`
	StartedAt      *int64             `json:"startedAt,omitempty"`
	Status         JobStatus          `json:"status"`
	// ResetConfig is set on reset_connection jobs only.
	ResetConfig *ResetConfig `json:"resetConfig,omitempty"`
	// RefreshConfig is set on refresh jobs only.
	RefreshConfig *RefreshConfig `json:"refreshConfig,omitempty"`
}

// ResetConfig lists the streams a reset job resets.
type ResetConfig struct {
	StreamsToReset []StreamDescriptor `json:"streamsToReset,omitempty"`
}

// RefreshConfig lists the streams a refresh job refreshes.
type RefreshConfig struct {
	StreamsToRefresh []StreamDescriptor `json:"streamsToRefresh,omitempty"`
}

// Attempt is AttemptRead. Attempts are numbered from 0. The figures and
// stats exist only when the attempt wrote an output: a running or
// cancelled attempt has none.
type Attempt struct {
	ID             int64                `json:"id"`
	Status         AttemptStatus        `json:"status"`
	CreatedAt      int64                `json:"createdAt"`
	UpdatedAt      int64                `json:"updatedAt"`
	EndedAt        *int64               `json:"endedAt,omitempty"`
	BytesSynced    *int64               `json:"bytesSynced,omitempty"`
	RecordsSynced  *int64               `json:"recordsSynced,omitempty"`
	TotalStats     *AttemptStats        `json:"totalStats,omitempty"`
	StreamStats    []AttemptStreamStats `json:"streamStats,omitempty"`
	FailureSummary *FailureSummary      `json:"failureSummary,omitempty"`
}

// AttemptStats is AttemptStats. The server fills the first four fields;
// BytesCommitted and RecordsRejected are in the API but not sent by it.
type AttemptStats struct {
	RecordsEmitted       int64  `json:"recordsEmitted"`
	BytesEmitted         int64  `json:"bytesEmitted"`
	StateMessagesEmitted int64  `json:"stateMessagesEmitted"`
	RecordsCommitted     int64  `json:"recordsCommitted"`
	BytesCommitted       *int64 `json:"bytesCommitted,omitempty"`
	RecordsRejected      *int64 `json:"recordsRejected,omitempty"`
}

// AttemptStreamStats is the figures of one stream in an attempt.
type AttemptStreamStats struct {
	StreamName      string       `json:"streamName"`
	StreamNamespace string       `json:"streamNamespace,omitempty"`
	Stats           AttemptStats `json:"stats"`
}

// FailureSummary is AttemptFailureSummary. PartialSuccess is true when the
// attempt committed records before failing, false when it committed none,
// and nil when that is unknown.
type FailureSummary struct {
	Failures       []FailureReason `json:"failures"`
	PartialSuccess *bool           `json:"partialSuccess,omitempty"`
}

// FailureReason is FailureReason without its stack trace. InternalMessage
// may hold connector output: show it, but do not log it.
type FailureReason struct {
	// FailureOrigin is source, destination, replication, persistence,
	// airbyte_platform, normalization, dbt or unknown.
	FailureOrigin string `json:"failureOrigin,omitempty"`
	// FailureType is config_error, system_error, manual_cancellation,
	// refresh_schema, heartbeat_timeout, destination_timeout or
	// transient_error.
	FailureType     string `json:"failureType,omitempty"`
	ExternalMessage string `json:"externalMessage,omitempty"`
	InternalMessage string `json:"internalMessage,omitempty"`
	Retryable       *bool  `json:"retryable,omitempty"`
	// Timestamp is in epoch milliseconds.
	Timestamp int64 `json:"timestamp"`
	// StreamDescriptor is in the API, but the server's conversions leave it
	// out of jobs/get and connections/status.
	StreamDescriptor *StreamDescriptor `json:"streamDescriptor,omitempty"`
}

// ConnectionSyncStatus is ConnectionStatusRead, the Config API's summary of
// a connection's syncs.
type ConnectionSyncStatus struct {
	ConnectionID         string     `json:"connectionId"`
	ConnectionSyncStatus SyncStatus `json:"connectionSyncStatus"`
	// LastSuccessfulSync is when the newest successful job (sync, reset or refresh)
	// among the connection's ten newest ended, in epoch seconds.
	LastSuccessfulSync *int64 `json:"lastSuccessfulSync,omitempty"`
	// LastSyncJobID is the newest job that succeeded or failed.
	LastSyncJobID         *int64 `json:"lastSyncJobId,omitempty"`
	LastSyncAttemptNumber *int   `json:"lastSyncAttemptNumber,omitempty"`
	LastSyncJobCreatedAt  *int64 `json:"lastSyncJobCreatedAt,omitempty"`
	// ActiveJob is the newest job while it has not ended.
	ActiveJob *JobRead `json:"activeJob,omitempty"`
	// FailureReason is the first failure of the last attempt of
	// LastSyncJobID when that job failed.
	FailureReason *FailureReason `json:"failureReason,omitempty"`
}

// jobIDRequest is JobIdRequestBody.
type jobIDRequest struct {
	ID int64 `json:"id"`
}

// connectionIDsRequest is ConnectionStatusesRequestBody.
type connectionIDsRequest struct {
	ConnectionIDs []string `json:"connectionIds"`
}

// connectionStream is ConnectionStream.
type connectionStream struct {
	StreamName      string `json:"streamName"`
	StreamNamespace string `json:"streamNamespace,omitempty"`
}

// connectionStreamRequest is ConnectionStreamRequestBody.
type connectionStreamRequest struct {
	ConnectionID string             `json:"connectionId"`
	Streams      []connectionStream `json:"streams"`
}

// connectionStreamRefreshRequest is ConnectionStreamRefreshRequestBody.
type connectionStreamRefreshRequest struct {
	ConnectionID string             `json:"connectionId"`
	RefreshMode  RefreshMode        `json:"refreshMode"`
	Streams      []connectionStream `json:"streams,omitempty"`
}

// jobReadResponse is JobReadResponse.
type jobReadResponse struct {
	Job *JobRead `json:"job"`
}

// GetJobInfo reads a job with its attempts (POST {config_root}/jobs/get).
// An unknown job id answers 403 (see IsForbidden) to callers who are not
// instance admins.
func (c *Client) GetJobInfo(ctx context.Context, jobID int64) (*JobInfo, error) {
	req, err := c.configRequest("/jobs/get", jobIDRequest{ID: jobID})
	if err != nil {
		return nil, err
	}
	var out JobInfo
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetConnectionStatuses reads the sync status of connections (POST
// {config_root}/connections/status), one per id, in the same order. One
// unknown id fails the whole call with 403.
func (c *Client) GetConnectionStatuses(ctx context.Context, connectionIDs []string) ([]ConnectionSyncStatus, error) {
	for _, id := range connectionIDs {
		if id == "" {
			return nil, fmt.Errorf("POST /connections/status: connection id: %w", ErrEmptyID)
		}
	}
	req, err := c.configRequest("/connections/status", connectionIDsRequest{ConnectionIDs: append([]string{}, connectionIDs...)})
	if err != nil {
		return nil, err
	}
	var out []ConnectionSyncStatus
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ResetStreams resets streams of a connection (POST
// {config_root}/connections/reset/stream), or every stream when streams is
// empty (connections/reset): Airbyte deletes their data in the destination
// and their state, cancelling any job under way first. See startStreamsJob
// for what the answer and the errors mean.
func (c *Client) ResetStreams(ctx context.Context, connectionID string, streams []StreamDescriptor) (*JobInfo, error) {
	return c.startStreamsJob(ctx, "/connections/reset", connectionID, streams)
}

// ClearStreams clears streams of a connection (POST
// {config_root}/connections/clear/stream), or every stream when streams is
// empty (connections/clear). The server treats a clear exactly as a reset:
// the job's ConfigType is reset_connection.
func (c *Client) ClearStreams(ctx context.Context, connectionID string, streams []StreamDescriptor) (*JobInfo, error) {
	return c.startStreamsJob(ctx, "/connections/clear", connectionID, streams)
}

// startStreamsJob starts a reset or clear. The server does not check the
// streams: one the connection does not have is listed in the job's
// ResetConfig but not in its EnabledStreams. Like CreateJob it is not
// repeated when the server may have acted (an *AmbiguousError): look for
// the new job before starting another. A deleted connection answers 500.
func (c *Client) startStreamsJob(ctx context.Context, path, connectionID string, streams []StreamDescriptor) (*JobInfo, error) {
	var body any = connectionIDRequest{ConnectionID: connectionID}
	if len(streams) > 0 {
		path += "/stream"
		body = connectionStreamRequest{ConnectionID: connectionID, Streams: connectionStreams(streams)}
	}
	if connectionID == "" {
		return nil, fmt.Errorf("POST %s: connection id: %w", path, ErrEmptyID)
	}
	req, err := c.configRequest(path, body)
	if err != nil {
		return nil, err
	}
	req.class = retryUnsafe
	var out JobInfo
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RefreshStreams refreshes streams of a connection, or every stream when
// streams is empty (POST {config_root}/connections/refresh): their state is
// dropped and they are read again from the start, replacing their data in
// the destination (RefreshModeTruncate) or adding to it (RefreshModeMerge).
//
// Airbyte records the refresh and starts a run, which becomes a refresh
// job. When no run can start (a job is running or waiting to retry, or the
// connection is deleted) the answer has no job: RefreshStreams returns nil
// and no error, and the refresh is the connection's next run. While a job
// is pending the answer is that pending job, and the refresh runs after it.
// Like CreateJob it is not repeated when the server may have acted (an
// *AmbiguousError).
func (c *Client) RefreshStreams(ctx context.Context, connectionID string, mode RefreshMode, streams []StreamDescriptor) (*JobRead, error) {
	const path = "/connections/refresh"
	if connectionID == "" {
		return nil, fmt.Errorf("POST %s: connection id: %w", path, ErrEmptyID)
	}
	if mode != RefreshModeTruncate && mode != RefreshModeMerge {
		return nil, fmt.Errorf("POST %s: refresh mode %q: use %q or %q", path, mode, RefreshModeTruncate, RefreshModeMerge)
	}
	req, err := c.configRequest(path, connectionStreamRefreshRequest{
		ConnectionID: connectionID, RefreshMode: mode, Streams: connectionStreams(streams),
	})
	if err != nil {
		return nil, err
	}
	req.class = retryUnsafe
	var out jobReadResponse
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return out.Job, nil
}

func connectionStreams(streams []StreamDescriptor) []connectionStream {
	out := []connectionStream{}
	for _, s := range streams {
		out = append(out, connectionStream{StreamName: s.Name, StreamNamespace: s.Namespace})
	}
	return out
}
