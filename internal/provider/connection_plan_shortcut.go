package provider

import (
	"bytes"
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// The plan shortcut. Terraform proposes, for an existing connection, the configuration's
// values over the prior state's. When that proposal is the prior state itself (Terraform
// encodes both, so equal values are equal bytes), nothing the configuration says differs
// from the state, and the framework's plan is the prior state: its defaults (the schema's
// bool defaults, delete_source_on_destroy and delete_destination_on_destroy) hold when
// the state has them or the configuration sets them; no computed value is marked unknown,
// as nothing changed; the plan modifiers keep what is unchanged; ModifyPlan checks only
// what changes (streams, tags, state loss) and keeps status_reason and stream_names; no
// attribute requires replacement; the identity and private state are the prior ones.

func (s *shortcutServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName != connectionTypeName {
		return s.frameworkServer.PlanResourceChange(ctx, req)
	}
	fast, ok := planUnchanged(req)
	if !ok {
		return s.frameworkServer.PlanResourceChange(ctx, req)
	}
	return checkedAgainstFramework("PlanResourceChange", &shortcutStats.plans, fast,
		func() (*tfprotov6.PlanResourceChangeResponse, error) {
			return s.frameworkServer.PlanResourceChange(ctx, req)
		},
		func(r *tfprotov6.PlanResourceChangeResponse) shortcutAnswer {
			return shortcutAnswer{state: r.PlannedState, identity: r.PlannedIdentity, private: r.PlannedPrivate, diags: r.Diagnostics,
				replaces: len(r.RequiresReplace) > 0 || r.Deferred != nil}
		},
		func(r *tfprotov6.PlanResourceChangeResponse, d *tfprotov6.Diagnostic) {
			r.Diagnostics = append(r.Diagnostics, d)
		})
}

// planUnchanged answers the plan of a connection whose proposed new state is its prior state.
func planUnchanged(req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, bool) {
	if req.PriorState == nil || req.ProposedNewState == nil || req.Config == nil {
		return nil, false
	}
	prior := req.PriorState.MsgPack
	if len(prior) == 0 || prior[0] == msgpcode.Nil || !bytes.Equal(prior, req.ProposedNewState.MsgPack) {
		return nil, false
	}
	facts := connectionSchema()
	if !facts.planShortcut {
		return nil, false
	}
	want := map[string]bool{}
	for name := range facts.boolDefaults {
		want[name] = true
	}
	state, err := topLevel(prior, want)
	if err != nil {
		return nil, false
	}
	var config map[string]any
	for name, def := range facts.boolDefaults {
		if v, ok := state[name].(bool); ok && v == def {
			continue // the default: planned so whatever the configuration
		}
		// Null in state, or not the default: the plan keeps it only when the configuration sets it.
		if config == nil {
			if config, err = topLevel(req.Config.MsgPack, want); err != nil {
				return nil, false
			}
		}
		if _, set := config[name]; !set {
			return nil, false
		}
	}
	identity := req.PriorIdentity
	if identity == nil {
		if identity, err = identityValue(nil); err != nil {
			return nil, false
		}
	}
	return &tfprotov6.PlanResourceChangeResponse{
		PlannedState:    req.ProposedNewState,
		PlannedPrivate:  req.PriorPrivate,
		PlannedIdentity: identity,
	}, true
}
