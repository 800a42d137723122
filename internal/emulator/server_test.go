package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/conformance"
)

// servedOperations are the API operations the emulator implements, by the
// operationId of the OpenAPI documents; the conformance run fails when the
// tests leave one of them unexercised.
var servedOperations = []string{
	"getHealthCheck", "createAccessToken",
	"createConnection", "getConnection", "patchConnection", "deleteConnection", "listConnections",
	"createJob", "getJob", "listJobs", "cancelJob",
	"getSource", "listSources", "deleteSource",
	"getDestination", "listDestinations", "deleteDestination",
	"getWorkspace", "listWorkspaces", "getStreamProperties",
	"createTag", "listTags", "getTag", "updateTag", "deleteTag",
	"getState", "webBackendGetConnection", "getJobInfo", "getConnectionStatuses",
	"updateConnection", "webBackendUpdateConnection", "createOrUpdateStateSafe",
	"resetConnection", "clearConnection", "resetConnectionStream", "clearConnectionStream", "refreshConnectionStream",
	"listConnectionEvents", "getConnectionEvent",
}

// TestMain validates every response the emulator returns against the Airbyte
// OpenAPI documents when AIRBYTE_OPENAPI_SPEC and AIRBYTE_CONFIG_API_SPEC name
// them. Tests send invalid requests on purpose, so a request counts as a
// violation only when the emulator accepted it.
func TestMain(m *testing.M) {
	os.Exit(conformance.Run(m, conformance.HandlerOptions{CheckRequestsIf2xx: true, CheckResponses: true}, servedOperations...))
}

// newTestServer is the one place tests create emulator servers, so a
// conformance wrapper can be added here later.
func newTestServer(t *testing.T, opts Options) (*Emulator, *httptest.Server) {
	t.Helper()
	emu := New(opts)
	srv := httptest.NewServer(conformance.Wrap(emu))
	t.Cleanup(srv.Close)
	return emu, srv
}

// fakeClock is an injectable clock that only moves when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env bundles a server, its emulator, a clock and an authenticated client.
type env struct {
	t     *testing.T
	emu   *Emulator
	srv   *httptest.Server
	clock *fakeClock
	token string
	info  Info
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clock := newFakeClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	emu, srv := newTestServer(t, opts)
	e := &env{t: t, emu: emu, srv: srv, clock: clock, info: emu.Info(srv.URL)}
	e.token = e.login()
	return e
}

func (e *env) login() string {
	e.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {e.info.ClientID}, "client_secret": {e.info.ClientSecret}}
	resp, err := http.Post(e.info.ServerURL+"/applications/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("login: status %d", resp.StatusCode)
	}
	return tok["access_token"].(string)
}

// response is a decoded HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (r response) list(t *testing.T) []any {
	t.Helper()
	var a []any
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("body is not a JSON array: %v: %s", err, r.body)
	}
	return a
}

// message returns data.message of a problem body.
func (r response) message(t *testing.T) string {
	t.Helper()
	data, _ := r.json(t)["data"].(map[string]any)
	msg, _ := data["message"].(string)
	return msg
}

// call sends a request to path under the self-managed public root (or to
// an absolute URL) with the env's token.
func (e *env) call(method, path string, body any) response {
	e.t.Helper()
	return e.callAuth(method, path, body, "Bearer "+e.token)
}

func (e *env) callAuth(method, path string, body any, auth string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	u := path
	if !strings.HasPrefix(path, "http") {
		u = e.info.ServerURL + path
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

func (e *env) expect(r response, status int) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// Seeded ids by name.
func (e *env) ws(i int) WorkspaceInfo { return e.info.Workspaces[i] }

func (e *env) sourceID(name string) string {
	for _, w := range e.info.Workspaces {
		for _, s := range w.Sources {
			if s.Name == name {
				return s.SourceID
			}
		}
	}
	e.t.Fatalf("no source %q", name)
	return ""
}

func (e *env) destinationID(ws int, name string) string {
	for _, d := range e.info.Workspaces[ws].Destinations {
		if d.Name == name {
			return d.DestinationID
		}
	}
	e.t.Fatalf("no destination %q", name)
	return ""
}

const (
	postgres  = "Postgres Production"
	stripe    = "Stripe Billing"
	mysql     = "MySQL Inventory"
	snowflake = "Snowflake Warehouse"
	lake      = "S3 Data Lake"
)

// createConnection creates a connection and returns its response body.
func (e *env) createConnection(body map[string]any) map[string]any {
	e.t.Helper()
	return e.expect(e.call("POST", "/connections", body), 200).json(e.t)
}

func (e *env) newConnection(source string, extra map[string]any) string {
	e.t.Helper()
	body := map[string]any{"sourceId": e.sourceID(source), "destinationId": e.destinationID(0, snowflake)}
	if source == mysql {
		body["destinationId"] = e.destinationID(1, snowflake)
	}
	for k, v := range extra {
		body[k] = v
	}
	return e.createConnection(body)["connectionId"].(string)
}

func jsonDecode(resp *http.Response, v any) error {
	return json.NewDecoder(resp.Body).Decode(v)
}
