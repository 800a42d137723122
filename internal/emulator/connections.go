package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// tag is a connection tag as the API sends and returns it.
type tag struct {
	TagID       string `json:"tagId"`
	WorkspaceID string `json:"workspaceId"`
	Name        string `json:"name"`
	Color       string `json:"color"`
}

// connection is the stored form of a connection. streams holds only the
// selected streams, like the server's configured catalog.
type connection struct {
	id, name                string
	sourceID, destinationID string
	status, statusReason    string
	scheduleType            string // manual, cron or basic
	cronExpression          string // without time zone
	basicUnits              int64
	basicTimeUnit           string // minutes, hours, days, weeks, months
	nonBreaking             string
	namespaceDefinition     string
	namespaceFormat         *string
	prefix                  string
	streams                 []configuredStream
	createdAt               int64
	tags                    []tag
	failNextSync            bool
}

func (e *Emulator) addConnection(c *connection) {
	e.connections = append(e.connections, c)
	e.connByID[c.id] = c
}

func (e *Emulator) sourceByID(id string) *source {
	for _, s := range e.sources {
		if s.id == id {
			return s
		}
	}
	return nil
}

func (e *Emulator) destinationByID(id string) *destination {
	for _, d := range e.destinations {
		if d.id == id {
			return d
		}
	}
	return nil
}

func (e *Emulator) workspaceByID(id string) *workspace {
	for _, w := range e.workspaces {
		if w.id == id {
			return w
		}
	}
	return nil
}

// workspaceOf is the workspace of a connection, taken from its source as
// the server does.
func (e *Emulator) workspaceOf(c *connection) string {
	if s := e.sourceByID(c.sourceID); s != nil {
		return s.workspaceID
	}
	return ""
}

// writeUnknown answers for an id that does not exist: 403 forbidden by
// default (the role check fails before the lookup), 404 when the emulator
// plays an instance admin.
func (e *Emulator) writeUnknown(w http.ResponseWriter, resourceType, id string) {
	if e.opts.UnknownIDStatus == http.StatusNotFound {
		writeProblem(w, resourceNotFound(resourceType, id))
		return
	}
	writeProblem(w, forbidden())
}

// decodeJSON reads a JSON body into v: an empty body is 400 and malformed
// JSON or wrong types are 422, both with an {"errorId"} body.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil || len(strings.TrimSpace(string(body))) == 0 {
		writeErrorID(w, http.StatusBadRequest)
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return false
	}
	return true
}

type scheduleRequest struct {
	ScheduleType   *string `json:"scheduleType"`
	CronExpression *string `json:"cronExpression"`
}

type configurationsRequest struct {
	Streams []streamRequest `json:"streams"`
}

// connectionRequest is ConnectionCreateRequest and ConnectionPatchRequest:
// nil pointers are fields that were absent (or null).
type connectionRequest struct {
	Name                *string                `json:"name"`
	SourceID            *string                `json:"sourceId"`
	DestinationID       *string                `json:"destinationId"`
	Configurations      *configurationsRequest `json:"configurations"`
	Schedule            *scheduleRequest       `json:"schedule"`
	DataResidency       *string                `json:"dataResidency"` // deprecated, ignored
	NamespaceDefinition *string                `json:"namespaceDefinition"`
	NamespaceFormat     *string                `json:"namespaceFormat"`
	Prefix              *string                `json:"prefix"`
	NonBreaking         *string                `json:"nonBreakingSchemaUpdatesBehavior"`
	Status              *string                `json:"status"`
	Tags                *[]tag                 `json:"tags"`
}

var (
	connectionStatuses   = []string{"active", "inactive", "deprecated", "locked"}
	namespaceDefs        = []string{"source", "destination", "custom_format"}
	nonBreakingBehaviors = []string{"ignore", "disable_connection", "propagate_columns", "propagate_fully"}
	scheduleTypes        = []string{"manual", "cron"}
)

// validEnums reports whether every enum in the request has a known value;
// the server's JSON binding rejects others with 422.
func (req connectionRequest) validEnums() bool {
	in := func(p *string, allowed []string) bool { return p == nil || slices.Contains(allowed, *p) }
	if !in(req.Status, connectionStatuses) || !in(req.NamespaceDefinition, namespaceDefs) || !in(req.NonBreaking, nonBreakingBehaviors) {
		return false
	}
	if req.Schedule != nil && (req.Schedule.ScheduleType == nil || !slices.Contains(scheduleTypes, *req.Schedule.ScheduleType)) {
		return false
	}
	if req.Configurations != nil {
		for _, s := range req.Configurations.Streams {
			if s.SyncMode != nil && !validConnectionSyncMode(*s.SyncMode) {
				return false
			}
		}
	}
	return true
}

// checkSchedule validates a requested schedule and returns the cron
// expression to store, or a bad-request message.
func checkSchedule(s *scheduleRequest) (cron, msg string) {
	if s == nil || *s.ScheduleType != "cron" {
		return "", ""
	}
	if s.CronExpression == nil {
		return "", "Missing cron expression in the schedule."
	}
	if msg := validateCron(*s.CronExpression); msg != "" {
		return "", msg
	}
	return normalizeCron(*s.CronExpression), ""
}

func applySchedule(c *connection, s *scheduleRequest, cron string) {
	if s == nil {
		return
	}
	c.basicUnits, c.basicTimeUnit = 0, ""
	if *s.ScheduleType == "cron" {
		c.scheduleType, c.cronExpression = "cron", cron
		return
	}
	c.scheduleType, c.cronExpression = "manual", ""
}

func (e *Emulator) createConnection(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.SourceID == nil || req.DestinationID == nil || uuid.Validate(*req.SourceID) != nil ||
		uuid.Validate(*req.DestinationID) != nil || !req.validEnums() {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	cron, msg := checkSchedule(req.Schedule)
	if msg != "" {
		writeProblem(w, badRequest(msg))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	dst := e.destinationByID(*req.DestinationID)
	if dst == nil || dst.deleted {
		e.writeMissingActor(w, "destination", *req.DestinationID, dst != nil)
		return
	}
	src := e.sourceByID(*req.SourceID)
	if src == nil || src.deleted {
		e.writeMissingActor(w, "source", *req.SourceID, src != nil)
		return
	}
	c := &connection{
		id: e.ids.next(), sourceID: src.id, destinationID: dst.id, status: "active", scheduleType: "manual",
		nonBreaking: "ignore", namespaceDefinition: "destination", createdAt: e.now().Unix(), tags: []tag{},
	}
	if req.Configurations != nil && len(req.Configurations.Streams) > 0 {
		streams, msg := configureStreams(src.catalog, dst.syncModes, req.Configurations.Streams)
		if msg != "" {
			writeProblem(w, badRequest(msg))
			return
		}
		c.streams = streams
	} else {
		for _, st := range src.catalog {
			c.streams = append(c.streams, defaultConfiguredStream(st))
		}
	}
	c.name = src.name + " → " + dst.name
	if req.Name != nil {
		c.name = *req.Name
	}
	applySchedule(c, req.Schedule, cron)
	e.applyPatch(c, req)
	e.addConnection(c)
	writeJSON(w, http.StatusOK, e.connectionJSON(c))
}

// applyPatch copies the simple fields present in the request.
func (e *Emulator) applyPatch(c *connection, req connectionRequest) {
	if req.Name != nil {
		c.name = *req.Name
	}
	if req.Status != nil {
		c.status = *req.Status
	}
	if req.NamespaceDefinition != nil {
		c.namespaceDefinition = *req.NamespaceDefinition
	}
	if req.NamespaceFormat != nil {
		f := *req.NamespaceFormat
		c.namespaceFormat = &f
	}
	if req.Prefix != nil {
		c.prefix = *req.Prefix
	}
	if req.NonBreaking != nil {
		c.nonBreaking = *req.NonBreaking
	}
	if req.Tags != nil {
		c.tags = slices.Clone(*req.Tags)
		if c.tags == nil {
			c.tags = []tag{}
		}
	}
}

// writeMissingActor answers for a source or destination that is unknown
// (403/404 per Options) or deleted (always 404: it still resolves to its
// workspace, so the role check passes and the lookup fails).
func (e *Emulator) writeMissingActor(w http.ResponseWriter, resourceType, id string, deleted bool) {
	if deleted {
		writeProblem(w, resourceNotFound(resourceType, id))
		return
	}
	e.writeUnknown(w, resourceType, id)
}

func (e *Emulator) getConnection(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	id := r.PathValue("connectionId")
	c := e.connByID[id]
	if c == nil {
		e.writeUnknown(w, "connection", id)
		return
	}
	writeJSON(w, http.StatusOK, e.connectionJSON(c))
}

func (e *Emulator) patchConnection(w http.ResponseWriter, r *http.Request, _ string) {
	var req connectionRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if !req.validEnums() {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	cron, msg := checkSchedule(req.Schedule)
	if msg != "" {
		writeProblem(w, badRequest(msg))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	id := r.PathValue("connectionId")
	c := e.connByID[id]
	if c == nil {
		e.writeUnknown(w, "connection", id)
		return
	}
	if c.status == "locked" {
		writeProblem(w, connectionLocked(c.id, c.statusReason))
		return
	}
	if req.Configurations != nil && len(req.Configurations.Streams) > 0 {
		src, dst := e.sourceByID(c.sourceID), e.destinationByID(c.destinationID)
		streams, msg := configureStreams(src.catalog, dst.syncModes, req.Configurations.Streams)
		if msg != "" {
			writeProblem(w, badRequest(msg))
			return
		}
		c.streams = streams
	}
	applySchedule(c, req.Schedule, cron)
	e.applyPatch(c, req)
	writeJSON(w, http.StatusOK, e.connectionJSON(c))
}

// deleteConnection soft-deletes: the connection stays readable with status
// deprecated, and its unfinished jobs are cancelled.
func (e *Emulator) deleteConnection(w http.ResponseWriter, r *http.Request, _ string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	id := r.PathValue("connectionId")
	c := e.connByID[id]
	if c == nil {
		e.writeUnknown(w, "connection", id)
		return
	}
	e.softDelete(c)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) softDelete(c *connection) {
	c.status = "deprecated"
	now := e.now()
	for _, j := range e.jobs {
		if j.connectionID == c.id && !j.terminal() {
			e.cancel(j, now)
		}
	}
}

// listParams are the query parameters shared by list endpoints.
type listParams struct {
	limit, offset  int
	workspaceIDs   []string
	includeDeleted bool
}

// parseListParams reads limit, offset, workspaceIds (repeated keys or one
// comma-joined value) and includeDeleted; invalid values are answered 400
// {"errorId"} like the server's bean validation.
func parseListParams(w http.ResponseWriter, r *http.Request) (listParams, bool) {
	q := r.URL.Query()
	p := listParams{limit: 20}
	bad := func() (listParams, bool) { writeErrorID(w, http.StatusBadRequest); return p, false }
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return bad()
		}
		p.limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return bad()
		}
		p.offset = n
	}
	if v := q.Get("includeDeleted"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return bad()
		}
		p.includeDeleted = b
	}
	p.workspaceIDs = splitList(q["workspaceIds"])
	return p, true
}

func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// checkWorkspaces answers for workspace filters naming unknown workspaces:
// 403 in the default mode; in 404 (admin) mode they just match nothing.
func (e *Emulator) checkWorkspaces(w http.ResponseWriter, ids []string) bool {
	if e.opts.UnknownIDStatus == http.StatusNotFound {
		return true
	}
	for _, id := range ids {
		if e.workspaceByID(id) == nil {
			writeProblem(w, forbidden())
			return false
		}
	}
	return true
}

// pageLinks builds next and previous the way the server's PaginationMapper
// does: next whenever the page is non-empty (even a short last page),
// previous whenever offset is not 0.
func pageLinks(base string, query []string, limit, offset, n int) (prev, next string) {
	link := func(off int) string {
		q := append(slices.Clone(query), "limit="+strconv.Itoa(limit), "offset="+strconv.Itoa(off))
		return base + "?" + strings.Join(q, "&")
	}
	if n > 0 {
		next = link(offset + limit)
	}
	if offset != 0 {
		prev = link(max(offset-limit, 0))
	}
	return prev, next
}

// page returns the slice of items for limit and offset.
func page[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(offset+limit, len(items))]
}

type listResponse[T any] struct {
	Previous string `json:"previous"`
	Next     string `json:"next"`
	Data     []T    `json:"data"`
}

func (e *Emulator) listConnections(w http.ResponseWriter, r *http.Request, base string) {
	p, ok := parseListParams(w, r)
	if !ok {
		return
	}
	tagIDs := splitList(r.URL.Query()["tagIds"])
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if !e.checkWorkspaces(w, p.workspaceIDs) {
		return
	}
	var all []connectionResponse
	for _, c := range e.connections {
		if c.status == "deprecated" && !p.includeDeleted {
			continue
		}
		if len(p.workspaceIDs) > 0 && !slices.Contains(p.workspaceIDs, e.workspaceOf(c)) {
			continue
		}
		if len(tagIDs) > 0 && !slices.ContainsFunc(c.tags, func(t tag) bool { return slices.Contains(tagIDs, t.TagID) }) {
			continue
		}
		all = append(all, e.connectionJSON(c))
	}
	data := page(all, p.limit, p.offset)
	query := []string{"includeDeleted=" + strconv.FormatBool(p.includeDeleted)}
	if len(p.workspaceIDs) > 0 {
		query = append(query, "workspaceIds="+strings.Join(p.workspaceIDs, ","))
	}
	prev, next := pageLinks(base+"/connections", query, p.limit, p.offset, len(data))
	writeJSON(w, http.StatusOK, listResponse[connectionResponse]{Previous: prev, Next: next, Data: data})
}

// connectionResponse is ConnectionResponse. Absent optional values are
// omitted rather than sent as null (see doc.go).
type connectionResponse struct {
	ConnectionID        string                 `json:"connectionId"`
	Name                string                 `json:"name"`
	SourceID            string                 `json:"sourceId"`
	DestinationID       string                 `json:"destinationId"`
	WorkspaceID         string                 `json:"workspaceId"`
	Status              string                 `json:"status"`
	Schedule            scheduleResponse       `json:"schedule"`
	NonBreaking         string                 `json:"nonBreakingSchemaUpdatesBehavior"`
	NamespaceDefinition string                 `json:"namespaceDefinition"`
	NamespaceFormat     *string                `json:"namespaceFormat,omitempty"`
	Prefix              string                 `json:"prefix"`
	Configurations      configurationsResponse `json:"configurations"`
	CreatedAt           int64                  `json:"createdAt"`
	Tags                []tag                  `json:"tags"`
	StatusReason        string                 `json:"statusReason,omitempty"`
}

type scheduleResponse struct {
	ScheduleType   string `json:"scheduleType"`
	CronExpression string `json:"cronExpression,omitempty"`
	BasicTiming    string `json:"basicTiming,omitempty"`
}

type configurationsResponse struct {
	Streams []streamResponse `json:"streams"`
}

type streamResponse struct {
	Name                  string          `json:"name"`
	Namespace             string          `json:"namespace,omitempty"`
	SyncMode              string          `json:"syncMode"`
	CursorField           []string        `json:"cursorField,omitempty"`
	PrimaryKey            [][]string      `json:"primaryKey,omitempty"`
	SelectedFields        []selectedField `json:"selectedFields,omitempty"`
	Mappers               []rawJSON       `json:"mappers"`
	IncludeFiles          *bool           `json:"includeFiles,omitempty"`
	DestinationObjectName *string         `json:"destinationObjectName,omitempty"`
}

func (c *connection) schedule() scheduleResponse {
	switch c.scheduleType {
	case "cron":
		return scheduleResponse{ScheduleType: "cron", CronExpression: c.cronExpression + " UTC"}
	case "basic":
		return scheduleResponse{ScheduleType: "basic", BasicTiming: fmt.Sprintf("Every %d %s", c.basicUnits, strings.ToUpper(c.basicTimeUnit))}
	}
	return scheduleResponse{ScheduleType: "manual"}
}

func (e *Emulator) connectionJSON(c *connection) connectionResponse {
	streams := make([]streamResponse, 0, len(c.streams))
	for _, s := range c.streams {
		sr := streamResponse{
			Name: s.name, Namespace: s.namespace, SyncMode: s.publicSyncMode(),
			CursorField: s.cursorField, PrimaryKey: s.primaryKey, Mappers: s.mappers,
			IncludeFiles: s.includeFiles, DestinationObjectName: s.destinationObjectName,
		}
		if sr.Mappers == nil {
			sr.Mappers = []rawJSON{}
		}
		if s.fieldSelectionEnabled {
			for _, f := range s.selectedFields {
				sr.SelectedFields = append(sr.SelectedFields, selectedField{FieldPath: f})
			}
		}
		streams = append(streams, sr)
	}
	tags := c.tags
	if tags == nil {
		tags = []tag{}
	}
	return connectionResponse{
		ConnectionID: c.id, Name: c.name, SourceID: c.sourceID, DestinationID: c.destinationID,
		WorkspaceID: e.workspaceOf(c), Status: c.status, Schedule: c.schedule(), NonBreaking: c.nonBreaking,
		NamespaceDefinition: c.namespaceDefinition, NamespaceFormat: c.namespaceFormat, Prefix: c.prefix,
		Configurations: configurationsResponse{Streams: streams}, CreatedAt: c.createdAt, Tags: tags,
		StatusReason: c.statusReason,
	}
}
