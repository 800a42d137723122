package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestResolveConfigAPIRoot(t *testing.T) {
	tests := []struct {
		name, server, explicit, want, wantErr string
	}{
		{name: "cloud", server: "https://api.airbyte.com/v1", want: "https://cloud.airbyte.com/api/v1"},
		{name: "cloud trailing slash", server: "https://api.airbyte.com/v1/", want: "https://cloud.airbyte.com/api/v1"},
		{name: "self-managed", server: "http://localhost:8000/api/public/v1", want: "http://localhost:8000/api/v1"},
		{name: "self-managed trailing slash", server: "http://localhost:8000/api/public/v1/", want: "http://localhost:8000/api/v1"},
		{name: "self-managed with path prefix", server: "https://example.com/airbyte/api/public/v1", want: "https://example.com/airbyte/api/v1"},
		{name: "explicit wins", server: "https://api.airbyte.com/v1", explicit: "https://airbyte.internal/api/v1/", want: "https://airbyte.internal/api/v1"},
		{name: "explicit for unknown host", server: "https://gateway.example.com/airbyte", explicit: "https://gateway.example.com/cfg", want: "https://gateway.example.com/cfg"},
		{name: "unknown host", server: "https://gateway.example.com/airbyte", wantErr: "Set config_api_url"},
		{name: "cloud without v1", server: "https://api.airbyte.com", wantErr: "config_api_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveConfigAPIRoot(tt.server, tt.explicit)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestResolveConfigAPIRootErrorIsHelpful(t *testing.T) {
	_, err := ResolveConfigAPIRoot("https://gateway.example.com/airbyte", "")
	msg := err.Error()
	for _, want := range []string{`"https://gateway.example.com/airbyte"`, "/api/public/v1", "config_api_url", "https://gateway.example.com/api/v1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
}

func TestResolveWebRoot(t *testing.T) {
	tests := []struct {
		name, server, explicit, want string
		wantErr                      bool
	}{
		{name: "cloud", server: "https://api.airbyte.com/v1", want: "https://cloud.airbyte.com"},
		{name: "cloud trailing slash", server: "https://api.airbyte.com/v1/", want: "https://cloud.airbyte.com"},
		{name: "self-managed", server: "http://localhost:8000/api/public/v1", want: "http://localhost:8000"},
		{name: "self-managed with path prefix", server: "https://example.com/airbyte/api/public/v1/", want: "https://example.com/airbyte"},
		{name: "explicit", server: "https://gateway.example.com/x", explicit: "https://ui.example.com/", want: "https://ui.example.com"},
		{name: "unknown host", server: "https://gateway.example.com/x", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveWebRoot(tt.server, tt.explicit)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "web_url") {
					t.Fatalf("got %q, %v; want an error naming web_url", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestWebURLs(t *testing.T) {
	web := "https://cloud.airbyte.com"
	conn := "https://cloud.airbyte.com/workspaces/" + wsID + "/connections/" + connID
	if got := ConnectionURL(web, wsID, connID); got != conn {
		t.Errorf("ConnectionURL = %q", got)
	}
	if got := JobHistoryURL(web+"/", wsID, connID); got != conn+"/timeline" {
		t.Errorf("JobHistoryURL = %q", got)
	}
	if got := JobURL(web, wsID, connID, 1234); got != conn+"/timeline#1234::0" {
		t.Errorf("JobURL = %q", got)
	}
}

func TestNewRoots(t *testing.T) {
	c := newTestClient(t, "", withBearer)
	if c.ServerURL() != CloudAPIRoot {
		t.Errorf("default server URL = %q", c.ServerURL())
	}
	if root, err := c.ConfigAPIRoot(); err != nil || root != CloudConfigAPIRoot {
		t.Errorf("ConfigAPIRoot = %q, %v", root, err)
	}
	if root, err := c.WebRoot(); err != nil || root != CloudWebRoot {
		t.Errorf("WebRoot = %q, %v", root, err)
	}
	if c.tokenURL != "https://api.airbyte.com/v1/applications/token" {
		t.Errorf("token URL = %q", c.tokenURL)
	}

	c = newTestClient(t, "http://localhost:8000/api/public/v1/")
	if c.tokenURL != "http://localhost:8000/api/public/v1/applications/token" {
		t.Errorf("self-managed token URL = %q (the /api/public prefix must be kept)", c.tokenURL)
	}
}

// TestNewRejectsBadConfig: New refuses a Config that Validate faults, and
// each fault is a *ConfigError naming the setting and the kind of fault.
func TestNewRejectsBadConfig(t *testing.T) {
	const local = "http://localhost:8000/api/public/v1"
	tests := []struct {
		name        string
		cfg         Config
		wantSetting string
		wantProblem ConfigProblem
		wantErr     string
	}{
		{"relative server URL", Config{ServerURL: "/v1"}, "server_url", ConfigMalformed, "http:// or https://"},
		{"no host", Config{ServerURL: "http:///v1"}, "server_url", ConfigMalformed, "no host"},
		{"query", Config{ServerURL: "http://h/v1?x=1"}, "server_url", ConfigMalformed, "query"},
		{"bad config_api_url", Config{ConfigAPIURL: "ftp://h"}, "config_api_url", ConfigMalformed, "config_api_url"},
		{"bad web_url", Config{ServerURL: local, WebURL: "localhost:8000"}, "web_url", ConfigMalformed, `"localhost:8000" is not an absolute`},
		{"bad token_url", Config{TokenURL: "applications/token"}, "token_url", ConfigMalformed, "token_url"},
		{"client id without secret", Config{ClientID: "id"}, "client_secret", ConfigIncomplete, "client_id is set but client_secret is not"},
		{"secret without client id", Config{ServerURL: local, ClientSecret: "s"}, "client_id", ConfigIncomplete, "Set both, from the same Airbyte application"},
		{"bearer and basic", Config{BearerToken: "t", Username: "u", Password: "p"}, "bearer_token", ConfigConflict, "only one authentication method"},
		{"client credentials and bearer", Config{ClientID: "i", ClientSecret: "s", BearerToken: "t"}, "bearer_token", ConfigConflict, "only one"},
		{"client credentials and basic", Config{ClientID: "i", ClientSecret: "s", Username: "u", Password: "p"}, "username", ConfigConflict,
			"client_id/client_secret, username/password"},
		{"password without username", Config{Password: "p"}, "username", ConfigIncomplete, "username"},
		{"username without password", Config{ServerURL: local, Username: "u"}, "password", ConfigIncomplete, "username is set but password is not"},
		{"token url without client credentials", Config{ServerURL: local, TokenURL: local + "/applications/token"}, "token_url", ConfigUnused,
			"only used to exchange client_id and client_secret"},
		{"cloud without credentials", Config{}, "client_id", ConfigNoCredentials, "needs credentials"},
		{"negative request timeout", Config{ServerURL: local, RequestTimeout: -time.Second}, "request_timeout", ConfigMalformed, "not a positive duration"},
		{"too many retries", Config{ServerURL: local, MaxRetries: MaxRetriesLimit + 1}, "max_retries", ConfigMalformed, "between 0 and 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("New error = %v, want a *ConfigError", err)
			}
			for _, p := range tt.cfg.Validate() {
				if p.Setting == tt.wantSetting && p.Problem == tt.wantProblem && strings.Contains(p.Error(), tt.wantErr) {
					return
				}
			}
			t.Fatalf("Validate() = %v, want a fault of %s of kind %d containing %q", tt.cfg.Validate(), tt.wantSetting, tt.wantProblem, tt.wantErr)
		})
	}
}

// TestValidateAcceptsGoodConfigs: each way to authenticate, and none on
// self-managed Airbyte, is a valid Config.
func TestValidateAcceptsGoodConfigs(t *testing.T) {
	const local = "http://localhost:8000/api/public/v1"
	for _, cfg := range []Config{
		{ClientID: "id", ClientSecret: "s"},
		{BearerToken: "t"},
		{ServerURL: local},
		{ServerURL: local, Username: "u", Password: "p"},
		{ServerURL: local, ClientID: "id", ClientSecret: "s", TokenURL: local + "/applications/token", MaxRetries: NoRetries},
		{ServerURL: local, MaxRetries: MaxRetriesLimit, RequestTimeout: time.Second},
	} {
		if problems := cfg.Validate(); len(problems) != 0 {
			t.Errorf("Validate(%+v) = %v, want none", cfg, problems)
		}
	}
}

// TestSendsCredentialsInClear: credentials over plain http:// are flagged
// unless they stay on this machine.
func TestSendsCredentialsInClear(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want bool
	}{
		{Config{ServerURL: "http://airbyte.example.com/api/public/v1", BearerToken: "t"}, true},
		{Config{ServerURL: "http://10.0.0.5:8000/api/public/v1", Username: "u", Password: "p"}, true},
		{Config{ServerURL: "http://airbyte.example.com/api/public/v1"}, false},
		{Config{ServerURL: "https://airbyte.example.com/api/public/v1", BearerToken: "t"}, false},
		{Config{ServerURL: "http://127.0.0.1:8000/api/public/v1", BearerToken: "t"}, false},
		{Config{ServerURL: "http://localhost:8000/api/public/v1", ClientID: "i", ClientSecret: "s"}, false},
		{Config{ServerURL: "http://[::1]:8000/api/public/v1", BearerToken: "t"}, false},
	} {
		if got := tt.cfg.SendsCredentialsInClear(); got != tt.want {
			t.Errorf("SendsCredentialsInClear(%s with credentials %v) = %v, want %v", tt.cfg.ServerURL, tt.cfg.BearerToken != "" || tt.cfg.Username != "" || tt.cfg.ClientID != "", got, tt.want)
		}
	}
}

// A server the client cannot derive a Config API root for still serves the
// Public API; only the Config API calls fail, with the clear error, and
// without sending anything.
func TestUnknownConfigRootIsDeferred(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
	c := newTestClient(t, srv.URL+"/gateway/v1")

	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatalf("Public API call failed: %v", err)
	}
	_, err := c.GetConnectionState(context.Background(), connID)
	if err == nil || !strings.Contains(err.Error(), "config_api_url") {
		t.Fatalf("GetConnectionState error = %v, want one asking for config_api_url", err)
	}
	_, err = c.GetWebBackendConnection(context.Background(), connID, false)
	if err == nil || !strings.Contains(err.Error(), "config_api_url") {
		t.Fatalf("GetWebBackendConnection error = %v", err)
	}
	if _, err := c.WebRoot(); err == nil {
		t.Error("WebRoot should report that it cannot be derived")
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestRedirectThatChangesTheMethodIsRefused(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.Method == http.MethodGet && r.URL.Path == "/moved/connections/"+connID {
			okConnection(w)
			return
		}
		http.Redirect(w, r, publicPrefix+"/moved"+r.URL.Path, http.StatusMovedPermanently)
	})
	c := newTestClient(t, srv.root())
	if _, err := c.GetConnection(context.Background(), connID); err != nil {
		t.Fatalf("a GET may follow a redirect: %v", err)
	}
	_, err := c.PatchConnection(context.Background(), connID, ConnectionPatchRequest{Name: new("x")})
	if err == nil || !strings.Contains(err.Error(), "redirected PATCH") {
		t.Fatalf("err = %v", err)
	}
	if n := srv.count(http.MethodGet, "/moved/connections/"+connID); n != 1 {
		t.Errorf("the PATCH was turned into %d GETs", n-1)
	}
}
