package emulator

import (
	"fmt"
	"strconv"
	"strings"
)

// The server parses cron expressions with cron-utils 9.2.1 and its QUARTZ
// definition; this file and cron_fields.go port the parts of it that decide
// whether an expression is accepted and with which message
// (jmrozanec/cron-utils@9.2.1: src/main/java/com/cronutils/parser/CronParser.java,
// model/SingleCron.java, model/definition/CronConstraintsFactory.java).

const cronHelp = ". Please check the cron expression format at https://www.quartz-scheduler.org/documentation/quartz-2.3.0/tutorials/crontrigger.html"

// normalizeCron strips a trailing "UTC" the way the server does (it removes
// every "UTC" and trims), so a value read back with " UTC" round-trips
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/helpers/AirbyteCatalogHelper.kt,
// normalizeCronExpression).
func normalizeCron(expr string) string {
	if strings.HasSuffix(expr, "UTC") {
		return strings.TrimSpace(strings.ReplaceAll(expr, "UTC", ""))
	}
	return expr
}

// validateCron checks a public API cron expression the way the server's
// AirbyteCatalogHelper.validateCronConfiguration does and returns its
// message, or "" when valid: the normalized expression must parse as a
// cron-utils QUARTZ expression, and in cron-utils' rendering of it the
// seconds field (and, with 7 fields, the minutes field) must be an integer.
func validateCron(expr string) string {
	c, err := parseQuartzCron(normalizeCron(expr))
	if err != nil {
		return fmt.Sprintf("The cron expression %s is not valid. Error: %s", expr, err.Error()) + cronHelp
	}
	parts := strings.Split(c.asString(), " ")
	if !javaInt(parts[0]) || len(parts) == 7 && !javaInt(parts[1]) {
		return fmt.Sprintf("The cron expression %s is not valid or is less than the one hour minimum. The seconds and minutes values cannot be `*`.", expr)
	}
	return ""
}

// cronError is an exception thrown while parsing: an IllegalArgumentException
// carrying its message, or (crash) another exception that cron-utils lets
// through unwrapped, such as an ArrayIndexOutOfBoundsException.
type cronError struct {
	msg   string
	crash bool
}

func (e *cronError) Error() string { return e.msg }

func cronErrorf(format string, args ...any) *cronError {
	return &cronError{msg: fmt.Sprintf(format, args...)}
}

func indexOutOfBounds(i, n int) *cronError {
	return &cronError{msg: fmt.Sprintf("Index %d out of bounds for length %d", i, n), crash: true}
}

// javaInt reports whether Java's Integer.parseInt accepts s.
func javaInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 32)
	return err == nil
}

// parseJavaInt is Integer.parseInt; its NumberFormatException is an
// IllegalArgumentException, so the parser wraps it like the others.
func parseJavaInt(s string) (int, *cronError) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, cronErrorf("For input string: \"%s\"", s)
	}
	return int(n), nil
}

// javaSplit is String.split on a literal separator: trailing empty strings
// are dropped, and a string without the separator is returned whole.
func javaSplit(s, sep string) []string {
	if !strings.Contains(s, sep) {
		return []string{s}
	}
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// quartzCron is a parsed SingleCron.
type quartzCron struct{ fields []*cronExpr }

func (c *quartzCron) asString() string {
	parts := make([]string, len(c.fields))
	for i, f := range c.fields {
		parts[i] = f.asString()
	}
	return strings.Join(parts, " ")
}

// parseQuartzCron is CronParser.parse followed by SingleCron.validate for
// the QUARTZ definition. Nicknames and composite ("|") expressions are not
// parsed; "|" is then an invalid character of its field.
func parseQuartzCron(expression string) (*quartzCron, *cronError) {
	replaced := strings.TrimSpace(whitespace.ReplaceAllString(expression, " "))
	if replaced == "" {
		return nil, cronErrorf("Empty expression!")
	}
	if strings.HasPrefix(expression, "@") {
		return nil, cronErrorf("Nicknames not supported!")
	}
	parts := strings.Split(strings.ToUpper(replaced), " ")
	for _, p := range parts {
		if strings.HasSuffix(p, ",") {
			return nil, cronErrorf("Invalid field value! Trailing commas not permitted! '%s'", p)
		}
	}
	if len(parts) != 6 && len(parts) != 7 {
		return nil, cronErrorf("Cron expression contains %d parts but we expect one of [6, 7]", len(parts))
	}
	c := &quartzCron{}
	wrap := func(err *cronError) *cronError {
		if err.crash {
			return err
		}
		return cronErrorf("Failed to parse cron expression. %s", err.msg)
	}
	for i, p := range parts {
		x, err := quartzFields[i].parse(p, i == 5)
		if err != nil {
			return nil, wrap(err)
		}
		c.fields = append(c.fields, x)
	}
	for i, x := range c.fields {
		if err := quartzFields[i].validate(x); err != nil {
			return nil, wrap(err)
		}
	}
	// CronConstraintsFactory.ensureEitherDayOfWeekOrDayOfMonth: exactly one
	// of the two day fields must be "?".
	if (c.fields[3] == cronQuestion) == (c.fields[5] == cronQuestion) {
		return nil, wrap(cronErrorf("Invalid cron expression: %s. Both, a day-of-week AND a day-of-month parameter, are not supported.", c.asString()))
	}
	return c, nil
}
