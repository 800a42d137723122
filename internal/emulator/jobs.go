package emulator

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// job is a sync or reset job. While status is "" the job is live and its
// status follows the clock: pending for the first tenth of duration, then
// running, then succeeded (or failed) when duration has passed.
type job struct {
	id           int64
	connectionID string
	jobType      string // sync or reset
	createdAt    time.Time
	duration     time.Duration
	fail         bool
	status       string // terminal status once reached
	endedAt      time.Time
	rows, bytes  int64 // totals once terminal
}

func (j *job) terminal() bool { return j.status != "" }

// finalFigures are the rows and bytes a successful sync reports,
// deterministic from the seed and the job id.
func (e *Emulator) finalFigures(j *job) (rows, bytes int64) {
	if j.jobType != "sync" {
		return 0, 0
	}
	h := splitmix(uint64(e.opts.Seed)*0x9e3779b97f4a7c15 ^ uint64(j.id))
	rows = int64(100 + h%9900)
	bytes = rows * int64(120+(h>>32)%400)
	return rows, bytes
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// progress is the fraction of the running phase that has passed at now.
func (j *job) progress(now time.Time) float64 {
	pending := j.duration / 10
	running := j.duration - pending
	el := now.Sub(j.createdAt) - pending
	if el <= 0 || running <= 0 {
		return 0
	}
	return min(float64(el)/float64(running), 1)
}

// liveStatus is the status of a live job at now.
func (j *job) liveStatus(now time.Time) string {
	if now.Sub(j.createdAt) < j.duration/10 {
		return "pending"
	}
	return "running"
}

// advanceJobs finishes every live job whose time is up, writing connection
// state for successful syncs. Callers hold e.mu. Jobs need no goroutines:
// every request that looks at jobs or state advances them first.
func (e *Emulator) advanceJobs() {
	now := e.now()
	for _, j := range e.jobs {
		if j.terminal() {
			continue
		}
		end := j.createdAt.Add(j.duration)
		if now.Before(end) {
			continue
		}
		j.endedAt = end
		rows, bytes := e.finalFigures(j)
		if j.fail {
			j.status, j.rows, j.bytes = "failed", rows/2, bytes/2
			continue
		}
		j.status, j.rows, j.bytes = "succeeded", rows, bytes
		e.recordSuccess(j)
	}
}

func (e *Emulator) cancel(j *job, now time.Time) {
	rows, bytes := e.finalFigures(j)
	p := j.progress(now)
	j.status, j.endedAt = "cancelled", now
	j.rows, j.bytes = int64(float64(rows)*p), int64(float64(bytes)*p)
}

// jobResponse is JobResponse; lastUpdatedAt, duration and the figures are
// omitted while they have no value.
type jobResponse struct {
	JobID         int64  `json:"jobId"`
	Status        string `json:"status"`
	JobType       string `json:"jobType"`
	StartTime     string `json:"startTime"`
	ConnectionID  string `json:"connectionId"`
	LastUpdatedAt string `json:"lastUpdatedAt,omitempty"`
	Duration      string `json:"duration,omitempty"`
	BytesSynced   *int64 `json:"bytesSynced,omitempty"`
	RowsSynced    *int64 `json:"rowsSynced,omitempty"`
}

// view is a job's status, update time and figures at now.
type jobView struct {
	status      string
	updatedAt   time.Time
	rows, bytes *int64
}

func (e *Emulator) viewJob(j *job, now time.Time) jobView {
	if j.terminal() {
		r, b := j.rows, j.bytes
		return jobView{status: j.status, updatedAt: j.endedAt, rows: &r, bytes: &b}
	}
	st := j.liveStatus(now)
	if st == "pending" {
		return jobView{status: st, updatedAt: j.createdAt}
	}
	rows, bytes := e.finalFigures(j)
	p := j.progress(now)
	r, b := int64(float64(rows)*p), int64(float64(bytes)*p)
	return jobView{status: st, updatedAt: now, rows: &r, bytes: &b}
}

func (e *Emulator) jobJSON(j *job, now time.Time) jobResponse {
	v := e.viewJob(j, now)
	out := jobResponse{
		JobID: j.id, Status: v.status, JobType: j.jobType, StartTime: javaTime(j.createdAt),
		ConnectionID: j.connectionID, RowsSynced: v.rows, BytesSynced: v.bytes,
	}
	if v.status != "pending" {
		out.Duration = javaDuration(v.updatedAt.Unix() - j.createdAt.Unix())
	}
	if j.terminal() {
		out.LastUpdatedAt = javaTime(j.endedAt)
	}
	return out
}

// javaTime formats like Java's OffsetDateTime.toString at UTC with second
// precision: seconds are left out when they are zero.
func javaTime(t time.Time) string {
	t = t.UTC().Truncate(time.Second)
	if t.Second() == 0 {
		return t.Format("2006-01-02T15:04Z")
	}
	return t.Format("2006-01-02T15:04:05Z")
}

// javaDuration formats whole seconds like Java's Duration.toString:
// "PT0S", "PT5M7S", "PT8H6M12S", "PT1H".
func javaDuration(secs int64) string {
	if secs == 0 {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteString("PT")
	if h := secs / 3600; h != 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m := secs % 3600 / 60; m != 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if s := secs % 60; s != 0 {
		fmt.Fprintf(&b, "%dS", s)
	}
	return b.String()
}

type jobCreateRequest struct {
	ConnectionID *string `json:"connectionId"`
	JobType      *string `json:"jobType"`
}

var jobTypes = []string{"sync", "reset", "refresh", "clear"}

func (e *Emulator) createJob(w http.ResponseWriter, r *http.Request, _ string) {
	var req jobCreateRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionID == nil || req.JobType == nil || !slices.Contains(jobTypes, *req.JobType) {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	c := e.connByID[*req.ConnectionID]
	if c == nil {
		e.writeUnknown(w, "connection", *req.ConnectionID)
		return
	}
	if *req.JobType == "refresh" {
		writeProblem(w, unprocessable("Refreshes are not supported in the public API"))
		return
	}
	if c.status == "deprecated" {
		writeProblem(w, tryAgainLater("Cannot start a job for a deleted connection: "+c.id))
		return
	}
	for _, j := range e.jobs {
		if j.connectionID == c.id && !j.terminal() {
			writeProblem(w, tryAgainLater("A sync is already running for: "+c.id))
			return
		}
	}
	jobType := "sync"
	if *req.JobType != "sync" {
		jobType = "reset" // a clear request also starts a reset job
	}
	now := e.now()
	j := &job{id: e.nextJobID, connectionID: c.id, jobType: jobType, createdAt: now, duration: e.faults.JobDuration}
	if jobType == "sync" && c.failNextSync {
		j.fail, c.failNextSync = true, false
	}
	e.nextJobID++
	e.jobs = append(e.jobs, j)
	writeJSON(w, http.StatusOK, e.jobJSON(j, now))
}

// findJob parses the jobId path value and writes the error response itself
// when there is no such job.
func (e *Emulator) findJob(w http.ResponseWriter, r *http.Request) *job {
	raw := r.PathValue("jobId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		writeErrorID(w, http.StatusBadRequest)
		return nil
	}
	for _, j := range e.jobs {
		if j.id == id {
			return j
		}
	}
	e.writeUnknown(w, "job", raw)
	return nil
}

func (e *Emulator) getJob(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if j := e.findJob(w, r); j != nil {
		writeJSON(w, http.StatusOK, e.jobJSON(j, e.now()))
	}
}

func (e *Emulator) cancelJob(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	j := e.findJob(w, r)
	if j == nil {
		return
	}
	if j.terminal() {
		writeProblem(w, stateConflict("Job is not currently running"))
		return
	}
	now := e.now()
	e.cancel(j, now)
	writeJSON(w, http.StatusOK, e.jobJSON(j, now))
}

var orderByPattern = regexp.MustCompile(`^([a-zA-Z0-9]+)\|(ASC|DESC)$`)
var jobStatuses = []string{"pending", "queued", "running", "incomplete", "failed", "succeeded", "cancelled"}

// parseTimeParam accepts RFC 3339 date-times and, like the spec's examples,
// epoch milliseconds.
func parseTimeParam(v string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

func (e *Emulator) listJobs(w http.ResponseWriter, r *http.Request, base string) {
	p, ok := parseListParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	connectionID, jobType, status := q.Get("connectionId"), q.Get("jobType"), q.Get("status")
	if jobType != "" && !slices.Contains(jobTypes, jobType) || status != "" && !slices.Contains(jobStatuses, status) {
		writeErrorID(w, http.StatusBadRequest)
		return
	}
	var bounds [4]*time.Time
	for i, name := range []string{"createdAtStart", "createdAtEnd", "updatedAtStart", "updatedAtEnd"} {
		if v := q.Get(name); v != "" {
			t, ok := parseTimeParam(v)
			if !ok {
				writeErrorID(w, http.StatusBadRequest)
				return
			}
			bounds[i] = &t
		}
	}
	orderField, desc := "createdat", false
	if v := q.Get("orderBy"); v != "" {
		m := orderByPattern.FindStringSubmatch(v)
		field := ""
		if m != nil {
			field = strings.ToLower(m[1])
		}
		if field != "createdat" && field != "updatedat" {
			writeProblem(w, badRequest("Invalid order by clause provided: "+v))
			return
		}
		orderField, desc = field, m[2] == "DESC"
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	now := e.now()
	var conns map[string]bool
	if connectionID != "" {
		if uuid.Validate(connectionID) != nil || e.connByID[connectionID] == nil {
			e.writeUnknown(w, "connection", connectionID)
			return
		}
		conns = map[string]bool{connectionID: true}
	} else if len(p.workspaceIDs) > 0 {
		if !e.checkWorkspaces(w, p.workspaceIDs) {
			return
		}
		conns = map[string]bool{}
		for _, c := range e.connections {
			if slices.Contains(p.workspaceIDs, e.workspaceOf(c)) {
				conns[c.id] = true
			}
		}
	}
	type row struct {
		j *job
		v jobView
	}
	var rows []row
	for _, j := range e.jobs {
		v := e.viewJob(j, now)
		switch {
		case conns != nil && !conns[j.connectionID],
			jobType != "" && j.jobType != jobType,
			status != "" && v.status != status,
			bounds[0] != nil && j.createdAt.Before(*bounds[0]),
			bounds[1] != nil && j.createdAt.After(*bounds[1]),
			bounds[2] != nil && v.updatedAt.Before(*bounds[2]),
			bounds[3] != nil && v.updatedAt.After(*bounds[3]):
			continue
		}
		rows = append(rows, row{j, v})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		ka, kb := a.j.createdAt, b.j.createdAt
		if orderField == "updatedat" {
			ka, kb = a.v.updatedAt, b.v.updatedAt
		}
		c := ka.Compare(kb)
		if c == 0 {
			c = cmp.Compare(a.j.id, b.j.id)
		}
		if desc {
			return -c
		}
		return c
	})
	data := []jobResponse{}
	for _, rw := range page(rows, p.limit, p.offset) {
		data = append(data, e.jobJSON(rw.j, now))
	}
	var query []string
	if jobType != "" {
		query = append(query, "jobType="+jobType)
	}
	if connectionID != "" {
		query = append(query, "connectionId="+connectionID)
	} else if len(p.workspaceIDs) > 0 {
		query = append(query, "workspaceIds="+strings.Join(p.workspaceIDs, ","))
	}
	prev, next := pageLinks(base+"/jobs", query, p.limit, p.offset, len(data))
	writeJSON(w, http.StatusOK, listResponse[jobResponse]{Previous: prev, Next: next, Data: data})
}
