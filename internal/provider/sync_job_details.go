package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// syncJobDetails are what the Config API's jobs/get tells of a job beyond
// the public API: its attempts, why it failed, and what each stream
// committed. They are null when the job has not been read that way.
type syncJobDetails struct {
	Attempts       types.Int64  `tfsdk:"attempts"`
	FailureOrigin  types.String `tfsdk:"failure_origin"`
	FailureType    types.String `tfsdk:"failure_type"`
	FailureMessage types.String `tfsdk:"failure_message"`
	FailureStream  types.String `tfsdk:"failure_stream"`
	PartialSuccess types.Bool   `tfsdk:"partial_success"`
	StreamStats    types.List   `tfsdk:"stream_stats"`
}

// streamStatsAttrTypes are the attribute types of one stream_stats element.
var streamStatsAttrTypes = map[string]attr.Type{
	"name": types.StringType, "namespace": types.StringType,
	"records_committed": types.Int64Type, "records_rejected": types.Int64Type, "bytes_committed": types.Int64Type,
}

// syncJobDetailsAttrTypes are the attribute types of syncJobDetails.
var syncJobDetailsAttrTypes = map[string]attr.Type{
	"attempts": types.Int64Type, "failure_origin": types.StringType, "failure_type": types.StringType,
	"failure_message": types.StringType, "failure_stream": types.StringType, "partial_success": types.BoolType,
	"stream_stats": types.ListType{ElemType: types.ObjectType{AttrTypes: streamStatsAttrTypes}},
}

// jobOutcome is a job's attempts summed up: the failure that ended it, and
// the figures each stream committed over all its attempts.
type jobOutcome struct {
	Attempts       int
	Failure        *client.FailureReason
	PartialSuccess bool
	Streams        []streamFigures
}

// streamFigures are one stream's committed figures. A figure Airbyte did
// not report is nil.
type streamFigures struct {
	Name, Namespace  string
	RecordsCommitted int64
	RecordsRejected  *int64
	BytesCommitted   *int64
}

// outcomeOf sums up a job read with jobs/get. The failure, for a job that
// did not succeed, is the first one of the last failed attempt, as
// Airbyte's connection status shows it,
// skipping the cancellation note a cancelled attempt also carries when it
// has a real failure. A job succeeded partially when any of its failed
// attempts committed records.
func outcomeOf(info *client.JobInfo) jobOutcome {
	out := jobOutcome{Attempts: len(info.Attempts)}
	byStream := map[client.StreamDescriptor]*streamFigures{}
	for _, ai := range info.Attempts {
		a := ai.Attempt
		if fs := a.FailureSummary; fs != nil && len(fs.Failures) > 0 {
			f := fs.Failures[0]
			for _, g := range fs.Failures {
				if g.FailureType != "manual_cancellation" {
					f = g
					break
				}
			}
			out.Failure = &f
			if fs.PartialSuccess != nil && *fs.PartialSuccess {
				out.PartialSuccess = true
			}
		}
		for _, s := range a.StreamStats {
			key := client.StreamDescriptor{Name: s.StreamName, Namespace: s.StreamNamespace}
			sf := byStream[key]
			if sf == nil {
				sf = &streamFigures{Name: s.StreamName, Namespace: s.StreamNamespace}
				byStream[key] = sf
			}
			sf.RecordsCommitted += s.Stats.RecordsCommitted
			sf.RecordsRejected = addFigure(sf.RecordsRejected, s.Stats.RecordsRejected)
			sf.BytesCommitted = addFigure(sf.BytesCommitted, s.Stats.BytesCommitted)
		}
	}
	if info.Job.Status == client.JobStatusSucceeded {
		out.Failure = nil // a failed attempt that a later one made good did not end the job
	}
	for _, sf := range byStream {
		out.Streams = append(out.Streams, *sf)
	}
	slices.SortFunc(out.Streams, func(a, b streamFigures) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// addFigure adds a reported figure to a sum, which stays nil until one is reported.
func addFigure(sum, v *int64) *int64 {
	if v == nil {
		return sum
	}
	total := *v
	if sum != nil {
		total += *sum
	}
	return &total
}

// nullSyncJobDetails are the details of a job not read with jobs/get.
func nullSyncJobDetails() syncJobDetails {
	return syncJobDetails{
		Attempts: types.Int64Null(), FailureOrigin: types.StringNull(), FailureType: types.StringNull(),
		FailureMessage: types.StringNull(), FailureStream: types.StringNull(), PartialSuccess: types.BoolNull(),
		StreamStats: types.ListNull(types.ObjectType{AttrTypes: streamStatsAttrTypes}),
	}
}

// fill sets d from a job's outcome.
func (d *syncJobDetails) fill(o jobOutcome) {
	*d = nullSyncJobDetails()
	d.Attempts = types.Int64Value(int64(o.Attempts))
	d.PartialSuccess = types.BoolValue(o.PartialSuccess)
	if f := o.Failure; f != nil {
		d.FailureOrigin = optionalString(f.FailureOrigin)
		d.FailureType = optionalString(f.FailureType)
		d.FailureMessage = optionalString(f.ExternalMessage)
		if f.StreamDescriptor != nil && f.StreamDescriptor.Name != "" {
			d.FailureStream = types.StringValue(streamName(*f.StreamDescriptor))
		}
	}
	elems := make([]attr.Value, 0, len(o.Streams))
	for _, s := range o.Streams {
		elems = append(elems, types.ObjectValueMust(streamStatsAttrTypes, map[string]attr.Value{
			"name": types.StringValue(s.Name), "namespace": optionalString(s.Namespace),
			"records_committed": types.Int64Value(s.RecordsCommitted),
			"records_rejected":  types.Int64PointerValue(s.RecordsRejected),
			"bytes_committed":   types.Int64PointerValue(s.BytesCommitted),
		}))
	}
	d.StreamStats = types.ListValueMust(types.ObjectType{AttrTypes: streamStatsAttrTypes}, elems)
}

// jobOutcomeOf reads a job with jobs/get and sums it up, and for a failure
// without its stream, the job's failure event. It returns nil,
// after logging why, when the Config API cannot be reached or refuses: the
// details are extra, and a job is still reported without them.
func jobOutcomeOf(ctx context.Context, c *client.Client, jobID int64) *jobOutcome {
	return jobOutcomesOf(ctx, c, []int64{jobID})[jobID]
}

// jobOutcomesOf is jobOutcomeOf for several jobs: one jobs/get each, and the
// failure events of each connection's jobs from one pass over its timeline.
func jobOutcomesOf(ctx context.Context, c *client.Client, jobIDs []int64) map[int64]*jobOutcome {
	out := make(map[int64]*jobOutcome, len(jobIDs))
	// streamless holds, by connection, the jobs whose failure jobs/get gave
	// without its stream; the connection's timeline keeps it, in the job's
	// failure event.
	streamless := map[string][]int64{}
	for _, id := range jobIDs {
		info, err := c.GetJobInfo(ctx, id)
		if err != nil {
			tflog.Warn(ctx, "reading the job's attempts failed; its failure details are left out", map[string]any{
				"job_id": id, "error": err.Error()})
			out[id] = nil
			continue
		}
		o := outcomeOf(info)
		out[id] = &o
		if f := o.Failure; f != nil && f.StreamDescriptor == nil && info.Job.ConfigID != "" {
			streamless[info.Job.ConfigID] = append(streamless[info.Job.ConfigID], id)
		}
	}
	for connectionID, ids := range streamless {
		reasons, err := c.JobFailureEvents(ctx, connectionID, ids)
		if err != nil {
			tflog.Warn(ctx, "reading the jobs' failure events failed; their streams are left out", map[string]any{
				"job_ids": ids, "error": err.Error()})
		}
		for _, id := range ids {
			if r := reasons[id]; r != nil && r.StreamDescriptor != nil && r.StreamDescriptor.Name != "" {
				withStream := *out[id].Failure
				withStream.StreamDescriptor = r.StreamDescriptor
				out[id].Failure = &withStream
			}
		}
	}
	return out
}

// describeFailure says why a job failed and what to do, from its outcome;
// "" when the outcome has no failure.
func describeFailure(o *jobOutcome) string {
	if o == nil || o.Failure == nil {
		return ""
	}
	f := o.Failure
	var b strings.Builder
	attempts := "1 attempt"
	if o.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", o.Attempts)
	}
	fmt.Fprintf(&b, " It failed after %s.", attempts)
	what := strings.TrimSpace(strings.Join([]string{originWords(f.FailureOrigin), typeWords(f.FailureType)}, " "))
	if what != "" {
		fmt.Fprintf(&b, " Airbyte reports a %s", what)
	} else {
		b.WriteString(" Airbyte reports a failure")
	}
	if f.StreamDescriptor != nil && f.StreamDescriptor.Name != "" {
		fmt.Fprintf(&b, " on the stream %q", streamName(*f.StreamDescriptor))
	}
	if f.ExternalMessage != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSuffix(f.ExternalMessage, "."))
	}
	b.WriteString(".")
	if o.PartialSuccess {
		b.WriteString(" Some records were committed before the failure (partial_success).")
	}
	if advice := failureAdvice(f); advice != "" {
		b.WriteString(" " + advice)
	}
	return b.String()
}

// streamName writes a stream as namespace.name, or name alone.
func streamName(s client.StreamDescriptor) string {
	if s.Namespace == "" {
		return s.Name
	}
	return s.Namespace + "." + s.Name
}

func originWords(origin string) string {
	switch origin {
	case "", "unknown":
		return ""
	case "airbyte_platform":
		return "platform"
	}
	return origin
}

func typeWords(t string) string {
	if t == "" {
		return "failure"
	}
	return strings.ReplaceAll(t, "_", " ")
}

// failureAdvice says what to do about a failure, by its type and origin.
func failureAdvice(f *client.FailureReason) string {
	switch f.FailureType {
	case "config_error":
		who := "connector"
		if f.FailureOrigin == "source" || f.FailureOrigin == "destination" {
			who = f.FailureOrigin
		}
		return fmt.Sprintf("Fix the %s's configuration in Airbyte (credentials, permissions, settings), then run the job again: "+
			"Airbyte does not retry a configuration error.", who)
	case "refresh_schema":
		return "The source's schema changed: refresh it in Airbyte and review the connection's streams, then run the job again."
	case "manual_cancellation":
		return "Someone or something cancelled the job; run it again when ready."
	case "transient_error", "heartbeat_timeout", "destination_timeout":
		return "This kind of failure is often temporary: run the job again, and check the connector's health if it repeats."
	case "system_error":
		return "Check the job's logs; run the job again once the cause is fixed."
	}
	return "Check the job's logs for the cause."
}

// Descriptions of the details' attributes, shared by the resource's and the
// data sources' schemas.
var syncJobDetailsDescriptions = map[string]string{
	"attempts": "How many attempts the job made: Airbyte retries a failed attempt unless the failure cannot pass by itself " +
		"(a configuration error). Null when the job's attempts could not be read (the Config API could not be reached).",
	"failure_origin": "Where the failure that ended the job came from: `source`, `destination`, `replication`, `persistence`, " +
		"`airbyte_platform` or `unknown`. Null when the job did not fail or Airbyte did not say.",
	"failure_type": "What kind of failure ended the job: `config_error` (fix the connector's configuration; not retried), " +
		"`system_error`, `transient_error`, `refresh_schema`, `heartbeat_timeout`, `destination_timeout` or `manual_cancellation`. " +
		"Null when the job did not fail or Airbyte did not say.",
	"failure_message": "Airbyte's message for the failure that ended the job, as the Airbyte UI shows it. Null when the job did not fail.",
	"failure_stream": "The stream the failure that ended the job concerns, as `namespace.name` or `name`, when Airbyte names one " +
		"(read from the connection's timeline, where the Airbyte UI finds it too); null otherwise.",
	"partial_success": "Whether a failed attempt of the job committed records before it failed. `false` for a job whose attempts " +
		"failed without committing anything, or that did not fail.",
	"stream_stats": "What the job committed, per stream, summed over its attempts. Airbyte reports figures only for attempts that " +
		"ended with an output, so a running job has none yet.",
	"stream_stats.name":              "The stream's name.",
	"stream_stats.namespace":         "The stream's namespace; null when Airbyte does not report one.",
	"stream_stats.records_committed": "The records committed to the destination.",
	"stream_stats.records_rejected":  "The records the destination rejected; null when Airbyte does not report it.",
	"stream_stats.bytes_committed":   "The bytes committed to the destination; null when Airbyte does not report it.",
}
