package emulator

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// orderByPattern is matched anywhere in orderBy, like Matcher.find
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/helpers/JobsHelper.kt):
// "createdAt|ASCENDING" and "x,updatedAt|DESC" are accepted.
var orderByPattern = regexp.MustCompile(`([a-zA-Z0-9]+)\|(ASC|DESC)`)
var jobStatuses = []string{"pending", "queued", "running", "incomplete", "failed", "succeeded", "cancelled"}

// parseOrderBy returns the sort field ("createdat" or "updatedat") and
// direction; the field is compared case-insensitively, as Enums.toEnum does.
func parseOrderBy(v string) (field string, desc, ok bool) {
	if v == "" {
		return "createdat", false, true
	}
	m := orderByPattern.FindStringSubmatch(v)
	if m == nil {
		return "", false, false
	}
	field = strings.ToLower(m[1])
	if field != "createdat" && field != "updatedat" {
		return "", false, false
	}
	return field, m[2] == "DESC", true
}

// parseTimeParam accepts RFC 3339 date-times and, like the spec's examples,
// epoch milliseconds.
func parseTimeParam(v string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// listJobs serves GET /jobs
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/JobsController.kt,
// listJobs; airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/JobsResponseMapper.kt).
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
	orderField, desc, ok := parseOrderBy(q.Get("orderBy"))
	if !ok {
		writeProblem(w, badRequest("Invalid order by clause provided: "+q.Get("orderBy")))
		return
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	now := e.now()
	var conns map[string]bool
	if connectionID != "" {
		// An instance admin's request is not checked against the
		// connections: an unknown id lists nothing.
		admin := e.opts.UnknownIDStatus == http.StatusNotFound && uuid.Validate(connectionID) == nil
		if !admin && (uuid.Validate(connectionID) != nil || e.connByID[connectionID] == nil) {
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
	var rows []*job
	for _, j := range e.jobs {
		switch {
		case conns != nil && !conns[j.connectionID],
			jobType != "" && j.jobType != jobType,
			status != "" && j.status != status,
			bounds[0] != nil && j.createdAt.Before(*bounds[0]),
			bounds[1] != nil && j.createdAt.After(*bounds[1]),
			bounds[2] != nil && j.updatedAt.Before(*bounds[2]),
			bounds[3] != nil && j.updatedAt.After(*bounds[3]):
			continue
		}
		rows = append(rows, j)
	}
	slices.SortStableFunc(rows, func(a, b *job) int {
		ka, kb := a.createdAt, b.createdAt
		if orderField == "updatedat" {
			ka, kb = a.updatedAt, b.updatedAt
		}
		c := ka.Compare(kb)
		if c == 0 {
			c = cmp.Compare(a.id, b.id)
		}
		if desc {
			return -c
		}
		return c
	})
	data := []jobResponse{}
	for _, j := range page(rows, p.limit, p.offset) {
		data = append(data, e.jobJSON(j, now, true))
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
