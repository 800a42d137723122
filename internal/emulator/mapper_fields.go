package emulator

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// mapperError is ProblemMapperErrorData: the stream's name, the error type
// and the mapper as the server holds it internally.
type mapperError struct {
	Stream string          `json:"stream"`
	Error  string          `json:"error"`
	Mapper mapperErrorItem `json:"mapper"`
}

type mapperErrorItem struct {
	ID                  string          `json:"id"`
	Type                string          `json:"type"`
	MapperConfiguration orderedSettings `json:"mapperConfiguration"`
}

// orderedSettings serialises an internal mapper configuration as Jackson
// writes the Kotlin data class: constructor order, nulls included.
type orderedSettings []setting

func (o orderedSettings) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, s := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(s.name)
		v, _ := json.Marshal(s.value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Error types of DestinationCatalogGenerator.MapperErrorType.
const (
	fieldNotFound       = "FIELD_NOT_FOUND"
	fieldAlreadyExists  = "FIELD_ALREADY_EXISTS"
	invalidMapperConfig = "INVALID_MAPPER_CONFIG"
)

// validateMapperFields applies a stream's mappers in order to its field
// names as DestinationCatalogGenerator.applyMapperToFields does: a mapper
// that fails is recorded and skipped, the next one sees the fields the
// previous successful ones left. Mappers equal in id, type and
// configuration are one map key on the server: one entry, at the first one's
// place, with the last one's error
// (airbytehq/airbyte-platform@310e6cb: airbyte-mappers/src/main/kotlin/io/airbyte/mappers/transformations/DestinationCatalogGenerator.kt,
// SlimStream.kt, HashingMapper.kt, FieldRenamingMapper.kt, FieldFilteringMapper.kt, RowFilteringMapper.kt, EncryptionMapper.kt).
func validateMapperFields(stream string, fields []string, ms []mapper) []mapperError {
	fields = slices.Clone(fields)
	var out []mapperError
	seen := map[string]int{}
	for i := range ms {
		m := &ms[i]
		var code string
		switch m.typ {
		case "hashing":
			code = redefineField(&fields, m.setting("targetField"), m.setting("targetField")+m.setting("fieldNameSuffix"))
		case "field-renaming":
			code = redefineField(&fields, m.setting("originalFieldName"), m.setting("newFieldName"))
		case "field-filtering":
			code = removeField(&fields, m.setting("targetField"))
		case "encryption":
			if code = checkEncryption(m); code == "" {
				code = redefineField(&fields, m.setting("targetField"), m.setting("targetField")+m.setting("fieldNameSuffix"))
			}
		}
		if code == "" {
			continue
		}
		cfg, _ := json.Marshal(orderedSettings(m.settings))
		key := m.id + "\x00" + m.typ + "\x00" + string(cfg)
		if at, ok := seen[key]; ok {
			out[at].Error = code
			continue
		}
		seen[key] = len(out)
		out = append(out, mapperError{Stream: stream, Error: code,
			Mapper: mapperErrorItem{ID: m.id, Type: m.typ, MapperConfiguration: m.settings}})
	}
	return out
}

// redefineField is SlimStream.redefineField: the new name must not exist
// (unless it is the old one), then the old one must.
func redefineField(fields *[]string, oldName, newName string) string {
	if oldName != newName && slices.Contains(*fields, newName) {
		return fieldAlreadyExists
	}
	if !slices.Contains(*fields, oldName) {
		return fieldNotFound
	}
	for i, f := range *fields {
		if f == oldName {
			(*fields)[i] = newName
		}
	}
	return ""
}

// removeField is SlimStream.removeField.
func removeField(fields *[]string, name string) string {
	if !slices.Contains(*fields, name) {
		return fieldNotFound
	}
	*fields = slices.DeleteFunc(*fields, func(f string) bool { return f == name })
	return ""
}

// aesCombinations are the mode/padding pairs for which the JCE builds a
// cipher that accepts a 16-byte IvParameterSpec and encrypts the 11-byte
// sample: ECB and GCM refuse the IV, CTR and GCM have no padding,
// CBC without padding needs whole blocks.
var aesCombinations = []string{"CBC/PKCS5Padding", "CFB/NoPadding", "CFB/PKCS5Padding", "OFB/NoPadding", "OFB/PKCS5Padding", "CTR/NoPadding"}

// checkEncryption is the cipher check of EncryptionMapper.schema: the
// cipher must exist and a sample must encrypt. An AES key is a hex string of
// 16, 24 or 32 bytes (the secret mask is not hex, so a configuration sent
// back as read fails here); an RSA public key is the hex of an X.509
// SubjectPublicKeyInfo of at least 512 bits (RSAKeyFactory's minimum).
func checkEncryption(m *mapper) string {
	switch m.setting("algorithm") {
	case "AES":
		key, err := hex.DecodeString(m.setting("key"))
		if err != nil || (len(key) != 16 && len(key) != 24 && len(key) != 32) ||
			!slices.Contains(aesCombinations, m.setting("mode")+"/"+m.setting("padding")) {
			return invalidMapperConfig
		}
	case "RSA":
		der, err := hex.DecodeString(m.setting("publicKey"))
		if err != nil {
			return invalidMapperConfig
		}
		pub, err := x509.ParsePKIXPublicKey(der)
		if k, ok := pub.(*rsa.PublicKey); err != nil || !ok || k.N.BitLen() < 512 {
			return invalidMapperConfig
		}
	}
	return ""
}
