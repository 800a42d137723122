package client

import (
	"context"
	"encoding/json"
	"fmt"
)

// The connection timeline, as the Config API serves it. When a job ends the
// server writes an event whose summary holds the job's figures and, for a
// failure, the first failure reason of its last attempt with the stream it
// names: the one place the API sends a failure's stream descriptor
// (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionTimelineEventHelper.kt).

// ConnectionEventType values of the job events.
const (
	EventSyncStarted       = "SYNC_STARTED"
	EventSyncSucceeded     = "SYNC_SUCCEEDED"
	EventSyncIncomplete    = "SYNC_INCOMPLETE"
	EventSyncFailed        = "SYNC_FAILED"
	EventSyncCancelled     = "SYNC_CANCELLED"
	EventRefreshStarted    = "REFRESH_STARTED"
	EventRefreshSucceeded  = "REFRESH_SUCCEEDED"
	EventRefreshIncomplete = "REFRESH_INCOMPLETE"
	EventRefreshFailed     = "REFRESH_FAILED"
	EventRefreshCancelled  = "REFRESH_CANCELLED"
	EventClearStarted      = "CLEAR_STARTED"
	EventClearSucceeded    = "CLEAR_SUCCEEDED"
	EventClearIncomplete   = "CLEAR_INCOMPLETE"
	EventClearFailed       = "CLEAR_FAILED"
	EventClearCancelled    = "CLEAR_CANCELLED"
)

// jobFailureEventTypes are the events of a failed job: INCOMPLETE when it
// loaded some bytes, FAILED otherwise.
var jobFailureEventTypes = []string{EventSyncFailed, EventSyncIncomplete, EventRefreshFailed, EventRefreshIncomplete,
	EventClearFailed, EventClearIncomplete}

// eventsPageSize is the page the client asks for; the server's default is
// 20 and it sets no maximum.
const eventsPageSize = 100

// ConnectionEvent is ConnectionEvent. Summary is the event's JSON, whose
// shape depends on EventType; JobSummary decodes a job event's.
type ConnectionEvent struct {
	ID           string          `json:"id"`
	ConnectionID string          `json:"connectionId"`
	EventType    string          `json:"eventType"`
	Summary      json.RawMessage `json:"summary"`
	// CreatedAt is in epoch seconds.
	CreatedAt int64 `json:"createdAt"`
}

// JobEventSummary is the summary of a job event (FinalStatusEvent,
// FailedEvent or ManuallyStartedEvent). Times are epoch seconds.
type JobEventSummary struct {
	JobID                 int64 `json:"jobId"`
	StartTimeEpochSeconds int64 `json:"startTimeEpochSeconds"`
	EndTimeEpochSeconds   int64 `json:"endTimeEpochSeconds"`
	BytesLoaded           int64 `json:"bytesLoaded"`
	RecordsLoaded         int64 `json:"recordsLoaded"`
	AttemptsCount         int   `json:"attemptsCount"`
	// Streams are a refresh's or clear's streams; a sync has none.
	Streams []StreamDescriptor `json:"streams"`
	// FailureReason is the first failure of the last attempt of a failed
	// job, with the stream it names; nil for other events.
	FailureReason *FailureReason `json:"failureReason"`
}

// JobSummary decodes the summary of a job event.
func (e ConnectionEvent) JobSummary() (*JobEventSummary, error) {
	var out JobEventSummary
	if err := json.Unmarshal(e.Summary, &out); err != nil {
		return nil, fmt.Errorf("connection event %s (%s): summary: %w", e.ID, e.EventType, err)
	}
	return &out, nil
}

type connectionEventsRequest struct {
	ConnectionID string      `json:"connectionId"`
	EventTypes   []string    `json:"eventTypes,omitempty"`
	Pagination   *pagination `json:"pagination,omitempty"`
}

type pagination struct {
	PageSize  int `json:"pageSize"`
	RowOffset int `json:"rowOffset"`
}

type connectionEventList struct {
	Events []ConnectionEvent `json:"events"`
}

// ListConnectionEvents lists a connection's timeline events (POST
// {config_root}/connections/events/list), newest first, of the given types
// (all when eventTypes is empty). It reads every page.
func (c *Client) ListConnectionEvents(ctx context.Context, connectionID string, eventTypes []string) ([]ConnectionEvent, error) {
	var out []ConnectionEvent
	err := c.eachConnectionEventsPage(ctx, connectionID, eventTypes, func(page []ConnectionEvent) bool {
		out = append(out, page...)
		return true
	})
	return out, err
}

// eachConnectionEventsPage hands each page of events to fn until fn
// returns false or a page is short.
func (c *Client) eachConnectionEventsPage(ctx context.Context, connectionID string, eventTypes []string,
	fn func([]ConnectionEvent) bool,
) error {
	if connectionID == "" {
		return fmt.Errorf("POST /connections/events/list: connection id: %w", ErrEmptyID)
	}
	for offset := 0; ; offset += eventsPageSize {
		req, err := c.configRequest("/connections/events/list", connectionEventsRequest{ConnectionID: connectionID,
			EventTypes: eventTypes, Pagination: &pagination{PageSize: eventsPageSize, RowOffset: offset}})
		if err != nil {
			return err
		}
		var page connectionEventList
		if err := c.do(ctx, req, &page); err != nil {
			return err
		}
		if !fn(page.Events) || len(page.Events) < eventsPageSize {
			return nil
		}
	}
}

// JobFailureEvent returns the failure reason the connection's timeline holds
// for a failed job: the first failure of its last attempt, including the
// stream it names, which jobs/get leaves out. It is nil when the timeline has
// no failure event for the job (the job did not fail, or failed before the
// server wrote the event), and nil also when the event holds no reason.
func (c *Client) JobFailureEvent(ctx context.Context, connectionID string, jobID int64) (*FailureReason, error) {
	found, err := c.JobFailureEvents(ctx, connectionID, []int64{jobID})
	return found[jobID], err
}

// JobFailureEvents is JobFailureEvent for several jobs of one connection,
// from one pass over its timeline, which stops at the page holding the last
// of them. Jobs without a failure event are left out of the map.
func (c *Client) JobFailureEvents(ctx context.Context, connectionID string, jobIDs []int64) (map[int64]*FailureReason, error) {
	wanted := make(map[int64]bool, len(jobIDs))
	for _, id := range jobIDs {
		wanted[id] = true
	}
	found := make(map[int64]*FailureReason, len(jobIDs))
	var failure error
	err := c.eachConnectionEventsPage(ctx, connectionID, jobFailureEventTypes, func(page []ConnectionEvent) bool {
		for _, ev := range page {
			s, err := ev.JobSummary()
			if err != nil {
				failure = err
				return false
			}
			if wanted[s.JobID] {
				delete(wanted, s.JobID)
				if s.FailureReason != nil {
					found[s.JobID] = s.FailureReason
				}
			}
		}
		return len(wanted) > 0
	})
	if err != nil {
		return nil, err
	}
	return found, failure
}
