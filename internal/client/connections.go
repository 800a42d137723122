package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Connection is ConnectionResponse. Optional fields may be absent or null in
// responses; both decode to the zero value.
type Connection struct {
	ConnectionID                     string                           `json:"connectionId"`
	Name                             string                           `json:"name"`
	SourceID                         string                           `json:"sourceId"`
	DestinationID                    string                           `json:"destinationId"`
	WorkspaceID                      string                           `json:"workspaceId"`
	Status                           ConnectionStatus                 `json:"status"`
	Schedule                         ConnectionScheduleResponse       `json:"schedule"`
	NonBreakingSchemaUpdatesBehavior NonBreakingSchemaUpdatesBehavior `json:"nonBreakingSchemaUpdatesBehavior,omitempty"`
	NamespaceDefinition              NamespaceDefinition              `json:"namespaceDefinition,omitempty"`
	NamespaceFormat                  string                           `json:"namespaceFormat,omitempty"`
	Prefix                           string                           `json:"prefix,omitempty"`
	// Configurations holds only the selected streams.
	Configurations StreamConfigurations `json:"configurations"`
	CreatedAt      int64                `json:"createdAt"` // epoch seconds
	Tags           []Tag                `json:"tags"`
	StatusReason   string               `json:"statusReason,omitempty"`
}

// ConnectionScheduleResponse is the schedule as the API reports it. A cron
// expression set through the API is read back with " UTC" appended.
type ConnectionScheduleResponse struct {
	ScheduleType   ScheduleType `json:"scheduleType"`
	CronExpression string       `json:"cronExpression,omitempty"`
	BasicTiming    string       `json:"basicTiming,omitempty"`
}

// ConnectionSchedule is AirbyteApiConnectionSchedule, the schedule in
// requests: manual, or cron with a Quartz expression.
type ConnectionSchedule struct {
	ScheduleType   ScheduleType `json:"scheduleType"`
	CronExpression string       `json:"cronExpression,omitempty"`
}

// StreamConfigurations is the list of configured streams.
type StreamConfigurations struct {
	Streams []StreamConfiguration `json:"streams,omitzero"`
}

// StreamConfiguration configures one stream. Slice fields use omitzero: a
// nil slice is left out, an empty non-nil slice is sent as [].
type StreamConfiguration struct {
	Name                  string          `json:"name"`
	Namespace             string          `json:"namespace,omitempty"`
	SyncMode              SyncMode        `json:"syncMode,omitempty"`
	CursorField           []string        `json:"cursorField,omitzero"`
	PrimaryKey            [][]string      `json:"primaryKey,omitzero"`
	IncludeFiles          *bool           `json:"includeFiles,omitempty"`
	DestinationObjectName string          `json:"destinationObjectName,omitempty"`
	SelectedFields        []SelectedField `json:"selectedFields,omitzero"`
	Mappers               []StreamMapper  `json:"mappers,omitzero"`
}

// SelectedField is SelectedFieldInfo: the path of a field to sync.
type SelectedField struct {
	FieldPath []string `json:"fieldPath,omitzero"`
}

// StreamMapper is ConfiguredStreamMapper. The configuration's shape depends
// on Type and is kept as raw JSON.
type StreamMapper struct {
	ID                  string           `json:"id,omitempty"`
	Type                StreamMapperType `json:"type"`
	MapperConfiguration json.RawMessage  `json:"mapperConfiguration"`
}

// Tag is a connection tag. All fields are required when sent.
type Tag struct {
	TagID       string `json:"tagId"`
	WorkspaceID string `json:"workspaceId"`
	Name        string `json:"name"`
	Color       string `json:"color"`
}

// ConnectionCreateRequest is the body of POST /connections. Empty optional
// fields are left out so that the server applies its defaults.
type ConnectionCreateRequest struct {
	Name                             string                           `json:"name,omitempty"`
	SourceID                         string                           `json:"sourceId"`
	DestinationID                    string                           `json:"destinationId"`
	Configurations                   *StreamConfigurations            `json:"configurations,omitempty"`
	Schedule                         *ConnectionSchedule              `json:"schedule,omitempty"`
	NamespaceDefinition              NamespaceDefinition              `json:"namespaceDefinition,omitempty"`
	NamespaceFormat                  *string                          `json:"namespaceFormat,omitempty"`
	Prefix                           *string                          `json:"prefix,omitempty"`
	NonBreakingSchemaUpdatesBehavior NonBreakingSchemaUpdatesBehavior `json:"nonBreakingSchemaUpdatesBehavior,omitempty"`
	Status                           ConnectionStatus                 `json:"status,omitempty"`
	Tags                             []Tag                            `json:"tags,omitzero"`
}

// ConnectionPatchRequest is the body of PATCH /connections/{id}. Only the
// fields that are set are sent, and the server changes only those: a nil
// pointer or nil slice is left out, a pointer to "" sends "" (which clears
// the prefix), and an empty non-nil Tags sends [] (which removes all tags).
//
// A non-empty Configurations.Streams replaces the selected streams; an empty
// list leaves them unchanged on the server.
type ConnectionPatchRequest struct {
	Name                             *string                           `json:"name,omitempty"`
	Configurations                   *StreamConfigurations             `json:"configurations,omitempty"`
	Schedule                         *ConnectionSchedule               `json:"schedule,omitempty"`
	NamespaceDefinition              *NamespaceDefinition              `json:"namespaceDefinition,omitempty"`
	NamespaceFormat                  *string                           `json:"namespaceFormat,omitempty"`
	Prefix                           *string                           `json:"prefix,omitempty"`
	NonBreakingSchemaUpdatesBehavior *NonBreakingSchemaUpdatesBehavior `json:"nonBreakingSchemaUpdatesBehavior,omitempty"`
	Status                           *ConnectionStatus                 `json:"status,omitempty"`
	Tags                             []Tag                             `json:"tags,omitzero"`
}

// ConnectionsPage is one page of ConnectionsResponse.
type ConnectionsPage struct {
	Data []Connection `json:"data"`
	// Next is a link to the following page. The API sets it whenever Data
	// is non-empty, even on the last page.
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// ListConnectionsParams filters GET /connections.
type ListConnectionsParams struct {
	WorkspaceIDs   []string
	TagIDs         []string
	IncludeDeleted bool
	// Limit is the page size (1–100). Zero lets ListConnections fetch all
	// pages and ListConnectionsPage use the server default (20).
	Limit  int
	Offset int
}

// pageSize is the largest page the list endpoints allow.
const pageSize = 100

// CreateConnection creates a connection. It is not retried after a gateway
// error or a lost connection, because the server may have created it: such
// failures return an *AmbiguousError.
func (c *Client) CreateConnection(ctx context.Context, in ConnectionCreateRequest) (*Connection, error) {
	req := c.publicRequest(http.MethodPost, "/connections", nil, in)
	req.class = retryUnsafe
	var out Connection
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetConnection reads a connection. A deleted connection is still returned,
// with status "deprecated".
func (c *Client) GetConnection(ctx context.Context, connectionID string) (*Connection, error) {
	return getItem[Connection](ctx, c, "/connections", connectionID, nil)
}

// PatchConnection changes the fields set in patch and returns the result.
func (c *Client) PatchConnection(ctx context.Context, connectionID string, patch ConnectionPatchRequest) (*Connection, error) {
	path, err := itemPath(http.MethodPatch, "/connections", connectionID)
	if err != nil {
		return nil, err
	}
	var out Connection
	req := c.publicRequest(http.MethodPatch, path, nil, patch)
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteConnection deletes a connection. Airbyte soft-deletes: the
// connection's status becomes "deprecated", and deleting again succeeds.
func (c *Client) DeleteConnection(ctx context.Context, connectionID string) error {
	return deleteItem(ctx, c, "/connections", connectionID)
}

// ListConnectionsPage fetches one page of connections.
func (c *Client) ListConnectionsPage(ctx context.Context, p ListConnectionsParams) (ConnectionsPage, error) {
	q := listQuery(p.WorkspaceIDs, p.IncludeDeleted, p.Limit, p.Offset)
	for _, id := range p.TagIDs {
		q.Add("tagIds", id)
	}
	var out ConnectionsPage
	err := c.do(ctx, c.publicRequest(http.MethodGet, "/connections", q, nil), &out)
	return out, err
}

// ListConnections returns connections. With Limit zero it fetches every page
// (100 at a time, starting at Offset); otherwise it returns the one page
// described by Limit and Offset.
func (c *Client) ListConnections(ctx context.Context, p ListConnectionsParams) ([]Connection, error) {
	if p.Limit > 0 {
		page, err := c.ListConnectionsPage(ctx, p)
		return page.Data, err
	}
	return listAll(p.Offset, func(offset int) ([]Connection, string, error) {
		p.Limit, p.Offset = pageSize, offset
		page, err := c.ListConnectionsPage(ctx, p)
		return page.Data, page.Next, err
	})
}

// maxPages stops a server that ignores offset from keeping listAll busy
// forever: 10 000 pages of 100 is far more than any workspace holds.
const maxPages = 10000

// listAll walks offset pages of pageSize and stops on an empty or short
// page. It does not follow next: the API sets next on every non-empty page,
// including the last, and builds it on its own configured host.
func listAll[T any](offset int, fetch func(offset int) ([]T, string, error)) ([]T, error) {
	var all []T
	for range maxPages {
		data, _, err := fetch(offset)
		if err != nil {
			return nil, err
		}
		all = append(all, data...)
		if len(data) < pageSize {
			return all, nil
		}
		offset += len(data)
	}
	return nil, fmt.Errorf("listing did not end after %d pages of %d; the server may be ignoring offset", maxPages, pageSize)
}

// listQuery builds the query shared by the list endpoints. Arrays repeat
// their key; zero limit and offset are left to the server's defaults.
func listQuery(workspaceIDs []string, includeDeleted bool, limit, offset int) url.Values {
	q := url.Values{}
	for _, id := range workspaceIDs {
		q.Add("workspaceIds", id)
	}
	if includeDeleted {
		q.Set("includeDeleted", "true")
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return q
}

// ErrEmptyID is returned, wrapped, when a method is given an empty id: the
// request would otherwise address the collection instead of one item.
var ErrEmptyID = errors.New("empty id")

// itemPath is collection + "/" + the escaped id.
func itemPath(method, collection, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("%s %s/{id}: %w", method, collection, ErrEmptyID)
	}
	return collection + "/" + url.PathEscape(id), nil
}

// getItem, deleteItem and friends are the shapes shared by the single-item
// endpoints.
func getItem[T any](ctx context.Context, c *Client, collection, id string, query url.Values) (*T, error) {
	path, err := itemPath(http.MethodGet, collection, id)
	if err != nil {
		return nil, err
	}
	var out T
	if err := c.do(ctx, c.publicRequest(http.MethodGet, path, query, nil), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func deleteItem(ctx context.Context, c *Client, collection, id string) error {
	path, err := itemPath(http.MethodDelete, collection, id)
	if err != nil {
		return err
	}
	return c.do(ctx, c.publicRequest(http.MethodDelete, path, nil, nil), nil)
}
