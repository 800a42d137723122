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

// connectionSchemaFacts are the connection schema's version and the tftypes of its state
// and identity.
type connectionSchemaFacts struct {
	version         int64
	state, identity tftypes.Type
}

// connectionSchema is built once.
var connectionSchema = sync.OnceValue(func() connectionSchemaFacts {
	ctx := context.Background()
	r := &connectionResource{}
	var s resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &s)
	var i resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &i)
	return connectionSchemaFacts{version: s.Schema.Version, state: s.Schema.Type().TerraformType(ctx), identity: i.IdentitySchema.Type().TerraformType(ctx)}
})

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

// disagreement compares what a shortcut answered with the framework's answer, and returns
// what differs, or "" when nothing does.
func disagreement(kind string, fastState, slowState *tfprotov6.DynamicValue, fastIdentity, slowIdentity *tfprotov6.ResourceIdentityData, fastPrivate, slowPrivate []byte, slowDiags []*tfprotov6.Diagnostic) string {
	stateType, identityType := connectionTypes()
	if len(slowDiags) > 0 {
		return fmt.Sprintf("the framework's %s reported %d diagnostics (%s)", kind, len(slowDiags), slowDiags[0].Summary)
	}
	if !sameValue(fastState, slowState, stateType) {
		return fmt.Sprintf("the %s state differs from the framework's", kind)
	}
	var fi, si *tfprotov6.DynamicValue
	if fastIdentity != nil {
		fi = fastIdentity.IdentityData
	}
	if slowIdentity != nil {
		si = slowIdentity.IdentityData
	}
	if !sameValue(fi, si, identityType) {
		return fmt.Sprintf("the %s identity differs from the framework's", kind)
	}
	if !samePrivate(fastPrivate, slowPrivate) {
		return fmt.Sprintf("the %s private state differs from the framework's", kind)
	}
	return ""
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

// verifyFailed is the framework's answer with an error saying the shortcut differed.
func verifyFailed(kind, what string) *tfprotov6.Diagnostic {
	return &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Shortcut Differs From The Framework",
		Detail:   fmt.Sprintf("The provider answered %s of %s without the framework, and %s.", kind, connectionTypeName, what),
	}
}
