package client

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLogsNeverContainSecrets(t *testing.T) {
	api := newTokenAPI(t)
	c := newTestClient(t, api.root(), withClientCredentials)

	var buf bytes.Buffer
	ctx := WithLogging(tflogtest.RootLogger(context.Background(), &buf))

	if _, err := c.GetConnection(ctx, connID); err != nil {
		t.Fatal(err)
	}
	api.revoked.Store(1) // force a 401, a refresh and a repeat
	if _, err := c.GetConnection(ctx, connID); err != nil {
		t.Fatal(err)
	}
	api.tokenErrors.Store(1) // and a retried token request
	api.revoked.Store(2)
	if _, err := c.GetConnection(ctx, connID); err != nil {
		t.Fatal(err)
	}

	logs := buf.String()
	for _, secret := range []string{testClientSecret, "tok-1", "tok-2", "tok-3", "Bearer", "client_secret="} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}

	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var sawResponse, sawRetry bool
	for _, e := range entries {
		if e["@module"] != "provider."+LogSubsystem {
			t.Errorf("entry in module %v: %v", e["@module"], e)
		}
		if e["@message"] == "Received HTTP response" && e["method"] == "GET" && e["path"] == "/connections/"+connID &&
			e["status"] == float64(200) && e["attempt"] != nil && e["duration_ms"] != nil {
			sawResponse = true
		}
		if e["@message"] == "Retrying HTTP request" && e["path"] == "/applications/token" && e["wait_ms"] != nil && e["status"] == float64(502) {
			sawRetry = true
		}
	}
	if !sawResponse || !sawRetry {
		t.Errorf("missing response or retry entries in:\n%v", entries)
	}
}

func TestStaticCredentialsAreMaskedEvenWithoutWithLogging(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"bearer": func(c *Config) { c.BearerToken = "static-bearer-value" },
		"basic":  func(c *Config) { c.Username, c.Password = "static-user", "static-password-value" },
	} {
		t.Run(name, func(t *testing.T) {
			// An id that equals the secret ends up in the logged path: it must be masked.
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusBadGateway) })
			c := newTestClient(t, srv.root(), mod, func(c *Config) { c.MaxRetries = 1 })
			var buf bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &buf)
			_, _ = c.GetConnection(ctx, "static-bearer-value")
			_, _ = c.GetConnection(ctx, "static-password-value")
			logs := buf.String()
			if !strings.Contains(logs, "Retrying HTTP request") {
				t.Fatalf("no logs: %s", logs)
			}
			for _, secret := range c.secrets() {
				if strings.Contains(logs, secret) {
					t.Errorf("logs contain %q", secret)
				}
			}
			// The client sets its subsystem up itself: tflog has nothing to warn about.
			if strings.Contains(logs, "wasn't created") || !strings.Contains(logs, `"@module":"provider.client"`) {
				t.Errorf("the client subsystem was not set up:\n%s", logs)
			}
		})
	}
}

func TestWithLoggingMasksGivenValues(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
	c := newTestClient(t, srv.root())
	var buf bytes.Buffer
	ctx := WithLogging(tflogtest.RootLogger(context.Background(), &buf), "very-private-id")
	if _, err := c.GetConnection(ctx, "very-private-id"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "very-private-id") || !strings.Contains(buf.String(), "/connections/***") {
		t.Errorf("logs:\n%s", buf.String())
	}
}

// The access token and the basic-auth header value are masked as well as the
// configured secrets: an id that equals one of them ends up in the logged path.
func TestDerivedCredentialsAreMasked(t *testing.T) {
	api := newTokenAPI(t)
	c := newTestClient(t, api.root(), withClientCredentials)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	if _, err := c.GetConnection(ctx, connID); err != nil {
		t.Fatal(err)
	}
	_, _ = c.GetConnection(ctx, "tok-1")
	if logs := buf.String(); !strings.Contains(logs, "/connections/") || strings.Contains(logs, "tok-1") {
		t.Fatalf("the access token is not masked, or nothing was logged:\n%s", logs)
	}

	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusNotFound) })
	basic := newTestClient(t, srv.root(), func(c *Config) { c.Username, c.Password = "user", "basic-password-value" })
	encoded := "dXNlcjpiYXNpYy1wYXNzd29yZC12YWx1ZQ==" // base64 of user:basic-password-value
	buf.Reset()
	_, _ = basic.GetConnection(ctx, encoded)
	if logs := buf.String(); !strings.Contains(logs, "/connections/") || strings.Contains(logs, encoded) {
		t.Fatalf("the basic-auth value is not masked, or nothing was logged:\n%s", logs)
	}
}
