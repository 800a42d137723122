package emulator

import (
	"net/http"
	"slices"
)

// stateCreateOrUpdate is ConnectionStateCreateOrUpdate.
type stateCreateOrUpdate struct {
	ConnectionID    *string       `json:"connectionId"`
	ConnectionState *stateRequest `json:"connectionState"`
}

// stateRequest is a ConnectionState as a client sends it; nil is absent or
// null.
type stateRequest struct {
	StateType    *string               `json:"stateType"`
	ConnectionID *string               `json:"connectionId"`
	State        map[string]any        `json:"state"`
	StreamState  *[]streamStateRequest `json:"streamState"`
	GlobalState  *struct {
		SharedState  map[string]any       `json:"shared_state"`
		StreamStates []streamStateRequest `json:"streamStates"`
	} `json:"globalState"`
}

type streamStateRequest struct {
	StreamDescriptor *struct {
		Name      *string `json:"name"`
		Namespace *string `json:"namespace"`
	} `json:"streamDescriptor"`
	StreamState map[string]any `json:"streamState"`
}

var connectionStateTypes = []string{"global", "stream", "legacy", "not_set"}

// syncRunning reports whether the connection has a sync that has not
// finished, which JobHistoryHandler.getLatestRunningSyncJob looks for (sync
// and refresh jobs only; resets do not count).
func (e *Emulator) syncRunning(connectionID string) bool {
	return slices.ContainsFunc(e.jobs, func(j *job) bool {
		return j.connectionID == connectionID && (j.jobType == "sync" || j.jobType == "refresh") && !j.terminal()
	})
}

// createOrUpdateStateSafe serves POST /api/v1/state/create_or_update_safe
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/StateHandler.kt):
// 423 while a sync runs, else the state is written and read back.
func (e *Emulator) createOrUpdateStateSafe(w http.ResponseWriter, r *http.Request, _ string) {
	var req stateCreateOrUpdate
	if !decodeJSON(w, r, &req) {
		return
	}
	st := req.ConnectionState
	if req.ConnectionID == nil || !validUUID(req.ConnectionID) || st == nil || st.StateType == nil ||
		!slices.Contains(connectionStateTypes, *st.StateType) || !validUUID(st.ConnectionID) || !st.namesPresent() {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	id := *req.ConnectionID
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if e.connByID[id] == nil {
		if e.opts.UnknownIDStatus == http.StatusNotFound {
			// The handler does not look the connection up; the state row's
			// foreign key refuses it and jOOQ's DataAccessException becomes
			// a ConflictException (ApiHelper.execute).
			knownReply(http.StatusConflict, "Failed to access database. Check the server logs for more information").write(w)
		} else {
			writeConfigForbidden(w, r)
		}
		return
	}
	if e.syncRunning(id) {
		knownReply(http.StatusLocked, "State cannot be updated while a sync is running for this connection.").write(w)
		return
	}
	next, ok := writeState(e.states[id], st, id)
	if !ok {
		errorIDReply(http.StatusInternalServerError).write(w)
		return
	}
	if next == nil {
		delete(e.states, id)
		writeJSON(w, http.StatusOK, connectionState{StateType: "not_set", ConnectionID: id})
		return
	}
	e.states[id] = next
	writeJSON(w, http.StatusOK, next)
}

// namesPresent reports whether every stream descriptor that is present has
// a name (StreamDescriptor requires it).
func (st *stateRequest) namesPresent() bool {
	var list []streamStateRequest
	if st.StreamState != nil {
		list = *st.StreamState
	}
	if st.GlobalState != nil {
		list = append(list, st.GlobalState.StreamStates...)
	}
	for _, s := range list {
		if s.StreamDescriptor != nil && s.StreamDescriptor.Name == nil {
			return false
		}
	}
	return true
}

// writeState is StatePersistence.updateOrCreateState
// (airbytehq/airbyte-platform@310e6cb: airbyte-config/config-persistence/src/main/kotlin/io/airbyte/config/persistence/StatePersistence.kt):
// rows are upserted per stream (and for the global shared state), a null
// state deletes its row, rows not named are kept; the type may change only
// from legacy; the whole write is one transaction. ok is false for the
// exceptions no handler maps (a 500): a not_set type, a type change, a
// missing state list or stream descriptor. next is nil when no row is left.
func writeState(prev *connectionState, in *stateRequest, id string) (next *connectionState, ok bool) {
	typ := *in.StateType
	if typ == "not_set" || prev != nil && prev.StateType != "legacy" && prev.StateType != typ {
		return nil, false
	}
	cur := &connectionState{StateType: typ, ConnectionID: id}
	if prev != nil && prev.StateType == typ {
		cur.State = prev.State
		cur.StreamState = slices.Clone(prev.StreamState)
		if prev.GlobalState != nil {
			cur.GlobalState = &globalState{SharedState: prev.GlobalState.SharedState, StreamStates: slices.Clone(prev.GlobalState.StreamStates)}
		}
	}
	switch typ {
	case "legacy":
		cur.State = in.State
		if cur.State == nil {
			return nil, true
		}
	case "stream":
		if in.StreamState == nil {
			return nil, false
		}
		if cur.StreamState, ok = upsertStreams(cur.StreamState, *in.StreamState); !ok {
			return nil, false
		}
		if len(cur.StreamState) == 0 {
			return nil, true
		}
	case "global":
		if in.GlobalState == nil {
			return nil, false
		}
		if cur.GlobalState == nil {
			cur.GlobalState = &globalState{}
		}
		cur.GlobalState.SharedState = in.GlobalState.SharedState
		if cur.GlobalState.StreamStates, ok = upsertStreams(cur.GlobalState.StreamStates, in.GlobalState.StreamStates); !ok {
			return nil, false
		}
		if cur.GlobalState.SharedState == nil && len(cur.GlobalState.StreamStates) == 0 {
			return nil, true
		}
		if cur.GlobalState.StreamStates == nil {
			cur.GlobalState.StreamStates = []streamState{}
		}
	}
	return cur, true
}

// upsertStreams replaces the rows of the named streams in place, appends
// new ones and drops those whose state is null.
func upsertStreams(rows []streamState, in []streamStateRequest) ([]streamState, bool) {
	for _, s := range in {
		if s.StreamDescriptor == nil {
			return nil, false
		}
		d := streamDescriptor{Name: *s.StreamDescriptor.Name}
		if s.StreamDescriptor.Namespace != nil {
			d.Namespace = *s.StreamDescriptor.Namespace
		}
		i := slices.IndexFunc(rows, func(r streamState) bool { return r.StreamDescriptor == d })
		switch {
		case s.StreamState == nil && i >= 0:
			rows = slices.Delete(rows, i, i+1)
		case s.StreamState == nil:
		case i >= 0:
			rows[i].StreamState = s.StreamState
		default:
			rows = append(rows, streamState{StreamDescriptor: d, StreamState: s.StreamState})
		}
	}
	return rows, true
}
