package emulator

import (
	"net/http"
	"slices"
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
	SharedState  map[string]any `json:"shared_state,omitempty"`
	StreamStates []streamState  `json:"streamStates"`
}

// recordSuccess writes the state a successful sync or refresh leaves
// behind: a sync of a CDC source writes global state for every selected stream; any other
// sync writes stream state for its incremental streams (and leaves the
// state alone when there are none). A reset has nothing to write: its first
// attempt already cleared the state (clearStateForFirstAttempt).
func (e *Emulator) recordSuccess(j *job) {
	c := e.connByID[j.connectionID]
	if c == nil || j.jobType == "reset" {
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

// writeConfigForbidden answers a Config API request whose connection id
// resolves to no workspace: the @Secured role check fails before any handler
// runs (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/support/AuthenticationHeaderResolver.kt),
// and Micronaut writes its own JSON error, not a problem.
func writeConfigForbidden(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusForbidden, map[string]any{
		"message":   "Forbidden",
		"_links":    map[string]any{"self": map[string]any{"href": r.URL.Path, "templated": false}},
		"_embedded": map[string]any{"errors": []any{map[string]any{"message": "Forbidden"}}},
	})
}

// getState serves POST /api/v1/state/get. The handler does not check that
// the connection exists (an instance admin gets not_set for any id), but the
// role check before it answers 403 for an unknown id
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/StateHandler.kt).
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
	if e.connByID[*req.ConnectionID] == nil && e.opts.UnknownIDStatus != http.StatusNotFound {
		writeConfigForbidden(w, r)
		return
	}
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
	BackfillPreference                string          `json:"backfillPreference"`
	OperationIDs                      []string        `json:"operationIds"`
	Operations                        []any           `json:"operations"`
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
	SyncMode              string     `json:"syncMode"`
	CursorField           []string   `json:"cursorField"`
	DestinationSyncMode   string     `json:"destinationSyncMode"`
	PrimaryKey            [][]string `json:"primaryKey"`
	AliasName             string     `json:"aliasName"`
	Selected              bool       `json:"selected"`
	Suggested             bool       `json:"suggested"`
	DestinationObjectName *string    `json:"destinationObjectName,omitempty"`
	IncludeFiles          *bool      `json:"includeFiles,omitempty"`
	FieldSelectionEnabled *bool      `json:"fieldSelectionEnabled,omitempty"`
	// SelectedFields, HashedFields and Mappers are sent for selected streams
	// only; the default configuration of an unselected stream leaves them
	// null.
	SelectedFields *[]selectedField `json:"selectedFields,omitempty"`
	HashedFields   *[]selectedField `json:"hashedFields,omitempty"`
	Mappers        *[]rawJSON       `json:"mappers,omitempty"`
}

// configAPISpellings are the connection's namespaceDefinition and
// nonBreakingChangesPreference as the Config API spells them.
func (c *connection) configAPISpellings() (namespaceDefinition, nonBreaking string) {
	namespaceDefinition, nonBreaking = c.namespaceDefinition, c.nonBreaking
	if namespaceDefinition == "custom_format" {
		namespaceDefinition = "customformat"
	}
	if nonBreaking == "disable_connection" {
		nonBreaking = "disable"
	}
	return namespaceDefinition, nonBreaking
}

// configAPISchedule is the connection's legacy schedule (basic only) and
// scheduleData as the Config API returns them; both are nil for manual.
func (c *connection) configAPISchedule() (*legacySchedule, *scheduleData) {
	switch c.scheduleType {
	case "cron":
		return nil, &scheduleData{Cron: &cronData{CronExpression: c.cronExpression, CronTimeZone: c.cronZone()}}
	case "basic":
		basic := &legacySchedule{Units: c.basicUnits, TimeUnit: c.basicTimeUnit}
		return basic, &scheduleData{BasicSchedule: basic}
	}
	return nil, nil
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
	e.serveConnectionRead(w, r, func(c *connection) any { return e.webBackendJSON(c) })
}

func (e *Emulator) webBackendJSON(c *connection) webBackendConnection {
	src, dst := e.sourceByID(c.sourceID), e.destinationByID(c.destinationID)
	nsDef, pref := c.configAPISpellings()
	out := webBackendConnection{
		ConnectionID: c.id, Name: c.name, NamespaceDefinition: nsDef, NamespaceFormat: c.namespaceFormat,
		Prefix: c.prefix, SourceID: c.sourceID, DestinationID: c.destinationID, ScheduleType: c.scheduleType,
		Status: c.status, SchemaChange: "no_change", NonBreakingChangesPreference: pref,
		BackfillPreference: "disabled", OperationIDs: []string{}, Operations: []any{},
		CreatedAt: c.createdAt, Tags: e.connectionTags(c), SyncCatalog: syncCatalog{Streams: []catalogEntry{}},
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
	out.Schedule, out.ScheduleData = c.configAPISchedule()
	now := e.now()
	for _, j := range e.jobs {
		if j.connectionID != c.id {
			continue
		}
		if !j.terminal() && j.jobType != "reset" {
			out.IsSyncing = true // syncs and refreshes; resets do not count (Job.SYNC_REPLICATION_TYPES)
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
		cfg := defaultStreamConfig(ds, len(src.catalog), dst.syncModes)
		for _, s := range c.streams {
			if s.name != ds.name || s.namespace != ds.namespace {
				continue
			}
			cfg = selectedStreamConfig(ds, s)
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

// selectedStreamConfig is the config of a selected stream as
// CatalogMergeHelper.mergeCatalogWithConfiguration rebuilds it from the
// stored one: the discovered default cursor when none is stored, a
// source-defined primary key over the stored one, and hashedFields only
// when there are any
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/WebBackendConnectionsHandler.kt).
func selectedStreamConfig(ds discoveredStream, s configuredStream) streamConfig {
	cfg := readEntry(ds, s).Config
	if len(cfg.CursorField) == 0 {
		cfg.CursorField = nonNil(ds.defaultCursorField)
	}
	if len(ds.sourceDefinedPK) > 0 {
		cfg.PrimaryKey = ds.sourceDefinedPK
	}
	if len(*cfg.HashedFields) == 0 {
		cfg.HashedFields = nil
	}
	return cfg
}

// defaultStreamConfig is the discovered default configuration of an
// unselected stream: suggested when it is the only stream or the connector
// suggests it, with the sync modes configureDefaultSyncModesForNewStream
// picks, made compatible with the destination by
// ensureCompatibleDestinationSyncMode
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/CatalogConverter.kt).
func defaultStreamConfig(ds discoveredStream, streams int, destModes []string) streamConfig {
	cfg := streamConfig{
		SyncMode: syncFullRefresh, DestinationSyncMode: destOverwrite, CursorField: nonNil(ds.defaultCursorField),
		PrimaryKey: nonNilKey(ds.sourceDefinedPK), AliasName: ds.name, Suggested: streams == 1 || ds.suggested,
	}
	fullRefresh := slices.Contains(ds.supportedSyncModes, syncFullRefresh)
	switch {
	case ds.sourceDefinedCursor && len(ds.sourceDefinedPK) > 0:
		cfg.SyncMode, cfg.DestinationSyncMode = syncIncremental, destAppendDedup
	case ds.sourceDefinedCursor && !fullRefresh:
		cfg.SyncMode, cfg.DestinationSyncMode = syncIncremental, destAppend
	}
	if !slices.Contains(destModes, cfg.DestinationSyncMode) {
		if fullRefresh && slices.Contains(destModes, destOverwrite) {
			cfg.SyncMode, cfg.DestinationSyncMode = syncFullRefresh, destOverwrite
		} else {
			cfg.SyncMode, cfg.DestinationSyncMode = ds.supportedSyncModes[0], destModes[0]
		}
	}
	return cfg
}
