package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// The streams of configurations.streams are checked against the source's
// catalog (GET /streams for the source and destination) by the rules the
// public API applies to a create or an update, in the same order, and no
// stricter: what the plan refuses Airbyte would refuse, so bad streams are
// found before anything is created. The rules follow
// airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/helpers/AirbyteCatalogHelper.kt
// (getValidConfiguredStreams, findAndValidateCatalogStreamAndConfiguration,
// validateStreamConfig, validateFieldSelection), as the emulator's
// validateStream does.

var streamsPath = path.Root("configurations").AtName("streams")

// checkPlannedStreams checks at plan the streams the apply will send: on a
// create (or a replacement) the configured ones, on an update the configured
// ones with the connection's current values for what they leave out, built
// as Create and Update build them. Nothing is checked when no streams will
// be sent, or when source_id or destination_id is not known yet (Create
// checks then); a stream whose settings are not all known yet is left for
// the apply. When the catalog cannot be read the plan goes on with a
// warning, and the apply checks before it sends.
func (r *connectionResource) checkPlannedStreams(ctx context.Context, req resource.ModifyPlanRequest, plan, state connectionResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.data == nil || r.data.catalogs == nil || !known(plan.SourceID) || !known(plan.DestinationID) {
		return diags
	}
	creating := req.State.Raw.IsNull() || !plan.SourceID.Equal(state.SourceID) || !plan.DestinationID.Equal(state.DestinationID)
	if !creating && (!known(plan.Configurations) || plan.Configurations.Equal(state.Configurations)) {
		return diags // the update does not send streams: nothing to read, so a plan of many unchanged connections stays cheap
	}
	var cfgConfigurations types.Object
	if req.Config.GetAttribute(ctx, path.Root("configurations"), &cfgConfigurations).HasError() {
		return diags
	}
	configured, d := configuredStreams(ctx, cfgConfigurations)
	if d.HasError() {
		return diags
	}
	if !creating {
		if configured == nil {
			configured, _ = knownStreams(ctx, plan.Configurations)
		}
	}
	if len(configured) == 0 {
		return diags
	}
	sourceID, destinationID := plan.SourceID.ValueString(), plan.DestinationID.ValueString()
	catalog, err := r.data.catalogs.streams(ctx, sourceID, destinationID)
	if err != nil {
		diags.AddAttributeWarning(streamsPath, "Streams Not Checked",
			fmt.Sprintf("The streams could not be checked against the catalog of source %q for destination %q, because reading it "+
				"failed: %v. The plan goes on; the apply checks the streams again before it sends them.", sourceID, destinationID, err))
		return diags
	}
	var list []client.StreamConfiguration
	if creating {
		list, d = streamsRequest(ctx, configured, nil, nil)
	} else {
		props, err := r.streamProperties(ctx, sourceID, destinationID)
		if err != nil {
			return diags
		}
		list, d = streamsRequest(ctx, configured, currentStreams(ctx, state.Configurations), props)
	}
	if d.HasError() || len(list) != len(configured) {
		return diags
	}
	skip := make([]bool, len(configured))
	for i, c := range configured {
		skip[i] = !streamSettingsKnown(c)
	}
	for _, p := range checkStreams(sourceID, catalog, list, skip) {
		diags.AddAttributeError(streamsPath, p.summary, p.detail)
	}
	return diags
}

// checkStreamsToSend checks the streams of a create or an update just
// before they are sent, from the catalog the plan read when this process
// made the plan, or read now. So a stream the plan could not check (its
// source, destination or settings were unknown, or the catalog could not be
// read) never reaches Airbyte when the catalog shows Airbyte would refuse it.
func (r *connectionResource) checkStreamsToSend(ctx context.Context, sourceID, destinationID string, confs *client.StreamConfigurations) diag.Diagnostics {
	var diags diag.Diagnostics
	if confs == nil || len(confs.Streams) == 0 || r.data == nil || r.data.catalogs == nil {
		return diags
	}
	catalog, err := r.data.catalogs.streams(ctx, sourceID, destinationID)
	if err != nil {
		diags.AddAttributeWarning(streamsPath, "Streams Not Checked",
			fmt.Sprintf("The streams could not be checked against the catalog of source %q for destination %q, because reading it "+
				"failed: %v. They are sent as configured, and Airbyte checks them.", sourceID, destinationID, err))
		return diags
	}
	for _, p := range checkStreams(sourceID, catalog, confs.Streams, nil) {
		diags.AddAttributeError(streamsPath, p.summary, p.detail+" Nothing was sent to Airbyte.")
	}
	return diags
}

// currentStreams indexes the connection's current streams (configurations
// in state), which an update matches configured streams to.
func currentStreams(ctx context.Context, v types.Object) *streamIndex[streamModel] {
	current, _ := configuredStreams(ctx, v)
	return newStreamIndex(current, streamModelID)
}

// streamSettingsKnown reports whether every setting the checks read is
// known, so that what the plan checks is what the apply sends.
func streamSettingsKnown(s streamModel) bool {
	for _, v := range []attr.Value{s.Name, s.Namespace, s.SyncMode, s.CursorField, s.PrimaryKey, s.SelectedFields} {
		if !fullyKnown(v) {
			return false
		}
	}
	return true
}

func fullyKnown(v attr.Value) bool {
	if v == nil || v.IsUnknown() {
		return false
	}
	if v.IsNull() {
		return true
	}
	var elems []attr.Value
	switch t := v.(type) {
	case types.List:
		elems = t.Elements()
	case types.Set:
		elems = t.Elements()
	case types.Object:
		for _, a := range t.Attributes() {
			elems = append(elems, a)
		}
	}
	for _, e := range elems {
		if !fullyKnown(e) {
			return false
		}
	}
	return true
}

// streamProblem is why Airbyte would refuse a configured stream.
type streamProblem struct{ summary, detail string }

// checkStreams returns, for each stream Airbyte would refuse, the first
// reason it would give, in the server's order. streams[i] is not checked
// when skip[i] is set.
func checkStreams(sourceID string, catalog []client.StreamProperties, streams []client.StreamConfiguration, skip []bool) []streamProblem {
	var out []streamProblem
	resolved := map[streamID]bool{}
	for i, s := range streams {
		if i < len(skip) && skip[i] {
			continue
		}
		d, p := findCatalogStream(sourceID, catalog, s.Name, s.Namespace)
		if p != nil {
			out = append(out, *p)
			continue
		}
		// Two entries that pick one discovered stream pass the request's
		// duplicate check and fail the handler's (a 500).
		key := catalogStreamID(d)
		if resolved[key] {
			out = append(out, streamProblem{"Duplicate Stream", fmt.Sprintf("Two elements of configurations.streams pick the stream %s, "+
				"one with namespace and one without, and Airbyte refuses a stream listed twice. List it once.", streamLabel(d))})
			continue
		}
		resolved[key] = true
		if p := checkStream(s, d); p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// findCatalogStream finds the discovered stream a configured stream names:
// by name, and by namespace when several streams share the name. Airbyte
// stores the discovered namespace whatever the request says, so a namespace
// that is set must be the discovered one; otherwise the connection would
// read back with another namespace than the one planned.
func findCatalogStream(sourceID string, catalog []client.StreamProperties, name, namespace string) (client.StreamProperties, *streamProblem) {
	var byName []client.StreamProperties
	for _, d := range catalog {
		if d.StreamName == name {
			byName = append(byName, d)
		}
	}
	switch {
	case len(byName) == 0:
		names := catalogNames(catalog)
		hint := ""
		if near := nearestName(name, names); near != "" {
			hint = fmt.Sprintf(" Did you mean %q?", near)
		}
		return client.StreamProperties{}, &streamProblem{"Unknown Stream", fmt.Sprintf("The source %q has no stream named %q.%s "+
			"Its streams are: %s. Use one of these names in configurations.streams, or check that source_id is the intended source.",
			sourceID, name, hint, quoteList(names, 100))}
	case len(byName) == 1:
		d := byName[0]
		if namespace == "" || namespace == d.StreamNamespace {
			return d, nil
		}
		if d.StreamNamespace == "" {
			return d, &streamProblem{"Unknown Stream Namespace", fmt.Sprintf("The source's stream %q has no namespace, but namespace "+
				"is %q in configurations.streams. Remove namespace from this stream.", name, namespace)}
		}
		return d, &streamProblem{"Unknown Stream Namespace", fmt.Sprintf("The source's stream %q is in namespace %q, not %q. "+
			"Set namespace = %q on this stream, or leave namespace out: the name alone picks the stream.", name, d.StreamNamespace, namespace, d.StreamNamespace)}
	}
	var matches []client.StreamProperties
	namespaces := make([]string, 0, len(byName))
	for _, d := range byName {
		namespaces = append(namespaces, d.StreamNamespace)
		if d.StreamNamespace == namespace {
			matches = append(matches, d)
		}
	}
	sort.Strings(namespaces)
	switch {
	case len(matches) == 1:
		return matches[0], nil
	case len(matches) > 1:
		return client.StreamProperties{}, &streamProblem{"Ambiguous Stream", fmt.Sprintf("The source's catalog lists the stream %s "+
			"more than once, and Airbyte refuses to pick one. Refresh the source's schema in the Airbyte UI, or leave the stream out.", streamLabel(matches[0]))}
	case namespace == "":
		return client.StreamProperties{}, &streamProblem{"Stream Namespace Needed", fmt.Sprintf("The source has a stream named %q in "+
			"several namespaces: %s. Set namespace on this stream in configurations.streams to the one to sync.", name, quoteList(namespaces, 0))}
	default:
		return client.StreamProperties{}, &streamProblem{"Unknown Stream Namespace", fmt.Sprintf("The source has no stream %q in "+
			"namespace %q; it has %q in the namespaces %s. Set namespace on this stream to one of them.", name, namespace, name, quoteList(namespaces, 0))}
	}
}

// checkStream applies validateStreamConfig: field selection first, then
// the sync mode, then the cursor and the primary key the mode needs. A
// stream without sync_mode, or with full_refresh_overwrite, is always
// accepted past field selection.
func checkStream(s client.StreamConfiguration, d client.StreamProperties) *streamProblem {
	mode := s.SyncMode
	if p := checkFieldSelection(s, d, mode); p != nil {
		return p
	}
	if mode == "" || mode == client.SyncModeFullRefreshOverwrite {
		return nil
	}
	// GET /streams never lists full_refresh_overwrite_deduped, whether or
	// not the pair supports it, so that mode is left to Airbyte; so is any
	// mode when the catalog lists none.
	if mode != client.SyncModeFullRefreshOverwriteDeduped && len(d.SyncModes) > 0 && !slices.Contains(d.SyncModes, mode) {
		valid := []string{string(client.SyncModeFullRefreshOverwrite)}
		for _, m := range client.SyncModes() {
			if m != client.SyncModeFullRefreshOverwrite && slices.Contains(d.SyncModes, m) {
				valid = append(valid, string(m))
			}
		}
		return &streamProblem{"Unsupported Sync Mode", fmt.Sprintf("The stream %s cannot sync with sync_mode %q from this source to "+
			"this destination. Its valid sync modes are: %s. Set sync_mode to one of them.", streamLabel(d), mode, quoteList(valid, 0))}
	}
	switch mode {
	case client.SyncModeIncrementalAppend:
		return checkCursor(s, d)
	case client.SyncModeIncrementalDedupedHistory:
		if p := checkCursor(s, d); p != nil {
			return p
		}
		return checkPrimaryKey(s, d)
	case client.SyncModeFullRefreshUpdate, client.SyncModeIncrementalUpdate:
		return checkPrimaryKey(s, d)
	}
	return nil
}

func checkFieldSelection(s client.StreamConfiguration, d client.StreamProperties, mode client.SyncMode) *streamProblem {
	if s.SelectedFields == nil {
		return nil
	}
	var top []string
	for _, f := range d.PropertyFields {
		if len(f) == 1 {
			top = append(top, f[0])
		}
	}
	label := streamLabel(d)
	if len(s.SelectedFields) == 0 {
		return &streamProblem{"No Selected Fields", fmt.Sprintf("selected_fields of the stream %s is empty, and Airbyte syncs at least "+
			"one field. Its top-level fields are: %s. List the fields to sync, or leave selected_fields out to sync every field.", label, quoteList(top, 0))}
	}
	for _, f := range s.SelectedFields {
		switch {
		case len(f.FieldPath) == 0:
			return &streamProblem{"Empty Selected Field", fmt.Sprintf("An element of selected_fields of the stream %s has no field_path. "+
				"Give each element the path of a top-level field, one of: %s.", label, quoteList(top, 0))}
		case len(f.FieldPath) > 1:
			return &streamProblem{"Nested Field Selection", fmt.Sprintf("selected_fields of the stream %s holds field_path = %s, but "+
				"Airbyte selects only top-level fields. Select field_path = %s instead.", label, hclPath(f.FieldPath), hclPath(f.FieldPath[:1]))}
		}
	}
	selected := map[string]bool{}
	for _, f := range s.SelectedFields {
		if selected[f.FieldPath[0]] {
			return &streamProblem{"Duplicate Selected Field", fmt.Sprintf("selected_fields of the stream %s holds %q twice. List each field once.",
				label, f.FieldPath[0])}
		}
		selected[f.FieldPath[0]] = true
	}
	for _, f := range s.SelectedFields {
		if !slices.Contains(top, f.FieldPath[0]) {
			return &streamProblem{"Unknown Selected Field", fmt.Sprintf("selected_fields of the stream %s holds %q, which is not a "+
				"top-level field of the stream. Its top-level fields are: %s.", label, f.FieldPath[0], quoteList(top, 0))}
		}
	}
	if needsPrimaryKey(mode) {
		key := d.SourceDefinedPrimaryKey
		if len(key) == 0 {
			key = s.PrimaryKey
		}
		for _, k := range key {
			if len(k) > 0 && !selected[k[0]] {
				return &streamProblem{"Primary Key Not Selected", fmt.Sprintf("The stream %s syncs with sync_mode %q, which needs its "+
					"primary key %s, but selected_fields leaves out %q. Add field_path = %s to selected_fields.", label, mode, hclPaths(key), k[0], hclPath(k[:1]))}
			}
		}
	}
	if strings.HasPrefix(string(mode), "incremental_") {
		cursor := s.CursorField
		if d.SourceDefinedCursorField || len(cursor) == 0 {
			cursor = d.DefaultCursorField
		}
		if len(cursor) > 0 && !selected[cursor[0]] {
			return &streamProblem{"Cursor Not Selected", fmt.Sprintf("The stream %s syncs with sync_mode %q, which reads its cursor %s, "+
				"but selected_fields leaves out %q. Add field_path = %s to selected_fields.", label, mode, hclPath(cursor), cursor[0], hclPath(cursor[:1]))}
		}
	}
	return nil
}

// needsPrimaryKey lists the modes whose selected fields must hold the key.
func needsPrimaryKey(mode client.SyncMode) bool {
	switch mode {
	case client.SyncModeIncrementalDedupedHistory, client.SyncModeFullRefreshOverwriteDeduped,
		client.SyncModeIncrementalUpdate, client.SyncModeFullRefreshUpdate:
		return true
	}
	return false
}

func checkCursor(s client.StreamConfiguration, d client.StreamProperties) *streamProblem {
	label := streamLabel(d)
	if d.SourceDefinedCursorField {
		if len(s.CursorField) > 0 && !sameFields(s.CursorField, d.DefaultCursorField) {
			return &streamProblem{"Cursor Defined By Source", fmt.Sprintf("The source defines the cursor of the stream %s as %s, so "+
				"cursor_field = %s cannot be set. Remove cursor_field from this stream.", label, hclPath(d.DefaultCursorField), hclPath(s.CursorField))}
		}
		return nil
	}
	if len(s.CursorField) > 0 {
		if !containsPath(d.PropertyFields, s.CursorField) {
			return &streamProblem{"Unknown Cursor Field", fmt.Sprintf("cursor_field = %s of the stream %s is not a field of the stream. "+
				"Set cursor_field to one of: %s.", hclPath(s.CursorField), label, pathList(d.PropertyFields))}
		}
		return nil
	}
	if len(d.DefaultCursorField) == 0 {
		return &streamProblem{"Missing Cursor Field", fmt.Sprintf("The stream %s syncs with sync_mode %q, which needs a cursor, and the "+
			"source sets no default cursor for it. Set cursor_field to one of: %s.", label, s.SyncMode, pathList(d.PropertyFields))}
	}
	return nil
}

func checkPrimaryKey(s client.StreamConfiguration, d client.StreamProperties) *streamProblem {
	label := streamLabel(d)
	defined, configured := len(d.SourceDefinedPrimaryKey) > 0, len(s.PrimaryKey) > 0
	if defined && configured && !slices.EqualFunc(d.SourceDefinedPrimaryKey, s.PrimaryKey, slices.Equal[[]string]) {
		return &streamProblem{"Primary Key Defined By Source", fmt.Sprintf("The source defines the primary key of the stream %s as %s, "+
			"so primary_key = %s cannot be set. Remove primary_key from this stream, or set it to %s.",
			label, hclPaths(d.SourceDefinedPrimaryKey), hclPaths(s.PrimaryKey), hclPaths(d.SourceDefinedPrimaryKey))}
	}
	if !defined && !configured {
		return &streamProblem{"Missing Primary Key", fmt.Sprintf("The stream %s syncs with sync_mode %q, which needs a primary key, and "+
			"the source defines none for it. Set primary_key to a list of field paths of the stream, such as %s; its fields are: %s.",
			label, s.SyncMode, hclPaths(d.PropertyFields[:min(1, len(d.PropertyFields))]), pathList(d.PropertyFields))}
	}
	for _, k := range s.PrimaryKey {
		if !containsPath(d.PropertyFields, k) {
			return &streamProblem{"Unknown Primary Key Field", fmt.Sprintf("primary_key of the stream %s holds %s, which is not a field "+
				"of the stream. Its fields are: %s.", label, hclPath(k), pathList(d.PropertyFields))}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(k)))) != len(k) {
			return &streamProblem{"Duplicate Primary Key Field", fmt.Sprintf("primary_key of the stream %s holds %s, which names a "+
				"field more than once. Name each field once.", label, hclPath(k))}
		}
	}
	return nil
}

// sameFields compares two field lists as sets, as the server does for a
// source-defined cursor.
func sameFields(a, b []string) bool {
	return slices.Equal(slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b))))
}

func containsPath(paths [][]string, p []string) bool {
	return slices.ContainsFunc(paths, func(q []string) bool { return slices.Equal(q, p) })
}
