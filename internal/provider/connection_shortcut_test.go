package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// shortcutFixture is a configured server and one connection imported and read through it.
type shortcutFixture struct {
	t      *testing.T
	e      *accEmulator
	server tfprotov6.ProviderServer
	conn   client.Connection
	// read is the framework's read that followed the import.
	read *tfprotov6.ReadResourceResponse
}

func newShortcutFixture(t *testing.T) *shortcutFixture {
	t.Helper()
	e := newAccEmulator(t, emulator.Options{Seed: 61, SeedConnections: 1})
	conns, err := e.apiClient().ListConnections(context.Background(), client.ListConnectionsParams{WorkspaceIDs: []string{e.Workspace(0).WorkspaceID}})
	if err != nil || len(conns) != 1 {
		t.Fatalf("listing the seeded connection: %d, %v", len(conns), err)
	}
	f := &shortcutFixture{t: t, e: e, server: newProtocolServer(t, e), conn: conns[0]}
	imported, err := f.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: connectionType, ID: f.conn.ConnectionID})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "ImportResourceState", imported.Diagnostics)
	got := imported.ImportedResources[0]
	f.read = f.readWith(f.server, &tfprotov6.ReadResourceRequest{TypeName: connectionType, CurrentState: got.State, Private: got.Private})
	return f
}

func (f *shortcutFixture) readWith(server tfprotov6.ProviderServer, req *tfprotov6.ReadResourceRequest) *tfprotov6.ReadResourceResponse {
	f.t.Helper()
	resp, err := server.ReadResource(context.Background(), req)
	if err != nil {
		f.t.Fatal(err)
	}
	failOnErrors(f.t, "ReadResource", resp.Diagnostics)
	return resp
}

// again is the read of the state and private state the last read left, as the next
// terraform run sends it.
func (f *shortcutFixture) again(server tfprotov6.ProviderServer, last *tfprotov6.ReadResourceResponse) (*tfprotov6.ReadResourceRequest, *tfprotov6.ReadResourceResponse) {
	f.t.Helper()
	req := &tfprotov6.ReadResourceRequest{TypeName: connectionType, CurrentState: reencoded(f.t, last.NewState), Private: last.Private}
	return req, f.readWith(server, req)
}

// reencoded is v decoded and encoded again, as terraform hands a stored value back.
func reencoded(t *testing.T, v *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	t.Helper()
	typ, _ := connectionTypes()
	val, err := v.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, val)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func stateAttr(t *testing.T, v *tfprotov6.DynamicValue, name string) tftypes.Value {
	t.Helper()
	typ, _ := connectionTypes()
	return attrOf(t, v, typ, name)
}

func attrOf(t *testing.T, v *tfprotov6.DynamicValue, typ tftypes.Type, name string) tftypes.Value {
	t.Helper()
	return attrsOf(t, v, typ)[name]
}

// attrsOf is v's attributes.
func attrsOf(t *testing.T, v *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	t.Helper()
	val, err := v.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := val.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs
}

// TestShortcutRead checks that the read after a framework read is answered from the
// fingerprint (the state handed back as it came), that a connection changed in Airbyte
// is read by the framework again, and that the answer is the framework's (shortcutVerify).
func TestShortcutRead(t *testing.T) {
	f := newShortcutFixture(t)
	if !strings.Contains(string(f.read.Private), readFingerprintKey) {
		t.Fatalf("the read after the import left no fingerprint in the private state: %q", f.read.Private)
	}

	req, resp := f.again(f.server, f.read)
	if resp.NewState != req.CurrentState {
		t.Error("the read of an unchanged connection was not answered by the shortcut")
	}
	_, identityType := connectionTypes()
	if got := attrOf(t, resp.NewIdentity.IdentityData, identityType, "connection_id"); !got.Equal(tftypes.NewValue(tftypes.String, f.conn.ConnectionID)) {
		t.Errorf("identity connection_id = %v, want %q", got, f.conn.ConnectionID)
	}

	// Renamed outside Terraform: a new provider process (a new listing) reads the change.
	if _, err := f.e.apiClient().PatchConnection(context.Background(), f.conn.ConnectionID, client.ConnectionPatchRequest{Name: ptr("renamed in the UI")}); err != nil {
		t.Fatal(err)
	}
	next := newProtocolServer(t, f.e)
	req, resp = f.again(next, resp)
	if resp.NewState == req.CurrentState {
		t.Error("the read of a renamed connection was answered by the shortcut")
	}
	if got := stateAttr(t, resp.NewState, "name"); !got.Equal(tftypes.NewValue(tftypes.String, "renamed in the UI")) {
		t.Errorf("name after the rename = %v", got)
	}
	// And that read's fingerprint serves the one after it.
	req, resp = f.again(next, resp)
	if resp.NewState != req.CurrentState {
		t.Error("the read after the rename's read was not answered by the shortcut")
	}

	// Another state with the same record, such as one an older build wrote, is read by the framework.
	other := stateWith(t, resp.NewState, "prefix", tftypes.NewValue(tftypes.String, "stale_"))
	req = &tfprotov6.ReadResourceRequest{TypeName: connectionType, CurrentState: other, Private: resp.Private}
	resp = f.readWith(next, req)
	if resp.NewState == req.CurrentState {
		t.Error("the read of a state the fingerprint does not name was answered by the shortcut")
	}
}

// TestShortcutVerifyCatchesADifference gives the read shortcut a fingerprint that names a
// state the framework would not keep: the check against the framework (on in tests) must
// turn the difference into an error, so that a wrong shortcut fails the tests.
func TestShortcutVerifyCatchesADifference(t *testing.T) {
	f := newShortcutFixture(t)
	wrong := stateWith(t, f.read.NewState, "name", tftypes.NewValue(tftypes.String, "not what Airbyte has"))
	stateType, _ := connectionTypes()
	digest, err := valueDigest(wrong.MsgPack, stateType)
	if err != nil {
		t.Fatal(err)
	}
	data := f.server.(*shortcutServer).provider.configured.Load()
	fp, _ := json.Marshal(readFingerprint(digest, &f.conn, data.webRoot))
	private, _ := json.Marshal(map[string][]byte{readFingerprintKey: fp})
	resp, err := f.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: connectionType, CurrentState: wrong, Private: private})
	if err != nil {
		t.Fatal(err)
	}
	if !hasError(resp.Diagnostics) || !strings.Contains(resp.Diagnostics[len(resp.Diagnostics)-1].Summary, "Shortcut Differs") {
		t.Fatalf("a shortcut answer unlike the framework's was not reported: %+v", resp.Diagnostics)
	}
}

// TestShortcutPlan checks which plans the shortcut answers: an existing connection whose
// proposal is its prior state, but not one whose defaults move it (delete_source_on_destroy
// true in state and left out of the configuration), nor a change.
func TestShortcutPlan(t *testing.T) {
	f := newShortcutFixture(t)
	prior := reencoded(t, f.read.NewState)
	config := configOf(t, map[string]tftypes.Value{
		"source_id":      tftypes.NewValue(tftypes.String, f.conn.SourceID),
		"destination_id": tftypes.NewValue(tftypes.String, f.conn.DestinationID),
	})
	plan := func(priorState, proposed, config *tfprotov6.DynamicValue) (*tfprotov6.PlanResourceChangeRequest, *tfprotov6.PlanResourceChangeResponse) {
		t.Helper()
		req := &tfprotov6.PlanResourceChangeRequest{TypeName: connectionType, PriorState: priorState, ProposedNewState: proposed, Config: config, PriorPrivate: f.read.Private}
		resp, err := f.server.PlanResourceChange(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		failOnErrors(t, "PlanResourceChange", resp.Diagnostics)
		return req, resp
	}

	req, resp := plan(prior, reencoded(t, prior), config)
	if resp.PlannedState != req.ProposedNewState || len(resp.RequiresReplace) > 0 {
		t.Error("the plan of an unchanged connection was not answered by the shortcut")
	}

	// delete_source_on_destroy true in state, left out of the configuration: planned false.
	withDelete := stateWith(t, prior, "delete_source_on_destroy", tftypes.NewValue(tftypes.Bool, true))
	req, resp = plan(withDelete, reencoded(t, withDelete), config)
	if resp.PlannedState == req.ProposedNewState {
		t.Error("the plan moving delete_source_on_destroy to its default was answered by the shortcut")
	}
	if got := stateAttr(t, resp.PlannedState, "delete_source_on_destroy"); !got.Equal(tftypes.NewValue(tftypes.Bool, false)) {
		t.Errorf("planned delete_source_on_destroy = %v, want false", got)
	}
	// Set in the configuration too: unchanged, and the shortcut's.
	configDelete := stateWith(t, config, "delete_source_on_destroy", tftypes.NewValue(tftypes.Bool, true))
	req, resp = plan(withDelete, reencoded(t, withDelete), configDelete)
	if resp.PlannedState != req.ProposedNewState {
		t.Error("the plan of an unchanged connection with delete_source_on_destroy set was not answered by the shortcut")
	}

	// A change (a new prefix) is the framework's.
	proposed := stateWith(t, prior, "prefix", tftypes.NewValue(tftypes.String, "new_"))
	req, resp = plan(prior, proposed, stateWith(t, config, "prefix", tftypes.NewValue(tftypes.String, "new_")))
	if resp.PlannedState == req.ProposedNewState {
		t.Error("the plan of a change was answered by the shortcut")
	}
	if got := stateAttr(t, resp.PlannedState, "prefix"); !got.Equal(tftypes.NewValue(tftypes.String, "new_")) {
		t.Errorf("planned prefix = %v", got)
	}
}

// stateWith is v with one top-level attribute replaced.
func stateWith(t *testing.T, v *tfprotov6.DynamicValue, name string, to tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	typ, _ := connectionTypes()
	attrs := attrsOf(t, v, typ)
	attrs[name] = to
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// configOf is a configuration of the connection with only the attributes given.
func configOf(t *testing.T, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	typ, _ := connectionTypes()
	obj := typ.(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
		if v, ok := set[name]; ok {
			attrs[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// TestAccConnection_shortcutsUnderTerraform runs the shortcuts under the real CLI: after an
// apply that refreshed an unchanged connection, the next plan's read and plan are the
// shortcuts' (checked against the framework, as in every test), a rename made outside
// Terraform is still planned back, and so is delete_source_on_destroy left out of the
// configuration after being true. Not parallel: it counts the shortcuts the process answered.
func TestAccConnection_shortcutsUnderTerraform(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 62})
	src, dst := e.Source(0, 0), e.Destination(0, 0)
	config := func(extra string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  name           = "fleet member"
  source_id      = %q
  destination_id = %q
  configurations = {
    streams = [{ name = "users", sync_mode = "incremental_append" }, { name = "orders" }]
  }
  %s
}
`, src.SourceID, dst.DestinationID, extra)
	}
	const res = "airbyte_connection.c"
	var id string
	var reads, plans int64
	count := func() { reads, plans = shortcutStats.reads.Load(), shortcutStats.plans.Load() }
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config("delete_source_on_destroy = true"),
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[res].Primary.ID
					return nil
				},
			},
			{
				// This apply refreshes the unchanged connection and keeps the fingerprint;
				// the plan after it reads and plans through the shortcuts.
				PreConfig: count,
				Config:    config("delete_source_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				PreConfig: func() {
					if shortcutStats.reads.Load() == reads || shortcutStats.plans.Load() == plans {
						t.Errorf("the shortcuts answered %d reads and %d plans in the last step, want some of each",
							shortcutStats.reads.Load()-reads, shortcutStats.plans.Load()-plans)
					}
					if _, err := e.apiClient().PatchConnection(context.Background(), id, client.ConnectionPatchRequest{Name: ptr("renamed in the UI")}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("delete_source_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("name"), knownvalue.StringExact("fleet member")),
				}},
				Check: e.checkEmulator(res, func(c emulator.SnapshotConnection) error { return expect("name", c.Name, "fleet member") }),
			},
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("delete_source_on_destroy"), knownvalue.Bool(false)),
				}},
			},
		},
	})
}

// TestShortcutUpgrade checks that a state of the schema's version is decoded by the
// shortcut, attributes the schema no longer has ignored as the framework ignores them (the
// answer is checked against the framework's), and that another version goes to the
// framework, which refuses it.
func TestShortcutUpgrade(t *testing.T) {
	f := newShortcutFixture(t)
	typ, _ := connectionTypes()
	val, err := f.read.NewState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	stored := jsonValue(val).(map[string]any)
	stored["attribute_of_an_older_build"] = "ignored"
	raw, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	before := shortcutStats.upgrades.Load()
	resp, err := f.server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{TypeName: connectionType, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "UpgradeResourceState", resp.Diagnostics)
	if shortcutStats.upgrades.Load() == before {
		t.Error("the upgrade of a state of the schema's version was not answered by the shortcut")
	}
	if !sameValue(resp.UpgradedState, f.read.NewState, typ) {
		t.Error("the upgraded state is not the state stored")
	}
	resp, err = f.server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{TypeName: connectionType, Version: 7, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil {
		t.Fatal(err)
	}
	if !hasError(resp.Diagnostics) {
		t.Error("a state of version 7 was upgraded without an error")
	}
}

// jsonValue is v as the state file writes it.
func jsonValue(v tftypes.Value) any {
	if v.IsNull() {
		return nil
	}
	switch typ := v.Type(); {
	case typ.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case typ.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case typ.Is(tftypes.Number):
		n := new(big.Float)
		_ = v.As(&n)
		return json.Number(n.Text('f', -1))
	case typ.Is(tftypes.Object{}) || typ.Is(tftypes.Map{}):
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := make(map[string]any, len(attrs))
		for k, a := range attrs {
			out[k] = jsonValue(a)
		}
		return out
	default: // lists, sets and tuples
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := make([]any, 0, len(elems))
		for _, e := range elems {
			out = append(out, jsonValue(e))
		}
		return out
	}
}

// TestPlanShortcutDefaults checks the defaults the plan shortcut reads from the schema: the
// connection's two bool defaults, and none it cannot apply, which would turn it off.
func TestPlanShortcutDefaults(t *testing.T) {
	f := connectionSchema()
	if !f.planShortcut || len(f.boolDefaults) != 2 || f.boolDefaults["delete_source_on_destroy"] || f.boolDefaults["delete_destination_on_destroy"] {
		t.Errorf("connection schema: shortcut %v, defaults %v; want on, two false defaults", f.planShortcut, f.boolDefaults)
	}
	ctx := context.Background()
	for name, attrs := range map[string]map[string]rschema.Attribute{
		"a string default": {"s": rschema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("x")}},
		"a nested default": {"o": rschema.SingleNestedAttribute{Optional: true, Attributes: map[string]rschema.Attribute{
			"b": rschema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
		}}},
		"an unknown kind": {"n": rschema.NumberAttribute{Optional: true}},
	} {
		if _, ok := boolDefaults(ctx, attrs); ok {
			t.Errorf("a schema with %s leaves the plan shortcut on", name)
		}
	}
}
