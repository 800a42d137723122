package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

func TestMapperConversionRoundTrips(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		typ client.StreamMapperType
		cfg string
	}{
		{client.StreamMapperHashing, `{"fieldNameSuffix":"_hashed","method":"SHA-256","targetField":"email"}`},
		{client.StreamMapperFieldRenaming, `{"newFieldName":"mail","originalFieldName":"email"}`},
		{client.StreamMapperFieldFiltering, `{"targetField":"ssn"}`},
		{client.StreamMapperRowFiltering, `{"conditions":{"comparisonValue":"active","fieldName":"status","type":"EQUAL"}}`},
		{client.StreamMapperEncryption, `{"algorithm":"RSA","fieldNameSuffix":"_enc","publicKey":"abc","targetField":"card"}`},
		{client.StreamMapperEncryption, `{"algorithm":"AES","fieldNameSuffix":"_enc","key":"k","mode":"GCM","padding":"NoPadding","targetField":"card"}`},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			in := client.StreamMapper{ID: "11111111-2222-4333-8444-555555555555", Type: tc.typ, MapperConfiguration: json.RawMessage(tc.cfg)}
			v, diags := mapperValueFromAPI(in)
			if diags.HasError() {
				t.Fatal(diags)
			}
			out, diags := mapperToAPI(ctx, v)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if out.ID != in.ID || out.Type != in.Type || canonicalJSON(out.MapperConfiguration) != canonicalJSON(in.MapperConfiguration) {
				t.Fatalf("round trip changed the mapper:\n in  %s %s\n out %s %s", in.Type, in.MapperConfiguration, out.Type, out.MapperConfiguration)
			}
		})
	}
}

func TestCanonicalJSONMatchesJSONEncode(t *testing.T) {
	// Terraform's jsonencode sorts keys and writes no spaces.
	got := canonicalJSON(json.RawMessage(`{ "type": "NOT", "conditions": [ {"type":"EQUAL","fieldName":"a","comparisonValue":"1"} ] }`))
	want := `{"conditions":[{"comparisonValue":"1","fieldName":"a","type":"EQUAL"}],"type":"NOT"}`
	if got != want {
		t.Fatalf("canonicalJSON = %s, want %s", got, want)
	}
}

// streamObject builds a configurations.streams element; attributes not
// given are null.
func streamObject(t *testing.T, values map[string]attr.Value) types.Object {
	t.Helper()
	attrs := map[string]attr.Value{}
	for name, typ := range streamAttrTypes {
		if v, ok := values[name]; ok {
			attrs[name] = v
			continue
		}
		switch typ := typ.(type) {
		case types.ListType:
			attrs[name] = types.ListNull(typ.ElemType)
		case types.SetType:
			attrs[name] = types.SetNull(typ.ElemType)
		case types.ObjectType:
			attrs[name] = types.ObjectNull(typ.AttrTypes)
		default:
			if typ == types.BoolType {
				attrs[name] = types.BoolNull()
			} else {
				attrs[name] = types.StringNull()
			}
		}
	}
	obj, diags := types.ObjectValue(streamAttrTypes, attrs)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return obj
}

func stringList(t *testing.T, v ...string) types.List {
	l, diags := types.ListValueFrom(context.Background(), types.StringType, v)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return l
}

func keyList(t *testing.T, v ...[]string) types.List {
	l, diags := types.ListValueFrom(context.Background(), stringListType, v)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return l
}

func asStream(t *testing.T, v attr.Value) streamModel {
	var s streamModel
	if diags := v.(types.Object).As(context.Background(), &s, objectAsOptions); diags.HasError() {
		t.Fatal(diags)
	}
	return s
}

func TestMergeWithPriorFillsWhatTheConfigurationLeavesOut(t *testing.T) {
	prior := streamObject(t, map[string]attr.Value{
		"name": types.StringValue("users"), "namespace": types.StringValue("public"),
		"sync_mode": types.StringValue("incremental_append"), "cursor_field": stringList(t, "updated_at"),
		"primary_key": keyList(t, []string{"id"}),
	})
	cfg := streamObject(t, map[string]attr.Value{"name": types.StringValue("users"), "sync_mode": types.StringValue("full_refresh_append")})

	merged := asStream(t, mergeWithPrior(cfg, prior))
	if merged.SyncMode.ValueString() != "full_refresh_append" {
		t.Errorf("sync_mode = %s; the configured value must win", merged.SyncMode)
	}
	if merged.Namespace.ValueString() != "public" || !merged.CursorField.Equal(stringList(t, "updated_at")) {
		t.Errorf("namespace %s, cursor %s; values left out must come from the prior stream", merged.Namespace, merged.CursorField)
	}

	fresh := asStream(t, mergeWithPrior(cfg, nil))
	if !fresh.Namespace.IsUnknown() || !fresh.CursorField.IsUnknown() || !fresh.Mappers.IsUnknown() {
		t.Errorf("a new stream's unconfigured attributes must be unknown (left to Airbyte), got namespace %s cursor %s mappers %s",
			fresh.Namespace, fresh.CursorField, fresh.Mappers)
	}
	if fresh.SyncMode.ValueString() != "full_refresh_append" {
		t.Errorf("a new stream keeps its configured sync_mode, got %s", fresh.SyncMode)
	}
}

func TestStreamsRequestNeverResendsSourceDefinedKeys(t *testing.T) {
	ctx := context.Background()
	current := newStreamIndex([]streamModel{
		asStream(t, streamObject(t, map[string]attr.Value{
			"name": types.StringValue("events"), "namespace": types.StringValue("public"),
			"sync_mode":    types.StringValue("incremental_deduped_history"),
			"cursor_field": stringList(t, "occurred_at"), "primary_key": keyList(t, []string{"event_id"}),
		})),
		asStream(t, streamObject(t, map[string]attr.Value{
			"name": types.StringValue("orders"), "namespace": types.StringValue("public"),
			"sync_mode":    types.StringValue("incremental_deduped_history"),
			"cursor_field": stringList(t, "updated_at"), "primary_key": keyList(t, []string{"order_id"}),
		})),
	}, streamModelID)
	props := newStreamIndex([]client.StreamProperties{
		{StreamName: "events", StreamNamespace: "public", SourceDefinedCursorField: true, SourceDefinedPrimaryKey: [][]string{{"event_id"}}},
		{StreamName: "orders", StreamNamespace: "public"},
	}, catalogStreamID)
	configured := []streamModel{
		asStream(t, streamObject(t, map[string]attr.Value{"name": types.StringValue("events"), "namespace": types.StringValue("public")})),
		asStream(t, streamObject(t, map[string]attr.Value{"name": types.StringValue("orders"), "namespace": types.StringValue("public")})),
		asStream(t, streamObject(t, map[string]attr.Value{"name": types.StringValue("users"), "primary_key": keyList(t, []string{"id"})})),
	}
	got, diags := streamsRequest(ctx, configured, current, props)
	if diags.HasError() {
		t.Fatal(diags)
	}
	byName := map[string]client.StreamConfiguration{}
	for _, s := range got {
		byName[s.Name] = s
	}
	if s := byName["events"]; s.CursorField != nil || s.PrimaryKey != nil || s.SyncMode != "incremental_deduped_history" {
		t.Errorf("events: the source defines its cursor and key, so neither may be sent; got %+v", s)
	}
	if s := byName["orders"]; len(s.CursorField) != 1 || len(s.PrimaryKey) != 1 {
		t.Errorf("orders: a cursor and key the user chose earlier must be kept, got %+v", s)
	}
	if s := byName["users"]; len(s.PrimaryKey) != 1 || s.SyncMode != "" || s.Namespace != "" {
		t.Errorf("users (new): only what is configured is sent, got %+v", s)
	}
}

// Integers larger than a float64 holds exactly keep every digit; other
// numbers take the form jsonencode gives them.
func TestCanonicalJSONKeepsLargeIntegers(t *testing.T) {
	got := canonicalJSON(json.RawMessage(`{"lsn": 12345678901234567890, "ratio": 1.50, "n": 2.0, "big": 1e3, "list": [-9007199254740993]}`))
	want := `{"big":1000,"list":[-9007199254740993],"lsn":12345678901234567890,"n":2,"ratio":1.5}`
	if got != want {
		t.Fatalf("canonicalJSON = %s, want %s", got, want)
	}
}
