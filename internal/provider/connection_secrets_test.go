package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// aesMapper is an AES encryption mapper as the API returns it.
func aesMapper(id, key string) client.StreamMapper {
	cfg, _ := json.Marshal(map[string]string{"algorithm": "AES", "fieldNameSuffix": "_enc", "key": key,
		"mode": "CBC", "padding": "PKCS5Padding", "targetField": "email"})
	return client.StreamMapper{ID: id, Type: client.StreamMapperEncryption, MapperConfiguration: cfg}
}

// configurationsOf converts API streams into a configurations value, as state holds them.
func configurationsOf(t *testing.T, streams ...client.StreamConfiguration) types.Object {
	t.Helper()
	var m connectionAPIModel
	if diags := m.fill(context.Background(), &client.Connection{Configurations: client.StreamConfigurations{Streams: streams}}, ""); diags.HasError() {
		t.Fatal(diags)
	}
	return m.Configurations
}

func keyOf(t *testing.T, m client.StreamMapper) string {
	t.Helper()
	var cfg struct{ Key string }
	if err := json.Unmarshal(m.MapperConfiguration, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.Key
}

// TestWithKnownSecretsKeepsEachStreamsKey reads back two streams whose AES
// keys Airbyte masks: each gets its own configured key back, matched by
// stream and mapper id, or by position for a mapper planned without an id.
func TestWithKnownSecretsKeepsEachStreamsKey(t *testing.T) {
	ctx := context.Background()
	prior := configurationsOf(t,
		client.StreamConfiguration{Name: "users", Namespace: "public", Mappers: []client.StreamMapper{aesMapper("id-1", "aaaa")}},
		client.StreamConfiguration{Name: "orders", Namespace: "public", Mappers: []client.StreamMapper{
			aesMapper("id-2", "bbbb"), aesMapper("id-3", "cccc")}},
	)
	read := &client.Connection{Configurations: client.StreamConfigurations{Streams: []client.StreamConfiguration{
		{Name: "orders", Namespace: "public", Mappers: []client.StreamMapper{aesMapper("id-3", maskedSecret), aesMapper("id-2", maskedSecret)}},
		{Name: "users", Namespace: "public", Mappers: []client.StreamMapper{aesMapper("id-1", maskedSecret)}},
		{Name: "events", Namespace: "public", Mappers: []client.StreamMapper{aesMapper("id-4", maskedSecret)}},
	}}}
	got := withKnownSecrets(ctx, read, prior)
	want := map[string][]string{"orders": {"cccc", "bbbb"}, "users": {"aaaa"}, "events": {maskedSecret}}
	for _, s := range got.Configurations.Streams {
		for i, m := range s.Mappers {
			if k := keyOf(t, m); k != want[s.Name][i] {
				t.Errorf("stream %s mapper %d: key %q, want %q", s.Name, i, k, want[s.Name][i])
			}
		}
	}
	if k := keyOf(t, read.Configurations.Streams[1].Mappers[0]); k != maskedSecret {
		t.Errorf("the connection read was changed in place: key %q", k)
	}

	// A plan made before Airbyte gave the mapper an id matches by position.
	planned := configurationsOf(t, client.StreamConfiguration{Name: "users", Mappers: []client.StreamMapper{aesMapper("", "dddd")}})
	got = withKnownSecrets(ctx, &client.Connection{Configurations: client.StreamConfigurations{Streams: []client.StreamConfiguration{
		{Name: "users", Namespace: "public", Mappers: []client.StreamMapper{aesMapper("id-9", maskedSecret)}},
	}}}, withUnknownNamespace(t, planned))
	if k := keyOf(t, got.Configurations.Streams[0].Mappers[0]); k != "dddd" {
		t.Errorf("a mapper planned without id: key %q, want the configured one", k)
	}
}

// withUnknownNamespace marks the namespace of every stream unknown, as a
// plan does for a stream whose namespace Airbyte will fill in.
func withUnknownNamespace(t *testing.T, v types.Object) types.Object {
	t.Helper()
	streams := v.Attributes()["streams"].(types.Set)
	elems := make([]attr.Value, 0, len(streams.Elements()))
	for _, e := range streams.Elements() {
		attrs := e.(types.Object).Attributes()
		copied := make(map[string]attr.Value, len(attrs))
		for k, a := range attrs {
			copied[k] = a
		}
		copied["namespace"] = types.StringUnknown()
		elems = append(elems, types.ObjectValueMust(streamAttrTypes, copied))
	}
	return types.ObjectValueMust(configurationsAttrTypes, map[string]attr.Value{"streams": types.SetValueMust(streamObjectType, elems)})
}

func TestCheckNoMaskedKey(t *testing.T) {
	if diags := checkNoMaskedKey("users", aesMapper("id-1", "00112233445566778899aabbccddeeff")); diags.HasError() {
		t.Errorf("a real key was refused: %v", diags)
	}
	diags := checkNoMaskedKey("users", aesMapper("id-1", maskedSecret))
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), `"users"`) || !strings.Contains(diags[0].Detail(), "aes.key") {
		t.Errorf("a masked key: %v", diags)
	}
}
