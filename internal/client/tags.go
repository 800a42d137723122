package client

import (
	"context"
	"net/http"
	"net/url"
)

// tagsResponse is TagsResponse. GET /tags is not paginated: data holds every
// tag of the requested workspaces.
type tagsResponse struct {
	Data []Tag `json:"data"`
}

// ListTags lists the tags of the given workspaces (GET /tags), or of every
// workspace the credentials can read when workspaceIDs is empty. The server
// answers 403 for a workspace it does not know. The result is never nil.
func (c *Client) ListTags(ctx context.Context, workspaceIDs []string) ([]Tag, error) {
	q := url.Values{}
	for _, id := range workspaceIDs {
		q.Add("workspaceIds", id)
	}
	var out tagsResponse
	if err := c.do(ctx, c.publicRequest(http.MethodGet, "/tags", q, nil), &out); err != nil {
		return nil, err
	}
	if out.Data == nil {
		out.Data = []Tag{}
	}
	return out.Data, nil
}
