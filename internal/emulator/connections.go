package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
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
	cronTimeZone            string // set through the Config API; "" means UTC
	basicUnits              int64
	basicTimeUnit           string // minutes, hours, days, weeks, months
	nonBreaking             string
	namespaceDefinition     string
	namespaceFormat         *string
	prefix                  string
	streams                 []configuredStream
	createdAt               int64
	tagIDs                  []string // attached tags, first-attached order
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

// configNotFoundTypes are the resource types a ConfigNotFoundException
// names in a resource-not-found problem (airbytehq/airbyte-platform@310e6cb:
// airbyte-data/src/main/kotlin/io/airbyte/data/ConfigNotFoundType.kt).
var configNotFoundTypes = map[string]string{
	"connection":  "STANDARD_SYNC",
	"source":      "SOURCE_CONNECTION",
	"destination": "DESTINATION_CONNECTION",
	"workspace":   "STANDARD_WORKSPACE",
}

// writeUnknown answers for an id that does not exist: 403 forbidden with the
// WORKSPACE_READER message by default (the role check fails before the
// lookup), 404 when the emulator plays an instance admin.
func (e *Emulator) writeUnknown(w http.ResponseWriter, resourceType, id string) {
	e.writeUnknownFor(w, resourceType, id, readerDenied)
}

// writeUnknownFor is writeUnknown for endpoints whose role check is
// requireOneOfRoles, with its own 403 message.
func (e *Emulator) writeUnknownFor(w http.ResponseWriter, resourceType, id, denied string) {
	if e.opts.UnknownIDStatus == http.StatusNotFound {
		if t, ok := configNotFoundTypes[resourceType]; ok {
			resourceType = t
		}
		writeProblem(w, resourceNotFound(resourceType, id))
		return
	}
	writeProblem(w, forbiddenWith(denied))
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
	Tags                *[]tagRef              `json:"tags"`
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
		c.scheduleType, c.cronExpression, c.cronTimeZone = "cron", cron, "" // the public API always sets UTC
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
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	dst, src := e.destinationByID(*req.DestinationID), e.sourceByID(*req.SourceID)
	// The role check runs first, on the workspace of the pair; a pair from
	// two workspaces has none (WorkspaceHelper.getWorkspaceForConnection).
	crossWorkspace := dst != nil && src != nil && dst.workspaceID != src.workspaceID
	if e.opts.UnknownIDStatus != http.StatusNotFound && (dst == nil || src == nil || crossWorkspace) {
		writeProblem(w, forbidden())
		return
	}
	cron, msg := checkSchedule(req.Schedule)
	if msg != "" {
		writeProblem(w, badRequest(msg))
		return
	}
	if dst == nil || dst.deleted {
		e.writeMissingActor(w, "destination", *req.DestinationID, dst != nil)
		return
	}
	if src == nil || src.deleted {
		e.writeMissingActor(w, "source", *req.SourceID, src != nil)
		return
	}
	if crossWorkspace {
		// ConnectionHelper.validateWorkspace's require fails inside the handler.
		writeProblem(w, unexpectedProblem(""))
		return
	}
	c := &connection{
		id: e.ids.next(), sourceID: src.id, destinationID: dst.id, status: "active", scheduleType: "manual",
		nonBreaking: "ignore", namespaceDefinition: "destination", createdAt: e.now().Unix(),
	}
	if req.Configurations != nil && len(req.Configurations.Streams) > 0 {
		streams, p := e.configureRequestedStreams(src, dst, req.Configurations.Streams)
		if p == nil {
			p = e.prepareMappers(src.catalog, streams, nil)
		}
		if p != nil {
			if p.Status == http.StatusInternalServerError {
				p.Data = nil // handleCreateConnectionError drops the message
			}
			writeProblem(w, *p)
			return
		}
		c.streams = streams
	} else {
		c.streams = defaultSelectedStreams(src.catalog)
	}
	c.name = src.name + " <> " + dst.name
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
		e.setConnectionTags(c, *req.Tags)
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
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	id := r.PathValue("connectionId")
	c := e.connByID[id]
	if c == nil && e.opts.UnknownIDStatus != http.StatusNotFound {
		e.writeUnknownFor(w, "connection", id, editorsDenied)
		return
	}
	cron, msg := checkSchedule(req.Schedule)
	if msg != "" {
		writeProblem(w, badRequest(msg))
		return
	}
	if c == nil {
		e.writeUnknown(w, "connection", id)
		return
	}
	if c.status == "locked" {
		writeProblem(w, connectionLocked(c.id))
		return
	}
	if req.Configurations != nil && len(req.Configurations.Streams) > 0 {
		streams, p := e.configureRequestedStreams(e.sourceByID(c.sourceID), e.destinationByID(c.destinationID), req.Configurations.Streams)
		if p == nil {
			p = e.prepareMappers(e.sourceByID(c.sourceID).catalog, streams, c.streams)
		}
		if p != nil {
			writeProblem(w, *p)
			return
		}
		e.deleteStateOfChangedStreams(c, streams)
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
		e.writeUnknownFor(w, "connection", id, editorsDenied)
		return
	}
	e.softDelete(c)
	w.WriteHeader(http.StatusNoContent)
}

// softDelete marks the connection deprecated; the deleteConnection signal
// cancels its running job (a pending one is cancelled too, see cancel).
func (e *Emulator) softDelete(c *connection) {
	c.status = "deprecated"
	if j := e.activeJob(c.id); j != nil {
		e.cancel(j, e.now())
	}
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
	CursorField           []string        `json:"cursorField"`
	PrimaryKey            [][]string      `json:"primaryKey"`
	SelectedFields        []selectedField `json:"selectedFields"`
	Mappers               []rawJSON       `json:"mappers"`
	IncludeFiles          bool            `json:"includeFiles"`
	DestinationObjectName *string         `json:"destinationObjectName,omitempty"`
}

func (c *connection) schedule() scheduleResponse {
	switch c.scheduleType {
	case "cron":
		return scheduleResponse{ScheduleType: "cron", CronExpression: c.cronExpression + " " + c.cronZone()}
	case "basic":
		return scheduleResponse{ScheduleType: "basic", BasicTiming: fmt.Sprintf("Every %d %s", c.basicUnits, strings.ToUpper(c.basicTimeUnit))}
	}
	return scheduleResponse{ScheduleType: "manual"}
}

func (e *Emulator) connectionJSON(c *connection) connectionResponse {
	streams := make([]streamResponse, 0, len(c.streams))
	for _, s := range c.streams {
		// Empty lists are sent as [] and includeFiles as false: the server's
		// mapper omits only nulls (application.yml: NON_ABSENT), and its
		// ConfiguredAirbyteStream never holds null for these.
		sr := streamResponse{
			Name: s.name, Namespace: s.namespace, SyncMode: s.publicSyncMode(),
			CursorField: nonNil(s.cursorField), PrimaryKey: nonNilKey(s.primaryKey), Mappers: mappersJSON(s.mappers),
			IncludeFiles: s.includeFiles != nil && *s.includeFiles, DestinationObjectName: s.destinationObjectName,
			SelectedFields: []selectedField{},
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
	return connectionResponse{
		ConnectionID: c.id, Name: c.name, SourceID: c.sourceID, DestinationID: c.destinationID,
		WorkspaceID: e.workspaceOf(c), Status: c.status, Schedule: c.schedule(), NonBreaking: c.nonBreaking,
		NamespaceDefinition: c.namespaceDefinition, NamespaceFormat: c.namespaceFormat, Prefix: c.prefix,
		Configurations: configurationsResponse{Streams: streams}, CreatedAt: c.createdAt, Tags: e.connectionTags(c),
	}
}
