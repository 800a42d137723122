package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// maskedSecret is how Airbyte shows a secret it stores, such as an
// encryption mapper's AES key, on every read
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons/src/main/kotlin/io/airbyte/commons/constants/AirbyteSecretConstants.kt).
const maskedSecret = "**********"

// priorKeys are the AES keys Terraform knows for one stream's mappers:
// by mapper id, and by position for mappers whose id was not yet known.
type priorKeys struct {
	byID       map[string]string
	byPosition map[int]string
}

// withKnownSecrets returns conn with every masked AES key replaced by the key
// of the same mapper in prior (the plan or the prior state): Airbyte never
// returns a stored key, so the one Terraform sent stands. A mapper is the
// same when its stream is the same (as streamIndex matches a prior stream to
// the streams read) and it has the same id, or, for a mapper prior knows no
// id of, the same position. conn itself is not changed: it may be shared by
// a listing.
func withKnownSecrets(ctx context.Context, conn *client.Connection, prior types.Object) *client.Connection {
	if !hasEncryptionMapper(conn) {
		return conn // nothing masked to replace: prior need not be read
	}
	known := knownKeys(ctx, prior)
	if len(known) == 0 {
		return conn
	}
	read := newStreamIndex(conn.Configurations.Streams, configuredStreamID)
	keysAt := make(map[int]priorKeys, len(known))
	for _, k := range known {
		if i := read.position(k.name, k.namespace); i >= 0 {
			keysAt[i] = k.priorKeys
		}
	}
	if len(keysAt) == 0 {
		return conn
	}
	out := *conn
	out.Configurations.Streams = make([]client.StreamConfiguration, len(conn.Configurations.Streams))
	for i, s := range conn.Configurations.Streams {
		out.Configurations.Streams[i] = s
		keys, ok := keysAt[i]
		if !ok {
			continue
		}
		mappers := make([]client.StreamMapper, len(s.Mappers))
		for j, m := range s.Mappers {
			mappers[j] = m
			key, found := keys.byID[m.ID]
			if !found {
				key, found = keys.byPosition[j]
			}
			if found && m.Type == client.StreamMapperEncryption {
				mappers[j].MapperConfiguration = replaceMaskedKey(m.MapperConfiguration, key)
			}
		}
		out.Configurations.Streams[i].Mappers = mappers
	}
	return &out
}

// hasEncryptionMapper reports whether any stream of conn has an encryption mapper, the only kind
// with a masked key.
func hasEncryptionMapper(conn *client.Connection) bool {
	for _, s := range conn.Configurations.Streams {
		for _, m := range s.Mappers {
			if m.Type == client.StreamMapperEncryption {
				return true
			}
		}
	}
	return false
}

// replaceMaskedKey puts key in place of a masked "key" setting.
func replaceMaskedKey(raw json.RawMessage, key string) json.RawMessage {
	var cfg map[string]json.RawMessage
	if json.Unmarshal(raw, &cfg) != nil {
		return raw
	}
	var current string
	if json.Unmarshal(cfg["key"], &current) != nil || current != maskedSecret {
		return raw
	}
	cfg["key"], _ = json.Marshal(key)
	b, err := json.Marshal(cfg)
	if err != nil {
		return raw
	}
	return b
}

// streamAESKeys are the AES keys Terraform knows for the mappers of the stream
// of that name and namespace (which may be null or unknown).
type streamAESKeys struct {
	name      string
	namespace types.String
	priorKeys
}

// knownKeys collects the AES keys of prior's streams.
func knownKeys(ctx context.Context, prior types.Object) []streamAESKeys {
	streams, diags := configuredStreams(ctx, prior)
	if diags.HasError() {
		return nil
	}
	var out []streamAESKeys
	for _, s := range streams {
		if !known(s.Mappers) || !known(s.Name) {
			continue
		}
		keys := priorKeys{byID: map[string]string{}, byPosition: map[int]string{}}
		for i, v := range s.Mappers.Elements() {
			var m mapperModel
			if v.(types.Object).As(ctx, &m, objectAsOptions).HasError() {
				continue
			}
			key := aesKeyOf(m)
			if key == "" || key == maskedSecret {
				continue
			}
			if known(m.ID) {
				keys.byID[m.ID.ValueString()] = key
			} else {
				keys.byPosition[i] = key
			}
		}
		if len(keys.byID)+len(keys.byPosition) == 0 {
			continue
		}
		out = append(out, streamAESKeys{name: s.Name.ValueString(), namespace: s.Namespace, priorKeys: keys})
	}
	return out
}

// aesKeyOf is the mapper's configured AES key, or "".
func aesKeyOf(m mapperModel) string {
	enc, ok := m.MapperConfiguration.Attributes()["encryption"].(types.Object)
	if !ok || !known(enc) {
		return ""
	}
	aes, ok := enc.Attributes()["aes"].(types.Object)
	if !ok || !known(aes) {
		return ""
	}
	key, ok := aes.Attributes()["key"].(types.String)
	if !ok || !known(key) {
		return ""
	}
	return key.ValueString()
}

// checkNoMaskedKey refuses to send a mapper whose AES key Terraform only
// knows masked (an imported connection whose configuration leaves the key
// out): Airbyte refuses the mask, and Terraform cannot know the real key.
func checkNoMaskedKey(stream string, m client.StreamMapper) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.Type != client.StreamMapperEncryption {
		return diags
	}
	var cfg struct {
		Key string `json:"key"`
	}
	if json.Unmarshal(m.MapperConfiguration, &cfg) == nil && cfg.Key == maskedSecret {
		diags.AddAttributeError(path.Root("configurations").AtName("streams"), "Encryption Key Needed",
			fmt.Sprintf("The stream %q has an AES encryption mapper whose key Terraform only knows masked (%s), as Airbyte shows it, "+
				"and changing the stream sends its mappers again. Set mapper_configuration.encryption.aes.key of that mapper to the key.",
				stream, maskedSecret))
	}
	return diags
}
