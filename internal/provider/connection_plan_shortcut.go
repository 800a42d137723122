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
// from the state, and the framework's plan is the prior state: its defaults
// (delete_source_on_destroy and delete_destination_on_destroy, false) hold when the state
// has them or the configuration sets them; no computed value is marked unknown, as nothing
// changed; the plan modifiers keep what is unchanged; ModifyPlan checks only what changes
// (streams, tags, state loss) and keeps status_reason and stream_names; no attribute
// requires replacement; the identity and private state are the prior ones.

// defaultedFalse are the attributes the schema defaults to false.
var defaultedFalse = []string{"delete_source_on_destroy", "delete_destination_on_destroy"}

func (s *shortcutServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName != connectionTypeName {
		return s.frameworkServer.PlanResourceChange(ctx, req)
	}
	fast, ok := planUnchanged(req)
	if !ok {
		return s.frameworkServer.PlanResourceChange(ctx, req)
	}
	shortcutStats.plans.Add(1)
	if shortcutVerify {
		slow, err := s.frameworkServer.PlanResourceChange(ctx, req)
		if err != nil {
			return nil, err
		}
		what := disagreement("PlanResourceChange", fast.PlannedState, slow.PlannedState, fast.PlannedIdentity, slow.PlannedIdentity,
			fast.PlannedPrivate, slow.PlannedPrivate, slow.Diagnostics)
		if what == "" && (len(slow.RequiresReplace) > 0 || slow.Deferred != nil) {
			what = "the framework's plan requires replacement or is deferred"
		}
		if what != "" {
			slow.Diagnostics = append(slow.Diagnostics, verifyFailed("PlanResourceChange", what))
			return slow, nil
		}
	}
	return fast, nil
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
	want := map[string]bool{}
	for _, name := range defaultedFalse {
		want[name] = true
	}
	state, err := topLevel(prior, want)
	if err != nil {
		return nil, false
	}
	var config map[string]any
	for _, name := range defaultedFalse {
		if v, ok := state[name].(bool); ok && !v {
			continue // false, the default: planned false whatever the configuration
		}
		// Null in state, or true: the plan keeps it only when the configuration sets it.
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
