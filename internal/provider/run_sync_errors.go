package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// inactiveAdvice says what to do about a connection that cannot sync because
// of its status.
func inactiveAdvice(status client.ConnectionStatus) string {
	switch status {
	case client.ConnectionStatusInactive:
		return "Enable it, with status = \"active\" on its airbyte_connection or in the Airbyte UI, then apply again."
	case client.ConnectionStatusLocked:
		return "Airbyte locked it; unlock it in the Airbyte UI (the connection's page says why it was locked), then apply again."
	case client.ConnectionStatusDeprecated:
		return "It was deleted, and a deleted connection never syncs: set connection_id to a live connection."
	}
	return "Check the connection in the Airbyte UI."
}

// describeSyncError explains a sync that did not succeed, for the resource
// and the action alike: what happened, with the job's id, status and link,
// and what to do.
func describeSyncError(err error, req syncRequest, workspaceID, webRoot string) (summary, detail string) {
	var se *syncError
	if !errors.As(err, &se) {
		return "Sync Failed", fmt.Sprintf("Running a sync of the connection %q failed: %v.", req.ConnectionID, err)
	}
	link := func(j *client.Job) string {
		if j == nil || webRoot == "" || workspaceID == "" {
			return ""
		}
		return " See " + client.JobURL(webRoot, workspaceID, req.ConnectionID, j.JobID)
	}
	switch se.Kind {
	case syncFailed:
		noun := jobNoun(req.jobType())
		summary = noun + " Failed"
		if se.Job.Status == client.JobStatusCancelled {
			summary = noun + " Cancelled"
		}
		attached := ""
		if se.Attached {
			attached = ", already running when this run began (if_running = \"attach\"),"
		}
		detail = fmt.Sprintf("The %s job %d of the connection %q%s ended with status %q, having moved %d rows (%s).",
			strings.ToLower(noun), se.Job.JobID, req.ConnectionID, attached, se.Job.Status, se.Job.RowsSynced, formatBytes(se.Job.BytesSynced))
		detail += describeFailure(se.Outcome)
		if l := link(se.Job); l != "" {
			detail += l + " for its logs."
		} else {
			detail += " Its logs are in the connection's job history in the Airbyte UI."
		}
	case syncAlreadyRunning:
		summary = "Sync Already Running"
		detail = fmt.Sprintf("Another sync (job %d, %s) is running on the connection %q, and if_running is %q, so no sync was started.",
			se.Job.JobID, se.Job.Status, req.ConnectionID, ifRunningFail)
		if l := link(se.Job); l != "" {
			detail += l + "."
		}
		detail += fmt.Sprintf(" Apply again once it has ended, or set if_running = %q to wait for it.", ifRunningWait)
	case syncTimedOut:
		summary = "Sync Timed Out"
		switch {
		case se.Waiting:
			detail = fmt.Sprintf("Another sync (job %d) of the connection %q was still running when the timeout of %s passed, so this sync "+
				"was not started; the other sync was left running.", se.Job.JobID, req.ConnectionID, formatDuration(req.Timeout))
		case se.Cancelled:
			detail = fmt.Sprintf("The sync job %d of the connection %q timed out after %s, so it was cancelled (status %q, %d rows and %s moved).",
				se.Job.JobID, req.ConnectionID, formatDuration(req.Timeout), se.Job.Status, se.Job.RowsSynced, formatBytes(se.Job.BytesSynced))
		case se.Job.IsTerminal():
			detail = fmt.Sprintf("The sync job %d of the connection %q timed out after %s, and ended with status %q meanwhile.",
				se.Job.JobID, req.ConnectionID, formatDuration(req.Timeout), se.Job.Status)
		default:
			detail = fmt.Sprintf("The sync job %d of the connection %q timed out after %s and was not cancelled: it is still %s in Airbyte.",
				se.Job.JobID, req.ConnectionID, formatDuration(req.Timeout), se.Job.Status)
		}
		if l := link(se.Job); l != "" {
			detail += l + "."
		}
		if se.Err != nil {
			detail += fmt.Sprintf(" Also: %v.", se.Err)
		}
		detail += " Raise timeout if syncs of this connection take longer."
	case syncInterrupted:
		summary = "Sync Interrupted"
		switch {
		case se.Job == nil:
			detail = fmt.Sprintf("Terraform was interrupted before a sync of the connection %q started; no sync was started.", req.ConnectionID)
		case se.Waiting:
			detail = fmt.Sprintf("Terraform was interrupted while waiting for another sync (job %d) of the connection %q to end; "+
				"no sync was started, and the other one was left running.", se.Job.JobID, req.ConnectionID)
		case se.Cancelled:
			detail = fmt.Sprintf("Terraform was interrupted while waiting for the sync job %d of the connection %q, so the job was cancelled (status %q).",
				se.Job.JobID, req.ConnectionID, se.Job.Status)
		default:
			detail = fmt.Sprintf("Terraform was interrupted while waiting for the sync job %d of the connection %q; the job was not cancelled "+
				"and is still %s in Airbyte.", se.Job.JobID, req.ConnectionID, se.Job.Status)
		}
		if l := link(se.Job); l != "" && !se.Waiting {
			detail += l + "."
		}
		if se.Err != nil && !errors.Is(se.Err, context.Canceled) && !errors.Is(se.Err, context.DeadlineExceeded) {
			detail += fmt.Sprintf(" Also: %v.", se.Err)
		}
	case syncBadStreams:
		summary = "Invalid Streams"
		detail = fmt.Sprintf("Nothing was started on the connection %q. %v.", req.ConnectionID, se.Err)
	default:
		summary = "Cannot Start " + jobNoun(req.jobType())
		detail = fmt.Sprintf("Airbyte did not start a sync of the connection %q: %v.", req.ConnectionID, se.Err)
		switch {
		case se.ConnectionStatus != "" && se.ConnectionStatus != client.ConnectionStatusActive:
			detail = fmt.Sprintf("Airbyte syncs only active connections, and the connection %q is %s, so no sync was started. %s",
				req.ConnectionID, se.ConnectionStatus, inactiveAdvice(se.ConnectionStatus))
		case client.IsConflict(se.Err):
			detail += " The connection may be locked or disabled; check it in the Airbyte UI."
		case client.IsForbidden(se.Err), client.IsNotFound(se.Err):
			detail += " Check connection_id, and that the credentials may use the connection's workspace."
		}
	}
	return summary, detail
}

// jobNoun names a job type in a diagnostic's summary.
func jobNoun(jobType string) string {
	switch jobType {
	case jobTypeClear, jobTypeReset:
		return "Clear"
	case jobTypeRefresh:
		return "Refresh"
	}
	return "Sync"
}
