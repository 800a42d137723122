package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// Admin endpoints live under /_emulator. They need no authentication, take
// no faults and are not counted in Stats:
//
//	GET  /_emulator/stats                                  Stats as JSON
//	POST /_emulator/reset-stats                            zero the counters (204)
//	POST /_emulator/faults                                 change faults; body fields (all optional):
//	     latency, spike_latency, job_duration, token_ttl (Go duration strings such as "250ms"),
//	     fail_rate, lost_response_rate, rate_limit, throttle_rate, spike_rate, reset_rate (numbers),
//	     retry_after (bool);
//	     answers the resulting faults
//	POST /_emulator/expire-tokens                          invalidate every issued token (204)
//	POST /_emulator/connections/{connectionId}/fail-next-sync   the next sync job fails (204); body SyncFailure
//	     (all optional): {"failure_origin": "source", "failure_type": "system_error", "message": "...",
//	     "stream": "orders", "stream_namespace": "public", "attempts": 3, "partial_success": false};
//	     without a body its first attempt fails with a config_error (FailNextSync); {"attempts": n} alone
//	     makes its first n attempts crash and be retried (FailNextSyncAttempts), {"attempts": 0} cancels;
//	     a bad value is 400 with a message, an unknown connection 404
//	PUT  /_emulator/connections/{connectionId}             override fields the API cannot set; body
//	     {"status": "locked", "status_reason": "...", "basic_timing": {"units": 24, "time_unit": "hours"}}
//	     (all optional); answers the ConnectionResponse
//	GET  /_emulator/snapshot                               Snapshot as JSON
//	GET  /_emulator/info                                   Info for the request's host
func (e *Emulator) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+adminPrefix+"/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, e.Stats())
	})
	mux.HandleFunc("POST "+adminPrefix+"/reset-stats", func(w http.ResponseWriter, _ *http.Request) {
		e.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST "+adminPrefix+"/faults", e.adminFaults)
	mux.HandleFunc("POST "+adminPrefix+"/expire-tokens", func(w http.ResponseWriter, _ *http.Request) {
		e.ExpireTokens()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST "+adminPrefix+"/connections/{connectionId}/fail-next-sync", e.adminFailNextSync)
	mux.HandleFunc("PUT "+adminPrefix+"/connections/{connectionId}", e.adminOverride)
	mux.HandleFunc("GET "+adminPrefix+"/snapshot", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, e.Snapshot())
	})
	mux.HandleFunc("GET "+adminPrefix+"/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Info(requestScheme(r)+"://"+r.Host))
	})
}

// ErrUnknownConnection is returned by admin methods given an id that is
// not a connection.
var ErrUnknownConnection = errors.New("unknown connection")

// adminFailNextSync plans the next sync's failure. A body with only
// "attempts": 0 cancels an earlier plan; no body, or one without
// failure_type and attempts, plans a config_error.
func (e *Emulator) adminFailNextSync(w http.ResponseWriter, r *http.Request) {
	var body SyncFailure
	var raw map[string]json.RawMessage
	data, err := io.ReadAll(r.Body)
	if err == nil && len(bytes.TrimSpace(data)) > 0 {
		if err = json.Unmarshal(data, &raw); err == nil {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			err = dec.Decode(&body)
		}
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "fail-next-sync body: " + err.Error()})
		return
	}
	id := r.PathValue("connectionId")
	if _, ok := raw["attempts"]; ok && len(raw) == 1 && body.Attempts == 0 {
		err = e.FailNextSyncAttempts(id, 0)
	} else {
		err = e.FailNextSyncWith(id, body)
	}
	switch {
	case errors.Is(err, ErrUnknownConnection):
		writeJSON(w, http.StatusNotFound, map[string]string{"message": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// ConnectionOverride sets connection fields the public API cannot set. Nil
// fields are left alone.
type ConnectionOverride struct {
	// Status is any ConnectionStatusEnum value, e.g. "locked".
	Status *string `json:"status,omitempty"`
	// StatusReason is stored as the server stores it (Snapshot shows it),
	// but neither the public API nor the Config API ever returns it; ""
	// clears it.
	StatusReason *string `json:"status_reason,omitempty"`
	// BasicTiming switches the connection to a legacy basic schedule.
	BasicTiming *BasicTiming `json:"basic_timing,omitempty"`
}

// BasicTiming is a legacy "every N units" schedule; TimeUnit is one of
// minutes, hours, days, weeks or months.
type BasicTiming struct {
	Units    int64  `json:"units"`
	TimeUnit string `json:"time_unit"`
}

// OverrideConnection applies an admin override to a connection.
func (e *Emulator) OverrideConnection(connectionID string, o ConnectionOverride) error {
	if o.Status != nil && !slices.Contains(connectionStatuses, *o.Status) {
		return fmt.Errorf("invalid status %q", *o.Status)
	}
	if b := o.BasicTiming; b != nil && (b.Units <= 0 || !slices.Contains([]string{"minutes", "hours", "days", "weeks", "months"}, b.TimeUnit)) {
		return fmt.Errorf("invalid basic timing %d %q", b.Units, b.TimeUnit)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs() // transitions due before the change see the connection as it was
	c := e.connByID[connectionID]
	if c == nil {
		return fmt.Errorf("%w: %s", ErrUnknownConnection, connectionID)
	}
	if o.Status != nil {
		c.status = *o.Status
	}
	if o.StatusReason != nil {
		c.statusReason = *o.StatusReason
	}
	if b := o.BasicTiming; b != nil {
		c.scheduleType, c.cronExpression, c.basicUnits, c.basicTimeUnit = "basic", "", b.Units, b.TimeUnit
	}
	return nil
}

func (e *Emulator) adminOverride(w http.ResponseWriter, r *http.Request) {
	var o ConnectionOverride
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	id := r.PathValue("connectionId")
	if err := e.OverrideConnection(id, o); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrUnknownConnection) {
			status = http.StatusNotFound
		}
		writeJSON(w, status, map[string]string{"message": err.Error()})
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	writeJSON(w, http.StatusOK, e.connectionJSON(e.connByID[id]))
}

// faultsRequest is the body of POST /_emulator/faults; absent fields keep
// their current value.
type faultsRequest struct {
	Latency          *string  `json:"latency"`
	FailRate         *float64 `json:"fail_rate"`
	LostResponseRate *float64 `json:"lost_response_rate"`
	RateLimit        *float64 `json:"rate_limit"`
	RetryAfter       *bool    `json:"retry_after"`
	ThrottleRate     *float64 `json:"throttle_rate"`
	SpikeRate        *float64 `json:"spike_rate"`
	SpikeLatency     *string  `json:"spike_latency"`
	ResetRate        *float64 `json:"reset_rate"`
	JobDuration      *string  `json:"job_duration"`
	TokenTTL         *string  `json:"token_ttl"`
}

// faultsResponse shows durations as strings, the way they are sent.
type faultsResponse struct {
	Latency          string  `json:"latency"`
	FailRate         float64 `json:"fail_rate"`
	LostResponseRate float64 `json:"lost_response_rate"`
	RateLimit        float64 `json:"rate_limit"`
	RetryAfter       bool    `json:"retry_after"`
	ThrottleRate     float64 `json:"throttle_rate"`
	SpikeRate        float64 `json:"spike_rate"`
	SpikeLatency     string  `json:"spike_latency"`
	ResetRate        float64 `json:"reset_rate"`
	JobDuration      string  `json:"job_duration"`
	TokenTTL         string  `json:"token_ttl"`
}

func (e *Emulator) adminFaults(w http.ResponseWriter, r *http.Request) {
	var req faultsRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	f := e.Faults()
	for _, d := range []struct {
		in  *string
		out *time.Duration
	}{{req.Latency, &f.Latency}, {req.SpikeLatency, &f.SpikeLatency}, {req.JobDuration, &f.JobDuration}, {req.TokenTTL, &f.TokenTTL}} {
		if d.in == nil {
			continue
		}
		v, err := time.ParseDuration(*d.in)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
			return
		}
		*d.out = v
	}
	for _, r := range []struct {
		in  *float64
		out *float64
	}{{req.FailRate, &f.FailRate}, {req.LostResponseRate, &f.LostResponseRate}, {req.RateLimit, &f.RateLimit},
		{req.ThrottleRate, &f.ThrottleRate}, {req.SpikeRate, &f.SpikeRate}, {req.ResetRate, &f.ResetRate}} {
		if r.in != nil {
			*r.out = *r.in
		}
	}
	if req.RetryAfter != nil {
		f.RetryAfter = *req.RetryAfter
	}
	e.SetFaults(f)
	f = e.Faults()
	writeJSON(w, http.StatusOK, faultsResponse{
		Latency: f.Latency.String(), FailRate: f.FailRate, LostResponseRate: f.LostResponseRate, RateLimit: f.RateLimit,
		RetryAfter: f.RetryAfter, ThrottleRate: f.ThrottleRate, SpikeRate: f.SpikeRate, SpikeLatency: f.SpikeLatency.String(),
		ResetRate: f.ResetRate, JobDuration: f.JobDuration.String(), TokenTTL: f.TokenTTL.String(),
	})
}

// Snapshot is the whole store at one moment, for tests that compare the
// emulator's state before and after. Everything is in creation order.
type Snapshot struct {
	Workspaces   []SnapshotWorkspace   `json:"workspaces"`
	Sources      []SnapshotSource      `json:"sources"`
	Destinations []SnapshotDestination `json:"destinations"`
	Connections  []SnapshotConnection  `json:"connections"`
	Jobs         []SnapshotJob         `json:"jobs"`
}

// SnapshotWorkspace is a workspace.
type SnapshotWorkspace struct {
	WorkspaceID string `json:"workspace_id"`
	Name        string `json:"name"`
}

// SnapshotSource is a source, deleted or not.
type SnapshotSource struct {
	SourceID    string `json:"source_id"`
	Name        string `json:"name"`
	SourceType  string `json:"source_type"`
	WorkspaceID string `json:"workspace_id"`
	CDC         bool   `json:"cdc"`
	Deleted     bool   `json:"deleted"`
}

// SnapshotDestination is a destination, deleted or not.
type SnapshotDestination struct {
	DestinationID   string   `json:"destination_id"`
	Name            string   `json:"name"`
	DestinationType string   `json:"destination_type"`
	WorkspaceID     string   `json:"workspace_id"`
	SyncModes       []string `json:"sync_modes"`
	Deleted         bool     `json:"deleted"`
}

// SnapshotConnection is a connection, including soft-deleted ones.
// CronExpression is stored without the " UTC" the API appends.
type SnapshotConnection struct {
	ConnectionID        string           `json:"connection_id"`
	Name                string           `json:"name"`
	SourceID            string           `json:"source_id"`
	DestinationID       string           `json:"destination_id"`
	WorkspaceID         string           `json:"workspace_id"`
	Status              string           `json:"status"`
	StatusReason        string           `json:"status_reason,omitempty"`
	ScheduleType        string           `json:"schedule_type"`
	CronExpression      string           `json:"cron_expression,omitempty"`
	BasicTiming         *BasicTiming     `json:"basic_timing,omitempty"`
	Prefix              string           `json:"prefix"`
	NamespaceDefinition string           `json:"namespace_definition"`
	NamespaceFormat     *string          `json:"namespace_format,omitempty"`
	NonBreaking         string           `json:"non_breaking_schema_updates_behavior"`
	Streams             []SnapshotStream `json:"streams"`
	TagIDs              []string         `json:"tag_ids"`
	CreatedAt           int64            `json:"created_at"`
	FailNextSync        bool             `json:"fail_next_sync"`
	// FailNextSyncAttempts is the number of failing attempts planned for
	// the next sync (FailNextSyncAttempts).
	FailNextSyncAttempts int    `json:"fail_next_sync_attempts,omitempty"`
	StateType            string `json:"state_type"`
}

// SnapshotStream is a selected stream with its public sync mode.
type SnapshotStream struct {
	Name           string     `json:"name"`
	Namespace      string     `json:"namespace,omitempty"`
	SyncMode       string     `json:"sync_mode"`
	CursorField    []string   `json:"cursor_field,omitempty"`
	PrimaryKey     [][]string `json:"primary_key,omitempty"`
	SelectedFields [][]string `json:"selected_fields,omitempty"`
}

// SnapshotJob is a job with its status at the snapshot's moment.
type SnapshotJob struct {
	JobID        int64  `json:"job_id"`
	ConnectionID string `json:"connection_id"`
	JobType      string `json:"job_type"`
	Status       string `json:"status"`
	CreatedAt    int64  `json:"created_at"`
	UpdatedAt    int64  `json:"updated_at"`
	RowsSynced   int64  `json:"rows_synced"`
	BytesSynced  int64  `json:"bytes_synced"`
}

// Snapshot returns every workspace, source, destination, connection
// (including deleted ones) and job, after advancing jobs to the clock.
func (e *Emulator) Snapshot() Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	s := Snapshot{Workspaces: []SnapshotWorkspace{}, Sources: []SnapshotSource{}, Destinations: []SnapshotDestination{},
		Connections: []SnapshotConnection{}, Jobs: []SnapshotJob{}}
	for _, ws := range e.workspaces {
		s.Workspaces = append(s.Workspaces, SnapshotWorkspace{WorkspaceID: ws.id, Name: ws.name})
	}
	for _, src := range e.sources {
		s.Sources = append(s.Sources, SnapshotSource{SourceID: src.id, Name: src.name, SourceType: src.sourceType,
			WorkspaceID: src.workspaceID, CDC: src.cdc, Deleted: src.deleted})
	}
	for _, d := range e.destinations {
		s.Destinations = append(s.Destinations, SnapshotDestination{DestinationID: d.id, Name: d.name,
			DestinationType: d.destinationType, WorkspaceID: d.workspaceID, SyncModes: slices.Clone(d.syncModes), Deleted: d.deleted})
	}
	for _, c := range e.connections {
		sc := SnapshotConnection{
			ConnectionID: c.id, Name: c.name, SourceID: c.sourceID, DestinationID: c.destinationID, WorkspaceID: e.workspaceOf(c),
			Status: c.status, StatusReason: c.statusReason, ScheduleType: c.scheduleType, CronExpression: c.cronExpression,
			Prefix: c.prefix, NamespaceDefinition: c.namespaceDefinition, NamespaceFormat: c.namespaceFormat,
			NonBreaking: c.nonBreaking, Streams: []SnapshotStream{}, TagIDs: []string{}, CreatedAt: c.createdAt,
			StateType: "not_set",
		}
		if c.scheduleType == "basic" {
			sc.BasicTiming = &BasicTiming{Units: c.basicUnits, TimeUnit: c.basicTimeUnit}
		}
		for _, st := range c.streams {
			sc.Streams = append(sc.Streams, SnapshotStream{Name: st.name, Namespace: st.namespace, SyncMode: st.publicSyncMode(),
				CursorField: slices.Clone(st.cursorField), PrimaryKey: cloneKey(st.primaryKey), SelectedFields: cloneKey(st.selectedFields)})
		}
		if p, ok := e.plannedFailures[c.id]; ok && p.configError() {
			sc.FailNextSync = true
		} else if ok {
			sc.FailNextSyncAttempts = p.attempts
		}
		sc.TagIDs = append(sc.TagIDs, c.tagIDs...)
		if state := e.states[c.id]; state != nil {
			sc.StateType = state.StateType
		}
		s.Connections = append(s.Connections, sc)
	}
	now := e.now()
	for _, j := range e.jobs {
		v := e.viewJob(j, now)
		sj := SnapshotJob{JobID: j.id, ConnectionID: j.connectionID, JobType: j.jobType, Status: v.status,
			CreatedAt: j.createdAt.Unix(), UpdatedAt: v.updatedAt.Unix()}
		if v.rows != nil {
			sj.RowsSynced, sj.BytesSynced = *v.rows, *v.bytes
		}
		s.Jobs = append(s.Jobs, sj)
	}
	return s
}
