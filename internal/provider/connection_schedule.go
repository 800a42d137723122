package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // zone names must not depend on the machine running Terraform

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// fixedOffset is a fixed-offset zone as Airbyte's Joda-Time accepts it:
// a sign, hours, then optional minutes, seconds and milliseconds.
var fixedOffset = regexp.MustCompile(`^[+-]([01][0-9]|2[0-3])(([0-5][0-9])(([0-5][0-9])([0-9]{1,3})?)?|:([0-5][0-9])(:([0-5][0-9])([.,][0-9]{1,3})?)?)?$`)

// zoneName is the shape of a tz database name, such as America/Toronto.
var zoneName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`)

// checkTimeZone returns "" for a zone Airbyte accepts for a cron schedule,
// or else what is wrong with it. Airbyte accepts UTC, the names of the tz
// database (links such as US/Eastern too) and fixed offsets, and refuses
// every Etc/ zone (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionScheduleHelper.kt).
func checkTimeZone(zone string) string {
	const help = "Use an IANA time zone name such as \"America/Toronto\" or \"Europe/Paris\", or \"UTC\"."
	switch {
	case strings.HasPrefix(strings.ToLower(zone), "etc"):
		return fmt.Sprintf("Airbyte refuses the time zones of the Etc/ area, such as %q. %s", zone, help)
	case zone == client.UTC, fixedOffset.MatchString(zone):
		return ""
	case zone == "Local" || !zoneName.MatchString(zone):
		return fmt.Sprintf("%q is not a time zone name. %s", zone, help)
	}
	if _, err := time.LoadLocation(zone); err != nil {
		return fmt.Sprintf("%q is not a time zone Airbyte knows (names are case-sensitive). %s", zone, help)
	}
	return ""
}

// timeZoneValidator refuses at plan a cron_time_zone that Airbyte refuses.
type timeZoneValidator struct{}

var _ validator.String = timeZoneValidator{}

func (timeZoneValidator) Description(context.Context) string {
	return "an IANA time zone name that Airbyte accepts, not an Etc/ one"
}

func (v timeZoneValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (timeZoneValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if problem := checkTimeZone(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Time Zone", problem)
	}
}

// zonedCron returns the expression and zone of a planned cron schedule that
// runs outside UTC, which only the Config API can set; ok is false for
// every other schedule.
func zonedCron(ctx context.Context, v types.Object) (expression, zone string, ok bool) {
	if !known(v) {
		return "", "", false
	}
	var s scheduleModel
	if v.As(ctx, &s, objectAsOptions).HasError() || s.ScheduleType.ValueString() != string(client.ScheduleTypeCron) ||
		!known(s.CronTimeZone) || s.CronTimeZone.ValueString() == client.UTC || !known(s.CronExpression) {
		return "", "", false
	}
	return normalizeCron(s.CronExpression.ValueString()), s.CronTimeZone.ValueString(), true
}

// setZonedCron gives the connection a cron schedule outside UTC through the
// Config API and reads the connection back. The schedule attribute names
// the failure, since everything else the apply asked for is done.
func (r *connectionResource) setZonedCron(ctx context.Context, id, expression, zone string) (*client.Connection, diag.Diagnostics) {
	var diags diag.Diagnostics
	if err := r.data.client.SetCronSchedule(ctx, id, expression, zone); err != nil {
		diags.AddAttributeError(path.Root("schedule").AtName("cron_time_zone"), "Cannot Set Schedule Time Zone",
			fmt.Sprintf("Setting the schedule of the connection %q to %q in %s through the Config API failed: %v. "+
				"Everything else was applied; the schedule is as Airbyte shows it in the state. Check config_api_url and that the "+
				"credentials may edit the workspace, or set cron_time_zone = \"UTC\", which the public API can set.%s",
				id, expression, zone, err, requestFailureAdvice(err)))
		return nil, diags
	}
	conn, err := r.data.client.GetConnection(ctx, id)
	if err != nil {
		diags.AddError("Cannot Read Connection",
			fmt.Sprintf("The schedule of the connection %q was set, but reading the connection back failed: %v. "+
				"Run `terraform apply` again to read it.%s", id, err, requestFailureAdvice(err)))
		return nil, diags
	}
	return conn, diags
}
