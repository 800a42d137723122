package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/fetchcache"
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
// that find no valid token share one token request, each waiting on its own
// context (see fetchcache). The zero value is ready to use.
type tokenCache struct {
	cache fetchcache.Cache[struct{}, accessToken]
}

// accessToken is a token and when to replace it (refreshTime).
type accessToken struct {
	value string
	renew time.Time
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
// or waits for the token request under way, starting one if none is. A
// token that request returns is good for this request even if it is too
// short-lived to reuse.
func (t *tokenCache) get(ctx context.Context, now func() time.Time, fetch func(context.Context) (string, time.Time, error)) (string, error) {
	fresh := func(tok accessToken) bool { return now().Before(tok.renew) }
	tok, err := t.cache.Get(ctx, struct{}{}, fresh, func(ctx context.Context) (accessToken, error) {
		fetched := now()
		value, expiry, err := fetch(ctx)
		return accessToken{value: value, renew: refreshTime(fetched, expiry)}, err
	})
	return tok.value, err
}

// current returns the cached token, or "" when there is none.
func (t *tokenCache) current() string {
	tok, _ := t.cache.Peek(struct{}{})
	return tok.value
}

// invalidate drops the cached token if it is the one that was rejected (a
// concurrent caller may already have replaced it).
func (t *tokenCache) invalidate(token string) {
	t.cache.ForgetIf(struct{}{}, func(tok accessToken) bool { return tok.value == token })
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
