package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A plan calls UpgradeResourceState, ReadResource and PlanResourceChange for every connection in the
// configuration, and for a fleet that did not change the last two answer "as before". The
// framework finds that out by walking every value of the connection's nested schema
// several times over, which costs tens of milliseconds of CPU per connection. The server
// below answers those cases itself, from the encoded values, and hands every other
// request to the framework unchanged:
//
//   - PlanResourceChange of a connection whose proposed new state is the prior state,
//     with the defaults holding: the plan is the prior state (connection_plan_shortcut.go);
//   - ReadResource of a connection whose state and whose Airbyte record are those a
//     framework read turned into that same state: the state stands
//     (connection_read_shortcut.go);
//   - UpgradeResourceState of a state of the schema's version, decoded with the schema's
//     type computed once (connection_upgrade_shortcut.go).
//
// Each is an answer the framework would give; the acceptance tests run with
// shortcutVerify on, which asks the framework as well and fails on any difference.

// connectionTypeName is the connection resource's type.
const connectionTypeName = "airbyte_connection"

// NewProtocol6Server returns a constructor of the provider's plugin server: the framework's
// server for the provider newProvider makes, with the shortcuts above.
func NewProtocol6Server(newProvider func() provider.Provider) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := newProvider()
		inner, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		fw, ok := inner.(frameworkServer)
		ap, isOurs := p.(*airbyteProvider)
		if !ok || !isOurs {
			return inner, nil
		}
		return &shortcutServer{frameworkServer: fw, provider: ap}, nil
	}
}

// frameworkServer is every RPC service the framework's server offers; the shortcut server
// offers the same by embedding it.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

type shortcutServer struct {
	frameworkServer
	provider *airbyteProvider
}

// shortcutVerify makes every shortcut also ask the framework and turn a difference into
// an error. The tests set it; it doubles the work, so nothing else does.
var shortcutVerify bool

// shortcutStats counts the requests the shortcuts answered, for tests and benchmarks.
var shortcutStats struct {
	reads, plans, upgrades atomic.Int64
}

// connectionSchemaFacts are the connection schema's version, the tftypes of its state and
// identity, and its defaults as the plan shortcut applies them.
type connectionSchemaFacts struct {
	version         int64
	state, identity tftypes.Type
	// boolDefaults are the top-level attributes with a default, and their default.
	boolDefaults map[string]bool
	// planShortcut is false when the schema has a default the plan shortcut does not
	// apply (not a bool, or nested) or an attribute of a kind it does not know.
	planShortcut bool
}

// connectionSchema is built once.
var connectionSchema = sync.OnceValue(func() connectionSchemaFacts {
	ctx := context.Background()
	r := &connectionResource{}
	var s resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &s)
	var i resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &i)
	f := connectionSchemaFacts{version: s.Schema.Version, state: s.Schema.Type().TerraformType(ctx), identity: i.IdentitySchema.Type().TerraformType(ctx)}
	f.boolDefaults, f.planShortcut = boolDefaults(ctx, s.Schema.Attributes)
	for _, b := range s.Schema.Blocks {
		block, ok := b.(schema.SingleNestedBlock)
		nested, known := boolDefaults(ctx, block.Attributes)
		f.planShortcut = f.planShortcut && ok && known && len(nested) == 0
	}
	return f
})

// boolDefaults returns the attributes of attrs with a default, which must be a bool: ok is
// false when one has another default, a nested attribute has one, or an attribute is of a
// kind not listed here.
func boolDefaults(ctx context.Context, attrs map[string]schema.Attribute) (_ map[string]bool, ok bool) {
	out := map[string]bool{}
	noneWithin := func(nested map[string]schema.Attribute) bool {
		d, ok := boolDefaults(ctx, nested)
		return ok && len(d) == 0
	}
	for name, a := range attrs {
		var plain bool // no default of its own, nor within
		switch a := a.(type) {
		case schema.BoolAttribute:
			if a.Default != nil {
				var resp defaults.BoolResponse
				a.Default.DefaultBool(ctx, defaults.BoolRequest{}, &resp)
				if resp.Diagnostics.HasError() {
					return nil, false
				}
				out[name] = resp.PlanValue.ValueBool()
			}
			plain = true
		case schema.StringAttribute:
			plain = a.Default == nil
		case schema.Int64Attribute:
			plain = a.Default == nil
		case schema.ListAttribute:
			plain = a.Default == nil
		case schema.SingleNestedAttribute:
			plain = a.Default == nil && noneWithin(a.Attributes)
		case schema.ListNestedAttribute:
			plain = a.Default == nil && noneWithin(a.NestedObject.Attributes)
		case schema.SetNestedAttribute:
			plain = a.Default == nil && noneWithin(a.NestedObject.Attributes)
		}
		if !plain {
			return nil, false
		}
	}
	return out, true
}

// connectionTypes are the tftypes of the connection's state and identity.
func connectionTypes() (state, identity tftypes.Type) {
	f := connectionSchema()
	return f.state, f.identity
}

// buildSalt names this build of the provider in what the read shortcut remembers, so that
// a state read by another build is read again: its version, and the size and time of its
// executable.
var buildSalt = sync.OnceValue(func() string {
	salt := "airbyte_connection/1"
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			salt += fmt.Sprintf("/%d/%d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return salt
})

// identityValue encodes a connection's identity.
func identityValue(connectionID *string) (*tfprotov6.ResourceIdentityData, error) {
	_, typ := connectionTypes()
	var v tftypes.Value
	if connectionID == nil {
		v = tftypes.NewValue(typ, nil)
	} else {
		v = tftypes.NewValue(typ, map[string]tftypes.Value{"connection_id": tftypes.NewValue(tftypes.String, *connectionID)})
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &dv}, nil
}

// shortcutAnswer is what a shortcut and the framework are compared on.
type shortcutAnswer struct {
	state    *tfprotov6.DynamicValue
	identity *tfprotov6.ResourceIdentityData
	private  []byte
	diags    []*tfprotov6.Diagnostic
	// replaces is a plan's RequiresReplace, or a deferral.
	replaces bool
}

// differs says what differs between a shortcut's answer and the framework's, or "".
func (fast shortcutAnswer) differs(slow shortcutAnswer) string {
	stateType, identityType := connectionTypes()
	identityData := func(d *tfprotov6.ResourceIdentityData) *tfprotov6.DynamicValue {
		if d == nil {
			return nil
		}
		return d.IdentityData
	}
	switch {
	case len(slow.diags) > 0:
		return fmt.Sprintf("the framework reported %d diagnostics (%s)", len(slow.diags), slow.diags[0].Summary)
	case slow.replaces:
		return "the framework's answer requires replacement or is deferred"
	case !sameValue(fast.state, slow.state, stateType):
		return "the state differs from the framework's"
	case !sameValue(identityData(fast.identity), identityData(slow.identity), identityType):
		return "the identity differs from the framework's"
	case !samePrivate(fast.private, slow.private):
		return "the private state differs from the framework's"
	}
	return ""
}

// checkedAgainstFramework returns fast, a shortcut's response to an rpc, after counting
// it; with shortcutVerify it asks the framework too, and on any difference returns the
// framework's response with an error saying what differed.
func checkedAgainstFramework[R any](rpc string, count *atomic.Int64, fast R, framework func() (R, error),
	answer func(R) shortcutAnswer, addDiag func(R, *tfprotov6.Diagnostic),
) (R, error) {
	count.Add(1)
	if !shortcutVerify {
		return fast, nil
	}
	slow, err := framework()
	if err != nil {
		return slow, err
	}
	if what := answer(fast).differs(answer(slow)); what != "" {
		addDiag(slow, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Shortcut Differs From The Framework",
			Detail:   fmt.Sprintf("The provider answered %s of %s without the framework, and %s.", rpc, connectionTypeName, what),
		})
		return slow, nil
	}
	return fast, nil
}

func sameValue(a, b *tfprotov6.DynamicValue, typ tftypes.Type) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	da, errA := valueDigest(a.MsgPack, typ)
	db, errB := valueDigest(b.MsgPack, typ)
	return errA == nil && errB == nil && da == db
}

func samePrivate(a, b []byte) bool {
	ma, errA := decodePrivate(a)
	mb, errB := decodePrivate(b)
	if errA != nil || errB != nil || len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if !bytes.Equal(v, mb[k]) {
			return false
		}
	}
	return true
}
