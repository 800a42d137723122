package emulator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reugn/go-quartz/quartz"
)

const cronHelp = ". Please check the cron expression format at https://www.quartz-scheduler.org/documentation/quartz-2.3.0/tutorials/crontrigger.html"

// normalizeCron strips a trailing "UTC" the way the server does (it removes
// every "UTC" and trims), so a value read back with " UTC" round-trips.
func normalizeCron(expr string) string {
	if strings.HasSuffix(expr, "UTC") {
		return strings.TrimSpace(strings.ReplaceAll(expr, "UTC", ""))
	}
	return expr
}

// validateCron checks a Quartz cron expression the way the server's
// validateCronConfiguration does and returns its message, or "" when valid.
// Quartz syntax has 6 or 7 fields, seconds first; one of day-of-month and
// day-of-week must be "?". The seconds field (and, for 7 fields, the
// minutes field) must be a plain integer: the server's "one hour minimum".
func validateCron(expr string) string {
	normalized := normalizeCron(expr)
	if reason := quartzError(normalized); reason != "" {
		return fmt.Sprintf("The cron expression %s is not valid. Error: %s", expr, reason) + cronHelp
	}
	fields := strings.Fields(normalized)
	_, err := strconv.Atoi(fields[0])
	if err == nil && len(fields) == 7 {
		_, err = strconv.Atoi(fields[1])
	}
	if err != nil {
		return fmt.Sprintf("The cron expression %s is not valid or is less than the one hour minimum. The seconds and minutes values cannot be `*`.", expr)
	}
	return ""
}

// quartzError explains why expr is not a Quartz expression. go-quartz does
// the field parsing (including ?, L, W, # and the year field); the field
// count, macro and day-field rules are checked here because go-quartz is
// more lenient than the cron-utils QUARTZ definition the server uses.
func quartzError(expr string) string {
	fields := strings.Fields(expr)
	switch {
	case len(fields) == 0:
		return "Empty expression!"
	case len(fields) < 6 || len(fields) > 7:
		return fmt.Sprintf("Cron expression contains %d parts but we expect one of [6, 7]", len(fields))
	}
	dom, dow := fields[3], fields[5]
	switch {
	case dom == "?" && dow == "?":
		return "'?' can only be specified for Day-of-Month -OR- Day-of-Week."
	case dom != "?" && dow != "?":
		return "Both, a day-of-week AND a day-of-month parameter, are not supported."
	}
	if err := quartz.ValidateCronExpression(strings.Join(fields, " ")); err != nil {
		return err.Error()
	}
	return ""
}
