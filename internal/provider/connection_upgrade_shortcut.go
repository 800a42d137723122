package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The upgrade shortcut. Terraform hands every connection's stored state to
// UpgradeResourceState before it reads or plans it. A state of the schema's own version
// needs no upgrade, only decoding from JSON into the schema's type and encoding for the
// protocol, which the framework does with the library calls below; it first computes the
// schema's type again, at every call. The shortcut makes the same calls with the type
// computed once. Other versions go to the framework.

func (s *shortcutServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.TypeName != connectionTypeName || req.Version != connectionSchema().version || req.RawState == nil {
		return s.frameworkServer.UpgradeResourceState(ctx, req)
	}
	typ, _ := connectionTypes()
	v, err := req.RawState.UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return s.frameworkServer.UpgradeResourceState(ctx, req) // the framework explains
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		return s.frameworkServer.UpgradeResourceState(ctx, req)
	}
	return checkedAgainstFramework("UpgradeResourceState", &shortcutStats.upgrades, &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &dv},
		func() (*tfprotov6.UpgradeResourceStateResponse, error) {
			return s.frameworkServer.UpgradeResourceState(ctx, req)
		},
		func(r *tfprotov6.UpgradeResourceStateResponse) shortcutAnswer {
			return shortcutAnswer{state: r.UpgradedState, diags: r.Diagnostics}
		},
		func(r *tfprotov6.UpgradeResourceStateResponse, d *tfprotov6.Diagnostic) {
			r.Diagnostics = append(r.Diagnostics, d)
		})
}
