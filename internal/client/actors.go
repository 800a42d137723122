package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Source is SourceResponse. Configuration is the connector's configuration
// as raw JSON, with secrets masked by the server as "**********".
type Source struct {
	SourceID           string          `json:"sourceId"`
	Name               string          `json:"name"`
	SourceType         string          `json:"sourceType"`
	DefinitionID       string          `json:"definitionId"`
	WorkspaceID        string          `json:"workspaceId"`
	Configuration      json.RawMessage `json:"configuration,omitempty"`
	CreatedAt          int64           `json:"createdAt"`
	ResourceAllocation json.RawMessage `json:"resourceAllocation,omitempty"`
}

// Destination is DestinationResponse; see Source.
type Destination struct {
	DestinationID      string          `json:"destinationId"`
	Name               string          `json:"name"`
	DestinationType    string          `json:"destinationType"`
	DefinitionID       string          `json:"definitionId"`
	WorkspaceID        string          `json:"workspaceId"`
	Configuration      json.RawMessage `json:"configuration,omitempty"`
	CreatedAt          int64           `json:"createdAt"`
	ResourceAllocation json.RawMessage `json:"resourceAllocation,omitempty"`
}

// Workspace is WorkspaceResponse.
type Workspace struct {
	WorkspaceID   string              `json:"workspaceId"`
	Name          string              `json:"name"`
	DataResidency string              `json:"dataResidency,omitempty"`
	Notifications NotificationsConfig `json:"notifications"`
}

// NotificationsConfig is a workspace's notification settings.
type NotificationsConfig struct {
	Failure                        *NotificationConfig `json:"failure,omitempty"`
	Success                        *NotificationConfig `json:"success,omitempty"`
	ConnectionUpdate               *NotificationConfig `json:"connectionUpdate,omitempty"`
	ConnectionUpdateActionRequired *NotificationConfig `json:"connectionUpdateActionRequired,omitempty"`
	SyncDisabled                   *NotificationConfig `json:"syncDisabled,omitempty"`
	SyncDisabledWarning            *NotificationConfig `json:"syncDisabledWarning,omitempty"`
}

// NotificationConfig is one notification's channels.
type NotificationConfig struct {
	Email   *EmailNotification   `json:"email,omitempty"`
	Webhook *WebhookNotification `json:"webhook,omitempty"`
}

// EmailNotification is EmailNotificationConfig.
type EmailNotification struct {
	Enabled bool `json:"enabled"`
}

// WebhookNotification is WebhookNotificationConfig.
type WebhookNotification struct {
	Enabled bool   `json:"enabled"`
	URL     string `json:"url,omitempty"`
}

// StreamProperties describes one stream a source offers (GET /streams).
type StreamProperties struct {
	StreamName string `json:"streamName"`
	// StreamNamespace is spelled "streamnamespace" on the wire.
	StreamNamespace string `json:"streamnamespace,omitempty"`
	// SyncModes is empty when no destination was given.
	SyncModes                []SyncMode `json:"syncModes,omitempty"`
	DefaultCursorField       []string   `json:"defaultCursorField,omitempty"`
	SourceDefinedCursorField bool       `json:"sourceDefinedCursorField,omitempty"`
	SourceDefinedPrimaryKey  [][]string `json:"sourceDefinedPrimaryKey,omitempty"`
	PropertyFields           [][]string `json:"propertyFields,omitempty"`
}

// ListParams filters the source, destination and workspace lists.
type ListParams struct {
	WorkspaceIDs   []string
	IncludeDeleted bool
	// Limit is the page size (1–100). Zero fetches every page.
	Limit  int
	Offset int
}

// page is the list envelope shared by the list endpoints.
type page[T any] struct {
	Data     []T    `json:"data"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// listItems lists a collection with ListParams semantics: one page when
// Limit is set, all pages otherwise.
func listItems[T any](ctx context.Context, c *Client, collection string, p ListParams) ([]T, error) {
	fetch := func(limit, offset int) ([]T, string, error) {
		var out page[T]
		q := listQuery(p.WorkspaceIDs, p.IncludeDeleted, limit, offset)
		err := c.do(ctx, c.publicRequest(http.MethodGet, collection, q, nil), &out)
		return out.Data, out.Next, err
	}
	if p.Limit > 0 {
		data, _, err := fetch(p.Limit, p.Offset)
		return data, err
	}
	return listAll(p.Offset, func(offset int) ([]T, string, error) { return fetch(pageSize, offset) })
}

// GetSource reads a source.
func (c *Client) GetSource(ctx context.Context, sourceID string) (*Source, error) {
	return getItem[Source](ctx, c, "/sources", sourceID, nil)
}

// ListSources lists sources; see ListParams.
func (c *Client) ListSources(ctx context.Context, p ListParams) ([]Source, error) {
	return listItems[Source](ctx, c, "/sources", p)
}

// DeleteSource deletes a source. The server also deletes the connections
// that use it.
func (c *Client) DeleteSource(ctx context.Context, sourceID string) error {
	return deleteItem(ctx, c, "/sources", sourceID)
}

// GetDestination reads a destination.
func (c *Client) GetDestination(ctx context.Context, destinationID string) (*Destination, error) {
	return getItem[Destination](ctx, c, "/destinations", destinationID, nil)
}

// ListDestinations lists destinations; see ListParams.
func (c *Client) ListDestinations(ctx context.Context, p ListParams) ([]Destination, error) {
	return listItems[Destination](ctx, c, "/destinations", p)
}

// DeleteDestination deletes a destination.
func (c *Client) DeleteDestination(ctx context.Context, destinationID string) error {
	return deleteItem(ctx, c, "/destinations", destinationID)
}

// GetWorkspace reads a workspace.
func (c *Client) GetWorkspace(ctx context.Context, workspaceID string) (*Workspace, error) {
	return getItem[Workspace](ctx, c, "/workspaces", workspaceID, nil)
}

// ListWorkspaces lists workspaces; WorkspaceIDs restricts the result to
// those ids. See ListParams.
func (c *Client) ListWorkspaces(ctx context.Context, p ListParams) ([]Workspace, error) {
	return listItems[Workspace](ctx, c, "/workspaces", p)
}

// GetStreamProperties lists the streams a source offers. With a destination
// id, each stream's SyncModes lists the modes valid for that pair.
// ignoreCache makes the server run a fresh discovery.
func (c *Client) GetStreamProperties(ctx context.Context, sourceID, destinationID string, ignoreCache bool) ([]StreamProperties, error) {
	if sourceID == "" {
		return nil, fmt.Errorf("GET /streams: source id: %w", ErrEmptyID)
	}
	q := url.Values{}
	q.Set("sourceId", sourceID)
	if destinationID != "" {
		q.Set("destinationId", destinationID)
	}
	if ignoreCache {
		q.Set("ignoreCache", "true")
	}
	var out []StreamProperties
	if err := c.do(ctx, c.publicRequest(http.MethodGet, "/streams", q, nil), &out); err != nil {
		return nil, err
	}
	return out, nil
}
