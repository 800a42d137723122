package emulator

import (
	"net/http"
	"time"
)

// connectionState is the Config API's ConnectionState.
type connectionState struct {
	StateType    string         `json:"stateType"`
	ConnectionID string         `json:"connectionId"`
	StreamState  []streamState  `json:"streamState,omitempty"`
	GlobalState  *globalState   `json:"globalState,omitempty"`
	State        map[string]any `json:"state,omitempty"`
}

type streamState struct {
	StreamDescriptor streamDescriptor `json:"streamDescriptor"`
	StreamState      map[string]any   `json:"streamState"`
}

type streamDescriptor struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// globalState spells shared_state in snake case, as config.yaml does.
type globalState struct {
	SharedState  map[string]any `json:"shared_state"`
	StreamStates []streamState  `json:"streamStates"`
}

// recordSuccess writes the state a finished job leaves behind: a reset
// clears it; a sync of a CDC source writes global state for every selected
// stream; any other sync writes stream state for its incremental streams
// (and leaves the state alone when there are none).
func (e *Emulator) recordSuccess(j *job) {
	c := e.connByID[j.connectionID]
	if c == nil {
		return
	}
	if j.jobType != "sync" {
		delete(e.states, c.id)
		return
	}
	cursor := j.endedAt.UTC().Format(time.RFC3339)
	src := e.sourceByID(c.sourceID)
	if src != nil && src.cdc {
		streams := []streamState{}
		for _, s := range c.streams {
			streams = append(streams, streamState{
				StreamDescriptor: streamDescriptor{Name: s.name, Namespace: s.namespace},
				StreamState:      map[string]any{"cursor": cursor},
			})
		}
		e.states[c.id] = &connectionState{StateType: "global", ConnectionID: c.id, GlobalState: &globalState{
			SharedState:  map[string]any{"cdc": true, "lsn": j.id * 1000, "updated_at": cursor},
			StreamStates: streams,
		}}
		return
	}
	var streams []streamState
	for _, s := range c.streams {
		if s.syncMode != syncIncremental {
			continue
		}
		streams = append(streams, streamState{
			StreamDescriptor: streamDescriptor{Name: s.name, Namespace: s.namespace},
			StreamState:      map[string]any{"cursor": cursor, "cursor_field": s.cursorField},
		})
	}
	if len(streams) > 0 {
		e.states[c.id] = &connectionState{StateType: "stream", ConnectionID: c.id, StreamState: streams}
	}
}

type connectionIDRequest struct {
	ConnectionID  *string `json:"connectionId"`
	WithRefreshed *bool   `json:"withRefreshedCatalog"`
}

// getState serves POST /api/v1/state/get. Like the server it does not check
// that the connection exists: anything without state is not_set.
func (e *Emulator) getState(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionIDRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionID == nil {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if st := e.states[*req.ConnectionID]; st != nil {
		writeJSON(w, http.StatusOK, st)
		return
	}
	writeJSON(w, http.StatusOK, connectionState{StateType: "not_set", ConnectionID: *req.ConnectionID})
}

// webBackendConnection is WebBackendConnectionRead with every required
// field and the optional ones the emulator knows.
type webBackendConnection struct {
	ConnectionID                      string          `json:"connectionId"`
	Name                              string          `json:"name"`
	NamespaceDefinition               string          `json:"namespaceDefinition"`
	NamespaceFormat                   *string         `json:"namespaceFormat,omitempty"`
	Prefix                            string          `json:"prefix"`
	SourceID                          string          `json:"sourceId"`
	DestinationID                     string          `json:"destinationId"`
	SyncCatalog                       syncCatalog     `json:"syncCatalog"`
	Schedule                          *legacySchedule `json:"schedule,omitempty"`
	ScheduleType                      string          `json:"scheduleType"`
	ScheduleData                      *scheduleData   `json:"scheduleData,omitempty"`
	Status                            string          `json:"status"`
	StatusReason                      string          `json:"statusReason,omitempty"`
	Source                            sourceRead      `json:"source"`
	Destination                       destinationRead `json:"destination"`
	LatestSyncJobCreatedAt            *int64          `json:"latestSyncJobCreatedAt,omitempty"`
	LatestSyncJobStatus               string          `json:"latestSyncJobStatus,omitempty"`
	IsSyncing                         bool            `json:"isSyncing"`
	SchemaChange                      string          `json:"schemaChange"`
	NotifySchemaChanges               bool            `json:"notifySchemaChanges"`
	NotifySchemaChangesByEmail        bool            `json:"notifySchemaChangesByEmail"`
	NonBreakingChangesPreference      string          `json:"nonBreakingChangesPreference"`
	CreatedAt                         int64           `json:"createdAt"`
	SourceActorDefinitionVersion      actorDefinition `json:"sourceActorDefinitionVersion"`
	DestinationActorDefinitionVersion actorDefinition `json:"destinationActorDefinitionVersion"`
	Tags                              []tag           `json:"tags"`
	OnDemandEnabled                   bool            `json:"onDemandEnabled"`
}

type legacySchedule struct {
	Units    int64  `json:"units"`
	TimeUnit string `json:"timeUnit"`
}

type scheduleData struct {
	BasicSchedule *legacySchedule `json:"basicSchedule,omitempty"`
	Cron          *cronData       `json:"cron,omitempty"`
}

type cronData struct {
	CronExpression string `json:"cronExpression"`
	CronTimeZone   string `json:"cronTimeZone"`
}

type syncCatalog struct {
	Streams []catalogEntry `json:"streams"`
}

type catalogEntry struct {
	Stream airbyteStream `json:"stream"`
	Config streamConfig  `json:"config"`
}

type airbyteStream struct {
	Name                    string         `json:"name"`
	JSONSchema              map[string]any `json:"jsonSchema"`
	SupportedSyncModes      []string       `json:"supportedSyncModes"`
	SourceDefinedCursor     bool           `json:"sourceDefinedCursor"`
	DefaultCursorField      []string       `json:"defaultCursorField"`
	SourceDefinedPrimaryKey [][]string     `json:"sourceDefinedPrimaryKey"`
	Namespace               string         `json:"namespace,omitempty"`
	IsResumable             bool           `json:"isResumable"`
	IsFileBased             bool           `json:"isFileBased"`
}

type streamConfig struct {
	SyncMode              string          `json:"syncMode"`
	CursorField           []string        `json:"cursorField"`
	DestinationSyncMode   string          `json:"destinationSyncMode"`
	Namespace             string          `json:"namespace,omitempty"`
	PrimaryKey            [][]string      `json:"primaryKey"`
	AliasName             string          `json:"aliasName"`
	Selected              bool            `json:"selected"`
	Suggested             bool            `json:"suggested"`
	DestinationObjectName *string         `json:"destinationObjectName,omitempty"`
	IncludeFiles          *bool           `json:"includeFiles,omitempty"`
	FieldSelectionEnabled bool            `json:"fieldSelectionEnabled"`
	SelectedFields        []selectedField `json:"selectedFields"`
	Mappers               []rawJSON       `json:"mappers"`
}

type sourceRead struct {
	SourceDefinitionID      string         `json:"sourceDefinitionId"`
	SourceID                string         `json:"sourceId"`
	WorkspaceID             string         `json:"workspaceId"`
	ConnectionConfiguration map[string]any `json:"connectionConfiguration"`
	Name                    string         `json:"name"`
	SourceName              string         `json:"sourceName"`
	CreatedAt               int64          `json:"createdAt"`
}

type destinationRead struct {
	DestinationDefinitionID string         `json:"destinationDefinitionId"`
	DestinationID           string         `json:"destinationId"`
	WorkspaceID             string         `json:"workspaceId"`
	ConnectionConfiguration map[string]any `json:"connectionConfiguration"`
	Name                    string         `json:"name"`
	DestinationName         string         `json:"destinationName"`
	CreatedAt               int64          `json:"createdAt"`
}

type actorDefinition struct {
	DockerRepository         string `json:"dockerRepository"`
	DockerImageTag           string `json:"dockerImageTag"`
	SupportsRefreshes        bool   `json:"supportsRefreshes"`
	SupportState             string `json:"supportState"`
	IsVersionOverrideApplied bool   `json:"isVersionOverrideApplied"`
	SupportsFileTransfer     bool   `json:"supportsFileTransfer"`
	SupportsDataActivation   bool   `json:"supportsDataActivation"`
}

func definitionVersion(repo, tag string) actorDefinition {
	return actorDefinition{DockerRepository: repo, DockerImageTag: tag, SupportsRefreshes: true, SupportState: "supported"}
}

// getWebBackendConnection serves POST /api/v1/web_backend/connections/get.
// syncCatalog holds every discovered stream; unselected ones have
// config.selected=false. withRefreshedCatalog is accepted and ignored.
func (e *Emulator) getWebBackendConnection(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionIDRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionID == nil {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	c := e.connByID[*req.ConnectionID]
	if c == nil {
		writeErrorID(w, http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, e.webBackendJSON(c))
}

func (e *Emulator) webBackendJSON(c *connection) webBackendConnection {
	src, dst := e.sourceByID(c.sourceID), e.destinationByID(c.destinationID)
	nsDef := c.namespaceDefinition
	if nsDef == "custom_format" {
		nsDef = "customformat"
	}
	pref := c.nonBreaking
	if pref == "disable_connection" {
		pref = "disable"
	}
	out := webBackendConnection{
		ConnectionID: c.id, Name: c.name, NamespaceDefinition: nsDef, NamespaceFormat: c.namespaceFormat,
		Prefix: c.prefix, SourceID: c.sourceID, DestinationID: c.destinationID, ScheduleType: c.scheduleType,
		Status: c.status, StatusReason: c.statusReason, SchemaChange: "no_change", NonBreakingChangesPreference: pref,
		CreatedAt: c.createdAt, Tags: c.tags, SyncCatalog: syncCatalog{Streams: []catalogEntry{}},
		Source: sourceRead{SourceDefinitionID: src.definitionID, SourceID: src.id, WorkspaceID: src.workspaceID,
			ConnectionConfiguration: src.configuration, Name: src.name, SourceName: src.displayName, CreatedAt: src.createdAt},
		Destination: destinationRead{DestinationDefinitionID: dst.definitionID, DestinationID: dst.id, WorkspaceID: dst.workspaceID,
			ConnectionConfiguration: dst.configuration, Name: dst.name, DestinationName: dst.displayName, CreatedAt: dst.createdAt},
		SourceActorDefinitionVersion:      definitionVersion("airbyte/source-"+src.sourceType, src.dockerImageTag),
		DestinationActorDefinitionVersion: definitionVersion("airbyte/destination-"+dst.destinationType, dst.dockerImageTag),
	}
	if out.Tags == nil {
		out.Tags = []tag{}
	}
	switch c.scheduleType {
	case "cron":
		out.ScheduleData = &scheduleData{Cron: &cronData{CronExpression: c.cronExpression, CronTimeZone: "UTC"}}
	case "basic":
		basic := &legacySchedule{Units: c.basicUnits, TimeUnit: c.basicTimeUnit}
		out.Schedule, out.ScheduleData = basic, &scheduleData{BasicSchedule: basic}
	}
	now := e.now()
	for _, j := range e.jobs {
		if j.connectionID != c.id {
			continue
		}
		if !j.terminal() {
			out.IsSyncing = true
		}
		if j.jobType == "sync" {
			created := j.createdAt.Unix()
			out.LatestSyncJobCreatedAt = &created
			out.LatestSyncJobStatus = e.viewJob(j, now).status
		}
	}
	for _, ds := range src.catalog {
		entry := catalogEntry{Stream: airbyteStream{
			Name: ds.name, JSONSchema: ds.jsonSchema(), SupportedSyncModes: ds.supportedSyncModes,
			SourceDefinedCursor: ds.sourceDefinedCursor, DefaultCursorField: nonNil(ds.defaultCursorField),
			SourceDefinedPrimaryKey: nonNilKey(ds.sourceDefinedPK), Namespace: ds.namespace, IsResumable: true,
		}}
		cfg := streamConfig{
			SyncMode: syncFullRefresh, DestinationSyncMode: destOverwrite, Namespace: ds.namespace,
			CursorField: nonNil(ds.defaultCursorField), PrimaryKey: nonNilKey(ds.sourceDefinedPK),
			AliasName: ds.name, SelectedFields: []selectedField{}, Mappers: []rawJSON{},
		}
		for _, s := range c.streams {
			if s.name != ds.name || s.catalogNamespace != ds.namespace {
				continue
			}
			cfg = streamConfig{
				SyncMode: s.syncMode, DestinationSyncMode: s.destinationSyncMode, Namespace: s.namespace,
				CursorField: nonNil(s.cursorField), PrimaryKey: nonNilKey(s.primaryKey), AliasName: s.name,
				Selected: true, Suggested: true, DestinationObjectName: s.destinationObjectName, IncludeFiles: s.includeFiles,
				FieldSelectionEnabled: s.fieldSelectionEnabled, SelectedFields: []selectedField{}, Mappers: s.mappers,
			}
			for _, f := range s.selectedFields {
				cfg.SelectedFields = append(cfg.SelectedFields, selectedField{FieldPath: f})
			}
			if cfg.Mappers == nil {
				cfg.Mappers = []rawJSON{}
			}
		}
		entry.Config = cfg
		out.SyncCatalog.Streams = append(out.SyncCatalog.Streams, entry)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilKey(k [][]string) [][]string {
	if k == nil {
		return [][]string{}
	}
	return k
}
