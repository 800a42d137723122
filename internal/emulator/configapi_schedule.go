package emulator

import (
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // time zone names must not depend on the host

	"github.com/reugn/go-quartz/quartz"
)

// configProblem is a problem as the Config API writes it
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/errors/problems/AbstractThrowableProblemHandler.kt):
// the generated problem models carry no NON_NULL annotation, so absent
// fields, data itself included, are written as null.
type configProblem struct {
	Status           int     `json:"status"`
	Type             string  `json:"type"`
	Title            string  `json:"title"`
	Detail           string  `json:"detail"`
	DocumentationURL *string `json:"documentationUrl"`
	Data             any     `json:"data"`
}

// Problems of the schedule and update checks, with the constants of
// airbytehq/airbyte-platform@310e6cb: airbyte-api/problems-api/src/main/openapi/api-problems.yaml.
func cronMissingData() *configProblem {
	return &configProblem{Status: 400, Type: "error:cron-validation/missing-cron-data", Title: "Cron data is missing",
		Detail: "If schedule type is cron, scheduleData.cron must be provided."}
}

func cronMissingComponent(connectionID string, expr, tz *string) *configProblem {
	return &configProblem{Status: 400, Type: "error:cron-validation/missing-component", Title: "Cron is missing a component",
		Detail: "The cron must specify a cron expression and a timezone.",
		Data:   map[string]any{"connectionId": connectionID, "cronExpression": expr, "cronTimezone": tz}}
}

func cronInvalidExpression(expr string) *configProblem {
	return &configProblem{Status: 400, Type: "error:cron-validation/invalid-expression", Title: "Invalid cron expression",
		Detail: "The cron expression is invalid", Data: map[string]any{"cronExpression": expr, "validationErrorMessage": nil}}
}

func cronInvalidTimeZone(connectionID, tz string) *configProblem {
	return &configProblem{Status: 400, Type: "error:cron-validation/invalid-timezone", Title: "Invalid cron timezone",
		Detail: "The specified cron timezone is invalid", Data: map[string]any{"connectionId": connectionID, "cronTimezone": tz}}
}

// connectionLockedWithReason is ConnectionLockedProblem as the handler
// throws it, with the stored status reason (null when there is none).
func connectionLockedWithReason(connectionID, reason string) *configProblem {
	var r any
	if reason != "" {
		r = reason
	}
	return &configProblem{Status: 409, Type: "error:connection/locked", Title: "Connection is locked",
		Detail: "The connection is locked and cannot be modified.", Data: map[string]any{"connectionId": connectionID, "statusReason": r}}
}

// licenseEntitlement is LicenseEntitlementProblem: Community grants no
// entitlement (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-entitlements/src/main/kotlin/io/airbyte/commons/entitlements/StaticEntitlementClient.kt).
func licenseEntitlement(featureID string) *configProblem {
	return &configProblem{Status: 403, Type: "error:license/entitlement", Title: "License Entitlement Error",
		Detail: "The license for this organization is not entitled to use the requested feature.",
		Data:   map[string]any{"entitlement": featureID, "resourceId": nil}}
}

// fileTransfersUnsupported is ConnectionDoesNotSupportFileTransfersProblem:
// no seeded connector supports file transfers.
func fileTransfersUnsupported(streams []map[string]any) *configProblem {
	return &configProblem{Status: 400, Type: "error:connection-validation/file-transfer/connection-unsupported",
		Title:  "Connection does not support file transfers",
		Detail: "The source or destination used in this connection does not support file transfers, so they cannot be enabled.",
		Data:   map[string]any{"streams": streams}}
}

// checkCronSchedule validates a cron schedule set through the Config API the
// way ConnectionScheduleHelper.populateSyncFromScheduleTypeAndData does in
// Community, where the SubOneHourSyncSchedules flag defaults to true
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionScheduleHelper.kt):
// the expression must parse as a cron-utils QUARTZ expression and its next
// three executions from now must be at least a minute apart
// (airbytehq/airbyte-platform@310e6cb: airbyte-config/config-models/src/main/kotlin/io/airbyte/config/helpers/CronExpressionHelper.kt);
// then the time zone must be one Joda-Time knows and not an Etc/ one.
// crash reports an exception no handler maps (a 500).
func checkCronSchedule(connectionID, expr, tz string, now time.Time) (p *configProblem, crash bool) {
	if _, err := parseQuartzCron(expr); err != nil {
		if err.crash {
			return nil, true
		}
		return cronInvalidExpression(expr), false
	}
	if runsMoreThanOncePerMinute(expr, now) {
		return cronInvalidExpression(expr), false
	}
	if strings.HasPrefix(strings.ToLower(tz), "etc") || !jodaZone(tz) {
		return cronInvalidTimeZone(connectionID, tz), false
	}
	return nil, false
}

// runsMoreThanOncePerMinute compares the next three executions after now
// (UTC, the server's JVM zone). go-quartz stands in for cron-utils'
// ExecutionTime; an expression it cannot schedule is not rejected here.
func runsMoreThanOncePerMinute(expr string, now time.Time) bool {
	trigger, err := quartz.NewCronTrigger(strings.ToUpper(expr))
	if err != nil {
		return false
	}
	var times []int64
	prev := now.UnixNano()
	for range 3 {
		next, err := trigger.NextFireTime(prev)
		if err != nil {
			break
		}
		times = append(times, next)
		prev = next
	}
	for i := 1; i < len(times); i++ {
		if time.Duration(times[i]-times[i-1]) < time.Minute {
			return true
		}
	}
	return false
}

// jodaOffset is the fixed-offset form DateTimeZone.forID parses after a
// sign: hh, hhmm, hhmmss(SSS) or hh:mm, hh:mm:ss(.SSS).
var jodaOffset = regexp.MustCompile(`^[+-]([01][0-9]|2[0-3])(([0-5][0-9])(([0-5][0-9])([0-9]{1,3})?)?|:([0-5][0-9])(:([0-5][0-9])([.,][0-9]{1,3})?)?)?$`)

// jodaZone reports whether Joda-Time's DateTimeZone.forID accepts tz: "UTC",
// a fixed offset, or an id of the tz database (case-sensitive, links such as
// US/Eastern included). Go's tz database stands in for Joda's; file names of
// a system zoneinfo directory that are not zone ids are refused.
func jodaZone(tz string) bool {
	if tz == "UTC" || jodaOffset.MatchString(tz) {
		return true
	}
	switch {
	case tz == "", tz == "Local", tz == "localtime", tz == "posixrules", tz == "Factory",
		strings.HasPrefix(tz, "posix/"), strings.HasPrefix(tz, "right/"),
		strings.ContainsAny(tz, ". \\"), strings.HasPrefix(tz, "/"), strings.HasPrefix(tz, "+"), strings.HasPrefix(tz, "-"):
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}
