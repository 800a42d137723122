package client

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID     = "client-id-1234"
	testClientSecret = "s3cr3t-client-secret-value"
)

// tokenAPI is a fake server with a token endpoint that issues tok-1, tok-2, …
// and API endpoints that accept only the newest token (or any issued token
// when acceptOld is set).
type tokenAPI struct {
	*fakeServer
	expiresIn   atomic.Int64 // seconds; negative leaves expires_in out
	tokenType   atomic.Value // string
	issued      atomic.Int64
	revoked     atomic.Int64 // tokens up to this number are rejected with 401
	tokenDelay  time.Duration
	tokenErrors atomic.Int64 // answer this many token requests with 502 first
}

func newTokenAPI(t *testing.T) *tokenAPI {
	a := &tokenAPI{}
	a.expiresIn.Store(900)
	a.tokenType.Store("Bearer")
	a.fakeServer = newFakeServer(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.URL.Path == "/applications/token" {
			a.serveToken(t, w, r, body)
			return
		}
		auth := r.Header.Get("Authorization")
		n, err := parseTokenNumber(auth)
		if err != nil || n > a.issued.Load() || n <= a.revoked.Load() {
			writeRaw(w, http.StatusUnauthorized, "application/json", `{"errorId":"e1"}`)
			return
		}
		okConnection(w)
	})
	return a
}

func parseTokenNumber(auth string) (int64, error) {
	var n int64
	_, err := fmt.Sscanf(auth, "Bearer tok-%d", &n)
	return n, err
}

func (a *tokenAPI) serveToken(t *testing.T, w http.ResponseWriter, r *http.Request, body []byte) {
	if a.tokenDelay > 0 {
		time.Sleep(a.tokenDelay)
	}
	if a.tokenErrors.Add(-1) >= 0 {
		writeRaw(w, http.StatusBadGateway, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>")
		return
	}
	if r.Method != http.MethodPost {
		t.Errorf("token request method = %s", r.Method)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("token request Content-Type = %q", ct)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		t.Errorf("token request carries Authorization %q", h)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		t.Errorf("token body %q: %v", body, err)
	}
	if len(form) != 3 || form.Get("grant_type") != "client_credentials" || form.Get("client_id") != testClientID {
		t.Errorf("token form = %q, want grant_type, client_id and client_secret only", form.Encode())
	}
	if form.Get("client_secret") != testClientSecret {
		writeRaw(w, http.StatusUnauthorized, "application/json", `{"errorId":"bad-credentials"}`)
		return
	}
	n := a.issued.Add(1)
	resp := map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "token_type": a.tokenType.Load()}
	if e := a.expiresIn.Load(); e >= 0 {
		resp["expires_in"] = e
	}
	writeJSON(w, http.StatusOK, resp)
}

func (a *tokenAPI) tokenRequests() int { return a.count(http.MethodPost, "/applications/token") }

func withClientCredentials(c *Config) {
	c.ClientID, c.ClientSecret = testClientID, testClientSecret
}

// withBearer gives a client a static token, as Airbyte Cloud requires
// credentials.
func withBearer(c *Config) { c.BearerToken = "test-token" }

func TestTokenIsCached(t *testing.T) {
	api := newTokenAPI(t)
	c := newTestClient(t, api.root(), withClientCredentials)
	ctx := context.Background()
	for range 2 {
		if _, err := c.GetConnection(ctx, connID); err != nil {
			t.Fatal(err)
		}
	}
	if n := api.tokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	for _, r := range api.requests() {
		if r.Path == "/connections/"+connID && r.Header.Get("Authorization") != "Bearer tok-1" {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	api := newTokenAPI(t)
	api.expiresIn.Store(180)
	clock := newTestClock()
	c := newTestClient(t, api.root(), withClientCredentials, func(c *Config) { c.Clock = clock })
	ctx := context.Background()

	get := func() {
		t.Helper()
		if _, err := c.GetConnection(ctx, connID); err != nil {
			t.Fatal(err)
		}
	}
	get()
	clock.Advance(119 * time.Second) // 61 s left: still used
	get()
	if n := api.tokenRequests(); n != 1 {
		t.Fatalf("token requests = %d, want 1 before the refresh margin", n)
	}
	clock.Advance(2 * time.Second) // 59 s left: replaced
	get()
	if n := api.tokenRequests(); n != 2 {
		t.Fatalf("token requests = %d, want 2 after entering the refresh margin", n)
	}
}

func TestUnboundedTokensAreNotCached(t *testing.T) {
	api := newTokenAPI(t)
	api.expiresIn.Store(-1)
	c := newTestClient(t, api.root(), withClientCredentials)
	for range 3 {
		if _, err := c.GetConnection(context.Background(), connID); err != nil {
			t.Fatal(err)
		}
	}
	if n := api.tokenRequests(); n != 3 {
		t.Errorf("token requests = %d, want one per call", n)
	}
}

// A token that lives less than twice the refresh margin is replaced halfway
// through its life: reused until then, so a 30-second token does not cost a
// token request per API request.
func TestShortLivedTokensAreReusedForHalfTheirLife(t *testing.T) {
	api := newTokenAPI(t)
	api.expiresIn.Store(30)
	clock := newTestClock()
	c := newTestClient(t, api.root(), withClientCredentials, func(c *Config) { c.Clock = clock })
	get := func() {
		t.Helper()
		if _, err := c.GetConnection(context.Background(), connID); err != nil {
			t.Fatal(err)
		}
	}
	get()
	clock.Advance(14 * time.Second)
	get()
	if n := api.tokenRequests(); n != 1 {
		t.Fatalf("token requests = %d, want 1 in the first half of the token's life", n)
	}
	clock.Advance(2 * time.Second)
	get()
	if n := api.tokenRequests(); n != 2 {
		t.Fatalf("token requests = %d, want 2 past half the token's life", n)
	}
}

func TestUnauthorizedRefreshesTokenAndRetriesOnce(t *testing.T) {
	api := newTokenAPI(t)
	c := newTestClient(t, api.root(), withClientCredentials)
	ctx := context.Background()
	if _, err := c.GetConnection(ctx, connID); err != nil {
		t.Fatal(err)
	}
	api.revoked.Store(1) // tok-1 now gets 401

	if _, err := c.GetConnection(ctx, connID); err != nil {
		t.Fatalf("call after revocation: %v", err)
	}
	if n := api.tokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
	if n := api.count(http.MethodGet, "/connections/"+connID); n != 3 {
		t.Errorf("GET requests = %d, want 3 (ok, 401, retry)", n)
	}

	// A server that rejects every token: one refresh, then the 401 is returned.
	api.revoked.Store(1 << 40)
	_, err := c.GetConnection(ctx, connID)
	if !IsUnauthorized(err) {
		t.Fatalf("err = %v, want a 401", err)
	}
	if n := api.tokenRequests(); n != 3 {
		t.Errorf("token requests = %d, want exactly one more", n)
	}
}

func TestConcurrentCallsShareOneTokenRequest(t *testing.T) {
	api := newTokenAPI(t)
	api.tokenDelay = 50 * time.Millisecond // keep the token request in flight while the others arrive
	c := newTestClient(t, api.root(), withClientCredentials)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.GetConnection(context.Background(), connID)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := api.tokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want exactly 1", n)
	}
}

func TestTokenEndpointFailures(t *testing.T) {
	t.Run("transient failure is retried", func(t *testing.T) {
		api := newTokenAPI(t)
		api.tokenErrors.Store(2)
		c := newTestClient(t, api.root(), withClientCredentials)
		if _, err := c.GetConnection(context.Background(), connID); err != nil {
			t.Fatal(err)
		}
		if n := api.tokenRequests(); n != 3 {
			t.Errorf("token requests = %d, want 3", n)
		}
	})
	t.Run("bad credentials", func(t *testing.T) {
		api := newTokenAPI(t)
		c := newTestClient(t, api.root(), withClientCredentials, func(c *Config) { c.ClientSecret = "wrong" })
		_, err := c.GetConnection(context.Background(), connID)
		if !IsUnauthorized(err) {
			t.Fatalf("err = %v, want 401", err)
		}
		for _, want := range []string{"GET /connections/" + connID, "access token", "POST /applications/token: 401", "bad-credentials"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		}
		if api.count(http.MethodGet, "/connections/"+connID) != 0 {
			t.Error("the API call was sent without a token")
		}
	})
	t.Run("lower-case bearer is accepted", func(t *testing.T) {
		api := newTokenAPI(t)
		api.tokenType.Store("bearer")
		c := newTestClient(t, api.root(), withClientCredentials)
		if _, err := c.GetConnection(context.Background(), connID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("other token types are rejected", func(t *testing.T) {
		api := newTokenAPI(t)
		api.tokenType.Store("mac")
		c := newTestClient(t, api.root(), withClientCredentials)
		_, err := c.GetConnection(context.Background(), connID)
		if err == nil || !strings.Contains(err.Error(), `token_type "mac"`) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestExplicitTokenURL(t *testing.T) {
	api := newTokenAPI(t)
	tokens := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "tok-1", "token_type": "Bearer", "expires_in": 900})
	})
	api.issued.Store(1)
	c := newTestClient(t, api.root(), withClientCredentials, func(c *Config) { c.TokenURL = tokens.URL + "/oauth/token" })
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if tokens.count(http.MethodPost, "/oauth/token") != 1 || api.tokenRequests() != 0 {
		t.Errorf("token requests went to the wrong place: %+v", tokens.requests())
	}
}

func TestAuthHeaders(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"none", func(*Config) {}, ""},
		{"bearer", func(c *Config) { c.BearerToken = "static-token" }, "Bearer static-token"},
		{"basic", func(c *Config) { c.Username, c.Password = "airbyte", "password" },
			"Basic " + base64.StdEncoding.EncodeToString([]byte("airbyte:password"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
			c := newTestClient(t, srv.root(), tt.mod)
			if _, err := c.GetConnection(context.Background(), connID); err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			if got := r.Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization = %q, want %q", got, tt.want)
			}
			if got := r.Header.Get("User-Agent"); got != "terraform-provider-airbyte/test" {
				t.Errorf("User-Agent = %q", got)
			}
			if got := r.Header.Get("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
		})
	}
}

// A static bearer token that is rejected is not "refreshed": the 401 is
// returned after one request.
func TestBearerUnauthorizedIsNotRetried(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusUnauthorized, "application/json", `{"errorId":"x"}`)
	})
	c := newTestClient(t, srv.root(), func(c *Config) { c.BearerToken = "t" })
	if _, err := c.GetConnection(context.Background(), connID); !IsUnauthorized(err) {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestDefaultUserAgent(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
	c, err := New(Config{ServerURL: srv.root()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].Header.Get("User-Agent"); got != "terraform-provider-airbyte/dev" {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestAuthMethod(t *testing.T) {
	for _, tt := range []struct {
		mod  func(*Config)
		want string
	}{
		{func(*Config) {}, "none"},
		{withClientCredentials, "client_credentials"},
		{withBearer, "bearer"},
		{func(c *Config) { c.Username, c.Password = "u", "p" }, "basic"},
	} {
		if got := newTestClient(t, "http://localhost:8000/api/public/v1", tt.mod).AuthMethod(); got != tt.want {
			t.Errorf("AuthMethod() = %q, want %q", got, tt.want)
		}
	}
}
