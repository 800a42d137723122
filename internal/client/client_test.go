package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestClient is the one place tests build a Client, so that a
// conformance wrapper (validating every request against the OpenAPI spec)
// can be added here later. serverURL is the Public API root. Retry waits
// are milliseconds so that fault tests run fast.
func newTestClient(t *testing.T, serverURL string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		ServerURL:      serverURL,
		Version:        "test",
		RequestTimeout: 5 * time.Second,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   4 * time.Millisecond,
		RetryAfterMax:  20 * time.Millisecond,
	}
	for _, mod := range mods {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// publicPrefix is where the fake servers mount the Public API, as a
// self-managed Airbyte does; it checks that paths are joined, not resolved.
const publicPrefix = "/api/public/v1"

// recorded is one request a fake server received.
type recorded struct {
	Method string
	Path   string // without publicPrefix
	Query  string
	Header http.Header
	Body   []byte
}

// fakeServer is an httptest server that records requests and answers them
// with a test's handler. Paths given to the handler have publicPrefix
// removed (Config API paths keep their /api/v1).
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newFakeServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, body []byte)) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := recorded{
			Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, publicPrefix),
			Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, rec)
		f.mu.Unlock()
		r.URL.Path = rec.Path
		handler(w, r, body)
	}))
	t.Cleanup(f.Close)
	return f
}

// root is the Public API root of the fake server.
func (f *fakeServer) root() string { return f.URL + publicPrefix }

func (f *fakeServer) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// count returns how many requests matched method and path.
func (f *fakeServer) count(method, path string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// testClock is a Config.Clock whose time moves only when told to (Advance)
// or slept on. Sleep records each wait and returns at once, so tests can
// assert exact waits without taking them.
type testClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// Advance moves the time on by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// recorded returns the waits slept so far.
func (c *testClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

const (
	connID = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
	wsID   = "871d9b60-11d1-44cb-8c92-c246d53bf87e"
	srcID  = "95e66a59-8045-4307-9678-63bc3c9b8c93"
	dstID  = "e478de0d-a3a0-475c-b019-25f7dd29e281"
)

// connectionJSON is a faithful ConnectionResponse, with the nulls the server
// writes for absent optional fields.
const connectionJSON = `{
  "connectionId": "9924bcd0-99be-453d-ba47-c2c9766f7da5",
  "name": "Postgres To Snowflake",
  "sourceId": "95e66a59-8045-4307-9678-63bc3c9b8c93",
  "destinationId": "e478de0d-a3a0-475c-b019-25f7dd29e281",
  "workspaceId": "871d9b60-11d1-44cb-8c92-c246d53bf87e",
  "status": "active",
  "schedule": {"scheduleType": "cron", "cronExpression": "0 0 12 * * ? UTC", "basicTiming": null},
  "nonBreakingSchemaUpdatesBehavior": "ignore",
  "namespaceDefinition": "destination",
  "namespaceFormat": null,
  "prefix": "raw_",
  "configurations": {
    "streams": [
      {"name": "users", "namespace": "public", "syncMode": "incremental_deduped_history",
       "cursorField": ["updated_at"], "primaryKey": [["id"]],
       "selectedFields": null, "mappers": [], "includeFiles": null, "destinationObjectName": null},
      {"name": "orders", "namespace": "public", "syncMode": "full_refresh_overwrite",
       "cursorField": null, "primaryKey": [["order_id"]]}
    ]
  },
  "createdAt": 1717969830,
  "tags": [],
  "statusReason": null,
  "someFutureField": {"x": 1}
}`

func okConnection(w http.ResponseWriter) {
	writeRaw(w, http.StatusOK, "application/json", connectionJSON)
}

const (
	ws2ID = "2155ae5a-de39-4808-af6a-16fe7b8b4ed2"
	tagID = "0da998a2-0d7b-49c7-bb6e-9f7eb9cc68a0"
)
