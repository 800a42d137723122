package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenRefreshMargin is how long before its expiry a token is replaced, so
// that a token is never sent in its last seconds of validity. A token that
// lives less than twice as long is replaced halfway through its life
// instead, so that a short-lived token is still reused rather than fetched
// anew for every request.
const tokenRefreshMargin = 60 * time.Second

// refreshTime is when a token fetched at fetched and expiring at expiry
// should be replaced.
func refreshTime(fetched, expiry time.Time) time.Time {
	margin := min(tokenRefreshMargin, expiry.Sub(fetched)/2)
	return expiry.Add(-margin)
}

// tokenCache holds the client-credentials access token. Concurrent callers
// that find no valid token share one token request (singleflight).
type tokenCache struct {
	mu       sync.Mutex
	token    string
	renew    time.Time // when to replace token; zero when there is none
	inflight *tokenCall
}

// tokenCall is one token request that several callers wait for.
type tokenCall struct {
	done   chan struct{}
	token  string
	expiry time.Time
	err    error
}

// accessTokenResponse is PublicAccessTokenResponse.
type accessTokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	// ExpiresIn is in seconds; when absent the token is not cached.
	ExpiresIn *int64 `json:"expires_in"`
}

// credentials returns the access token to send with req, fetching one if
// needed. It is empty for anonymous requests and other auth modes.
func (c *Client) credentials(ctx context.Context, req *request) (string, error) {
	if req.anonymous || c.auth != authClientCredentials {
		return "", nil
	}
	return c.tokens.get(ctx, c.clock.Now, c.fetchToken)
}

// get returns a cached token that is not yet due for renewal (refreshTime),
// or waits for the single in-flight token request, starting one if none is
// running.
func (t *tokenCache) get(ctx context.Context, now func() time.Time, fetch func(context.Context) (string, time.Time, error)) (string, error) {
	for {
		t.mu.Lock()
		if t.token != "" && now().Before(t.renew) {
			token := t.token
			t.mu.Unlock()
			return token, nil
		}
		call := t.inflight
		leader := call == nil
		if leader {
			call = &tokenCall{done: make(chan struct{})}
			t.inflight = call
		}
		t.mu.Unlock()

		if leader {
			fetched := now()
			call.token, call.expiry, call.err = fetch(ctx)
			t.mu.Lock()
			t.inflight = nil
			if call.err == nil {
				t.token, t.renew = call.token, refreshTime(fetched, call.expiry)
			}
			t.mu.Unlock()
			close(call.done)
			return call.token, call.err
		}

		select {
		case <-call.done:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		// A token fetched for a caller whose context ended is not our
		// failure: try again with our own context.
		if call.err != nil && ctx.Err() == nil &&
			(errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded)) {
			continue
		}
		// The shared token is good for this request even if it is too
		// short-lived to cache.
		return call.token, call.err
	}
}

// current returns the cached token, or "" when there is none.
func (t *tokenCache) current() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.token
}

// invalidate drops the cached token if it is the one that was rejected (a
// concurrent caller may already have replaced it).
func (t *tokenCache) invalidate(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == token {
		t.token, t.renew = "", time.Time{}
	}
}

// fetchToken performs the client-credentials token request. It goes through
// do, so transient failures (such as a 502 from the token endpoint) are
// retried like a GET.
func (c *Client) fetchToken(ctx context.Context) (string, time.Time, error) {
	form := url.Values{}
	form.Set("grant_type", "client_credentials")
	form.Set("client_id", c.clientID)
	form.Set("client_secret", c.secret)
	req := &request{
		method:    http.MethodPost,
		url:       c.tokenURL,
		path:      c.tokenPath,
		formBody:  form,
		class:     retrySafe,
		anonymous: true,
	}
	requested := c.clock.Now()
	var resp accessTokenResponse
	if err := c.do(ctx, req, &resp); err != nil {
		return "", time.Time{}, err
	}
	if !strings.EqualFold(resp.TokenType, "Bearer") {
		return "", time.Time{}, fmt.Errorf("POST %s: the token endpoint returned token_type %q, expected \"Bearer\"", c.tokenPath, resp.TokenType)
	}
	if resp.AccessToken == "" {
		return "", time.Time{}, fmt.Errorf("POST %s: the token endpoint returned no access_token", c.tokenPath)
	}
	var expiry time.Time // zero: not cacheable
	if resp.ExpiresIn != nil && *resp.ExpiresIn > 0 {
		expiry = requested.Add(time.Duration(*resp.ExpiresIn) * time.Second)
	}
	return resp.AccessToken, expiry, nil
}
