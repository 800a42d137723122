package emulator

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/google/uuid"
)

// Config API connection endpoints: POST /api/v1/connections/get,
// /api/v1/connections/update and /api/v1/web_backend/connections/update
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/controllers/ConnectionApiController.kt,
// WebBackendApiController.kt; handlers in
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt
// and WebBackendConnectionsHandler.kt).

// connectionUpdate is ConnectionUpdate and WebBackendConnectionUpdate; nil
// is absent or null, which leaves the stored value unchanged.
type connectionUpdate struct {
	ConnectionID                 *string                `json:"connectionId"`
	Name                         *string                `json:"name"`
	NamespaceDefinition          *string                `json:"namespaceDefinition"`
	NamespaceFormat              *string                `json:"namespaceFormat"`
	Prefix                       *string                `json:"prefix"`
	OperationIDs                 *[]string              `json:"operationIds"`
	SyncCatalog                  *catalogRequest        `json:"syncCatalog"`
	Schedule                     *legacyScheduleRequest `json:"schedule"`
	ScheduleType                 *string                `json:"scheduleType"`
	ScheduleData                 *scheduleDataRequest   `json:"scheduleData"`
	Status                       *string                `json:"status"`
	ResourceRequirements         *map[string]any        `json:"resourceRequirements"`
	SourceCatalogID              *string                `json:"sourceCatalogId"`
	DestinationCatalogID         *string                `json:"destinationCatalogId"`
	DataplaneGroupID             *string                `json:"dataplaneGroupId"`
	NotifySchemaChanges          *bool                  `json:"notifySchemaChanges"`
	NotifySchemaChangesByEmail   *bool                  `json:"notifySchemaChangesByEmail"`
	NonBreakingChangesPreference *string                `json:"nonBreakingChangesPreference"`
	BackfillPreference           *string                `json:"backfillPreference"`
	BreakingChange               *bool                  `json:"breakingChange"`
	Tags                         *[]tagRef              `json:"tags"`
	OnDemandEnabled              *bool                  `json:"onDemandEnabled"`
	SkipReset                    *bool                  `json:"skipReset"`  // web backend only
	Operations                   *[]json.RawMessage     `json:"operations"` // web backend only
}

// legacyScheduleRequest is ConnectionSchedule, also the basicSchedule of
// ConnectionScheduleData.
type legacyScheduleRequest struct {
	Units    *int64  `json:"units"`
	TimeUnit *string `json:"timeUnit"`
}

type scheduleDataRequest struct {
	BasicSchedule *legacyScheduleRequest `json:"basicSchedule"`
	Cron          *struct {
		CronExpression *string `json:"cronExpression"`
		CronTimeZone   *string `json:"cronTimeZone"`
	} `json:"cron"`
}

// configReply is a Config API answer other than the success body.
type configReply struct {
	status int
	body   any
}

func (r *configReply) write(w http.ResponseWriter) { writeJSON(w, r.status, r.body) }

// errorIDReply is the {"errorId"} body of the framework's handlers and of
// UncaughtExceptionHandler (a 500 for any exception no handler maps).
func errorIDReply(status int) *configReply {
	return &configReply{status: status, body: map[string]string{"errorId": uuid.NewString()}}
}

// knownReply is a KnownException's body, KnownExceptionInfo without nulls
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/errors/handlers/KnownExceptionHandler.kt).
func knownReply(status int, message string) *configReply {
	return &configReply{status: status, body: map[string]string{"message": message, "errorId": uuid.NewString()}}
}

// invalidConfiguration is a JsonValidationException as ApiHelper.execute
// rethrows it: BadObjectSchemaKnownException, 422.
func invalidConfiguration(msg string) *configReply {
	return knownReply(http.StatusUnprocessableEntity, "The provided configuration does not fulfill the specification. Errors: "+msg)
}

func problemReply(p *configProblem) *configReply { return &configReply{status: p.Status, body: p} }

// cronZone is the connection's cron time zone; "" means UTC.
func (c *connection) cronZone() string {
	if c.cronTimeZone == "" {
		return "UTC"
	}
	return c.cronTimeZone
}

// configConnection finds the connection a Config API request names. An
// unknown id fails the role check first (403, Micronaut's body) unless the
// emulator plays an instance admin, who gets the handler's
// ConfigNotFoundException as 404 {"errorId"}.
func (e *Emulator) configConnection(w http.ResponseWriter, r *http.Request, id string) *connection {
	if c := e.connByID[id]; c != nil {
		return c
	}
	if e.opts.UnknownIDStatus == http.StatusNotFound {
		writeErrorID(w, http.StatusNotFound)
	} else {
		writeConfigForbidden(w, r)
	}
	return nil
}

// validUUID is Jackson's UUID binding; a bad value is a 422.
func validUUID(p *string) bool {
	if p == nil {
		return true
	}
	_, ok := parseUUID(*p)
	return ok
}

// getConfigConnection serves POST /api/v1/connections/get: ConnectionRead
// for any existing connection, deleted ones included.
func (e *Emulator) getConfigConnection(w http.ResponseWriter, r *http.Request, _ string) {
	e.serveConnectionRead(w, r, func(c *connection) any { return e.connectionRead(c) })
}

// serveConnectionRead answers a Config API read of one connection, named by
// connectionId in the body, with render's view of it.
func (e *Emulator) serveConnectionRead(w http.ResponseWriter, r *http.Request, render func(*connection) any) {
	var req connectionIDRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.ConnectionID == nil || !validUUID(req.ConnectionID) {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	if c := e.configConnection(w, r, *req.ConnectionID); c != nil {
		writeJSON(w, http.StatusOK, render(c))
	}
}

// updateConfigConnection serves POST /api/v1/connections/update.
func (e *Emulator) updateConfigConnection(w http.ResponseWriter, r *http.Request, _ string) {
	e.serveConnectionUpdate(w, r, false)
}

// webBackendUpdateConnection serves POST /api/v1/web_backend/connections/update:
// the same patch as connections/update, answered with the web backend's
// read. skipReset=false would start a reset of changed streams on the
// server; the emulator starts none.
func (e *Emulator) webBackendUpdateConnection(w http.ResponseWriter, r *http.Request, _ string) {
	e.serveConnectionUpdate(w, r, true)
}

func (e *Emulator) serveConnectionUpdate(w http.ResponseWriter, r *http.Request, webBackend bool) {
	var req connectionUpdate
	if !decodeJSON(w, r, &req) {
		return
	}
	if webBackend {
		// WebBackendConnectionUpdate has operations, not operationIds: an
		// operationIds property is ignored like any unknown one.
		req.OperationIDs = nil
	}
	if !req.valid() {
		writeErrorID(w, http.StatusUnprocessableEntity)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceJobs()
	c := e.configConnection(w, r, *req.ConnectionID)
	if c == nil {
		return
	}
	if webBackend && req.Operations != nil && len(*req.Operations) > 0 {
		// createOrUpdateOperations: the emulator has no operations to
		// create; the server would create them and attach their ids.
		errorIDReply(http.StatusInternalServerError).write(w)
		return
	}
	if reply := e.updateConnection(c, &req); reply != nil {
		reply.write(w)
		return
	}
	if webBackend {
		writeJSON(w, http.StatusOK, e.webBackendJSON(c))
		return
	}
	writeJSON(w, http.StatusOK, e.connectionRead(c))
}

// updateConnection applies a ConnectionUpdate in the order of
// ConnectionsHandler.updateConnection and returns the error reply, or nil
// once the connection is updated. Nothing is stored before every check has
// passed, except the state deletion of streams whose sync mode changes,
// which the server commits before it validates the schedule.
func (e *Emulator) updateConnection(c *connection, req *connectionUpdate) *configReply {
	if c.status == "locked" {
		return problemReply(connectionLockedWithReason(c.id, c.statusReason))
	}
	if req.OnDemandEnabled != nil && *req.OnDemandEnabled {
		return problemReply(licenseEntitlement("feature-on-demand-capacity-enabled"))
	}
	if req.SyncCatalog != nil {
		if reply := checkIncludeFiles(req.SyncCatalog); reply != nil {
			return reply
		}
	}
	if reply := req.checkPatch(); reply != nil {
		return reply
	}
	if req.SyncCatalog != nil {
		if reply := req.SyncCatalog.checkNames(); reply != nil {
			return reply
		}
		changed, reply := req.SyncCatalog.selectedModes()
		if reply != nil {
			return reply
		}
		e.deleteStateOfChangedStreams(c, changed)
	}
	next := *c
	if req.ScheduleType != nil {
		if reply := e.applyConfigSchedule(&next, req); reply != nil {
			return reply
		}
	}
	if req.SyncCatalog != nil {
		streams, reply := e.configuredCatalog(c, req.SyncCatalog)
		if reply != nil {
			return reply
		}
		next.streams = streams
	}
	req.applyFields(&next)
	*c = next
	if req.Tags != nil {
		e.setConnectionTags(c, *req.Tags)
	}
	return nil
}

// checkPatch is ConnectionsHandler.validateConnectionPatch: its require
// calls throw IllegalArgumentException, a 500. No operation exists in the
// emulator, so any operation id belongs to no workspace.
func (req *connectionUpdate) checkPatch() *configReply {
	switch {
	case req.OperationIDs != nil && len(*req.OperationIDs) > 0,
		req.Schedule != nil,
		req.ScheduleType == nil && req.ScheduleData != nil,
		req.ScheduleType != nil && *req.ScheduleType == "manual" && req.ScheduleData != nil,
		req.ScheduleType != nil && *req.ScheduleType != "manual" && req.ScheduleData == nil:
		return errorIDReply(http.StatusInternalServerError)
	}
	return nil
}

// applyConfigSchedule is ConnectionScheduleHelper.populateSyncFromScheduleTypeAndData
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionScheduleHelper.kt).
// The cron expression and time zone are stored verbatim.
func (e *Emulator) applyConfigSchedule(c *connection, req *connectionUpdate) *configReply {
	data := req.ScheduleData
	switch *req.ScheduleType {
	case "manual":
		c.scheduleType, c.cronExpression, c.cronTimeZone, c.basicUnits, c.basicTimeUnit = "manual", "", "", 0, ""
	case "basic":
		b := data.BasicSchedule
		if b == nil {
			return invalidConfiguration("if schedule type is basic, then scheduleData.basic must be populated")
		}
		if b.TimeUnit == nil || b.Units == nil {
			return errorIDReply(http.StatusInternalServerError)
		}
		// With SubOneHourSyncSchedules on (the Community default) the
		// minimum is one minute.
		if *b.TimeUnit == "minutes" && *b.Units < 1 {
			return problemReply(&configProblem{Status: 400, Type: "error:basic-schedule-validation/under-one-hour-not-allowed",
				Title:  "Basic sync schedules more frequent than once per hour are not allowed",
				Detail: "Syncs more frequent than once per hour require an entitlement",
				Data: map[string]any{"timeUnit": "minutes", "units": int32(*b.Units),
					"validationErrorMessage": "Basic schedules must be at least 1 minutes apart"}})
		}
		c.scheduleType, c.cronExpression, c.cronTimeZone, c.basicUnits, c.basicTimeUnit = "basic", "", "", *b.Units, *b.TimeUnit
	case "cron":
		cron := data.Cron
		if cron == nil {
			return problemReply(cronMissingData())
		}
		if cron.CronExpression == nil || cron.CronTimeZone == nil {
			return problemReply(cronMissingComponent(c.id, cron.CronExpression, cron.CronTimeZone))
		}
		p, crash := checkCronSchedule(c.id, *cron.CronExpression, *cron.CronTimeZone, e.now())
		if crash {
			return errorIDReply(http.StatusInternalServerError)
		}
		if p != nil {
			return problemReply(p)
		}
		c.scheduleType, c.cronExpression, c.cronTimeZone, c.basicUnits, c.basicTimeUnit = "cron", *cron.CronExpression, *cron.CronTimeZone, 0, ""
	}
	return nil
}

// applyFields copies the simple fields the emulator stores, in the order of
// applyPatchToStandardSync. operationIds can only be [] here; the other
// fields a ConnectionUpdate may carry are accepted and not kept.
func (req *connectionUpdate) applyFields(c *connection) {
	if req.Name != nil {
		c.name = *req.Name
	}
	if req.NamespaceDefinition != nil {
		c.namespaceDefinition = *req.NamespaceDefinition
		if c.namespaceDefinition == "customformat" {
			c.namespaceDefinition = "custom_format"
		}
	}
	if req.NamespaceFormat != nil {
		f := *req.NamespaceFormat
		c.namespaceFormat = &f
	}
	if req.Prefix != nil {
		c.prefix = *req.Prefix
	}
	if req.Status != nil {
		c.status = *req.Status
	}
	if req.NonBreakingChangesPreference != nil {
		c.nonBreaking = *req.NonBreakingChangesPreference
		if c.nonBreaking == "disable" {
			c.nonBreaking = "disable_connection"
		}
	}
}

var (
	configNamespaceDefs = []string{"source", "destination", "customformat"}
	configNonBreaking   = []string{"ignore", "disable", "propagate_columns", "propagate_fully"}
	configScheduleTypes = []string{"manual", "basic", "cron"}
	configTimeUnits     = []string{"minutes", "hours", "days", "weeks", "months"}
	configBackfill      = []string{"enabled", "disabled"}
	configSyncModes     = []string{syncFullRefresh, syncIncremental}
	configDestSyncModes = []string{destAppend, destOverwrite, destAppendDedup, destOverwriteDedup, destUpdate, destSoftDelete}
)

// valid is the request binding: connectionId is required here (the
// emulator's choice for a missing required property, as on state/get),
// enums are case-sensitive and UUIDs must parse; a failure is a 422.
func (req *connectionUpdate) valid() bool {
	in := func(p *string, allowed []string) bool { return p == nil || slices.Contains(allowed, *p) }
	if req.ConnectionID == nil || !validUUID(req.ConnectionID) || !validUUID(req.SourceCatalogID) ||
		!validUUID(req.DestinationCatalogID) || !validUUID(req.DataplaneGroupID) {
		return false
	}
	if !in(req.NamespaceDefinition, configNamespaceDefs) || !in(req.NonBreakingChangesPreference, configNonBreaking) ||
		!in(req.ScheduleType, configScheduleTypes) || !in(req.Status, connectionStatuses) || !in(req.BackfillPreference, configBackfill) {
		return false
	}
	if req.Schedule != nil && !in(req.Schedule.TimeUnit, configTimeUnits) {
		return false
	}
	if req.ScheduleData != nil && req.ScheduleData.BasicSchedule != nil && !in(req.ScheduleData.BasicSchedule.TimeUnit, configTimeUnits) {
		return false
	}
	if req.OperationIDs != nil {
		for _, id := range *req.OperationIDs {
			if !validUUID(&id) {
				return false
			}
		}
	}
	return req.SyncCatalog == nil || req.SyncCatalog.valid()
}
