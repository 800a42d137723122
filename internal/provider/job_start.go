package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// Values of job_type. reset is accepted as another name of clear: both
// start the same job in Airbyte.
const (
	jobTypeSync    = "sync"
	jobTypeClear   = "clear"
	jobTypeReset   = "reset"
	jobTypeRefresh = "refresh"
)

// Values of refresh_mode, and the Config API's names for them.
const (
	refreshTruncate = "truncate"
	refreshMerge    = "merge"
)

var refreshModes = map[string]client.RefreshMode{refreshTruncate: client.RefreshModeTruncate, refreshMerge: client.RefreshModeMerge}

// runsAs reports whether a job the public API reports with type t is a job
// of the kind job_type names: a clear, whether asked for as clear or reset,
// is a reset_connection job, which the public API calls reset.
func runsAs(jobType string, t client.JobType) bool {
	switch jobType {
	case jobTypeClear, jobTypeReset:
		return t == client.JobTypeReset || t == client.JobTypeClear
	case jobTypeRefresh:
		return t == client.JobTypeRefresh
	}
	return t == client.JobTypeSync
}

// listedType is the type to filter the job history by when looking for a
// job this kind of start made.
func listedType(jobType string) client.JobType {
	switch jobType {
	case jobTypeClear, jobTypeReset:
		return client.JobTypeReset
	case jobTypeRefresh:
		return client.JobTypeRefresh
	}
	return client.JobTypeSync
}

// maxUnsettledStarts is how many starts with an unknown outcome, each shown
// by the job history to have started nothing, are tried before giving up.
const maxUnsettledStarts = 3

// start starts the job the request asks for. A start whose outcome is
// unknown (the response was lost) is settled by looking for the job it may
// have made, so that a retry never starts a second job; when it made none,
// the start is sent again.
func (r *syncRunner) start(ctx context.Context, req syncRequest) (*client.Job, error) {
	for attempt := 1; ; attempt++ {
		since := r.clock.Now().Add(-5 * time.Second) // allowing for clock skew between here and Airbyte
		job, err := r.startOnce(ctx, req)
		if !client.IsAmbiguous(err) {
			return job, err
		}
		tflog.Warn(ctx, "starting the job had an unknown outcome; looking for the job it may have made",
			map[string]any{"connection_id": req.ConnectionID, "job_type": req.jobType(), "error": err.Error()})
		lookCtx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			// Interrupted after the start may have reached Airbyte: look
			// anyway, briefly, so that a job that was started is known (and
			// cancelled by the caller) rather than left running unseen.
			lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
		}
		found, lookErr := r.jobSince(lookCtx, req, since)
		cancel()
		switch {
		case lookErr != nil:
			return nil, fmt.Errorf("%w; looking for the job it may have started failed too: %v. "+
				"Check the connection's job history before starting another", err, lookErr)
		case found != nil:
			tflog.Info(ctx, "adopted the job the failed start made", map[string]any{"job_id": found.JobID})
			return found, nil
		case attempt == maxUnsettledStarts || ctx.Err() != nil:
			return nil, fmt.Errorf("starting the %s failed %d times and the job history shows none of them started a job: %w",
				req.jobType(), attempt, err)
		}
		// Nothing was started: starting again makes the only job.
	}
}

// startOnce sends one start: the public API's POST /jobs for a sync and for
// a clear of the whole connection, the Config API for a clear of some
// streams and for a refresh, which the public API does not offer. The job
// is returned as the public API shows it.
func (r *syncRunner) startOnce(ctx context.Context, req syncRequest) (*client.Job, error) {
	var jobID int64
	switch {
	case req.jobType() == jobTypeRefresh:
		job, err := r.client.RefreshStreams(ctx, req.ConnectionID, refreshModes[req.RefreshMode], req.Streams)
		if err != nil {
			return nil, err
		}
		if job == nil || job.ConfigType != client.JobConfigTypeRefresh {
			// Another job started since the look for one: Airbyte keeps the
			// refresh for the connection's next run, and answers with no job
			// or with that other job, just created.
			return nil, errors.New("the refresh was recorded, but no job started, because another job of the connection " +
				"was running; the refresh runs as the connection's next job. Apply again once that job has ended to run and follow it")
		}
		jobID = job.ID
	case len(req.Streams) > 0:
		info, err := r.client.ClearStreams(ctx, req.ConnectionID, req.Streams)
		if err != nil {
			return nil, err
		}
		jobID = info.Job.ID
	default:
		return r.client.CreateJob(ctx, req.ConnectionID, client.JobType(req.jobType()))
	}
	return r.client.GetJob(ctx, jobID)
}

// jobSince returns the newest job of the request's kind of the connection
// created at or after since.
func (r *syncRunner) jobSince(ctx context.Context, req syncRequest, since time.Time) (*client.Job, error) {
	page, err := r.client.ListJobs(ctx, client.ListJobsParams{
		ConnectionID: req.ConnectionID, JobType: listedType(req.jobType()), OrderBy: client.OrderByCreatedAtDesc, Limit: 5,
	})
	if err != nil {
		return nil, err
	}
	for _, j := range page.Data {
		// startTime has whole seconds: compare at that precision.
		if t, err := client.ParseAirbyteTime(j.StartTime); err == nil && !t.Before(since.Truncate(time.Second)) {
			return &j, nil
		}
	}
	return nil, nil
}

// resolveStreams checks the request's streams against the connection's and
// gives each its namespace: Airbyte matches streams by name and namespace,
// and would clear nothing of a stream named without the namespace it has.
// A name alone must name one stream of the connection.
func (r *syncRunner) resolveStreams(ctx context.Context, req *syncRequest) error {
	if len(req.Streams) == 0 {
		return nil
	}
	conn, err := r.client.GetConnection(ctx, req.ConnectionID)
	if err != nil {
		return &syncError{Kind: syncStartFailed, Err: fmt.Errorf("reading the connection's streams: %w", err)}
	}
	var names []string
	for _, s := range conn.Configurations.Streams {
		names = append(names, streamName(client.StreamDescriptor{Name: s.Name, Namespace: s.Namespace}))
	}
	for i, want := range req.Streams {
		var found []client.StreamDescriptor
		for _, s := range conn.Configurations.Streams {
			if s.Name == want.Name && (want.Namespace == "" || s.Namespace == want.Namespace) {
				found = append(found, client.StreamDescriptor{Name: s.Name, Namespace: s.Namespace})
			}
		}
		switch {
		case len(found) == 0:
			return &syncError{Kind: syncBadStreams, Err: fmt.Errorf("streams[%d]: %q is not a stream the connection syncs; its streams are %s. "+
				"Name one of them (with its namespace where the source has several streams of that name)", i, streamName(want), quoteList(names, 20))}
		case len(found) > 1:
			return &syncError{Kind: syncBadStreams, Err: fmt.Errorf("streams[%d]: the connection syncs several streams named %q, in the namespaces %s. "+
				"Set namespace to say which", i, want.Name, quoteList(namespacesOf(found), 0))}
		}
		req.Streams[i] = found[0]
	}
	return nil
}

func namespacesOf(streams []client.StreamDescriptor) []string {
	var out []string
	for _, s := range streams {
		out = append(out, s.Namespace)
	}
	return out
}

// runningJob returns the newest job of the connection that has not ended.
func (r *syncRunner) runningJob(ctx context.Context, connectionID string) (*client.Job, error) {
	page, err := r.client.ListJobs(ctx, client.ListJobsParams{
		ConnectionID: connectionID, OrderBy: client.OrderByCreatedAtDesc, Limit: 10,
	})
	if err != nil {
		return nil, err
	}
	for _, j := range page.Data {
		if !j.IsTerminal() {
			return &j, nil
		}
	}
	return nil, nil
}
