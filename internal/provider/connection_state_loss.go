package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// A plan of airbyte_connection that makes Airbyte lose a connection's sync
// state, or stop syncing streams, says so, as a warning or (state_loss =
// "error") as an error. What loses state is what the server does on the
// public API's PATCH /connections/{id}, which the provider updates with
// (airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/ConnectionsController.kt
// patchConnection, which calls
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt
// updateConnection directly, without the web backend's resets):
//   - A stream that stays selected but moves from incremental to full
//     refresh loses its state (deleteStateForStreamsWithSyncModeChanged).
//     The move the other way deletes the state too, but a full-refresh
//     stream keeps no position worth keeping, so it is not reported.
//     Cursor, primary key and destination sync mode changes keep the state.
//   - A stream left out of configurations.streams stops syncing. Its state
//     is kept: the server deletes it only under the feature flag
//     reset-stream-state-on-disable (ResetStreamsStateWhenDisabled), off by
//     default (airbyte-featureflag/src/main/kotlin/FlagDefinitions.kt).
//   - A replacement (a new source_id or destination_id) deletes the
//     connection and creates another, which starts with no state. Only
//     then is the state read (POST /state/get of the Config API), so a
//     plan without replacement costs no request.

// Values of the provider's state_loss setting.
const (
	stateLossWarn  = "warn"
	stateLossError = "error"
)

var stateLossValues = []string{stateLossWarn, stateLossError}

// stateLossAttribute is the provider's state_loss setting.
var stateLossAttribute = pschema.StringAttribute{
	Optional: true,
	MarkdownDescription: "What a plan of `airbyte_connection` reports when applying it would make Airbyte lose sync state or stop " +
		"syncing streams: a replacement of a connection that has state, streams left out of `configurations.streams`, or a stream " +
		"moved from an incremental to a full-refresh sync mode. `warn` (the default) shows a warning naming what is lost; " +
		"`error` fails the plan instead, before anything changes, for pipelines that gate on it. Environment variable: `" +
		envStateLoss + "`.",
	Validators: []validator.String{stringvalidator.OneOf(stateLossValues...)},
}

// validateStateLossEnv checks a state_loss that comes from the environment;
// the attribute's validator checks one in the configuration.
func (s providerSettings) validateStateLossEnv() diag.Diagnostics {
	var diags diag.Diagnostics
	if s.stateLossFromEnv && !slices.Contains(stateLossValues, s.stateLoss) {
		diags.AddAttributeError(path.Root("state_loss"), "Invalid State Loss Setting",
			fmt.Sprintf("The %s environment variable holds %q. Set it to \"warn\" or \"error\", or unset it.", envStateLoss, s.stateLoss))
	}
	return diags
}

// stateLossReport adds what a plan loses to diagnostics, as warnings or,
// with state_loss = "error", errors.
type stateLossReport struct {
	asError bool
	diags   diag.Diagnostics
}

func (r *stateLossReport) add(at path.Path, summary, detail string) {
	if r.asError {
		r.diags.AddAttributeError(at, summary, detail+" The plan stops here because the provider's state_loss is \"error\": "+
			"nothing was changed in Airbyte. To go ahead, set state_loss = \"warn\" in the provider block (or "+envStateLoss+
			"=warn) for this change.")
		return
	}
	r.diags.AddAttributeWarning(at, summary, detail)
}

// checkStateLoss reports what applying the plan of an existing connection
// loses. Nothing is reported for a create or a destroy.
func (r *connectionResource) checkStateLoss(ctx context.Context, req resource.ModifyPlanRequest, plan, state connectionResourceModel) diag.Diagnostics {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return nil
	}
	report := &stateLossReport{asError: r.data != nil && r.data.stateLoss == stateLossError}
	if at, replaced := replacedBy(plan, state); replaced {
		r.checkReplacement(ctx, at, state.ConnectionID.ValueString(), report)
		return report.diags
	}
	if !known(plan.Configurations) || plan.Configurations.Equal(state.Configurations) {
		return nil
	}
	planned, ok := knownStreams(ctx, plan.Configurations)
	if !ok {
		return nil // the streams are not known until apply
	}
	current, _ := configuredStreams(ctx, state.Configurations)
	removed, toFullRefresh := streamChanges(current, planned)
	id := state.ConnectionID.ValueString()
	if len(removed) > 0 {
		report.add(streamsPath, "Streams Will Stop Syncing",
			fmt.Sprintf("The connection %q will no longer sync %s, left out of configurations.streams. The data already synced "+
				"stays in the destination. Airbyte keeps the saved state of a stream left out, so listing it again resumes where it "+
				"stopped (an Airbyte with the reset-stream-state-on-disable feature flag on deletes that state instead).",
				id, streamList(removed)))
	}
	if len(toFullRefresh) > 0 {
		report.add(streamsPath, "Stream State Will Be Deleted",
			fmt.Sprintf("The connection %q moves %s from an incremental to a full-refresh sync mode, so Airbyte deletes the saved "+
				"state (the cursor position) of each when it applies the change: from then on each sync reads the whole stream, and "+
				"moving back to incremental starts from the beginning. The data already synced stays in the destination.",
				id, streamList(toFullRefresh)))
	}
	return report.diags
}

// replacedBy returns the attribute whose change replaces the connection,
// when one does: source_id or destination_id (RequiresReplace in the schema).
func replacedBy(plan, state connectionResourceModel) (path.Path, bool) {
	switch {
	case !plan.SourceID.Equal(state.SourceID):
		return path.Root("source_id"), true
	case !plan.DestinationID.Equal(state.DestinationID):
		return path.Root("destination_id"), true
	}
	return path.Empty(), false
}

// checkReplacement reads the state of a connection the plan replaces and
// reports the streams that hold state. A state that cannot be read is a
// warning whatever state_loss says: the plan goes on.
func (r *connectionResource) checkReplacement(ctx context.Context, at path.Path, id string, report *stateLossReport) {
	if r.data == nil || id == "" {
		return
	}
	st, err := r.data.client.GetConnectionState(ctx, id)
	if err != nil {
		report.diags.AddAttributeWarning(at, "Sync State Not Checked",
			fmt.Sprintf("Changing %s replaces the connection %q: Terraform deletes it and creates a new one, which starts without "+
				"the old one's sync state. Whether it holds state could not be checked, because reading it failed: %v.%s",
				at, id, err, requestFailureAdvice(err)))
		return
	}
	held := stateDescription(st)
	if held == "" {
		return
	}
	report.add(at, "Replacement Loses Sync State",
		fmt.Sprintf("Changing %s replaces the connection %q: Terraform deletes it and creates a new one. Airbyte holds sync state "+
			"for %s of the connection; the new connection starts without it, so its first sync reads every stream from the "+
			"beginning. The data already synced stays in the destination.", at, id, held))
}

// stateDescription says what a connection's state holds, such as "2 streams
// (charges, customers)"; "" when it holds nothing.
func stateDescription(st *client.ConnectionState) string {
	var streams []client.StreamState
	shared := false
	switch st.StateType {
	case client.StateTypeStream:
		streams = st.StreamState
	case client.StateTypeGlobal:
		if st.GlobalState != nil {
			streams = st.GlobalState.StreamStates
			shared = len(st.GlobalState.SharedState) > 0 && string(st.GlobalState.SharedState) != "null"
		}
	case client.StateTypeLegacy:
		return "all streams (in one legacy state)"
	default:
		return ""
	}
	ids := make([]streamID, len(streams))
	for i, s := range streams {
		ids[i] = streamID{s.StreamDescriptor.Name, s.StreamDescriptor.Namespace}
	}
	var held string
	switch len(ids) {
	case 0:
		if !shared {
			return ""
		}
		return "its change data capture position (shared state)"
	case 1:
		held = "1 stream (" + streamNames(ids) + ")"
	default:
		held = fmt.Sprintf("%d streams (%s)", len(ids), streamNames(ids))
	}
	if shared {
		held += " and its change data capture position (shared state)"
	}
	return held
}

// streamChanges compares the connection's current streams with the planned
// ones: the streams that leave the connection, and those that stay but move
// from an incremental to a full-refresh sync mode. A planned stream whose
// namespace is not known yet keeps every current stream of its name.
func streamChanges(current, planned []streamModel) (removed, toFullRefresh []streamID) {
	index := newStreamIndex(current, streamModelID)
	kept := make([]bool, len(current))
	for _, p := range planned {
		name := p.Name.ValueString()
		if p.Namespace.IsUnknown() {
			for i, c := range current {
				if c.Name.ValueString() == name {
					kept[i] = true
				}
			}
		}
		i := index.position(name, p.Namespace)
		if i < 0 {
			continue
		}
		kept[i] = true
		was, next := current[i].SyncMode, p.SyncMode
		if known(next) && strings.HasPrefix(was.ValueString(), "incremental_") && strings.HasPrefix(next.ValueString(), "full_refresh_") {
			toFullRefresh = append(toFullRefresh, streamModelID(current[i]))
		}
	}
	for i, c := range current {
		if !kept[i] {
			removed = append(removed, streamModelID(c))
		}
	}
	return removed, toFullRefresh
}

// streamList names streams for a sentence: "the stream \"a\"" or "the
// streams \"a\" and \"b\"".
func streamList(ids []streamID) string {
	if len(ids) == 1 {
		return "the stream " + streamNames(ids)
	}
	return "the streams " + streamNames(ids)
}

// streamNames lists streams, sorted, each quoted with its namespace when it
// has one: "public"."users".
func streamNames(ids []streamID) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = fmt.Sprintf("%q", id.name)
		if id.namespace != "" {
			names[i] = fmt.Sprintf("%q.%q", id.namespace, id.name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
