package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// The Config API is Airbyte's internal API, served at <host>/api/v1. Every
// call is a POST. The reads are retried like GETs; the calls that start jobs
// (config_jobs.go) are not. Its error bodies are {"errorId": …} or
// {"message": …, "exceptionClassName": …} rather than problems.

// ConnectionState is the Config API's ConnectionState. Only the field that
// matches StateType is set; with StateTypeNotSet none is. The state blobs
// are kept as raw JSON (which may be the literal null).
type ConnectionState struct {
	StateType    StateType       `json:"stateType"`
	ConnectionID string          `json:"connectionId"`
	State        json.RawMessage `json:"state,omitempty"` // legacy
	StreamState  []StreamState   `json:"streamState,omitempty"`
	GlobalState  *GlobalState    `json:"globalState,omitempty"`
}

// StreamState is the state of one stream.
type StreamState struct {
	StreamDescriptor StreamDescriptor `json:"streamDescriptor"`
	StreamState      json.RawMessage  `json:"streamState,omitempty"`
}

// GlobalState is the state shared by all streams (CDC sources) plus the
// per-stream states. Note the spec spells shared_state in snake_case.
type GlobalState struct {
	SharedState  json.RawMessage `json:"shared_state,omitempty"`
	StreamStates []StreamState   `json:"streamStates"`
}

// StreamDescriptor names a stream.
type StreamDescriptor struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// WebBackendConnection is the subset of WebBackendConnectionRead the
// provider uses; SyncCatalog holds every discovered stream, selected or not.
// Source and Destination are raw JSON because they carry connector
// configuration.
type WebBackendConnection struct {
	ConnectionID                 string           `json:"connectionId"`
	Name                         string           `json:"name"`
	NamespaceDefinition          string           `json:"namespaceDefinition,omitempty"` // source|destination|customformat
	NamespaceFormat              string           `json:"namespaceFormat,omitempty"`
	Prefix                       string           `json:"prefix,omitempty"`
	SourceID                     string           `json:"sourceId"`
	DestinationID                string           `json:"destinationId"`
	SyncCatalog                  AirbyteCatalog   `json:"syncCatalog"`
	ScheduleType                 ScheduleType     `json:"scheduleType,omitempty"`
	ScheduleData                 json.RawMessage  `json:"scheduleData,omitempty"`
	Status                       ConnectionStatus `json:"status"`
	StatusReason                 string           `json:"statusReason,omitempty"`
	IsSyncing                    bool             `json:"isSyncing"`
	SchemaChange                 string           `json:"schemaChange,omitempty"` // no_change|non_breaking|breaking
	NotifySchemaChanges          bool             `json:"notifySchemaChanges"`
	NotifySchemaChangesByEmail   bool             `json:"notifySchemaChangesByEmail"`
	NonBreakingChangesPreference string           `json:"nonBreakingChangesPreference,omitempty"` // ignore|disable|propagate_columns|propagate_fully
	BackfillPreference           string           `json:"backfillPreference,omitempty"`
	LatestSyncJobCreatedAt       int64            `json:"latestSyncJobCreatedAt,omitempty"`
	LatestSyncJobStatus          JobStatus        `json:"latestSyncJobStatus,omitempty"`
	CreatedAt                    int64            `json:"createdAt,omitempty"`
	Tags                         []Tag            `json:"tags,omitempty"`
	Source                       json.RawMessage  `json:"source,omitempty"`
	Destination                  json.RawMessage  `json:"destination,omitempty"`
}

// AirbyteCatalog is a configured catalog.
type AirbyteCatalog struct {
	Streams []AirbyteStreamAndConfiguration `json:"streams"`
}

// AirbyteStreamAndConfiguration pairs a discovered stream with its configuration.
type AirbyteStreamAndConfiguration struct {
	Stream *AirbyteStream              `json:"stream,omitempty"`
	Config *AirbyteStreamConfiguration `json:"config,omitempty"`
}

// AirbyteStream is a stream as the source discovered it.
type AirbyteStream struct {
	Name                    string          `json:"name"`
	Namespace               string          `json:"namespace,omitempty"`
	JSONSchema              json.RawMessage `json:"jsonSchema,omitempty"`
	SupportedSyncModes      []string        `json:"supportedSyncModes,omitempty"` // full_refresh|incremental
	SourceDefinedCursor     bool            `json:"sourceDefinedCursor,omitempty"`
	DefaultCursorField      []string        `json:"defaultCursorField,omitempty"`
	SourceDefinedPrimaryKey [][]string      `json:"sourceDefinedPrimaryKey,omitempty"`
	IsResumable             bool            `json:"isResumable,omitempty"`
	IsFileBased             bool            `json:"isFileBased,omitempty"`
}

// AirbyteStreamConfiguration is how a stream is configured in the Config
// API: source and destination sync modes are separate fields there.
type AirbyteStreamConfiguration struct {
	SyncMode              string          `json:"syncMode"`            // full_refresh|incremental
	DestinationSyncMode   string          `json:"destinationSyncMode"` // append|overwrite|append_dedup|overwrite_dedup|update|soft_delete
	CursorField           []string        `json:"cursorField,omitempty"`
	PrimaryKey            [][]string      `json:"primaryKey,omitempty"`
	Namespace             string          `json:"namespace,omitempty"`
	AliasName             string          `json:"aliasName,omitempty"`
	Selected              bool            `json:"selected,omitempty"`
	Suggested             bool            `json:"suggested,omitempty"`
	DestinationObjectName string          `json:"destinationObjectName,omitempty"`
	IncludeFiles          bool            `json:"includeFiles,omitempty"`
	FieldSelectionEnabled bool            `json:"fieldSelectionEnabled,omitempty"`
	SelectedFields        []SelectedField `json:"selectedFields,omitempty"`
	HashedFields          []SelectedField `json:"hashedFields,omitempty"`
	Mappers               []StreamMapper  `json:"mappers,omitempty"`
	MinimumGenerationID   *int64          `json:"minimumGenerationId,omitempty"`
	GenerationID          *int64          `json:"generationId,omitempty"`
	SyncID                *int64          `json:"syncId,omitempty"`
}

// connectionIDRequest is ConnectionIdRequestBody.
type connectionIDRequest struct {
	ConnectionID string `json:"connectionId"`
}

// webBackendConnectionRequest is WebBackendConnectionRequestBody.
type webBackendConnectionRequest struct {
	ConnectionID         string `json:"connectionId"`
	WithRefreshedCatalog bool   `json:"withRefreshedCatalog"`
}

// configRequest builds a Config API request that may be repeated (a read,
// or a write that sets a value), or returns the reason the Config API root
// is unknown.
func (c *Client) configRequest(path string, body any) (*request, error) {
	if c.configRootErr != nil {
		return nil, fmt.Errorf("POST %s: %w", path, c.configRootErr)
	}
	return &request{method: http.MethodPost, url: joinURL(c.configRoot, path), path: path, jsonBody: body, class: retrySafe}, nil
}

// GetConnectionState reads a connection's sync state (POST
// {config_root}/state/get). A connection that has never synced, and an
// unknown connection, report StateTypeNotSet.
func (c *Client) GetConnectionState(ctx context.Context, connectionID string) (*ConnectionState, error) {
	if connectionID == "" {
		return nil, fmt.Errorf("POST /state/get: connection id: %w", ErrEmptyID)
	}
	req, err := c.configRequest("/state/get", connectionIDRequest{ConnectionID: connectionID})
	if err != nil {
		return nil, err
	}
	var out ConnectionState
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetWebBackendConnection reads the connection as the web UI sees it (POST
// {config_root}/web_backend/connections/get), including the full catalog.
// withRefreshedCatalog makes the server run a new discovery first.
func (c *Client) GetWebBackendConnection(ctx context.Context, connectionID string, withRefreshedCatalog bool) (*WebBackendConnection, error) {
	if connectionID == "" {
		return nil, fmt.Errorf("POST /web_backend/connections/get: connection id: %w", ErrEmptyID)
	}
	req, err := c.configRequest("/web_backend/connections/get", webBackendConnectionRequest{
		ConnectionID: connectionID, WithRefreshedCatalog: withRefreshedCatalog,
	})
	if err != nil {
		return nil, err
	}
	var out WebBackendConnection
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
