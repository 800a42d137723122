package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/reugn/go-quartz/quartz"
)

// quartzCronDocsURL is the Quartz tutorial the Airbyte server itself links to.
const quartzCronDocsURL = "https://www.quartz-scheduler.org/documentation/quartz-2.3.0/tutorials/crontrigger.html"

// quartzCronHelp ends every cron message: what syntax Airbyte expects, an example, and where to read more.
const quartzCronHelp = "Airbyte schedules use Quartz cron syntax with a seconds field: 6 or 7 fields " +
	"(seconds minutes hours day-of-month month day-of-week [year]), with \"?\" in exactly one of day-of-month and day-of-week, " +
	"such as \"0 0 12 * * ?\" for every day at 12:00 UTC. See " + quartzCronDocsURL + " ."

var (
	trailingUTC = regexp.MustCompile(`(?i) UTC$`)
	// descendingRange finds a range such as "22-2" or "FRI-MON" within one field.
	descendingRange = regexp.MustCompile(`^([0-9A-Za-z]+)-([0-9A-Za-z]+)`)
	weekdayNumber   = regexp.MustCompile(`[0-9]+`)
)

// normalizeCron returns expr without surrounding whitespace, with runs of whitespace collapsed to
// one space and without the trailing " UTC" the Airbyte API appends to cron expressions it
// returns, so that a configured value and the value read back compare equal. Whitespace is what
// strings.Fields splits on, Unicode spaces included, so that go-quartz, which splits on single
// spaces, sees the fields checkQuartzCron counts.
func normalizeCron(expr string) string {
	return trailingUTC.ReplaceAllString(strings.Join(strings.Fields(expr), " "), "")
}

// quartzFieldNames names the fields of a Quartz expression, by position.
var quartzFieldNames = []string{"seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year"}

// checkQuartzCron checks expr the way the Airbyte server validates a cron schedule and returns
// "" when it is accepted, or else a message for the user that says what is wrong and what to
// write instead.
//
// The server parses the expression as a Quartz cron (6 or 7 fields, seconds first, "?" in
// exactly one of the day fields) and then requires the seconds field, and for 7 fields also
// the minutes field, to be a plain integer. go-quartz does the field parsing; the field count,
// the day-field rule and "?" outside the day fields are checked here because go-quartz is more
// lenient than Quartz there.
func checkQuartzCron(expr string) (problem string) {
	normalized := normalizeCron(expr)
	fields := strings.Fields(normalized)
	switch {
	case len(fields) == 0:
		return "The cron expression is empty. " + quartzCronHelp
	case len(fields) == 5:
		return fmt.Sprintf("The cron expression %q has 5 fields, like a Unix cron, but Airbyte needs a Quartz cron, which starts "+
			"with a seconds field and has \"?\" in one of the day fields. %s %s", expr, suggestQuartz(fields), quartzCronHelp)
	case len(fields) >= 7 && !strings.ContainsAny(fields[len(fields)-1][:1], "0123456789*") && checkTimeZone(fields[len(fields)-1]) == "":
		// Such as "0 0 6 * * ? America/Toronto", as Airbyte reads a schedule back.
		return fmt.Sprintf("The cron expression %q ends with the time zone %q. Write the expression alone, %q, and the zone in "+
			"cron_time_zone. %s", expr, fields[len(fields)-1], strings.Join(fields[:len(fields)-1], " "), quartzCronHelp)
	case len(fields) < 6 || len(fields) > 7:
		return fmt.Sprintf("The cron expression %q has %d fields; a Quartz cron has 6 or 7. %s", expr, len(fields), quartzCronHelp)
	}

	dom, dow := fields[3], fields[5]
	switch {
	case dom == "?" && dow == "?":
		return fmt.Sprintf("The cron expression %q has \"?\" in both day-of-month and day-of-week; Quartz needs \"?\" in exactly one "+
			"of them and a value in the other, for example \"0 0 12 * * ?\" (every day) or \"0 0 12 ? * MON\" (every Monday). %s",
			expr, quartzCronHelp)
	case dom != "?" && dow != "?":
		return fmt.Sprintf("The cron expression %q sets both day-of-month (%q) and day-of-week (%q); Quartz needs \"?\" in exactly "+
			"one of them, for example \"0 0 12 * * ?\" (every day) or \"0 0 12 ? * MON\" (every Monday). %s",
			expr, dom, dow, quartzCronHelp)
	}
	for i, f := range fields {
		if i != 3 && i != 5 && strings.Contains(f, "?") {
			return fmt.Sprintf("The cron expression %q has \"?\" in the %s field; Quartz allows \"?\" only in day-of-month and "+
				"day-of-week. Use \"*\" or a value there instead. %s", expr, quartzFieldNames[i], quartzCronHelp)
		}
		// go-quartz refuses ranges that wrap around, such as "22-2" or "FRI-MON", with an unhelpful reason.
		for _, part := range strings.Split(f, ",") {
			if m := descendingRange.FindStringSubmatch(part); len(m) == 3 && isDescending(m[1], m[2], i) {
				return fmt.Sprintf("The cron expression %q has the range %q in the %s field, which runs backwards. "+
					"Write it as a list of two ascending ranges instead (for example \"22-23,0-2\" or \"FRI-SAT,SUN-MON\"). %s",
					expr, m[0], quartzFieldNames[i], quartzCronHelp)
			}
		}
	}
	if err := quartz.ValidateCronExpression(normalized); err != nil {
		return fmt.Sprintf("The cron expression %q is not a valid Quartz cron: %s. %s", expr, err, quartzCronHelp)
	}

	if _, err := strconv.Atoi(fields[0]); err != nil {
		return fmt.Sprintf("The cron expression %q has %q in the seconds field, but Airbyte requires a single number there, "+
			"such as 0, and refuses schedules that fire more than once a minute (\"The seconds and minutes values cannot be `*`\"). "+
			"For example, \"0 0 * * * ?\" runs every hour. %s", expr, fields[0], quartzCronHelp)
	}
	if len(fields) == 7 {
		if _, err := strconv.Atoi(fields[1]); err != nil {
			return fmt.Sprintf("The cron expression %q has 7 fields and %q in the minutes field, but Airbyte requires single numbers "+
				"in both the seconds and the minutes field of a 7-field expression (\"The seconds and minutes values cannot be `*`\"). "+
				"For example, \"0 0 * * * ? 2030\" runs every hour in 2030. %s", expr, fields[1], quartzCronHelp)
		}
	}
	return ""
}

// isDescending reports whether the range from-to in field i starts after it ends. Bounds that are
// neither numbers nor names are left for the parser to report.
func isDescending(from, to string, i int) bool {
	a, b := fieldValue(from, i), fieldValue(to, i)
	return a >= 0 && b >= 0 && a > b
}

// fieldValue returns the number a range bound stands for in field i, reading month and day names,
// or -1 when it is neither.
func fieldValue(s string, i int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	var names []string
	switch i {
	case 4:
		names = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	case 5:
		names = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
	}
	for k, name := range names {
		if strings.EqualFold(s, name) {
			return k + 1
		}
	}
	return -1
}

// unixWeekdays maps Unix day-of-week numbers (0 and 7 are Sunday) to names, which mean the same
// in Quartz, where the numbers differ (1 is Sunday).
var unixWeekdays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}

// suggestQuartz turns the fields of a 5-field Unix cron into a sentence proposing the same
// schedule in Quartz form, or into general advice when there is no equivalent.
func suggestQuartz(unix []string) string {
	minute, hour, dom, month, dow := unix[0], unix[1], unix[2], unix[3], unix[4]
	switch {
	case dow == "*" || dow == "?":
		dow = "?"
	case dom == "*" || dom == "?":
		dom = "?"
		dow = unixWeekdaysToNames(dow)
	default:
		return "A Quartz cron cannot combine a day of the month with a day of the week, so this schedule has no direct equivalent; " +
			"prepend a seconds field and replace one of the two day fields with \"?\"."
	}
	quartzForm := strings.Join([]string{"0", minute, hour, dom, month, dow}, " ")
	if checkQuartzCron(quartzForm) != "" {
		return "Prepend a seconds field such as 0, and write \"?\" in day-of-month or day-of-week."
	}
	return fmt.Sprintf("Use %q instead: the same schedule in Quartz form.", quartzForm)
}

// unixWeekdaysToNames rewrites the day numbers of a Unix day-of-week field as names, leaving
// step sizes alone: "1-5" becomes "MON-FRI" and "*/2" stays as it is.
func unixWeekdaysToNames(field string) string {
	parts := strings.Split(field, ",")
	for i, part := range parts {
		base, step, hasStep := strings.Cut(part, "/")
		base = weekdayNumber.ReplaceAllStringFunc(base, func(n string) string {
			if v, err := strconv.Atoi(n); err == nil && v <= 7 {
				return unixWeekdays[v]
			}
			return n
		})
		if hasStep {
			base += "/" + step
		}
		parts[i] = base
	}
	return strings.Join(parts, ",")
}

// quartzCronValidator reports cron expressions that the Airbyte server would refuse.
type quartzCronValidator struct{}

var _ validator.String = quartzCronValidator{}

func (quartzCronValidator) Description(context.Context) string {
	return "value must be a Quartz cron expression with a seconds field, such as \"0 0 12 * * ?\""
}

func (v quartzCronValidator) MarkdownDescription(ctx context.Context) string {
	return "value must be a [Quartz cron expression](" + quartzCronDocsURL + ") with a seconds field, such as `0 0 12 * * ?`"
}

func (quartzCronValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := checkQuartzCron(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Cron Expression", problem)
	}
}

// cronExpressionType is the type of cron_expression attributes. Its values compare semantically
// equal when they differ only in whitespace or the " UTC" suffix the Airbyte API appends, so
// neither shows up as a difference in plans.
type cronExpressionType struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = cronExpressionType{}

func (t cronExpressionType) Equal(o attr.Type) bool {
	other, ok := o.(cronExpressionType)
	if !ok {
		return false
	}
	return t.StringType.Equal(other.StringType)
}

func (cronExpressionType) String() string { return "cronExpressionType" }

func (cronExpressionType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return cronExpressionValue{StringValue: in}, nil
}

func (t cronExpressionType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	valuable, diags := t.ValueFromString(ctx, s)
	if diags.HasError() {
		return nil, fmt.Errorf("converting StringValue to cronExpressionValue: %v", diags)
	}
	return valuable, nil
}

func (cronExpressionType) ValueType(context.Context) attr.Value { return cronExpressionValue{} }

// cronExpressionValue is a value of cronExpressionType.
type cronExpressionValue struct {
	basetypes.StringValue
}

var _ basetypes.StringValuableWithSemanticEquals = cronExpressionValue{}

// newCronExpressionValue returns a known cron expression, kept exactly as given.
func newCronExpressionValue(s string) cronExpressionValue {
	return cronExpressionValue{StringValue: basetypes.NewStringValue(s)}
}

// newCronExpressionNull returns a null cron expression.
func newCronExpressionNull() cronExpressionValue {
	return cronExpressionValue{StringValue: basetypes.NewStringNull()}
}

func (cronExpressionValue) Type(context.Context) attr.Type { return cronExpressionType{} }

func (v cronExpressionValue) Equal(o attr.Value) bool {
	other, ok := o.(cronExpressionValue)
	if !ok {
		return false
	}
	return v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether two cron expressions are the same after normalizeCron.
// The framework calls it only with both values known and not null.
func (v cronExpressionValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(cronExpressionValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("A cron expression was compared with a value of type %T. This is a bug in the provider; please report it.", newValuable))
		return false, diags
	}
	return normalizeCron(v.ValueString()) == normalizeCron(other.ValueString()), diags
}
