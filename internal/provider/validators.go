package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isUUID reports whether s has the shape of a UUID, as every Airbyte id does.
func isUUID(s string) bool { return uuidPattern.MatchString(s) }

// uuidValidator checks that a string is shaped like a UUID.
type uuidValidator struct{}

var _ validator.String = uuidValidator{}

func (uuidValidator) Description(context.Context) string { return "value must be a UUID" }

func (v uuidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (uuidValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !isUUID(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Airbyte ID",
			fmt.Sprintf("%q is not a UUID. Airbyte ids look like \"871d9b60-11d1-44cb-8c92-c246d53bf87e\"; "+
				"copy the id from the Airbyte UI's URL or from the API.", s))
	}
}

// durationValidator checks that a string is a positive Go duration such as "30s".
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(context.Context) string {
	return "value must be a positive duration such as \"30s\" or \"2m\""
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(checkDuration(req.Path, req.ConfigValue.ValueString())...)
}

// checkDuration reports on at a value that is not a positive Go duration.
func checkDuration(at path.Path, s string) diag.Diagnostics {
	var diags diag.Diagnostics
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		diags.AddAttributeError(at, "Invalid Duration",
			fmt.Sprintf("%q is not a duration. Write a number with a unit, such as \"30s\", \"5m\" or \"1h30m\".", s))
	case d <= 0:
		diags.AddAttributeError(at, "Invalid Duration",
			fmt.Sprintf("%q is not a positive duration. Use a value greater than zero, such as \"30s\".", s))
	}
	return diags
}
