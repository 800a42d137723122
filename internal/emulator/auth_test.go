package emulator

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTokenRequestBodies(t *testing.T) {
	e := newEnv(t, Options{Seed: 1})
	id, secret := e.info.ClientID, e.info.ClientSecret
	cases := []struct {
		name, contentType, body string
		status                  int
	}{
		{"form with grant_type", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret, 200},
		{"form with grant-type", "application/x-www-form-urlencoded", "grant-type=client_credentials&client_id=" + id + "&client_secret=" + secret, 200},
		{"form without grant", "application/x-www-form-urlencoded", "client_id=" + id + "&client_secret=" + secret, 200},
		{"json without grant", "application/json", `{"client_id":"` + id + `","client_secret":"` + secret + `"}`, 200},
		{"json with grant-type", "application/json", `{"grant-type":"client_credentials","client_id":"` + id + `","client_secret":"` + secret + `"}`, 200},
		{"wrong secret", "application/json", `{"client_id":"` + id + `","client_secret":"nope"}`, 401},
		{"wrong grant", "application/x-www-form-urlencoded", "grant_type=password&client_id=" + id + "&client_secret=" + secret, 400},
		{"bad json", "application/json", `{"client_id":`, 422},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(e.info.ServerURL+"/applications/token", tc.contentType, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			var m map[string]any
			_ = jsonDecode(resp, &m)
			if tc.status == 200 {
				if m["token_type"] != "Bearer" || m["expires_in"] != float64(900) || m["access_token"] == "" {
					t.Fatalf("token response %v", m)
				}
			} else if m["errorId"] == nil {
				t.Fatalf("error body %v lacks errorId", m)
			}
		})
	}
}

func TestTokenExpiryAndAuthModes(t *testing.T) {
	e := newEnv(t, Options{Seed: 1, TokenTTL: time.Minute, BearerToken: "static-token"})
	e.expect(e.call("GET", "/workspaces", nil), 200)

	e.clock.Add(59 * time.Second)
	e.expect(e.call("GET", "/workspaces", nil), 200)
	e.clock.Add(time.Second)
	r := e.expect(e.call("GET", "/workspaces", nil), 401)
	if r.json(t)["title"] != "invalid-api-key" {
		t.Fatalf("401 body %s", r.body)
	}

	e.token = e.login()
	e.expect(e.call("GET", "/workspaces", nil), 200)
	e.emu.ExpireTokens()
	e.expect(e.call("GET", "/workspaces", nil), 401)
	e.token = e.login()
	e.expect(e.call("POST", srvAdmin(e, "/expire-tokens"), nil), 204)
	e.expect(e.call("GET", "/workspaces", nil), 401)

	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("airbyte:password"))
	badBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte("airbyte:wrong"))
	for _, tc := range []struct {
		auth   string
		status int
	}{
		{"", 401}, {"Bearer nonsense", 401}, {"Bearer static-token", 200}, {basic, 200}, {badBasic, 401}, {"Token x", 401},
	} {
		if got := e.callAuth("GET", "/workspaces", nil, tc.auth).status; got != tc.status {
			t.Errorf("auth %q: status %d, want %d", tc.auth, got, tc.status)
		}
	}
	// Cloud layout and Config API use the same auth.
	e.token = e.login()
	e.expect(e.call("GET", e.srv.URL+"/v1/workspaces", nil), 200)
	e.expect(e.callAuth("POST", e.info.ConfigAPIURL+"/state/get", map[string]any{"connectionId": "x"}, ""), 401)
}

func TestNoAuth(t *testing.T) {
	e := newEnv(t, Options{NoAuth: true})
	e.expect(e.callAuth("GET", "/workspaces", nil, ""), 200)
	e.expect(e.callAuth("GET", e.srv.URL+"/api/public/v1/health", nil, ""), 200)
}

func srvAdmin(e *env, path string) string { return e.srv.URL + adminPrefix + path }
