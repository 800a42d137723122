package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Job is JobResponse.
type Job struct {
	JobID   int64     `json:"jobId"`
	Status  JobStatus `json:"status"`
	JobType JobType   `json:"jobType"`
	// StartTime is the job's creation time as the server formats it, for
	// example "2024-05-01T12:34:56Z" or, when the seconds are zero,
	// "2024-05-01T12:34Z". Parse it with ParseAirbyteTime.
	StartTime    string `json:"startTime"`
	ConnectionID string `json:"connectionId"`
	// LastUpdatedAt is set only once the job is terminal.
	LastUpdatedAt string `json:"lastUpdatedAt,omitempty"`
	// Duration is an ISO-8601 duration such as "PT5M7S", as Airbyte writes it.
	Duration    string `json:"duration,omitempty"`
	BytesSynced int64  `json:"bytesSynced,omitempty"`
	RowsSynced  int64  `json:"rowsSynced,omitempty"`
}

// IsTerminal reports whether the job has finished (succeeded, failed or
// cancelled).
func (j Job) IsTerminal() bool { return j.Status.IsTerminal() }

// JobsPage is one page of JobsResponse.
type JobsPage struct {
	Data     []Job  `json:"data"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// JobCreateRequest is the body of POST /jobs.
type JobCreateRequest struct {
	ConnectionID string  `json:"connectionId"`
	JobType      JobType `json:"jobType"`
}

// ListJobsParams filters GET /jobs. Zero values are left out.
type ListJobsParams struct {
	// ConnectionID, when set, makes the server ignore WorkspaceIDs.
	ConnectionID string
	WorkspaceIDs []string
	JobType      JobType
	Status       JobStatus
	// OrderBy is "<field>|ASC" or "<field>|DESC" with field createdAt or
	// updatedAt. The server's default is createdAt|ASC (oldest first).
	OrderBy string
	// Limit is the page size, 1–100 (server default 20).
	Limit          int
	Offset         int
	CreatedAtStart *time.Time
	CreatedAtEnd   *time.Time
	UpdatedAtStart *time.Time
	UpdatedAtEnd   *time.Time
}

// Job ordering values for ListJobsParams.OrderBy.
const (
	OrderByCreatedAtAsc  = "createdAt|ASC"
	OrderByCreatedAtDesc = "createdAt|DESC"
	OrderByUpdatedAtAsc  = "updatedAt|ASC"
	OrderByUpdatedAtDesc = "updatedAt|DESC"
)

// CreateJob starts a job (sync, reset or clear) for a connection. Like
// CreateConnection it is not repeated when the server may have acted: a
// gateway error or lost connection returns an *AmbiguousError, and the
// caller should look for a new job (ListJobs) before starting another. A
// sync that is already running answers 409 (see IsConflict).
func (c *Client) CreateJob(ctx context.Context, connectionID string, jobType JobType) (*Job, error) {
	if connectionID == "" {
		return nil, fmt.Errorf("POST /jobs: connection id: %w", ErrEmptyID)
	}
	req := c.publicRequest(http.MethodPost, "/jobs", nil, JobCreateRequest{ConnectionID: connectionID, JobType: jobType})
	req.class = retryUnsafe
	var out Job
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetJob reads a job.
func (c *Client) GetJob(ctx context.Context, jobID int64) (*Job, error) {
	var out Job
	if err := c.do(ctx, c.publicRequest(http.MethodGet, jobPath(jobID), nil, nil), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelJob asks Airbyte to cancel a job and returns the job as re-read
// after the request. Only a job whose attempt is running is cancelled: a job
// still pending, or one that has already ended, comes back as it is.
func (c *Client) CancelJob(ctx context.Context, jobID int64) (*Job, error) {
	var out Job
	if err := c.do(ctx, c.publicRequest(http.MethodDelete, jobPath(jobID), nil, nil), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListJobs fetches one page of jobs.
func (c *Client) ListJobs(ctx context.Context, p ListJobsParams) (JobsPage, error) {
	q := listQuery(p.WorkspaceIDs, false, p.Limit, p.Offset)
	set := func(key, value string) {
		if value != "" {
			q.Set(key, value)
		}
	}
	set("connectionId", p.ConnectionID)
	set("jobType", string(p.JobType))
	set("status", string(p.Status))
	set("orderBy", p.OrderBy)
	for key, t := range map[string]*time.Time{
		"createdAtStart": p.CreatedAtStart, "createdAtEnd": p.CreatedAtEnd,
		"updatedAtStart": p.UpdatedAtStart, "updatedAtEnd": p.UpdatedAtEnd,
	} {
		if t != nil {
			q.Set(key, t.UTC().Format(time.RFC3339))
		}
	}
	var out JobsPage
	err := c.do(ctx, c.publicRequest(http.MethodGet, "/jobs", q, nil), &out)
	return out, err
}

func jobPath(jobID int64) string {
	return "/jobs/" + url.PathEscape(strconv.FormatInt(jobID, 10))
}
