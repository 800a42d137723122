package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// withTimeout applies an operation's timeout (from the timeouts block, or
// def) to ctx. ok is false when the timeout could not be read.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, bool) {
	timeout, d := get(ctx, def)
	diags.Append(d...)
	if d.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, true
}

// validateTimeouts refuses a timeout of zero or less, which the timeouts
// block's own check lets through and which would fail the operation before
// it sends anything. Values that are not durations are left to that check.
func validateTimeouts(v timeouts.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	if !known(v.Object) {
		return diags
	}
	for name, a := range v.Attributes() {
		s, ok := a.(types.String)
		if !ok || !known(s) {
			continue
		}
		if d, err := time.ParseDuration(s.ValueString()); err == nil && d <= 0 {
			diags.Append(checkDuration(path.Root("timeouts").AtName(name), s.ValueString())...)
		}
	}
	return diags
}
