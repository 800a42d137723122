package client

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New when the corresponding Config field is zero.
const (
	DefaultServerURL      = CloudAPIRoot
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxRetries     = 6
	DefaultRetryWaitMin   = 1 * time.Second
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultRetryAfterMax  = 2 * time.Minute
)

// MaxRetriesLimit is the largest MaxRetries a Config may set: with the
// backoff capped at DefaultRetryWaitMax, more retries would keep a call
// going for half an hour.
const MaxRetriesLimit = 50

// NoRetries is the MaxRetries that turns retries off (zero means the
// default).
const NoRetries = -1

// maxResponseBytes bounds how much of a response body is read. Connection
// lists with many streams are large, but nothing the API returns comes close.
const maxResponseBytes = 32 << 20

// Config configures a Client. Fill in one of the credential groups (client
// id and secret, a bearer token, or username and password); only a
// self-managed Airbyte may be used without credentials. Validate says what
// is wrong with a Config, naming each setting as the provider configuration
// does (server_url, client_id, ...).
type Config struct {
	// ServerURL (server_url) is the Public API root:
	// https://api.airbyte.com/v1 (default) or
	// http(s)://<host>[:port]/api/public/v1 for self-managed Airbyte.
	// Request paths are appended to it, so a path prefix is preserved.
	ServerURL string
	// ConfigAPIURL (config_api_url) overrides the Config API root (for
	// example http://localhost:8000/api/v1). When empty it is derived from
	// ServerURL; if that is impossible, only the Config API calls fail.
	ConfigAPIURL string
	// WebURL (web_url) overrides the web UI root used to build links. When
	// empty it is derived from ServerURL.
	WebURL string
	// TokenURL (token_url) overrides the token endpoint. When empty it is
	// ServerURL + "/applications/token". It needs client credentials.
	TokenURL string

	// ClientID and ClientSecret (client_id, client_secret) select the
	// OAuth2 client-credentials flow.
	ClientID     string
	ClientSecret string
	// BearerToken (bearer_token) is a static token sent as
	// "Authorization: Bearer …".
	BearerToken string
	// Username and Password (username, password) select HTTP Basic
	// authentication.
	Username string
	Password string

	// RequestTimeout (request_timeout) bounds each attempt (not the whole
	// call, which the context bounds). Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxRetries (max_retries) is the number of retries after the first
	// attempt, at most MaxRetriesLimit. Zero means DefaultMaxRetries;
	// NoRetries (any negative value) turns retries off.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax are the base and the cap of the
	// exponential backoff. Zero means DefaultRetryWaitMin/DefaultRetryWaitMax.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RetryAfterMax caps a server-requested Retry-After wait. Zero means
	// DefaultRetryAfterMax.
	RetryAfterMax time.Duration

	// Version is the provider version the User-Agent header names:
	// "terraform-provider-airbyte/<Version>". Empty means "dev".
	Version string
	// HTTPClient sends the requests. Nil means a private client with a clone
	// of http.DefaultTransport; http.DefaultClient is never modified.
	// Its own Timeout, if any, applies on top of RequestTimeout.
	HTTPClient *http.Client

	// Clock tells the time for token lifetimes and Retry-After dates, and
	// waits between attempts. Nil means WallClock.
	Clock Clock
}

// authMode is the credential scheme a Client uses.
type authMode int

const (
	authNone authMode = iota
	authClientCredentials
	authBearer
	authBasic
)

// Client talks to one Airbyte deployment. It is safe for concurrent use.
type Client struct {
	publicRoot    string
	configRoot    string
	configRootErr error
	webRoot       string
	webRootErr    error
	tokenURL      string
	tokenPath     string

	auth     authMode
	clientID string
	secret   string // client secret
	bearer   string
	username string
	password string
	tokens   tokenCache

	http          *http.Client
	userAgent     string
	timeout       time.Duration
	maxRetries    int
	waitMin       time.Duration
	waitMax       time.Duration
	retryAfterMax time.Duration
	maxBody       int64
	clock         Clock
}

// New validates cfg and returns a Client; the error lists every
// *ConfigError that Validate finds. A Config API root that cannot be derived
// is not an error here: it is reported by the Config API methods and
// ConfigAPIRoot.
func New(cfg Config) (*Client, error) {
	if problems := cfg.Validate(); len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	c := &Client{
		http:          cfg.HTTPClient,
		userAgent:     "terraform-provider-airbyte/" + version,
		timeout:       cfg.RequestTimeout,
		maxRetries:    cfg.MaxRetries,
		waitMin:       cfg.RetryWaitMin,
		waitMax:       cfg.RetryWaitMax,
		retryAfterMax: cfg.RetryAfterMax,
		maxBody:       maxResponseBytes,
		clock:         cfg.Clock,
	}
	if c.http == nil {
		c.http = &http.Client{
			Transport:     http.DefaultTransport.(*http.Transport).Clone(),
			CheckRedirect: refuseMethodChange,
		}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultRequestTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.waitMin <= 0 {
		c.waitMin = DefaultRetryWaitMin
	}
	if c.waitMax <= 0 {
		c.waitMax = DefaultRetryWaitMax
	}
	if c.waitMax < c.waitMin {
		c.waitMax = c.waitMin
	}
	if c.retryAfterMax <= 0 {
		c.retryAfterMax = DefaultRetryAfterMax
	}
	if c.clock == nil {
		c.clock = WallClock{}
	}

	serverURL := cfg.ServerURL
	if serverURL == "" {
		serverURL = DefaultServerURL
	}
	root := strings.TrimRight(serverURL, "/")
	c.publicRoot = root
	c.configRoot, c.configRootErr = ResolveConfigAPIRoot(root, cfg.ConfigAPIURL)
	c.webRoot, c.webRootErr = ResolveWebRoot(root, cfg.WebURL)

	if cfg.TokenURL != "" {
		c.tokenURL = strings.TrimRight(cfg.TokenURL, "/")
		u, _ := url.Parse(c.tokenURL)
		c.tokenPath = u.EscapedPath()
	} else {
		c.tokenPath = "/applications/token"
		c.tokenURL = joinURL(root, c.tokenPath)
	}

	switch {
	case cfg.ClientID != "":
		c.auth, c.clientID, c.secret = authClientCredentials, cfg.ClientID, cfg.ClientSecret
	case cfg.BearerToken != "":
		c.auth, c.bearer = authBearer, cfg.BearerToken
	case cfg.Username != "":
		c.auth, c.username, c.password = authBasic, cfg.Username, cfg.Password
	}
	return c, nil
}

// AuthMethod names the credentials the client sends: "client_credentials",
// "bearer", "basic" or "none".
func (c *Client) AuthMethod() string {
	return [...]string{authNone: "none", authClientCredentials: "client_credentials", authBearer: "bearer", authBasic: "basic"}[c.auth]
}

// ServerURL returns the Public API root in use, without a trailing slash.
func (c *Client) ServerURL() string { return c.publicRoot }

// ConfigAPIRoot returns the Config API root, or the error explaining why it
// could not be derived from the server URL.
func (c *Client) ConfigAPIRoot() (string, error) { return c.configRoot, c.configRootErr }

// WebRoot returns the web UI root used for links, or the error explaining
// why it could not be derived from the server URL.
func (c *Client) WebRoot() (string, error) { return c.webRoot, c.webRootErr }

// secrets returns the credential values that must never appear in logs.
func (c *Client) secrets() []string {
	var s []string
	values := []string{c.secret, c.bearer, c.password, c.tokens.current()}
	if c.password != "" {
		// What the Authorization header carries for basic auth.
		values = append(values, base64.StdEncoding.EncodeToString([]byte(c.username+":"+c.password)))
	}
	for _, v := range values {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// refuseMethodChange stops a redirect that would turn a POST or PATCH into
// a GET (301, 302, 303), which happens when server_url says http:// and the
// server redirects to https://: the write would silently become a read.
func refuseMethodChange(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if orig := via[0]; req.Method != orig.Method {
		return fmt.Errorf("the server redirected %s %s to %s, which would turn it into a %s; "+
			"set server_url to the address the server redirects to", orig.Method, orig.URL.Redacted(), req.URL.Redacted(), req.Method)
	}
	return nil
}
