package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
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
	c := newTestClient(t, "")
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

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"relative server URL", Config{ServerURL: "/v1"}, "http:// or https://"},
		{"no host", Config{ServerURL: "http:///v1"}, "no host"},
		{"query", Config{ServerURL: "http://h/v1?x=1"}, "query"},
		{"bad config_api_url", Config{ConfigAPIURL: "ftp://h"}, "config_api_url"},
		{"bad token_url", Config{TokenURL: "applications/token"}, "token_url"},
		{"client id without secret", Config{ClientID: "id"}, "together"},
		{"bearer and basic", Config{BearerToken: "t", Username: "u", Password: "p"}, "only one authentication method"},
		{"client credentials and bearer", Config{ClientID: "i", ClientSecret: "s", BearerToken: "t"}, "only one"},
		{"password without username", Config{Password: "p"}, "username"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
			}
		})
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
