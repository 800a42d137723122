package client

// The enum types below are plain strings: a value the API adds later (as it
// did with job status "queued" and connection status "locked") decodes
// without error and can be compared against the constants.

// ConnectionStatus is ConnectionStatusEnum.
type ConnectionStatus string

const (
	ConnectionStatusActive     ConnectionStatus = "active"
	ConnectionStatusInactive   ConnectionStatus = "inactive"
	ConnectionStatusDeprecated ConnectionStatus = "deprecated" // a deleted connection
	ConnectionStatusLocked     ConnectionStatus = "locked"     // PATCH answers 409
)

// ScheduleType is ScheduleTypeEnum in requests (manual, cron) and
// ScheduleTypeWithBasicEnum in responses (also basic, which cannot be set
// through the Public API).
type ScheduleType string

const (
	ScheduleTypeManual ScheduleType = "manual"
	ScheduleTypeCron   ScheduleType = "cron"
	ScheduleTypeBasic  ScheduleType = "basic"
)

// SyncMode is ConnectionSyncModeEnum, the combined source and destination
// sync mode of a stream.
type SyncMode string

const (
	SyncModeFullRefreshOverwrite        SyncMode = "full_refresh_overwrite"
	SyncModeFullRefreshOverwriteDeduped SyncMode = "full_refresh_overwrite_deduped"
	SyncModeFullRefreshAppend           SyncMode = "full_refresh_append"
	SyncModeFullRefreshUpdate           SyncMode = "full_refresh_update"
	SyncModeFullRefreshSoftDelete       SyncMode = "full_refresh_soft_delete"
	SyncModeIncrementalAppend           SyncMode = "incremental_append"
	SyncModeIncrementalDedupedHistory   SyncMode = "incremental_deduped_history"
	SyncModeIncrementalUpdate           SyncMode = "incremental_update"
	SyncModeIncrementalSoftDelete       SyncMode = "incremental_soft_delete"
)

// SyncModes lists the sync modes the API documents, in spec order.
func SyncModes() []SyncMode {
	return []SyncMode{
		SyncModeFullRefreshOverwrite, SyncModeFullRefreshOverwriteDeduped, SyncModeFullRefreshAppend,
		SyncModeFullRefreshUpdate, SyncModeFullRefreshSoftDelete, SyncModeIncrementalAppend,
		SyncModeIncrementalDedupedHistory, SyncModeIncrementalUpdate, SyncModeIncrementalSoftDelete,
	}
}

// NamespaceDefinition is NamespaceDefinitionEnum.
type NamespaceDefinition string

const (
	NamespaceDefinitionSource       NamespaceDefinition = "source"
	NamespaceDefinitionDestination  NamespaceDefinition = "destination"
	NamespaceDefinitionCustomFormat NamespaceDefinition = "custom_format"
)

// NonBreakingSchemaUpdatesBehavior is NonBreakingSchemaUpdatesBehaviorEnum.
type NonBreakingSchemaUpdatesBehavior string

const (
	NonBreakingSchemaUpdatesIgnore            NonBreakingSchemaUpdatesBehavior = "ignore"
	NonBreakingSchemaUpdatesDisableConnection NonBreakingSchemaUpdatesBehavior = "disable_connection"
	NonBreakingSchemaUpdatesPropagateColumns  NonBreakingSchemaUpdatesBehavior = "propagate_columns"
	NonBreakingSchemaUpdatesPropagateFully    NonBreakingSchemaUpdatesBehavior = "propagate_fully"
)

// StreamMapperType is StreamMapperType.
type StreamMapperType string

const (
	StreamMapperHashing        StreamMapperType = "hashing"
	StreamMapperFieldRenaming  StreamMapperType = "field-renaming"
	StreamMapperRowFiltering   StreamMapperType = "row-filtering"
	StreamMapperEncryption     StreamMapperType = "encryption"
	StreamMapperFieldFiltering StreamMapperType = "field-filtering"
)

// JobStatus is JobStatusEnum.
type JobStatus string

const (
	JobStatusPending    JobStatus = "pending"
	JobStatusQueued     JobStatus = "queued" // added to the API in 2026
	JobStatusRunning    JobStatus = "running"
	JobStatusIncomplete JobStatus = "incomplete" // an attempt failed; more attempts follow
	JobStatusFailed     JobStatus = "failed"
	JobStatusSucceeded  JobStatus = "succeeded"
	JobStatusCancelled  JobStatus = "cancelled"
)

// IsTerminal reports whether a job in this status will not change again
// (succeeded, failed or cancelled). Unknown statuses are not terminal.
func (s JobStatus) IsTerminal() bool {
	switch s {
	case JobStatusSucceeded, JobStatusFailed, JobStatusCancelled:
		return true
	}
	return false
}

// IsFailure reports failed or cancelled.
func (s JobStatus) IsFailure() bool {
	return s == JobStatusFailed || s == JobStatusCancelled
}

// JobType is JobTypeEnum.
type JobType string

const (
	JobTypeSync    JobType = "sync"
	JobTypeReset   JobType = "reset"
	JobTypeRefresh JobType = "refresh" // rejected with 422 by the Public API
	JobTypeClear   JobType = "clear"
)

// StateType is the Config API's ConnectionStateType.
type StateType string

const (
	StateTypeGlobal StateType = "global"
	StateTypeStream StateType = "stream"
	StateTypeLegacy StateType = "legacy"
	StateTypeNotSet StateType = "not_set"
)
