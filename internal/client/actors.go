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

// page is the list envelope shared by the list endpoints.
type page[T any] struct {
	Data     []T    `json:"data"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// GetSource reads a source.
func (c *Client) GetSource(ctx context.Context, sourceID string) (*Source, error) {
	return getItem[Source](ctx, c, "/sources", sourceID, nil)
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

// DeleteDestination deletes a destination.
func (c *Client) DeleteDestination(ctx context.Context, destinationID string) error {
	return deleteItem(ctx, c, "/destinations", destinationID)
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
