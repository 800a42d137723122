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
	// LastSuccessfulSync is when the newest successful job (sync or reset)
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
