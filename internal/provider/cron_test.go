package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestNormalizeCron(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0 0 12 * * ?", "0 0 12 * * ?"},
		{"0 0 12 * * ? UTC", "0 0 12 * * ?"},
		{" 0  0 12 * * ?", "0 0 12 * * ?"},
		{"\t0 0\t12 * *  ?\n", "0 0 12 * * ?"},
		{"0 0 12 * * ? utc", "0 0 12 * * ?"},
		{"0 0 12 * * ?   UTC  ", "0 0 12 * * ?"},
		{"0 0 12 * * ? 2030 UTC", "0 0 12 * * ? 2030"},
		{"0 0 12 * * ?UTC", "0 0 12 * * ?UTC"}, // not a separate word: left for validation to refuse
		{"", ""},
	}
	for _, tt := range tests {
		if got := normalizeCron(tt.in); got != tt.want {
			t.Errorf("normalizeCron(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckQuartzCronAcceptsQuartzExpressions(t *testing.T) {
	for _, expr := range []string{
		"0 0 12 * * ?",
		"0 15 10 ? * MON-FRI",
		"0 15 10 ? * mon-fri",
		"0 0 0 L * ?",
		"0 0 12 LW * ?",
		"0 0 12 L-3 * ?",
		"0 0 12 1W * ?",
		"0 0 12 ? * 6#3",
		"0 0 12 ? * FRI#3",
		"0 0 12 ? * 6L",
		"0 0 */6 * * ?",
		"0 0 0/6 * * ?",
		"0 30 8-17 ? * MON-FRI",
		"0 0 12 1,15 * ?",
		"0 0 12 ? JAN-MAR,OCT MON,WED,FRI",
		"0 0 12 * * ? 2030",
		"0 0 12 * * ? 2030-2035",
		"0 0 12 * * ? UTC",
		"0 0 12 * * ? 2030 UTC",
		"  0   0 12 * * ?  ",
	} {
		if problem := checkQuartzCron(expr); problem != "" {
			t.Errorf("checkQuartzCron(%q) = %q, want it accepted", expr, problem)
		}
	}
}

func TestCheckQuartzCronRefusals(t *testing.T) {
	tests := []struct {
		name, expr string
		want       []string // substrings of the message, besides the common help
	}{
		{"empty", "", []string{"The cron expression is empty."}},
		{"blank", "   ", []string{"The cron expression is empty."}},
		{"unix daily", "0 12 * * *", []string{`"0 12 * * *" has 5 fields, like a Unix cron`, `Use "0 0 12 * * ?" instead`}},
		{"unix every six hours", "0 */6 * * *", []string{`Use "0 0 */6 * * ?" instead`}},
		{"unix weekdays", "30 8 * * 1-5", []string{`Use "0 30 8 ? * MON-FRI" instead`}},
		{"unix sunday as 0", "0 9 * * 0", []string{`Use "0 0 9 ? * SUN" instead`}},
		{"unix monthly", "0 3 1 * *", []string{`Use "0 0 3 1 * ?" instead`}},
		{"unix without direct equivalent", "0 22 * * 1-7", []string{"5 fields", `Prepend a seconds field such as 0, and write "?" in day-of-month or day-of-week.`}},
		{"unix both days", "0 12 1 * 1", []string{"5 fields", "cannot combine a day of the month with a day of the week"}},
		{"macro", "@daily", []string{`"@daily" has 1 fields; a Quartz cron has 6 or 7.`}},
		{"four fields", "0 12 * *", []string{"has 4 fields; a Quartz cron has 6 or 7."}},
		{"eight fields", "0 0 12 * * ? 2030 1", []string{"has 8 fields; a Quartz cron has 6 or 7."}},
		{"seconds star", "* 0 12 * * ?", []string{`"* 0 12 * * ?" has "*" in the seconds field`, "The seconds and minutes values cannot be `*`"}},
		{"seconds step", "*/30 0 12 * * ?", []string{`has "*/30" in the seconds field`}},
		{"seconds question mark", "? 0 12 * * ?", []string{`has "?" in the seconds field; Quartz allows "?" only in day-of-month and day-of-week`}},
		{"minutes star with year", "0 * 12 * * ? 2030", []string{`has 7 fields and "*" in the minutes field`, "The seconds and minutes values cannot be `*`"}},
		{"minutes list with year", "0 0,30 12 * * ? 2030", []string{`has 7 fields and "0,30" in the minutes field`}},
		{"both day fields star", "0 0 12 * * *", []string{`sets both day-of-month ("*") and day-of-week ("*")`, `"0 0 12 ? * MON"`}},
		{"both day fields set", "0 0 12 1 * MON", []string{`sets both day-of-month ("1") and day-of-week ("MON")`}},
		{"both day fields question", "0 0 12 ? * ?", []string{`has "?" in both day-of-month and day-of-week`}},
		{"hour out of range", "0 0 24 * * ?", []string{`"0 0 24 * * ?" is not a valid Quartz cron: `, "24"}},
		{"garbage", "every day at noon", []string{`"every day at noon" has 4 fields`}},
		{"garbage with six fields", "a b c d e ?", []string{`"a b c d e ?" is not a valid Quartz cron: `, "unknown literal"}},
		{"unknown day name", "0 0 12 ? * FUN", []string{"is not a valid Quartz cron", "FUN"}},
		{"wrap-around range", "0 0 22-2 * * ?", []string{`the range "22-2" in the hours field, which runs backwards`, `"22-23,0-2"`}},
		{"wrap-around day range", "0 0 12 ? * FRI-MON", []string{`the range "FRI-MON" in the day-of-week field`}},
		{"utc only", "UTC", []string{`"UTC" has 1 fields`}},
		{"time zone appended", "0 0 6 * * ? America/Toronto", []string{`ends with the time zone "America/Toronto"`, `"0 0 6 * * ?"`, "cron_time_zone"}},
		{"offset appended", "0 0 6 * * ? 2030 +05:30", []string{`ends with the time zone "+05:30"`, `"0 0 6 * * ? 2030"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problem := checkQuartzCron(tt.expr)
			if problem == "" {
				t.Fatalf("checkQuartzCron(%q) accepted it", tt.expr)
			}
			for _, w := range append(tt.want,
				"Airbyte schedules use Quartz cron syntax with a seconds field",
				`such as "0 0 12 * * ?"`,
				quartzCronDocsURL) {
				if !strings.Contains(problem, w) {
					t.Errorf("message for %q lacks %q:\n%s", tt.expr, w, problem)
				}
			}
		})
	}
}

// TestCheckQuartzCronSuggestionsAreValid makes sure a suggested Quartz form is itself accepted.
func TestCheckQuartzCronSuggestionsAreValid(t *testing.T) {
	for _, unix := range []string{"0 12 * * *", "*/15 * * * *", "30 8 * * 1-5", "0 9 * * 0,6", "0 0 1 */2 *", "5 4 * * SUN"} {
		problem := checkQuartzCron(unix)
		_, rest, found := strings.Cut(problem, "Use \"")
		if !found {
			t.Errorf("no suggestion for %q: %s", unix, problem)
			continue
		}
		suggestion, _, _ := strings.Cut(rest, "\"")
		if p := checkQuartzCron(suggestion); p != "" {
			t.Errorf("suggestion %q for %q is refused: %s", suggestion, unix, p)
		}
	}
}

func TestQuartzCronValidator(t *testing.T) {
	ctx := context.Background()
	at := path.Root("schedule").AtName("cron_expression")
	tests := []struct {
		name      string
		value     types.String
		wantError bool
	}{
		{"valid", types.StringValue("0 0 12 * * ?"), false},
		{"valid with UTC", types.StringValue("0 0 12 * * ? UTC"), false},
		{"null", types.StringNull(), false},
		{"unknown", types.StringUnknown(), false},
		{"unix", types.StringValue("0 12 * * *"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &validator.StringResponse{}
			quartzCronValidator{}.ValidateString(ctx, validator.StringRequest{Path: at, ConfigValue: tt.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tt.wantError {
				t.Fatalf("error = %v, want %v: %v", got, tt.wantError, resp.Diagnostics)
			}
			if !tt.wantError {
				return
			}
			d := resp.Diagnostics.Errors()[0]
			if d.Summary() != "Invalid Cron Expression" {
				t.Errorf("summary = %q", d.Summary())
			}
			if !strings.Contains(d.Detail(), `Use "0 0 12 * * ?" instead`) {
				t.Errorf("detail = %q", d.Detail())
			}
			if withPath, ok := d.(interface{ Path() path.Path }); !ok || !withPath.Path().Equal(at) {
				t.Errorf("diagnostic is not on %s: %#v", at, d)
			}
		})
	}
}

func TestCronExpressionSemanticEquality(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		a, b string
		want bool
	}{
		{"0 0 12 * * ?", "0 0 12 * * ? UTC", true},
		{"0 0 12 * * ? UTC", "0 0 12 * * ?", true},
		{" 0  0 12 * * ?", "0 0 12 * * ?", true},
		{"0 0 12 * * ? 2030", "0 0 12 * * ? 2030 UTC", true},
		{"0 0 12 * * ?", "0 0 12 * * ?", true},
		{"0 0 12 * * ?", "0 0 13 * * ?", false},
		{"0 0 12 * * ?", "0 0 12 * * ? 2030", false},
		{"0 0 12 * * ?", "0 0 12 ? * *", false},
	}
	for _, tt := range tests {
		equal, diags := newCronExpressionValue(tt.a).StringSemanticEquals(ctx, newCronExpressionValue(tt.b))
		if diags.HasError() {
			t.Fatalf("StringSemanticEquals(%q, %q): %v", tt.a, tt.b, diags)
		}
		if equal != tt.want {
			t.Errorf("StringSemanticEquals(%q, %q) = %v, want %v", tt.a, tt.b, equal, tt.want)
		}
	}

	// Comparing with a plain string is a provider bug, reported as such rather than as "not equal".
	_, diags := newCronExpressionValue("0 0 12 * * ?").StringSemanticEquals(ctx, types.StringValue("0 0 12 * * ?"))
	if !diags.HasError() {
		t.Error("comparing with a types.String gave no error")
	}
}

func TestCronExpressionType(t *testing.T) {
	ctx := context.Background()
	typ := cronExpressionType{}

	if !typ.Equal(cronExpressionType{}) || typ.Equal(types.StringType) {
		t.Error("cronExpressionType must equal itself and only itself")
	}
	if _, ok := typ.ValueType(ctx).(cronExpressionValue); !ok {
		t.Errorf("ValueType = %T", typ.ValueType(ctx))
	}

	for _, tt := range []struct {
		in   tftypes.Value
		want cronExpressionValue
	}{
		{tftypes.NewValue(tftypes.String, "0 0 12 * * ? UTC"), newCronExpressionValue("0 0 12 * * ? UTC")},
		{tftypes.NewValue(tftypes.String, nil), newCronExpressionNull()},
		{tftypes.NewValue(tftypes.String, tftypes.UnknownValue), cronExpressionValue{StringValue: basetypes.NewStringUnknown()}},
	} {
		got, err := typ.ValueFromTerraform(ctx, tt.in)
		if err != nil {
			t.Fatalf("ValueFromTerraform(%s): %v", tt.in, err)
		}
		if !got.Equal(tt.want) {
			t.Errorf("ValueFromTerraform(%s) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	if _, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Number, 1)); err == nil {
		t.Error("ValueFromTerraform accepted a number")
	}

	v := newCronExpressionValue("0 0 12 * * ?")
	var _ attr.Value = v
	if !v.Type(ctx).Equal(typ) {
		t.Errorf("Type = %s", v.Type(ctx))
	}
	if v.Equal(types.StringValue("0 0 12 * * ?")) {
		t.Error("a cron expression value must not equal a plain string value")
	}
	if v.Equal(newCronExpressionValue("0 0 12 * * ? UTC")) {
		t.Error("Equal must compare exactly; only semantic equality ignores the UTC suffix")
	}
	if !newCronExpressionNull().IsNull() || v.ValueString() != "0 0 12 * * ?" {
		t.Error("constructors do not keep their values")
	}
}
