package emulator

import (
	"testing"
	"time"
)

// TestCronUtilsMessages checks the public API's cron messages: cron-utils
// QUARTZ parsing wrapped by AirbyteCatalogHelper.validateCronConfiguration
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/helpers/AirbyteCatalogHelper.kt;
// jmrozanec/cron-utils@9.2.1: src/main/java/com/cronutils/parser/CronParser.java, FieldParser.java).
func TestCronUtilsMessages(t *testing.T) {
	notValid := func(expr, msg string) string {
		return "The cron expression " + expr + " is not valid. Error: " + msg + cronHelp
	}
	const failed = "Failed to parse cron expression. "
	cases := []struct{ expr, want string }{
		{"0 0 12 * * ?", ""},
		{"0 0 12 * * ? UTC", ""},
		{"0 0 12 ? * mon-fri", ""},
		{"0 0 12 ? JAN-MAR MON", ""},
		{"0 0 12 ? * FRIL", ""},
		{"0 0 12 L-3 * ?", ""},
		{"0 0 12 LW * ?", ""},
		{"0 0 12 * * ? *", ""},
		{"0 0 12  *   * ?", ""},
		{"@daily", notValid("@daily", "Nicknames not supported!")},
		{"  ", notValid("  ", "Empty expression!")},
		{"0 0 12,13, * * ?", notValid("0 0 12,13, * * ?", "Invalid field value! Trailing commas not permitted! '12,13,'")},
		{"0 0 12 * *", notValid("0 0 12 * *", "Cron expression contains 5 parts but we expect one of [6, 7]")},
		{"0 0 25 * * ?", notValid("0 0 25 * * ?", failed+"Value 25 not in range [0, 23]")},
		{"0 0 12 ? * FOO", notValid("0 0 12 ? * FOO", failed+"Invalid chars in expression! Expression: FOO Invalid chars: FOO")},
		{"0 0/60 12 * * ?", notValid("0 0/60 12 * * ?", failed+"Period 60 not in range [0, 59]")},
		{"0 0 12 * * ? 1969", notValid("0 0 12 * * ? 1969", failed+"Value 1969 not in range [1970, 2099]")},
		{"0 0 12 * * ? 2030-2025", notValid("0 0 12 * * ? 2030-2025", failed+"Invalid range! [2030,2025]")},
		{"0 0 12 ? * 6#9", notValid("0 0 12 ? * 6#9", failed+"Value 9 not in range [1, 7]")},
		{"0 0 12 ? * 5W", notValid("0 0 12 ? * 5W", failed+"Invalid chars in expression! Expression: 5W Invalid chars: W")},
		{"0 0 12 ? * 2-", notValid("0 0 12 ? * 2-", failed+"Missing values for range: 2-")},
		{"0 0 12 ? * -2", notValid("0 0 12 ? * -2", failed+"Invalid expression! Expression: -2 does not describe a range. Negative numbers are not allowed.")},
		{"0 */ 12 * * ?", notValid("0 */ 12 * * ?", failed+"Missing steps for expression: */")},
		{"0 */x 12 * * ?", notValid("0 */x 12 * * ?", failed+`For input string: "X"`)},
		{"? 0 12 * * ?", notValid("? 0 12 * * ?", failed+"Invalid expression: ?")},
		{"0 0 12 ? * #3", notValid("0 0 12 ? * #3", failed+"Time should be specified!")},
		{"0 0 12 1# * ?", notValid("0 0 12 1# * ?", failed+"Invalid expression: 1#")},
		{"0 0 12 XLW * ?", notValid("0 0 12 XLW * ?", failed+"Expected: LW, found: X")},
		{"0 0 12 1,,2 * ?", notValid("0 0 12 1,,2 * ?", failed+"Invalid chars in expression! Expression:  Invalid chars: ")},
		{"0 0 99999999999 * * ?", notValid("0 0 99999999999 * * ?", failed+"Invalid chars in expression! Expression: 99999999999 Invalid chars: ")},
		{"0 0 12 ? 1 ?", notValid("0 0 12 ? 1 ?", failed+"Invalid cron expression: 0 0 12 ? 1 ?. Both, a day-of-week AND a day-of-month parameter, are not supported.")},
		{"0 0 12 1 JAN MON", notValid("0 0 12 1 JAN MON", failed+"Invalid cron expression: 0 0 12 1 1 2. Both, a day-of-week AND a day-of-month parameter, are not supported.")},
		{"0/5 0 12 * * ?", "The cron expression 0/5 0 12 * * ? is not valid or is less than the one hour minimum. The seconds and minutes values cannot be `*`."},
		{"0 */5 12 * * ? 2030", "The cron expression 0 */5 12 * * ? 2030 is not valid or is less than the one hour minimum. The seconds and minutes values cannot be `*`."},
	}
	for _, tc := range cases {
		if got := validateCron(tc.expr); got != tc.want {
			t.Errorf("%q\n got: %s\nwant: %s", tc.expr, got, tc.want)
		}
	}
}

// TestCronRendering checks cron-utils' asString, used in the day-field
// message and the public seconds check: names become numbers, "*/1" is "*"
// (jmrozanec/cron-utils@9.2.1: src/main/java/com/cronutils/model/field/expression/Every.java, On.java).
func TestCronRendering(t *testing.T) {
	for expr, want := range map[string]string{
		"0 0 12 ? jan-mar mon#2": "0 0 12 ? 1-3 2#2",
		"0 */1 12 L-3 * ?":       "0 * 12 L-3 * ?",
		"0 0/15 12 15W * ?":      "0 0/15 12 15W * ?",
		"0 0 12 ? * SATL":        "0 0 12 ? * 7L",
		"0 0 12 1,15 * ? 2030":   "0 0 12 1,15 * ? 2030",
	} {
		c, err := parseQuartzCron(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if got := c.asString(); got != want {
			t.Errorf("%s renders %q, want %q", expr, got, want)
		}
	}
}

// TestCronFrequency checks the Config API's frequency rule: the next three
// executions must be at least a minute apart, with no hourly floor in
// Community (airbytehq/airbyte-platform@310e6cb: airbyte-config/config-models/src/main/kotlin/io/airbyte/config/helpers/CronExpressionHelper.kt,
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionScheduleHelper.kt).
func TestCronFrequency(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for expr, rejected := range map[string]bool{
		"0 * * * * ?":        false,
		"0 */5 * * * ?":      false,
		"0 0 12 * * ? 2000":  false, // no next execution
		"* * * * * ?":        true,
		"*/30 * * * * ?":     true,
		"59,0 0 12,18 * * ?": true,
	} {
		p, crash := checkCronSchedule("c", expr, "UTC", now)
		if crash || (p != nil) != rejected {
			t.Errorf("%s: problem %v, want rejected=%v", expr, p, rejected)
		}
		if p != nil && p.Type != "error:cron-validation/invalid-expression" {
			t.Errorf("%s: %v", expr, p)
		}
	}
}

// TestJodaZones checks which cron time zones are accepted: Joda-Time's
// DateTimeZone.forID after the server refuses every id starting with "etc"
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionScheduleHelper.kt).
func TestJodaZones(t *testing.T) {
	for _, tz := range []string{"UTC", "America/Toronto", "US/Eastern", "GMT", "EST", "CET", "Europe/Paris", "+05:30", "-08", "+0530", "+00:00"} {
		if p, _ := checkCronSchedule("c", "0 0 12 * * ?", tz, time.Now()); p != nil {
			t.Errorf("%q refused: %v", tz, p)
		}
	}
	for _, tz := range []string{"", "utc", "america/toronto", "Local", "Mars/Base", "Etc/UTC", "etc/GMT+5", "Etcetera", "+24:00", "+5",
		"posixrules", "posix/America/Toronto", "../etc/passwd"} {
		p, _ := checkCronSchedule("c", "0 0 12 * * ?", tz, time.Now())
		if p == nil || p.Type != "error:cron-validation/invalid-timezone" {
			t.Errorf("%q accepted: %v", tz, p)
		}
	}
}
