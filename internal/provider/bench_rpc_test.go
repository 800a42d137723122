//go:build bench

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// BenchmarkConnectionRPC measures what one imported connection costs the provider in a plan, RPC
// by RPC, through the plugin protocol in-process: ReadResource (the refresh) and
// PlanResourceChange of a connection with 4 streams and 1 mapper, configured with only its
// source_id and destination_id, as the scale benchmark's imports are. ValidateResourceConfig is
// measured too, as terraform calls it once per resource in every plan. The emulator answers
// in-process without latency, so ReadResource includes one HTTP round trip on loopback.
//
//	go test -tags bench -run '^$' -bench BenchmarkConnectionRPC -benchmem ./internal/provider/
func BenchmarkConnectionRPC(b *testing.B) {
	for _, rpc := range connectionRPCs {
		b.Run(rpc.name, func(b *testing.B) { benchConnectionRPC(b, rpc.call) })
	}
}

// connectionRPCs are the RPCs BenchmarkConnectionRPC measures, in the order of a plan.
var connectionRPCs = []struct {
	name string
	call func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error)
}{
	{"ValidateResourceConfig", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: connectionType, Config: f.config})
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
	// The same connection configured as a module that lists its streams writes it: each
	// stream's name and sync mode.
	{"ValidateResourceConfigStreams", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: connectionType, Config: f.configStreams})
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
	{"UpgradeResourceState", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: connectionType,
			Version: f.version, RawState: &tfprotov6.RawState{JSON: f.stateJSON}})
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
	{"ReadResource", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.server.ReadResource(ctx, f.readRequest())
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
	{"PlanResourceChange", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.server.PlanResourceChange(ctx, f.planRequest())
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
	// The same requests answered by the framework, as every read and plan was before the
	// shortcuts, and as a connection that changed still is.
	{"ReadResourceFramework", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.framework().ReadResource(ctx, f.readRequest())
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
	{"UpgradeResourceStateFramework", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.framework().UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: connectionType,
			Version: f.version, RawState: &tfprotov6.RawState{JSON: f.stateJSON}})
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
	{"PlanResourceChangeFramework", func(ctx context.Context, f *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error) {
		resp, err := f.framework().PlanResourceChange(ctx, f.planRequest())
		return diagsOf(resp, err, func() []*tfprotov6.Diagnostic { return resp.Diagnostics })
	}},
}

func diagsOf[T any](resp *T, err error, diags func() []*tfprotov6.Diagnostic) ([]*tfprotov6.Diagnostic, error) {
	if err != nil || resp == nil {
		return nil, err
	}
	return diags(), nil
}

func benchConnectionRPC(b *testing.B, call func(context.Context, *connectionRPCFixture) ([]*tfprotov6.Diagnostic, error)) {
	f := newConnectionRPCFixture(b)
	ctx := context.Background()
	// TestMain has the shortcuts checked against the framework, which would measure both.
	verify := shortcutVerify
	shortcutVerify = false
	b.Cleanup(func() { shortcutVerify = verify })
	answered := func() int64 {
		return shortcutStats.reads.Load() + shortcutStats.plans.Load() + shortcutStats.upgrades.Load()
	}
	before := answered()
	b.Cleanup(func() { b.ReportMetric(float64(answered()-before)/float64(b.N), "shortcuts/op") })
	b.ReportAllocs()
	for b.Loop() {
		diags, err := call(ctx, f)
		if err != nil || hasError(diags) {
			b.Fatalf("%v %s", err, diagText(diags))
		}
	}
}

// rpcResult is one RPC's figures.
type rpcResult struct {
	Name                             string
	NsPerOp, BytesPerOp, AllocsPerOp int64
}

// measureConnectionRPC runs BenchmarkConnectionRPC's RPCs for the report.
func measureConnectionRPC(t *testing.T) []rpcResult {
	var res []rpcResult
	for _, rpc := range connectionRPCs {
		r := testing.Benchmark(func(b *testing.B) { benchConnectionRPC(b, rpc.call) })
		if r.N == 0 {
			t.Errorf("BenchmarkConnectionRPC/%s failed", rpc.name)
			continue
		}
		res = append(res, rpcResult{Name: rpc.name, NsPerOp: r.NsPerOp(), BytesPerOp: r.AllocedBytesPerOp(), AllocsPerOp: r.AllocsPerOp()})
	}
	return res
}

// connectionRPCFixture is a configured provider server and the values of one imported connection.
type connectionRPCFixture struct {
	server  tfprotov6.ProviderServer
	state   *tfprotov6.DynamicValue // after import and a refresh
	private []byte                  // the private state that refresh left
	// stateJSON is state as the state file holds it, which terraform upgrades first.
	stateJSON []byte
	version   int64
	config    *tfprotov6.DynamicValue // source_id and destination_id only
	// configStreams adds the streams, each with its name and sync mode.
	configStreams *tfprotov6.DynamicValue
	proposed      *tfprotov6.DynamicValue // what terraform proposes from state and config
}

func (f *connectionRPCFixture) planRequest() *tfprotov6.PlanResourceChangeRequest {
	return &tfprotov6.PlanResourceChangeRequest{TypeName: connectionType, PriorState: f.state, ProposedNewState: f.proposed, Config: f.config,
		PriorPrivate: f.private}
}

func (f *connectionRPCFixture) readRequest() *tfprotov6.ReadResourceRequest {
	return &tfprotov6.ReadResourceRequest{TypeName: connectionType, CurrentState: f.state, Private: f.private}
}

// framework is the framework's own server behind the shortcuts.
func (f *connectionRPCFixture) framework() tfprotov6.ProviderServer {
	return f.server.(*shortcutServer).frameworkServer
}

func newConnectionRPCFixture(b *testing.B) *connectionRPCFixture {
	b.Helper()
	ctx := context.Background()
	emu := emulator.New(emulator.Options{Seed: 6, SeedConnections: 1})
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	info := emu.Info(srv.URL)
	api, err := client.New(client.Config{ServerURL: info.ServerURL, ClientID: info.ClientID, ClientSecret: info.ClientSecret})
	if err != nil {
		b.Fatal(err)
	}
	conns, err := api.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{info.Workspaces[0].WorkspaceID}})
	if err != nil || len(conns) != 1 {
		b.Fatalf("listing the seeded connection: %d connections, %v", len(conns), err)
	}
	conn := conns[0]
	if err := addBenchMapper(ctx, api, &conn); err != nil {
		b.Fatal(err)
	}

	server, err := NewProtocol6Server(New("bench"))()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schemas.Diagnostics) {
		b.Fatalf("GetProviderSchema: %v %v", err, diagText(schemas.Diagnostics))
	}
	settings := map[string]tftypes.Value{}
	for name, typ := range providerConfigType.AttributeTypes {
		settings[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range map[string]string{"server_url": info.ServerURL, "config_api_url": info.ConfigAPIURL,
		"client_id": info.ClientID, "client_secret": info.ClientSecret, "workspace_id": info.Workspaces[0].WorkspaceID} {
		settings[name] = tftypes.NewValue(tftypes.String, v)
	}
	pcfg, err := tfprotov6.NewDynamicValue(providerConfigType, tftypes.NewValue(providerConfigType, settings))
	if err != nil {
		b.Fatal(err)
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pcfg})
	if err != nil || hasError(configured.Diagnostics) {
		b.Fatalf("ConfigureProvider: %v %v", err, diagText(configured.Diagnostics))
	}

	schema := schemas.ResourceSchemas[connectionType]
	typ := schema.ValueType().(tftypes.Object)
	imported, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: connectionType, ID: conn.ConnectionID})
	if err != nil || hasError(imported.Diagnostics) || len(imported.ImportedResources) != 1 {
		b.Fatalf("ImportResourceState: %v %v", err, diagText(imported.Diagnostics))
	}
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: connectionType, CurrentState: imported.ImportedResources[0].State})
	if err != nil || hasError(read.Diagnostics) {
		b.Fatalf("ReadResource: %v %v", err, diagText(read.Diagnostics))
	}
	prior, err := read.NewState.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	var priorAttrs map[string]tftypes.Value
	if err := prior.As(&priorAttrs); err != nil {
		b.Fatal(err)
	}
	var configurations map[string]tftypes.Value
	var streams []tftypes.Value
	if err := priorAttrs["configurations"].As(&configurations); err != nil {
		b.Fatal(err)
	}
	if err := configurations["streams"].As(&streams); err != nil || len(streams) != 4 {
		b.Fatalf("the imported connection has %d streams (%v), want 4", len(streams), err)
	}

	// The configuration of the scale benchmark's imports; terraform proposes the prior value for
	// every computed attribute the configuration leaves null.
	cfgAttrs := map[string]tftypes.Value{}
	proposedAttrs := map[string]tftypes.Value{}
	computed := map[string]bool{}
	for _, a := range schema.Block.Attributes {
		computed[a.Name] = a.Computed
	}
	for name, t := range typ.AttributeTypes {
		cfgAttrs[name] = tftypes.NewValue(t, nil)
		switch name {
		case "source_id":
			cfgAttrs[name] = tftypes.NewValue(t, conn.SourceID)
		case "destination_id":
			cfgAttrs[name] = tftypes.NewValue(t, conn.DestinationID)
		}
		proposedAttrs[name] = cfgAttrs[name]
		if cfgAttrs[name].IsNull() && computed[name] {
			proposedAttrs[name] = priorAttrs[name]
		}
	}
	// Terraform encodes the prior state and the proposal alike; so does the fixture.
	f := &connectionRPCFixture{server: server, private: read.Private}
	if f.state, err = dynamicValue(typ, priorAttrs); err != nil {
		b.Fatal(err)
	}
	if f.stateJSON, err = json.Marshal(jsonValue(prior)); err != nil {
		b.Fatal(err)
	}
	f.version = schema.Version
	if f.config, err = dynamicValue(typ, cfgAttrs); err != nil {
		b.Fatal(err)
	}
	if f.configStreams, err = dynamicValue(typ, withNamedStreams(typ, cfgAttrs, streams)); err != nil {
		b.Fatal(err)
	}
	if f.proposed, err = dynamicValue(typ, proposedAttrs); err != nil {
		b.Fatal(err)
	}

	// The plan must be empty, as terraform's plan of the imports is.
	plan, err := server.PlanResourceChange(ctx, f.planRequest())
	if err != nil || hasError(plan.Diagnostics) {
		b.Fatalf("PlanResourceChange: %v %v", err, diagText(plan.Diagnostics))
	}
	planned, err := plan.PlannedState.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	if !planned.Equal(prior) || len(plan.RequiresReplace) > 0 {
		diffs, _ := prior.Diff(planned)
		b.Fatalf("the plan of the imported connection is not empty: %v", diffs)
	}
	return f
}

func dynamicValue(typ tftypes.Object, attrs map[string]tftypes.Value) (*tfprotov6.DynamicValue, error) {
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	return &dv, err
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var s string
	for _, d := range diags {
		s += fmt.Sprintf("\n  %s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	return s
}

// addBenchMapper gives conn's first "users" or "customers" stream (each seeded source has one,
// with an email field) a hashing mapper of its email, so that the connection has 4 streams and 1
// mapper, and updates conn to what the server answers.
func addBenchMapper(ctx context.Context, api *client.Client, conn *client.Connection) error {
	streams := conn.Configurations.Streams
	for i := range streams {
		if len(streams[i].SelectedFields) == 0 {
			streams[i].SelectedFields = nil // all fields; an empty list would select none
		}
	}
	for i := range streams {
		if streams[i].Name != "users" && streams[i].Name != "customers" {
			continue
		}
		streams[i].Mappers = []client.StreamMapper{{Type: client.StreamMapperHashing,
			MapperConfiguration: json.RawMessage(`{"targetField":"email","method":"SHA-256","fieldNameSuffix":"_hashed"}`)}}
		patched, err := api.PatchConnection(ctx, conn.ConnectionID, client.ConnectionPatchRequest{
			Configurations: &client.StreamConfigurations{Streams: streams}})
		if err != nil {
			return fmt.Errorf("adding a mapper to connection %s: %w", conn.ConnectionID, err)
		}
		*conn = *patched
		return nil
	}
	return fmt.Errorf("connection %s has no users or customers stream to map", conn.ConnectionID)
}

// withNamedStreams is a configuration's attributes with configurations.streams set to the
// streams' names and sync modes, every other stream attribute left out.
func withNamedStreams(typ tftypes.Object, attrs map[string]tftypes.Value, streams []tftypes.Value) map[string]tftypes.Value {
	confType := typ.AttributeTypes["configurations"].(tftypes.Object)
	setType := confType.AttributeTypes["streams"].(tftypes.Set)
	elemType := setType.ElementType.(tftypes.Object)
	named := make([]tftypes.Value, 0, len(streams))
	for _, s := range streams {
		var have map[string]tftypes.Value
		_ = s.As(&have)
		written := make(map[string]tftypes.Value, len(elemType.AttributeTypes))
		for name, t := range elemType.AttributeTypes {
			written[name] = tftypes.NewValue(t, nil)
		}
		written["name"], written["sync_mode"] = have["name"], have["sync_mode"]
		named = append(named, tftypes.NewValue(elemType, written))
	}
	out := make(map[string]tftypes.Value, len(attrs))
	for k, v := range attrs {
		out[k] = v
	}
	out["configurations"] = tftypes.NewValue(confType, map[string]tftypes.Value{"streams": tftypes.NewValue(setType, named)})
	return out
}
