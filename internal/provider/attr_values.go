package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// known reports whether v holds a value: neither null nor unknown.
func known(v attr.Value) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// configuredOr returns the configured value when there is one, else the
// planned value (when hasPlan).
func configuredOr[T attr.Value](configured, planned T, hasPlan bool) T {
	if known(configured) || !hasPlan {
		return configured
	}
	return planned
}

// orFalse is v, or false when v is null or unknown.
func orFalse(v types.Bool) types.Bool {
	if v.IsNull() || v.IsUnknown() {
		return types.BoolValue(false)
	}
	return v
}

// mustObject builds an object value, collecting any error into diags.
func mustObject(types_ map[string]attr.Type, values map[string]attr.Value, diags *diag.Diagnostics) types.Object {
	v, d := types.ObjectValue(types_, values)
	diags.Append(d...)
	return v
}

// optionalString maps the API's empty (absent or null) strings to null.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// orDefault is v, or def when the API left v empty.
func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}
