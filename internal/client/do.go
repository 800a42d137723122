package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// request describes one logical API call; do turns it into one or more
// HTTP attempts.
type request struct {
	method string
	url    string // full URL without query
	path   string // path relative to its root, for errors and logs
	query  url.Values
	// Exactly one of jsonBody and formBody is set for requests with a body.
	jsonBody any
	formBody url.Values
	class    retryClass
	// anonymous requests carry no credentials (the token call).
	anonymous bool
}

// attemptResult is what one HTTP exchange produced.
type attemptResult struct {
	status      int
	header      http.Header
	contentType string
	body        []byte
	tooLarge    bool
}

// publicRequest builds a request against the Public API root.
func (c *Client) publicRequest(method, path string, query url.Values, body any) *request {
	return &request{method: method, url: joinURL(c.publicRoot, path), path: path, query: query, jsonBody: body}
}

// do performs req, retrying as the retry policy allows, and decodes a 2xx
// JSON body into out (when out is non-nil). It is the only place that sends
// HTTP requests.
func (c *Client) do(ctx context.Context, req *request, out any) error {
	ctx = c.logContext(ctx)

	var payload []byte
	contentType := ""
	switch {
	case req.jsonBody != nil:
		b, err := json.Marshal(req.jsonBody)
		if err != nil {
			return fmt.Errorf("%s %s: encoding request body: %w", req.method, req.path, err)
		}
		payload, contentType = b, "application/json"
	case req.formBody != nil:
		payload, contentType = []byte(req.formBody.Encode()), "application/x-www-form-urlencoded"
	}

	started := c.clock.Now()
	bo := c.newBackoff()
	retries := 0
	reauthorised := false
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s %s: %w", req.method, req.path, err)
		}
		token, err := c.credentials(ctx, req)
		if err != nil {
			return fmt.Errorf("%s %s: obtaining an access token: %w", req.method, req.path, err)
		}

		res, err := c.attempt(ctx, req, attempt, payload, contentType, token)

		// Decide what this attempt means.
		var failure error
		var header http.Header
		switch {
		case err != nil && ctx.Err() != nil:
			// The caller gave up. For a create that may already have been
			// sent, say so rather than pretending nothing happened.
			cause := fmt.Errorf("%s %s: %w", req.method, req.path, ctx.Err())
			if req.class == retryUnsafe && classifyTransportError(err) != failureNotSent {
				return &AmbiguousError{Method: req.method, Path: req.path, StartedAt: started, Err: cause}
			}
			return cause
		case err != nil:
			failure = &ConnectionError{Method: req.method, Path: req.path, Err: err}
			switch classifyTransportError(err) {
			case failurePermanent:
				return failure
			case failureTransient:
				if req.class == retryUnsafe {
					return &AmbiguousError{Method: req.method, Path: req.path, StartedAt: started, Err: failure}
				}
			}
		case res.status >= 200 && res.status < 300:
			return c.decode(req, res, out)
		case res.status == http.StatusUnauthorized && c.auth == authClientCredentials && !req.anonymous && !reauthorised:
			// The token was revoked or expired early: drop it and repeat
			// once with a fresh one. The server did not act on a 401.
			reauthorised = true
			c.tokens.invalidate(token)
			c.logDebug(ctx, "Access token rejected; fetching a new one and repeating the request", req, attempt, nil)
			continue
		default:
			apiErr := newAPIError(req.method, req.path, res.status, res.contentType, res.body)
			if !retryableStatus(res.status) {
				return apiErr
			}
			failure, header = apiErr, res.header
			if req.class == retryUnsafe && res.status != http.StatusTooManyRequests {
				return &AmbiguousError{Method: req.method, Path: req.path, StartedAt: started, Err: apiErr}
			}
		}

		if retries >= c.maxRetries {
			if retries == 0 {
				return failure
			}
			return fmt.Errorf("giving up after %d attempts: %w", attempt, failure)
		}
		if header == nil {
			header = http.Header{}
		}
		wait, fromServer := c.nextWait(bo, header)
		if !waitFits(ctx, wait) {
			return fmt.Errorf("not retrying: a wait of %s would pass the context deadline: %w", wait, failure)
		}
		c.logRetry(ctx, req, attempt, wait, fromServer, failure)
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s %s: waiting to retry: %w (last error: %v)", req.method, req.path, err, failure)
		}
		retries++
	}
}

// attempt sends one HTTP request and reads the whole response under the
// per-attempt timeout.
func (c *Client) attempt(ctx context.Context, req *request, attempt int, payload []byte, contentType, token string) (*attemptResult, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	target := req.url
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	hreq, err := http.NewRequestWithContext(actx, req.method, target, body)
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	hreq.Header.Set("Accept", "application/json")
	if contentType != "" {
		hreq.Header.Set("Content-Type", contentType)
	}
	if !req.anonymous {
		switch c.auth {
		case authClientCredentials:
			hreq.Header.Set("Authorization", "Bearer "+token)
		case authBearer:
			hreq.Header.Set("Authorization", "Bearer "+c.bearer)
		case authBasic:
			hreq.SetBasicAuth(c.username, c.password)
		}
	}

	start := c.clock.Now()
	c.logDebug(ctx, "Sending HTTP request", req, attempt, nil)
	resp, err := c.http.Do(hreq)
	if err != nil {
		err = c.timeoutAware(ctx, actx, err)
		c.logDebug(ctx, "HTTP request failed", req, attempt, map[string]any{
			"duration_ms": c.clock.Now().Sub(start).Milliseconds(), "error": err.Error(),
		})
		return nil, err
	}
	defer resp.Body.Close()

	res := &attemptResult{status: resp.StatusCode, header: resp.Header, contentType: resp.Header.Get("Content-Type")}
	res.body, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		err = c.timeoutAware(ctx, actx, fmt.Errorf("reading the %d response: %w", resp.StatusCode, err))
		c.logDebug(ctx, "Reading HTTP response failed", req, attempt, map[string]any{
			"status": resp.StatusCode, "duration_ms": c.clock.Now().Sub(start).Milliseconds(), "error": err.Error(),
		})
		return nil, err
	}
	if int64(len(res.body)) > c.maxBody {
		res.body, res.tooLarge = res.body[:c.maxBody], true
	}
	c.logDebug(ctx, "Received HTTP response", req, attempt, map[string]any{
		"status": resp.StatusCode, "duration_ms": c.clock.Now().Sub(start).Milliseconds(),
	})
	return res, nil
}

// timeoutAware marks an error caused by the per-attempt deadline (and not by
// the caller's context) so that it reads as a timeout and is retried.
func (c *Client) timeoutAware(ctx, actx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &attemptTimeoutError{after: c.timeout, err: err}
	}
	return err
}

// decode unmarshals a 2xx body into out. Unknown fields are ignored, and so
// are unknown enum values, which are plain strings.
func (c *Client) decode(req *request, res *attemptResult, out any) error {
	if out == nil {
		return nil
	}
	fail := func(err error) error {
		return &DecodeError{
			Method: req.method, Path: req.path, StatusCode: res.status, ContentType: res.contentType,
			Size: len(res.body), Target: typeName(out), Err: err,
		}
	}
	if res.tooLarge {
		return fail(fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, c.maxBody))
	}
	if len(bytes.TrimSpace(res.body)) == 0 {
		return fail(errors.New("the body is empty"))
	}
	// A web UI or a proxy answers with a page, which JSON's "invalid
	// character '<'" would not make plain.
	if isHTML(res.contentType, res.body) {
		return fail(fmt.Errorf("the body is an HTML page (%q), not JSON", bodySnippet(res.body, res.contentType)))
	}
	if err := json.Unmarshal(res.body, out); err != nil {
		return fail(err)
	}
	return nil
}

// typeName names the model a body was decoded into, for DecodeError:
// "Connection", "[]StreamProperties", "page[Source]".
func typeName(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// Generic instantiations spell out the full import path of their type
	// arguments; other types use the package name.
	name := strings.ReplaceAll(t.String(), reflect.TypeFor[Client]().PkgPath()+".", "")
	return strings.ReplaceAll(name, "client.", "")
}
