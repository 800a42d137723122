package emulator

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Path prefixes of the three route trees.
const (
	selfManagedPrefix = "/api/public/v1"
	cloudPrefix       = "/v1"
	configPrefix      = "/api/v1"
	adminPrefix       = "/_emulator"
)

// Emulator is an in-memory Airbyte server: the public API under
// /api/public/v1 and /v1, the Config API under /api/v1, and test controls
// under /_emulator. It is safe for concurrent use; one mutex guards all
// state.
type Emulator struct {
	mux *http.ServeMux

	// Immutable after New.
	opts         Options
	now          func() time.Time
	clientID     string
	clientSecret string

	mu              sync.Mutex
	faults          Faults
	ids             *idSource
	chaos           *rand.Rand
	tokens          map[string]time.Time // access token → expiry
	workspaces      []*workspace
	sources         []*source
	destinations    []*destination
	connections     []*connection
	connByID        map[string]*connection
	tags            []*tagRow // insertion order
	jobs            []*job
	nextJobID       int64
	plannedFailures map[string]plannedFailure // connection id → how its next sync fails
	refreshes       map[string][]refreshRow   // connection id → stream_refreshes rows
	states          map[string]*connectionState
	timeline        []*timelineEvent // connection_timeline_event rows, in writing order
	timelineSeq     int64
	stats           Stats
	window          []time.Time // accepted requests in the last second
}

// New returns an emulator with its seed data, ready to serve.
func New(opts Options) *Emulator {
	if opts.UnknownIDStatus == 0 {
		opts.UnknownIDStatus = DefaultUnknownIDStatus
	}
	if opts.Username == "" {
		opts.Username = DefaultUsername
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	e := &Emulator{
		opts: opts,
		now:  opts.Now,
		faults: Faults{
			Latency: opts.Latency, FailRate: opts.FailRate, LostResponseRate: opts.LostResponseRate,
			RateLimit: opts.RateLimit, RetryAfter: opts.RetryAfter, ThrottleRate: opts.ThrottleRate,
			SpikeRate: opts.SpikeRate, SpikeLatency: opts.SpikeLatency, ResetRate: opts.ResetRate,
			JobDuration: opts.JobDuration, TokenTTL: opts.TokenTTL,
		}.withDefaults(),
		ids:       newIDSource(opts.Seed),
		chaos:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x6661756c7473)),
		tokens:    map[string]time.Time{},
		connByID:  map[string]*connection{},
		states:    map[string]*connectionState{},
		nextJobID: 1,
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.stats = newStats()
	e.seed(opts.SeedConnections)
	if opts.ClientID != "" {
		e.clientID = opts.ClientID
	}
	if opts.ClientSecret != "" {
		e.clientSecret = opts.ClientSecret
	}
	e.mux = e.routes()
	return e
}

// ServeHTTP serves the emulated API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mux.ServeHTTP(w, r)
}

// Info describes how to reach an emulator served at a base URL.
type Info struct {
	ServerURL    string          `json:"server_url"`
	ConfigAPIURL string          `json:"config_api_url"`
	WebURL       string          `json:"web_url"`
	ClientID     string          `json:"client_id"`
	ClientSecret string          `json:"client_secret"`
	Workspaces   []WorkspaceInfo `json:"workspaces"`
}

// WorkspaceInfo lists a seeded workspace and its connectors.
type WorkspaceInfo struct {
	WorkspaceID  string            `json:"workspace_id"`
	Name         string            `json:"name"`
	Sources      []SourceInfo      `json:"sources"`
	Destinations []DestinationInfo `json:"destinations"`
}

// SourceInfo names a source and its discovered streams.
type SourceInfo struct {
	SourceID string   `json:"source_id"`
	Name     string   `json:"name"`
	Streams  []string `json:"streams"`
}

// DestinationInfo names a destination.
type DestinationInfo struct {
	DestinationID string `json:"destination_id"`
	Name          string `json:"name"`
}

// Info returns the URLs, credentials and seeded ids for an emulator served
// at baseURL (for example "http://127.0.0.1:18006"). Deleted sources and
// destinations are left out.
func (e *Emulator) Info(baseURL string) Info {
	e.mu.Lock()
	defer e.mu.Unlock()
	info := Info{
		ServerURL: baseURL + selfManagedPrefix, ConfigAPIURL: baseURL + configPrefix, WebURL: baseURL,
		ClientID: e.clientID, ClientSecret: e.clientSecret, Workspaces: []WorkspaceInfo{},
	}
	for _, ws := range e.workspaces {
		wi := WorkspaceInfo{WorkspaceID: ws.id, Name: ws.name, Sources: []SourceInfo{}, Destinations: []DestinationInfo{}}
		for _, s := range e.sources {
			if s.workspaceID != ws.id || s.deleted {
				continue
			}
			si := SourceInfo{SourceID: s.id, Name: s.name, Streams: []string{}}
			for _, st := range s.catalog {
				si.Streams = append(si.Streams, st.name)
			}
			wi.Sources = append(wi.Sources, si)
		}
		for _, d := range e.destinations {
			if d.workspaceID == ws.id && !d.deleted {
				wi.Destinations = append(wi.Destinations, DestinationInfo{DestinationID: d.id, Name: d.name})
			}
		}
		info.Workspaces = append(info.Workspaces, wi)
	}
	return info
}

// SetFaults replaces the runtime fault settings. Zero JobDuration and
// TokenTTL mean their defaults; jobs already created keep their duration.
func (e *Emulator) SetFaults(f Faults) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = f.withDefaults()
}

// Faults returns the current runtime fault settings.
func (e *Emulator) Faults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faults
}

// apiHandler serves one API route. base is the scheme, host and prefix the
// request came in on (e.g. "http://127.0.0.1:18006/api/public/v1"), used to
// build pagination links.
type apiHandler func(w http.ResponseWriter, r *http.Request, base string)

// route is one API endpoint, relative to its tree's prefix.
type route struct {
	method, pattern string
	config          bool // Config API tree (/api/v1) instead of the public one
	noAuth          bool
	handler         apiHandler
}

// statsKey is the key of the route in Stats.ByRoute: method and pattern
// relative to the public root ("GET /connections/{connectionId}"), with
// Config API routes keeping their "/api/v1" prefix ("POST /api/v1/state/get").
func (rt route) statsKey() string {
	if rt.config {
		return rt.method + " " + configPrefix + rt.pattern
	}
	return rt.method + " " + rt.pattern
}

func (e *Emulator) routes() *http.ServeMux {
	mux := http.NewServeMux()
	public := []route{
		{method: "POST", pattern: "/applications/token", noAuth: true, handler: e.createToken},
		{method: "POST", pattern: "/connections", handler: e.createConnection},
		{method: "GET", pattern: "/connections", handler: e.listConnections},
		{method: "GET", pattern: "/connections/{connectionId}", handler: e.getConnection},
		{method: "PATCH", pattern: "/connections/{connectionId}", handler: e.patchConnection},
		{method: "DELETE", pattern: "/connections/{connectionId}", handler: e.deleteConnection},
		{method: "POST", pattern: "/jobs", handler: e.createJob},
		{method: "GET", pattern: "/jobs", handler: e.listJobs},
		{method: "GET", pattern: "/jobs/{jobId}", handler: e.getJob},
		{method: "DELETE", pattern: "/jobs/{jobId}", handler: e.cancelJob},
		{method: "GET", pattern: "/sources", handler: e.listSources},
		{method: "GET", pattern: "/sources/{sourceId}", handler: e.getSource},
		{method: "DELETE", pattern: "/sources/{sourceId}", handler: e.deleteSource},
		{method: "GET", pattern: "/destinations", handler: e.listDestinations},
		{method: "GET", pattern: "/destinations/{destinationId}", handler: e.getDestination},
		{method: "DELETE", pattern: "/destinations/{destinationId}", handler: e.deleteDestination},
		{method: "GET", pattern: "/workspaces", handler: e.listWorkspaces},
		{method: "GET", pattern: "/workspaces/{workspaceId}", handler: e.getWorkspace},
		{method: "GET", pattern: "/streams", handler: e.getStreams},
		{method: "POST", pattern: "/tags", handler: e.createTag},
		{method: "GET", pattern: "/tags", handler: e.listTags},
		{method: "GET", pattern: "/tags/{tagId}", handler: e.getTag},
		{method: "PATCH", pattern: "/tags/{tagId}", handler: e.patchTag},
		{method: "DELETE", pattern: "/tags/{tagId}", handler: e.deleteTag},
	}
	for _, rt := range public {
		for _, prefix := range []string{selfManagedPrefix, cloudPrefix} {
			mux.Handle(rt.method+" "+prefix+rt.pattern, e.wrap(rt, prefix))
		}
	}
	config := []route{
		{method: "POST", pattern: "/state/get", config: true, handler: e.getState},
		{method: "POST", pattern: "/web_backend/connections/get", config: true, handler: e.getWebBackendConnection},
		{method: "POST", pattern: "/web_backend/connections/update", config: true, handler: e.webBackendUpdateConnection},
		{method: "POST", pattern: "/connections/get", config: true, handler: e.getConfigConnection},
		{method: "POST", pattern: "/connections/update", config: true, handler: e.updateConfigConnection},
		{method: "POST", pattern: "/state/create_or_update_safe", config: true, handler: e.createOrUpdateStateSafe},
		{method: "POST", pattern: "/jobs/get", config: true, handler: e.getJobInfo},
		{method: "POST", pattern: "/connections/status", config: true, handler: e.getConnectionStatuses},
		{method: "POST", pattern: "/connections/reset", config: true, handler: e.resetConnection},
		{method: "POST", pattern: "/connections/clear", config: true, handler: e.resetConnection},
		{method: "POST", pattern: "/connections/reset/stream", config: true, handler: e.resetConnectionStream},
		{method: "POST", pattern: "/connections/clear/stream", config: true, handler: e.resetConnectionStream},
		{method: "POST", pattern: "/connections/refresh", config: true, handler: e.refreshConnectionStream},
		{method: "POST", pattern: "/connections/events/list", config: true, handler: e.listConnectionEvents},
		{method: "POST", pattern: "/connections/events/get", config: true, handler: e.getConnectionEvent},
	}
	for _, rt := range config {
		mux.Handle(rt.method+" "+configPrefix+rt.pattern, e.wrap(rt, configPrefix))
	}
	health := e.countOnly("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"available": true})
	})
	for _, p := range []string{"", selfManagedPrefix, cloudPrefix} {
		mux.Handle("GET "+p+"/health", health)
	}
	e.adminRoutes(mux)
	mux.Handle("/", e.countOnly("unmatched", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Page Not Found"})
	}))
	return mux
}

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// discardWriter swallows a response whose delivery is being "lost".
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// countOnly wraps routes that are counted but take no faults or auth.
func (e *Emulator) countOnly(key string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h(rec, r)
		e.count(key, rec.code())
	})
}

// wrap applies, in order: latency, rate limit and throttling (429), injected
// failure (503), authentication (401), then the handler; a "lost" response
// runs the handler and then answers 502, a "reset" one runs it and then
// drops the connection without an answer, a "spike" runs it and then holds
// the answer back for SpikeLatency.
// Every outcome is counted in the stats, and every injected fault in
// Stats.Injected.
func (e *Emulator) wrap(rt route, prefix string) http.Handler {
	key := rt.statsKey()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() { e.count(key, rec.code()) }()

		e.mu.Lock()
		f := e.faults
		e.mu.Unlock()
		roll := e.rollFaults(f)
		if f.Latency > 0 && !sleep(r.Context(), f.Latency) {
			writeJSON(rec, http.StatusServiceUnavailable, serviceUnavailable())
			return
		}
		if roll.limited {
			if roll.retryAfter {
				rec.Header().Set("Retry-After", "1")
			}
			writeJSON(rec, http.StatusTooManyRequests, map[string]string{"message": "You are being rate limited."})
			return
		}
		if roll.fail {
			writeProblem(rec, serviceUnavailable())
			return
		}
		if !rt.noAuth && !e.authorized(r) {
			writeProblem(rec, invalidAPIKey())
			return
		}
		base := requestScheme(r) + "://" + r.Host + prefix
		switch {
		case roll.lost:
			rt.handler(&discardWriter{h: http.Header{}}, r, base)
			writeJSON(rec, http.StatusBadGateway, map[string]string{"message": "Bad Gateway: the response was lost (emulated fault)."})
		case roll.reset:
			rt.handler(&discardWriter{h: http.Header{}}, r, base)
			// net/http closes the connection without writing anything when a
			// handler panics with ErrAbortHandler, and logs nothing.
			rec.status = statusReset
			panic(http.ErrAbortHandler)
		case roll.spike:
			// The spike delays the answer, not the work: a client that gives
			// up waiting has still had its request carried out.
			buf := &bufferedWriter{h: http.Header{}}
			rt.handler(buf, r, base)
			if !sleep(r.Context(), f.SpikeLatency) {
				rec.WriteHeader(statusClientGone) // nobody reads it: the client has gone
				return
			}
			buf.replay(rec)
		default:
			rt.handler(rec, r, base)
		}
	})
}

func requestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// Stats counts API requests (never admin ones).
type Stats struct {
	RequestsTotal int64            `json:"requests_total"`
	ByRoute       map[string]int64 `json:"by_route"`
	ByStatus      map[string]int64 `json:"by_status"`
	// Injected counts the faults injected, by kind: spike, rate_limited
	// (the sliding window), throttled and throttled_retry_after (random
	// 429s without and with Retry-After), failed (503), lost (502 after the
	// fact) and reset (connection dropped after the fact).
	Injected map[string]int64 `json:"injected"`
}

func newStats() Stats {
	return Stats{ByRoute: map[string]int64{}, ByStatus: map[string]int64{}, Injected: map[string]int64{}}
}

func (e *Emulator) count(key string, status int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.RequestsTotal++
	e.stats.ByRoute[key]++
	e.stats.ByStatus[strconv.Itoa(status)]++
}

// Stats returns a copy of the request counters.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := newStats()
	out.RequestsTotal = e.stats.RequestsTotal
	for k, v := range e.stats.ByRoute {
		out.ByRoute[k] = v
	}
	for k, v := range e.stats.ByStatus {
		out.ByStatus[k] = v
	}
	for k, v := range e.stats.Injected {
		out.Injected[k] = v
	}
	return out
}

// ResetStats sets every counter back to zero.
func (e *Emulator) ResetStats() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats = newStats()
}
