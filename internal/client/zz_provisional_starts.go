package client

import "context"

// provisional until the emulator branch lands.

func (c *Client) ClearStreams(ctx context.Context, connectionID string, streams []StreamDescriptor) (*JobInfo, error) {
	body := connectionStreamRequest{ConnectionID: connectionID}
	for _, s := range streams {
		body.Streams = append(body.Streams, connectionStream{StreamName: s.Name, StreamNamespace: s.Namespace})
	}
	req, err := c.configRequest("/connections/clear/stream", body)
	if err != nil {
		return nil, err
	}
	req.class = retryUnsafe
	var out JobInfo
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) RefreshStreams(ctx context.Context, connectionID string, mode RefreshMode, streams []StreamDescriptor) (*JobRead, error) {
	body := connectionStreamRefreshRequest{ConnectionID: connectionID, RefreshMode: mode}
	for _, s := range streams {
		body.Streams = append(body.Streams, connectionStream{StreamName: s.Name, StreamNamespace: s.Namespace})
	}
	req, err := c.configRequest("/connections/refresh", body)
	if err != nil {
		return nil, err
	}
	req.class = retryUnsafe
	var out jobReadResponse
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return out.Job, nil
}

type connectionStream struct {
	StreamName      string `json:"streamName"`
	StreamNamespace string `json:"streamNamespace,omitempty"`
}

type connectionStreamRequest struct {
	ConnectionID string             `json:"connectionId"`
	Streams      []connectionStream `json:"streams"`
}

type connectionStreamRefreshRequest struct {
	ConnectionID string             `json:"connectionId"`
	RefreshMode  RefreshMode        `json:"refreshMode"`
	Streams      []connectionStream `json:"streams,omitempty"`
}

type jobReadResponse struct {
	Job *JobRead `json:"job"`
}
