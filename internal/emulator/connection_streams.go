package emulator

import "slices"

// configureRequestedStreams validates a request's streams and rejects two
// entries that resolve to one discovered stream, as the handler's
// validateCatalogDoesntContainDuplicateStreamNames does (a 500).
func (e *Emulator) configureRequestedStreams(src *source, dst *destination, reqs []streamRequest) ([]configuredStream, *problem) {
	streams, msg := configureStreams(src.catalog, dst.syncModes, reqs)
	if msg != "" {
		p := badRequest(msg)
		return nil, &p
	}
	seen := map[string]bool{}
	for _, s := range streams {
		key := s.namespace + "." + s.name
		if seen[key] {
			p := unexpectedProblem("Catalog contains duplicate stream names: " + key)
			return nil, &p
		}
		seen[key] = true
	}
	return streams, nil
}

// defaultSelectedStreams are the streams a create without
// configurations.streams keeps: the discovered catalog's default
// configuration selects the only stream of a one-stream catalog or the
// connector's suggested streams, and nothing else
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/CatalogConverter.kt,
// generateDefaultConfiguration). They sync full_refresh/overwrite with the
// default cursor and no primary key: updateConfigDefaultFullRefreshOverwrite
// does not copy the key (AirbyteCatalogHelper.kt).
func defaultSelectedStreams(catalog []discoveredStream) []configuredStream {
	out := []configuredStream{}
	for _, st := range catalog {
		if len(catalog) != 1 && !st.suggested {
			continue
		}
		cs := defaultConfiguredStream(st)
		cs.primaryKey = [][]string{}
		out = append(out, cs)
	}
	return out
}

// deleteStateOfChangedStreams drops the state of every stream that stays
// selected but changes its source sync mode between full_refresh and
// incremental; when that is every stream with state, the whole state goes
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// deleteStateForStreamsWithSyncModeChanged). Streams left out keep theirs.
func (e *Emulator) deleteStateOfChangedStreams(c *connection, next []configuredStream) {
	st := e.states[c.id]
	if st == nil {
		return
	}
	changed := map[streamDescriptor]bool{}
	for _, n := range next {
		for _, old := range c.streams {
			if old.name == n.name && old.namespace == n.namespace && old.syncMode != n.syncMode {
				changed[streamDescriptor{Name: n.name, Namespace: n.namespace}] = true
			}
		}
	}
	if len(changed) == 0 {
		return
	}
	keep := func(list []streamState) []streamState {
		return slices.DeleteFunc(slices.Clone(list), func(s streamState) bool { return changed[s.StreamDescriptor] })
	}
	switch st.StateType {
	case "stream":
		st.StreamState = keep(st.StreamState)
		if len(st.StreamState) == 0 {
			delete(e.states, c.id)
		}
	case "global":
		st.GlobalState.StreamStates = keep(st.GlobalState.StreamStates)
		if len(st.GlobalState.StreamStates) == 0 {
			delete(e.states, c.id)
		}
	default:
		delete(e.states, c.id)
	}
}
