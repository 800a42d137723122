package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
)

// Stream mappers. A create or patch that sends a stream's mappers runs the
// steps of the server's ConnectionsHandler (createConnection and
// applyPatchToStandardSync): assign ids, parse each configuration, check the
// mappers against the stream's fields, then store the AES keys as secrets
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt).
// Reads rebuild each configuration from the stored one, with the AES key
// masked.

// mapperTypes is StreamMapperType.
var mapperTypes = []string{"hashing", "field-renaming", "row-filtering", "encryption", "field-filtering"}

// mapper is one mapper of a configured stream. raw is the configuration as
// sent; prepareMappers fills id when it was absent and parses raw into
// settings (every type but row-filtering) or op (row-filtering).
type mapper struct {
	id, typ  string
	raw      json.RawMessage
	settings []setting
	op       *rowOperation
}

var errMapperBinding = errors.New("mapper cannot be bound")

// UnmarshalJSON binds a ConfiguredStreamMapper as the public API's model
// does: type must be one of StreamMapperType and mapperConfiguration present
// (a JSON null binds as a null node), id is a canonical UUID, read in lower
// case like java.util.UUID. Any other shape is a binding error (422).
func (m *mapper) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return errMapperBinding
	}
	var req struct {
		ID                  *string         `json:"id"`
		Type                *string         `json:"type"`
		MapperConfiguration json.RawMessage `json:"mapperConfiguration"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		return err
	}
	if req.Type == nil || !slices.Contains(mapperTypes, *req.Type) || req.MapperConfiguration == nil {
		return errMapperBinding
	}
	*m = mapper{typ: *req.Type, raw: slices.Clone(req.MapperConfiguration)}
	if req.ID != nil && *req.ID != "" { // Jackson reads an empty string as a null UUID
		if !canonicalUUID(*req.ID) {
			return errMapperBinding
		}
		m.id = strings.ToLower(*req.ID)
	}
	return nil
}

// canonicalUUID accepts the 36-character form Jackson's UUIDDeserializer reads.
func canonicalUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

func (m *mapper) setting(name string) string {
	for _, s := range m.settings {
		if s.name == name && s.value != nil {
			return *s.value
		}
	}
	return ""
}

// prepareMappers runs the server's mapper steps over the requested streams
// of a create (old nil) or a patch (old: the connection's current streams),
// in stream and mapper order, and returns the problem of the first step that
// fails:
//   - assignIdsToIncomingMappers: a mapper without id gets a new one;
//   - catalogConverter.toConfiguredInternal: the first configuration that
//     cannot be parsed is 400 invalid-config or missing-required-param (a
//     ClassCastException is a 500);
//   - validateConfiguredMappers: every field error of every stream in one
//     400 mapper-validation problem;
//   - MapperSecretHelper: an encryption mapper that mentions the secret
//     mask and has no stored mapper with its id in the same stream is 400
//     secret-not-found.
func (e *Emulator) prepareMappers(catalog []discoveredStream, streams, old []configuredStream) *problem {
	for i := range streams {
		for j := range streams[i].mappers {
			if m := &streams[i].mappers[j]; m.id == "" {
				m.id = e.ids.next()
			}
		}
	}
	for i := range streams {
		for j := range streams[i].mappers {
			m := &streams[i].mappers[j]
			settings, op, f := parseMapperConfig(m.typ, parseJNode(m.raw))
			if f != nil {
				p := mapperParseProblem(m, f)
				return &p
			}
			m.settings, m.op = settings, op
		}
	}
	var errs []mapperError
	for _, s := range streams {
		errs = append(errs, validateMapperFields(s.name, mapperFields(catalog, s), s.mappers)...)
	}
	if len(errs) > 0 {
		p := mapperValidationFailed(errs)
		return &p
	}
	for _, s := range streams {
		for j := range s.mappers {
			m := &s.mappers[j]
			if m.typ == "encryption" && m.mentionsMask() && !storedMapper(old, s, m.id) {
				p := mapperSecretNotFound(m)
				return &p
			}
		}
	}
	return nil
}

// mapperFields are the stream's top-level field names after field
// selection, the fields the mappers start from (CatalogConverter.toConfiguredInternal).
func mapperFields(catalog []discoveredStream, s configuredStream) []string {
	for _, ds := range catalog {
		if ds.name != s.name || ds.namespace != s.namespace {
			continue
		}
		fields := ds.topLevelFields()
		if s.fieldSelectionEnabled {
			fields = slices.DeleteFunc(fields, func(f string) bool {
				return !slices.ContainsFunc(s.selectedFields, func(p []string) bool { return len(p) > 0 && p[0] == f })
			})
		}
		return fields
	}
	return nil
}

// mentionsMask is the server's check for a configuration that still holds
// the secret mask anywhere (MapperSecretHelper.assertConfigHasNoMaskedSecrets).
func (m *mapper) mentionsMask() bool {
	return slices.ContainsFunc(m.settings, func(s setting) bool { return s.value != nil && strings.Contains(*s.value, maskedSecret) })
}

// storedMapper reports whether the stored stream with the same name and
// namespace has a mapper with this id, whose secrets a patch reuses.
func storedMapper(old []configuredStream, s configuredStream, id string) bool {
	for _, o := range old {
		if o.name == s.name && o.namespace == s.namespace &&
			slices.ContainsFunc(o.mappers, func(m mapper) bool { return m.id == id }) {
			return true
		}
	}
	return false
}

// mapperIDData is ProblemMapperIdData.
func mapperIDData(m *mapper, msg *string) map[string]any {
	return map[string]any{"mapperId": m.id, "mapperType": m.typ, "message": msg}
}

// mapperParseProblem is what the server answers for a configuration
// ConfiguredStreamMapper.toInternal cannot parse
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-converters/src/main/kotlin/io/airbyte/commons/converters/MapperConverters.kt);
// a ClassCastException escapes it and becomes the 500 of
// ConfigClientErrorHandler (whose create variant drops the message).
func mapperParseProblem(m *mapper, f *mapperFault) problem {
	switch f.kind {
	case faultInvalid:
		return problem{Status: 400, Type: "error:mapper-validation/invalid-config", Title: "Invalid Mapper Configuration",
			Detail: "The mapper configuration is invalid and cannot be parsed", Data: mapperIDData(m, f.msg)}
	case faultMissing:
		return problem{Status: 400, Type: "error:mapper-validation/missing-required-param", Title: "Mapper configuration missing required parameter",
			Detail: "The mapper configuration is missing a required parameter", Data: mapperIDData(m, f.msg)}
	}
	return unexpectedProblem(*f.msg)
}

// mapperValidationFailed is MapperValidationProblem with every field error.
func mapperValidationFailed(errs []mapperError) problem {
	return problem{Status: 400, Type: "error:mapper-validation", Title: "Mapper validation failed",
		Detail: "The mapper configuration is invalid", Data: map[string]any{"errors": errs}}
}

// mapperSecretNotFound is MapperSecretNotFoundProblem
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/MapperSecretHelper.kt).
func mapperSecretNotFound(m *mapper) problem {
	return problem{Status: 400, Type: "error:mapper-validation/secret-not-found", Title: "Mapper secret not found",
		Detail: "Attempted to use pre-existing secret values, but an existing secret for that mapper was not found. Please provide the secret values.",
		Data:   mapperIDData(m, nil)}
}

// mapperResponse is ConfiguredStreamMapper as reads return it.
type mapperResponse struct {
	ID                  string         `json:"id"`
	Type                string         `json:"type"`
	MapperConfiguration map[string]any `json:"mapperConfiguration"`
}

// mappersJSON renders a stream's mappers for a read, never nil. Each
// configuration is rebuilt from the stored one through the Config API model
// (MapperConfig.toApi): unknown keys are gone, values are strings, nulls are
// left out, keys come in the model's (alphabetical) order, and an AES key is
// always the mask, since the stored key is a secret reference
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-converters/src/main/kotlin/io/airbyte/commons/converters/MapperConverters.kt).
func mappersJSON(ms []mapper) []rawJSON {
	out := make([]rawJSON, 0, len(ms))
	for _, m := range ms {
		cfg := map[string]any{}
		if m.op != nil {
			cfg["conditions"] = m.op.json()
		}
		for _, s := range m.settings {
			switch {
			case s.value == nil:
			case s.name == "key":
				cfg[s.name] = maskedSecret
			default:
				cfg[s.name] = *s.value
			}
		}
		b, _ := json.Marshal(mapperResponse{ID: m.id, Type: m.typ, MapperConfiguration: cfg})
		out = append(out, b)
	}
	return out
}
