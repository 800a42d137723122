package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// sourceResponse is SourceResponse; secrets in configuration are masked.
type sourceResponse struct {
	SourceID      string         `json:"sourceId"`
	Name          string         `json:"name"`
	SourceType    string         `json:"sourceType"`
	DefinitionID  string         `json:"definitionId"`
	WorkspaceID   string         `json:"workspaceId"`
	Configuration map[string]any `json:"configuration"` // null once deleted
	CreatedAt     int64          `json:"createdAt"`
}

type destinationResponse struct {
	DestinationID   string         `json:"destinationId"`
	Name            string         `json:"name"`
	DestinationType string         `json:"destinationType"`
	DefinitionID    string         `json:"definitionId"`
	WorkspaceID     string         `json:"workspaceId"`
	Configuration   map[string]any `json:"configuration"`
	CreatedAt       int64          `json:"createdAt"`
}

type workspaceResponse struct {
	WorkspaceID   string        `json:"workspaceId"`
	Name          string        `json:"name"`
	DataResidency string        `json:"dataResidency"`
	Notifications notifications `json:"notifications"`
}

type notification struct {
	Email struct {
		Enabled bool `json:"enabled"`
	} `json:"email"`
	Webhook struct {
		Enabled bool `json:"enabled"`
	} `json:"webhook"`
}

type notifications struct {
	Failure                        notification `json:"failure"`
	Success                        notification `json:"success"`
	ConnectionUpdate               notification `json:"connectionUpdate"`
	ConnectionUpdateActionRequired notification `json:"connectionUpdateActionRequired"`
	SyncDisabled                   notification `json:"syncDisabled"`
	SyncDisabledWarning            notification `json:"syncDisabledWarning"`
}

// sourceJSON and destinationJSON send a deleted actor with a null
// configuration: deleting tombstones the row and voids its configuration
// (airbytehq/airbyte-platform@310e6cb: airbyte-data/src/main/kotlin/io/airbyte/data/services/impls/jooq/SourceServiceJooqImpl.kt,
// tombstoneSource), and reads do not filter tombstones.
func sourceJSON(s *source) sourceResponse {
	out := sourceResponse{SourceID: s.id, Name: s.name, SourceType: s.sourceType, DefinitionID: s.definitionID,
		WorkspaceID: s.workspaceID, Configuration: s.configuration, CreatedAt: s.createdAt}
	if s.deleted {
		out.Configuration = nil
	}
	return out
}

func destinationJSON(d *destination) destinationResponse {
	out := destinationResponse{DestinationID: d.id, Name: d.name, DestinationType: d.destinationType,
		DefinitionID: d.definitionID, WorkspaceID: d.workspaceID, Configuration: d.configuration, CreatedAt: d.createdAt}
	if d.deleted {
		out.Configuration = nil
	}
	return out
}

// workspaceJSON gives the notification settings a workspace is created with:
// email on for everything but success, no webhooks
// (airbytehq/airbyte-platform@310e6cb: airbyte-config/config-models/src/main/kotlin/io/airbyte/config/helpers/NotificationSettingsHelpers.kt).
func workspaceJSON(ws *workspace) workspaceResponse {
	out := workspaceResponse{WorkspaceID: ws.id, Name: ws.name, DataResidency: "auto"}
	n := &out.Notifications
	for _, x := range []*notification{&n.Failure, &n.ConnectionUpdate, &n.ConnectionUpdateActionRequired, &n.SyncDisabled, &n.SyncDisabledWarning} {
		x.Email.Enabled = true
	}
	return out
}

// listQuery is the query part of list links: includeDeleted, then the
// comma-joined workspaceIds when given.
func listQuery(p listParams) []string {
	q := []string{"includeDeleted=" + strconv.FormatBool(p.includeDeleted)}
	if len(p.workspaceIDs) > 0 {
		q = append(q, "workspaceIds="+strings.Join(p.workspaceIDs, ","))
	}
	return q
}

// listActors serves a paginated list of items filtered by workspace and
// deletion.
func listActors[T any, R any](e *Emulator, w http.ResponseWriter, r *http.Request, base, path string,
	items []T, workspaceOf func(T) string, deleted func(T) bool, render func(T) R) {
	p, ok := parseListParams(w, r)
	if !ok {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.checkWorkspaces(w, p.workspaceIDs) {
		return
	}
	var all []R
	for _, it := range items {
		if deleted(it) && !p.includeDeleted {
			continue
		}
		if len(p.workspaceIDs) > 0 && !slices.Contains(p.workspaceIDs, workspaceOf(it)) {
			continue
		}
		all = append(all, render(it))
	}
	data := page(all, p.limit, p.offset)
	prev, next := pageLinks(base+path, listQuery(p), p.limit, p.offset, len(data))
	writeJSON(w, http.StatusOK, listResponse[R]{Previous: prev, Next: next, Data: data})
}

func (e *Emulator) listSources(w http.ResponseWriter, r *http.Request, base string) {
	listActors(e, w, r, base, "/sources", e.snapshotSources(),
		func(s *source) string { return s.workspaceID }, func(s *source) bool { return s.deleted }, sourceJSON)
}

func (e *Emulator) listDestinations(w http.ResponseWriter, r *http.Request, base string) {
	listActors(e, w, r, base, "/destinations", e.snapshotDestinations(),
		func(d *destination) string { return d.workspaceID }, func(d *destination) bool { return d.deleted }, destinationJSON)
}

func (e *Emulator) listWorkspaces(w http.ResponseWriter, r *http.Request, base string) {
	e.mu.Lock()
	wss := slices.Clone(e.workspaces)
	e.mu.Unlock()
	listActors(e, w, r, base, "/workspaces", wss,
		func(ws *workspace) string { return ws.id }, func(*workspace) bool { return false }, workspaceJSON)
}

// snapshotSources and snapshotDestinations copy the slices so list handlers
// can range over them; the items themselves are read under the lock.
func (e *Emulator) snapshotSources() []*source {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.sources)
}

func (e *Emulator) snapshotDestinations() []*destination {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.destinations)
}

// A deleted source or destination is still read (200, configuration null)
// and deleted again (204): SourceHandler and DestinationHandler look actors
// up without filtering tombstones
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SourceHandler.kt).
// GET /sources/{id} and both DELETEs check requireOneOfRoles, whose 403 names
// no role; GET /destinations/{id} checks requireRole(WORKSPACE_READER)
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/SourcesController.kt,
// DestinationsController.kt).

func (e *Emulator) getSource(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.PathValue("sourceId")
	s := e.sourceByID(id)
	if s == nil {
		e.writeUnknownFor(w, "source", id, editorsDenied)
		return
	}
	writeJSON(w, http.StatusOK, sourceJSON(s))
}

// deleteSource deletes the source and soft-deletes every connection using
// it, as the server's SourceHandler does.
func (e *Emulator) deleteSource(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	id := r.PathValue("sourceId")
	s := e.sourceByID(id)
	if s == nil {
		e.writeUnknownFor(w, "source", id, editorsDenied)
		return
	}
	s.deleted = true
	for _, c := range e.connections {
		if c.sourceID == id {
			e.softDelete(c)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) getDestination(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.PathValue("destinationId")
	d := e.destinationByID(id)
	if d == nil {
		e.writeUnknown(w, "destination", id)
		return
	}
	writeJSON(w, http.StatusOK, destinationJSON(d))
}

// deleteDestination deletes the destination and, like deleteSource,
// soft-deletes its connections.
func (e *Emulator) deleteDestination(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	id := r.PathValue("destinationId")
	d := e.destinationByID(id)
	if d == nil {
		e.writeUnknownFor(w, "destination", id, editorsDenied)
		return
	}
	d.deleted = true
	for _, c := range e.connections {
		if c.destinationID == id {
			e.softDelete(c)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) getWorkspace(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.PathValue("workspaceId")
	ws := e.workspaceByID(id)
	if ws == nil {
		e.writeUnknown(w, "workspace", id)
		return
	}
	writeJSON(w, http.StatusOK, workspaceJSON(ws))
}

// streamProperties is StreamProperties (note the lower-case streamnamespace).
type streamProperties struct {
	StreamName               string     `json:"streamName"`
	SyncModes                *[]string  `json:"syncModes,omitempty"`
	StreamNamespace          string     `json:"streamnamespace,omitempty"`
	DefaultCursorField       []string   `json:"defaultCursorField"`
	SourceDefinedCursorField bool       `json:"sourceDefinedCursorField"`
	SourceDefinedPrimaryKey  [][]string `json:"sourceDefinedPrimaryKey"`
	PropertyFields           [][]string `json:"propertyFields"`
}

// getStreams serves GET /streams. syncModes is left out without a
// destinationId (the server sends null there).
func (e *Emulator) getStreams(w http.ResponseWriter, r *http.Request, _ string) {
	q := r.URL.Query()
	sourceID, destinationID := q.Get("sourceId"), q.Get("destinationId")
	if sourceID == "" {
		writeProblem(w, badRequest("Required query parameter sourceId is missing."))
		return
	}
	if v := q.Get("ignoreCache"); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			writeErrorID(w, http.StatusBadRequest)
			return
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.sourceByID(sourceID)
	if s == nil || s.deleted {
		e.writeMissingActor(w, "source", sourceID, s != nil)
		return
	}
	var destModes []string
	if destinationID != "" {
		d := e.destinationByID(destinationID)
		if d == nil || d.deleted {
			e.writeMissingActor(w, "destination", destinationID, d != nil)
			return
		}
		destModes = d.syncModes
	}
	out := []streamProperties{}
	for _, ds := range s.catalog {
		sp := streamProperties{
			StreamName: ds.name, StreamNamespace: ds.namespace, DefaultCursorField: nonNil(ds.defaultCursorField),
			SourceDefinedCursorField: ds.sourceDefinedCursor, SourceDefinedPrimaryKey: nonNilKey(ds.sourceDefinedPK),
			PropertyFields: ds.propertyPaths(),
		}
		if destModes != nil {
			modes := streamPropertySyncModes(ds, destModes)
			sp.SyncModes = &modes
		}
		out = append(out, sp)
	}
	writeJSON(w, http.StatusOK, out)
}
