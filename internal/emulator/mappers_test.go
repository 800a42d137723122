package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"
)

const (
	aesKey      = "00112233445566778899aabbccddeeff"
	mapperIDOne = "6a1e9c5e-3f0a-4c8e-9d51-0f1f2e3d4c5b"
	mapperIDTwo = "7b2f0d6f-4a1b-4d9f-8e62-1a2b3c4d5e6f"
)

// usersWith is a connection body for Postgres users with the given mappers.
func (e *env) usersWith(mappers ...any) map[string]any {
	if mappers == nil {
		mappers = []any{}
	}
	return map[string]any{"sourceId": e.sourceID(postgres), "destinationId": e.destinationID(0, snowflake),
		"configurations": map[string]any{"streams": []any{map[string]any{"name": "users", "mappers": mappers}}}}
}

func hashingMapper(target string) map[string]any {
	return map[string]any{"type": "hashing", "mapperConfiguration": map[string]any{"targetField": target, "method": "SHA-256", "fieldNameSuffix": "_h"}}
}

func aesMapper(id, key string) map[string]any {
	m := map[string]any{"type": "encryption", "mapperConfiguration": map[string]any{
		"algorithm": "AES", "targetField": "email", "fieldNameSuffix": "_enc", "mode": "CBC", "padding": "PKCS5Padding", "key": key}}
	if id != "" {
		m["id"] = id
	}
	return m
}

// mappersOf returns the mappers of the connection's stream.
func mappersOf(t *testing.T, conn map[string]any, stream string) []map[string]any {
	t.Helper()
	out := []map[string]any{}
	for _, m := range streamsOf(t, conn)[stream]["mappers"].([]any) {
		out = append(out, m.(map[string]any))
	}
	return out
}

// TestMapperIDs: a mapper sent without id gets a new UUID on every create
// and patch, a given id is kept (in lower case, as java.util.UUID prints it)
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// assignIdsToIncomingMappers).
func TestMapperIDs(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	given := hashingMapper("email")
	given["id"] = strings.ToUpper(mapperIDOne)
	body := e.usersWith(given, hashingMapper("name"))
	c := e.createConnection(body)
	ms := mappersOf(t, c, "users")
	if len(ms) != 2 || ms[0]["id"] != mapperIDOne {
		t.Fatalf("given id not kept: %v", ms)
	}
	first, _ := ms[1]["id"].(string)
	if uuid.Validate(first) != nil {
		t.Fatalf("no id assigned: %v", ms[1])
	}
	id := c["connectionId"].(string)
	p := e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": body["configurations"]}), 200).json(t)
	ms = mappersOf(t, p, "users")
	if ms[0]["id"] != mapperIDOne || ms[1]["id"] == first || uuid.Validate(ms[1]["id"].(string)) != nil {
		t.Fatalf("patch without ids must assign new ones: %v (before %s)", ms, first)
	}
	got := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)
	if !reflect.DeepEqual(mappersOf(t, got, "users"), ms) {
		t.Fatalf("GET differs from the patch response: %v", got)
	}
	// A stream sent again without mappers loses them.
	p = e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": map[string]any{
		"streams": []any{map[string]any{"name": "users"}}}}), 200).json(t)
	if ms := mappersOf(t, p, "users"); len(ms) != 0 {
		t.Fatalf("mappers kept: %v", ms)
	}
}

// TestMapperBinding: type must be a StreamMapperType, type and
// mapperConfiguration are required and id is a UUID, else the body cannot
// be bound: 422 {"errorId"}
// (airbytehq/airbyte-platform@310e6cb: airbyte-api/server-api/src/main/openapi/api.yaml, ConfiguredStreamMapper).
func TestMapperBinding(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	cfg := map[string]any{"targetField": "email"}
	for name, m := range map[string]any{
		"unknown type":          map[string]any{"type": "masking", "mapperConfiguration": cfg},
		"type in upper case":    map[string]any{"type": "HASHING", "mapperConfiguration": cfg},
		"no type":               map[string]any{"mapperConfiguration": cfg},
		"no configuration":      map[string]any{"type": "field-filtering"},
		"id not a UUID":         map[string]any{"id": "m1", "type": "field-filtering", "mapperConfiguration": cfg},
		"id not canonical":      map[string]any{"id": strings.ReplaceAll(mapperIDOne, "-", ""), "type": "field-filtering", "mapperConfiguration": cfg},
		"id a number":           map[string]any{"id": 7, "type": "field-filtering", "mapperConfiguration": cfg},
		"null mapper":           nil,
		"mapper not an object":  "field-filtering",
		"type not a string":     map[string]any{"type": 1, "mapperConfiguration": cfg},
		"configuration missing": map[string]any{"id": mapperIDOne, "type": "hashing"},
	} {
		r := e.call("POST", "/connections", e.usersWith(m))
		if r.status != 422 || r.json(t)["errorId"] == nil {
			t.Errorf("%s: %d %s, want 422 errorId", name, r.status, r.body)
		}
	}
}

// TestMapperParseProblems: a configuration the server cannot parse is 400
// invalid-config (a value it cannot convert) or missing-required-param (a
// null where a value is required), naming the mapper's id and type
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-converters/src/main/kotlin/io/airbyte/commons/converters/MapperConverters.kt).
func TestMapperParseProblems(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	const invalid, missing = "invalid", "missing"
	equal := map[string]any{"type": "EQUAL", "fieldName": "name", "comparisonValue": "x"}
	aes := func(drop string, set map[string]any) map[string]any {
		c := map[string]any{"algorithm": "AES", "targetField": "email", "mode": "CBC", "padding": "PKCS5Padding", "key": aesKey}
		delete(c, drop)
		for k, v := range set {
			c[k] = v
		}
		return c
	}
	for _, tc := range []struct {
		name, typ string
		cfg       any
		want      string
		message   string // checked when set
	}{
		{"hashing method in lower case", "hashing", map[string]any{"targetField": "email", "method": "sha-256", "fieldNameSuffix": "_h"}, invalid, ""},
		{"hashing without suffix", "hashing", map[string]any{"targetField": "email", "method": "SHA-256"}, missing, ""},
		{"hashing without method", "hashing", map[string]any{"targetField": "email", "fieldNameSuffix": "_h"}, missing, ""},
		{"hashing target an object", "hashing", map[string]any{"targetField": map[string]any{}, "method": "MD5", "fieldNameSuffix": "_h"}, invalid, ""},
		{"hashing configuration a string", "hashing", "email", invalid, ""},
		{"hashing configuration null", "hashing", nil, missing, ""},
		{"field-filtering empty", "field-filtering", map[string]any{}, missing, ""},
		{"field-filtering target null", "field-filtering", map[string]any{"targetField": nil}, missing, ""},
		{"field-renaming without new name", "field-renaming", map[string]any{"originalFieldName": "email"}, missing, ""},
		{"row-filtering without conditions", "row-filtering", map[string]any{}, missing, ""},
		{"row-filtering AND", "row-filtering", map[string]any{"conditions": map[string]any{"type": "AND", "conditions": []any{equal}}}, invalid, "Unsupported operation type: AND"},
		{"row-filtering equal in lower case", "row-filtering", map[string]any{"conditions": map[string]any{"type": "equal", "fieldName": "a", "comparisonValue": "b"}}, invalid, "Unsupported operation type: equal"},
		{"row-filtering EQUAL without value", "row-filtering", map[string]any{"conditions": map[string]any{"type": "EQUAL", "fieldName": "a"}}, missing, ""},
		{"row-filtering operation without type", "row-filtering", map[string]any{"conditions": map[string]any{"fieldName": "a"}}, missing, ""},
		{"row-filtering NOT without conditions", "row-filtering", map[string]any{"conditions": map[string]any{"type": "NOT"}}, missing, ""},
		{"row-filtering nested AND", "row-filtering", map[string]any{"conditions": map[string]any{"type": "NOT", "conditions": []any{
			map[string]any{"type": "OR", "conditions": []any{equal}}}}}, invalid, "Unsupported operation type: OR"},
		{"encryption without algorithm", "encryption", map[string]any{"targetField": "email"}, missing, ""},
		{"encryption DES", "encryption", map[string]any{"algorithm": "DES", "targetField": "email"}, invalid, "Unsupported encryption algorithm: DES"},
		{"encryption algorithm a number", "encryption", map[string]any{"algorithm": 1}, invalid, "Unsupported encryption algorithm: null"},
		{"AES mode XTS", "encryption", aes("", map[string]any{"mode": "XTS"}), invalid, ""},
		{"AES padding in lower case", "encryption", aes("", map[string]any{"padding": "nopadding"}), invalid, ""},
		{"AES without key", "encryption", aes("key", nil), missing, ""},
		{"AES without mode", "encryption", aes("mode", nil), missing, ""},
		{"AES without target", "encryption", aes("targetField", nil), missing, ""},
		{"RSA without public key", "encryption", map[string]any{"algorithm": "RSA", "targetField": "email"}, missing, ""},
	} {
		r := e.call("POST", "/connections", e.usersWith(map[string]any{"id": mapperIDOne, "type": tc.typ, "mapperConfiguration": tc.cfg}))
		var data map[string]any
		if tc.want == invalid {
			data = e.expectProblem(r, 400, "error:mapper-validation/invalid-config", "Invalid Mapper Configuration",
				"The mapper configuration is invalid and cannot be parsed")
		} else {
			data = e.expectProblem(r, 400, "error:mapper-validation/missing-required-param", "Mapper configuration missing required parameter",
				"The mapper configuration is missing a required parameter")
		}
		if data["mapperId"] != mapperIDOne || data["mapperType"] != tc.typ {
			t.Errorf("%s: data %v", tc.name, data)
		}
		if _, ok := data["message"]; !ok || tc.message != "" && data["message"] != tc.message {
			t.Errorf("%s: message %v, want %q", tc.name, data["message"], tc.message)
		}
	}
}

// TestMapperParseFirstFailure: parsing stops at the first bad mapper, in
// stream then mapper order, before any field is checked, and names the id
// the server assigned (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/CatalogConverter.kt, toConfiguredInternal).
func TestMapperParseFirstFailure(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	body := e.usersWith(hashingMapper("no_such_field"), map[string]any{"type": "field-filtering", "mapperConfiguration": map[string]any{}})
	body["configurations"].(map[string]any)["streams"] = append(body["configurations"].(map[string]any)["streams"].([]any),
		map[string]any{"name": "orders", "mappers": []any{map[string]any{"id": mapperIDTwo, "type": "field-renaming", "mapperConfiguration": map[string]any{}}}})
	data := e.expectProblem(e.call("POST", "/connections", body), 400, "error:mapper-validation/missing-required-param",
		"Mapper configuration missing required parameter", "The mapper configuration is missing a required parameter")
	if data["mapperType"] != "field-filtering" || uuid.Validate(data["mapperId"].(string)) != nil {
		t.Fatalf("data %v, want the users field-filtering mapper with its assigned id", data)
	}
}

// TestMapperRowFilteringNotAnObject: row-filtering conditions that are not
// an object make the server's cast fail outside its parse error handling: a
// 500, whose message the create path drops and the patch path keeps
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/errorHandlers/ConfigClientErrorHandler.kt).
func TestMapperRowFilteringNotAnObject(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	bad := map[string]any{"type": "row-filtering", "mapperConfiguration": map[string]any{"conditions": "name = x"}}
	body := e.expect(e.call("POST", "/connections", e.usersWith(bad)), 500).json(t)
	if body["title"] != "unexpected-problem" || body["data"] != nil {
		t.Fatalf("create: %v", body)
	}
	id := e.createConnection(e.usersWith())["connectionId"].(string)
	r := e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": e.usersWith(bad)["configurations"]}), 500)
	if !strings.Contains(r.message(t), "TextNode cannot be cast") {
		t.Fatalf("patch: %s", r.body)
	}
}

// TestMapperFieldValidation: the mappers of each stream are applied in
// order to its top-level fields; every failure is collected into one
// mapper-validation problem with the stream, the error type and the mapper
// as the server holds it (key order of its Kotlin config class, nulls kept)
// (airbytehq/airbyte-platform@310e6cb: airbyte-mappers/src/main/kotlin/io/airbyte/mappers/transformations/DestinationCatalogGenerator.kt).
func TestMapperFieldValidation(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	withID := func(id string, m map[string]any) map[string]any { m["id"] = id; return m }
	renaming := func(from, to string) map[string]any {
		return map[string]any{"type": "field-renaming", "mapperConfiguration": map[string]any{"originalFieldName": from, "newFieldName": to}}
	}
	filtering := func(f string) map[string]any {
		return map[string]any{"type": "field-filtering", "mapperConfiguration": map[string]any{"targetField": f}}
	}
	ids := []string{mapperIDOne, mapperIDTwo, "8c3a1e7a-5b2c-4ea0-9f73-2b3c4d5e6f70", "9d4b2f8b-6c3d-4fb1-a084-3c4d5e6f7081"}
	body := map[string]any{"sourceId": e.sourceID(postgres), "destinationId": e.destinationID(0, snowflake),
		"configurations": map[string]any{"streams": []any{
			map[string]any{"name": "users", "mappers": []any{
				hashingMapper("email"),                    // email -> email_h
				withID(ids[0], renaming("email", "mail")), // email is gone: FIELD_NOT_FOUND
				withID(ids[1], renaming("name", "id")),    // id exists: FIELD_ALREADY_EXISTS
				filtering("address"),
				map[string]any{"type": "row-filtering", "mapperConfiguration": map[string]any{
					"conditions": map[string]any{"type": "EQUAL", "fieldName": "nope", "comparisonValue": "x"}}},
				withID(ids[2], map[string]any{"type": "encryption", "mapperConfiguration": map[string]any{
					"algorithm": "RSA", "targetField": "name", "publicKey": "zz"}}), // not hex: INVALID_MAPPER_CONFIG
			}},
			map[string]any{"name": "orders", "mappers": []any{withID(ids[3], filtering("nope"))}},
		}}}
	r := e.call("POST", "/connections", body)
	data := e.expectProblem(r, 400, "error:mapper-validation", "Mapper validation failed", "The mapper configuration is invalid")
	want := `{"errors":[` +
		`{"stream":"users","error":"FIELD_NOT_FOUND","mapper":{"id":"` + ids[0] + `","type":"field-renaming","mapperConfiguration":{"originalFieldName":"email","newFieldName":"mail"}}},` +
		`{"stream":"users","error":"FIELD_ALREADY_EXISTS","mapper":{"id":"` + ids[1] + `","type":"field-renaming","mapperConfiguration":{"originalFieldName":"name","newFieldName":"id"}}},` +
		`{"stream":"users","error":"INVALID_MAPPER_CONFIG","mapper":{"id":"` + ids[2] + `","type":"encryption","mapperConfiguration":{"algorithm":"RSA","targetField":"name","fieldNameSuffix":null,"publicKey":"zz"}}},` +
		`{"stream":"orders","error":"FIELD_NOT_FOUND","mapper":{"id":"` + ids[3] + `","type":"field-filtering","mapperConfiguration":{"targetField":"nope"}}}]}`
	if !strings.Contains(string(r.body), `"data":`+want) {
		t.Fatalf("data\n%v\nwant\n%s", data, want)
	}
}

// TestMapperFieldsAfterSelection: with field selection only the selected
// top-level fields exist for the mappers; nested fields never do; the
// output of a hashing mapper can be used by the next one
// (airbytehq/airbyte-platform@310e6cb: airbyte-config/config-models/src/main/kotlin/io/airbyte/config/helpers/FieldGenerator.kt).
func TestMapperFieldsAfterSelection(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	stream := func(mappers ...any) map[string]any {
		return map[string]any{"sourceId": e.sourceID(postgres), "destinationId": e.destinationID(0, snowflake),
			"configurations": map[string]any{"streams": []any{map[string]any{"name": "users",
				"selectedFields": []any{map[string]any{"fieldPath": []string{"id"}}, map[string]any{"fieldPath": []string{"email"}}},
				"mappers":        mappers}}}}
	}
	for _, target := range []string{"name", "city", "address.city"} {
		data := e.expectProblem(e.call("POST", "/connections", stream(hashingMapper(target))), 400,
			"error:mapper-validation", "Mapper validation failed", "The mapper configuration is invalid")
		if errs := data["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["error"] != "FIELD_NOT_FOUND" {
			t.Errorf("%s: %v", target, data)
		}
	}
	chained := map[string]any{"type": "field-renaming", "mapperConfiguration": map[string]any{"originalFieldName": "email_h", "newFieldName": "email"}}
	e.createConnection(stream(hashingMapper("email"), chained))
}

// TestMapperEqualErrorsMerge: two failing mappers with the same id, type
// and configuration are one key of the server's error map: one entry
// (airbytehq/airbyte-platform@310e6cb: airbyte-mappers/src/main/kotlin/io/airbyte/mappers/transformations/DestinationCatalogGenerator.kt).
func TestMapperEqualErrorsMerge(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	m := map[string]any{"id": mapperIDOne, "type": "field-filtering", "mapperConfiguration": map[string]any{"targetField": "nope"}}
	data := e.expectProblem(e.call("POST", "/connections", e.usersWith(m, m)), 400,
		"error:mapper-validation", "Mapper validation failed", "The mapper configuration is invalid")
	if n := len(data["errors"].([]any)); n != 1 {
		t.Fatalf("%d errors, want 1: %v", n, data)
	}
}

func rsaKeyHex(t *testing.T, bits int) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(der)
}

// TestMapperEncryptionChecks: an AES mapper needs a hex key of 16, 24 or 32
// bytes and a mode/padding pair the JCE can use with an IV; an RSA mapper
// needs the hex of an X.509 RSA public key of at least 512 bits; else
// INVALID_MAPPER_CONFIG (airbytehq/airbyte-platform@310e6cb:
// airbyte-mappers/src/main/kotlin/io/airbyte/mappers/transformations/EncryptionMapper.kt).
func TestMapperEncryptionChecks(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	small, _ := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 500), E: 65537})
	aes := func(mode, padding, key string) map[string]any {
		return map[string]any{"algorithm": "AES", "targetField": "email", "mode": mode, "padding": padding, "key": key}
	}
	rsaCfg := func(key string) map[string]any {
		return map[string]any{"algorithm": "RSA", "targetField": "email", "fieldNameSuffix": "_enc", "publicKey": key}
	}
	for _, tc := range []struct {
		name string
		cfg  map[string]any
		ok   bool
	}{
		{"CBC PKCS5", aes("CBC", "PKCS5Padding", aesKey), true},
		{"CFB none", aes("CFB", "NoPadding", aesKey), true},
		{"OFB PKCS5", aes("OFB", "PKCS5Padding", aesKey), true},
		{"CTR none", aes("CTR", "NoPadding", aesKey), true},
		{"24-byte key", aes("CBC", "PKCS5Padding", aesKey+"0011223344556677"), true},
		{"32-byte upper-case key", aes("CBC", "PKCS5Padding", strings.ToUpper(aesKey+aesKey)), true},
		{"CBC none", aes("CBC", "NoPadding", aesKey), false},
		{"ECB", aes("ECB", "PKCS5Padding", aesKey), false},
		{"GCM", aes("GCM", "NoPadding", aesKey), false},
		{"CTR PKCS5", aes("CTR", "PKCS5Padding", aesKey), false},
		{"15-byte key", aes("CBC", "PKCS5Padding", aesKey[:30]), false},
		{"odd-length key", aes("CBC", "PKCS5Padding", aesKey[:31]), false},
		{"masked key", aes("CBC", "PKCS5Padding", "**********"), false},
		{"RSA 1024", rsaCfg(rsaKeyHex(t, 1024)), true},
		{"RSA not hex", rsaCfg("not hex"), false},
		{"RSA of an EC key", rsaCfg(hex.EncodeToString(ecDER)), false},
		{"RSA below 512 bits", rsaCfg(hex.EncodeToString(small)), false},
	} {
		r := e.call("POST", "/connections", e.usersWith(map[string]any{"type": "encryption", "mapperConfiguration": tc.cfg}))
		if tc.ok {
			e.expect(r, 200)
			continue
		}
		data := e.expectProblem(r, 400, "error:mapper-validation", "Mapper validation failed", "The mapper configuration is invalid")
		if errs := data["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["error"] != "INVALID_MAPPER_CONFIG" {
			t.Errorf("%s: %v", tc.name, data)
		}
	}
}

// TestMapperAESKeyMasked: the AES key is stored as a secret and every read
// (create, patch, get, list, web_backend) shows the mask; sending the mask
// back fails the cipher check before secrets are looked at, so a patch must
// resend the key (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/MapperSecretHelper.kt,
// ConnectionsHandler.kt).
func TestMapperAESKeyMasked(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	c := e.createConnection(e.usersWith(aesMapper(mapperIDOne, aesKey)))
	id := c["connectionId"].(string)
	key := func(m map[string]any) any { return m["mapperConfiguration"].(map[string]any)["key"] }
	if k := key(mappersOf(t, c, "users")[0]); k != maskedSecret {
		t.Fatalf("create shows key %v", k)
	}
	get := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)
	if k := key(mappersOf(t, get, "users")[0]); k != maskedSecret {
		t.Fatalf("GET shows key %v", k)
	}
	list := e.expect(e.call("GET", "/connections", nil), 200)
	if strings.Contains(string(list.body), aesKey) || !strings.Contains(string(list.body), `"key":"**********"`) {
		t.Fatalf("list does not mask the key: %s", list.body)
	}
	wb := e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": id}), 200)
	if strings.Contains(string(wb.body), aesKey) || !strings.Contains(string(wb.body), `"key":"**********"`) {
		t.Fatalf("web_backend does not mask the key: %s", wb.body)
	}
	patch := func(m map[string]any) response {
		return e.call("PATCH", "/connections/"+id, map[string]any{"configurations": e.usersWith(m)["configurations"]})
	}
	data := e.expectProblem(patch(mappersOf(t, get, "users")[0]), 400, "error:mapper-validation", "Mapper validation failed",
		"The mapper configuration is invalid")
	want := []any{map[string]any{"stream": "users", "error": "INVALID_MAPPER_CONFIG", "mapper": map[string]any{
		"id": mapperIDOne, "type": "encryption", "mapperConfiguration": map[string]any{"algorithm": "AES", "targetField": "email",
			"fieldNameSuffix": "_enc", "mode": "CBC", "padding": "PKCS5Padding", "key": maskedSecret}}}}
	if !reflect.DeepEqual(data["errors"], want) {
		t.Fatalf("errors %v\nwant %v", data["errors"], want)
	}
	p := e.expect(patch(aesMapper(mapperIDOne, aesKey)), 200).json(t)
	if k := key(mappersOf(t, p, "users")[0]); k != maskedSecret {
		t.Fatalf("patch shows key %v", k)
	}
}

// TestMapperSecretNotFound: an encryption mapper whose configuration holds
// the mask anywhere is 400 secret-not-found unless the stored stream has a
// mapper with its id (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/MapperSecretHelper.kt).
func TestMapperSecretNotFound(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	masked := func(id string) map[string]any {
		m := aesMapper(id, aesKey)
		m["mapperConfiguration"].(map[string]any)["fieldNameSuffix"] = "_" + maskedSecret
		return m
	}
	const title, detail = "Mapper secret not found",
		"Attempted to use pre-existing secret values, but an existing secret for that mapper was not found. Please provide the secret values."
	data := e.expectProblem(e.call("POST", "/connections", e.usersWith(masked(mapperIDOne))), 400,
		"error:mapper-validation/secret-not-found", title, detail)
	if !reflect.DeepEqual(data, map[string]any{"mapperId": mapperIDOne, "mapperType": "encryption", "message": nil}) {
		t.Fatalf("data %v", data)
	}
	id := e.createConnection(e.usersWith(aesMapper(mapperIDOne, aesKey)))["connectionId"].(string)
	patch := func(m map[string]any) response {
		return e.call("PATCH", "/connections/"+id, map[string]any{"configurations": e.usersWith(m)["configurations"]})
	}
	e.expectProblem(patch(masked(mapperIDTwo)), 400, "error:mapper-validation/secret-not-found", title, detail)
	e.expect(patch(masked(mapperIDOne)), 200)
}

// TestMapperConfigurationRebuilt: reads rebuild each configuration from
// the stored one: unknown keys dropped, absent optional values left out,
// keys in alphabetical order, the AES key masked
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-converters/src/main/kotlin/io/airbyte/commons/converters/MapperConverters.kt, toApi).
func TestMapperConfigurationRebuilt(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	pub := rsaKeyHex(t, 1024)
	r := e.expect(e.call("POST", "/connections", e.usersWith(
		map[string]any{"id": mapperIDOne, "type": "hashing", "mapperConfiguration": map[string]any{
			"targetField": "email", "method": "MD5", "fieldNameSuffix": "_md5", "extra": true}},
		map[string]any{"id": mapperIDTwo, "type": "row-filtering", "mapperConfiguration": map[string]any{"conditions": map[string]any{
			"type": "NOT", "conditions": []any{map[string]any{"type": "EQUAL", "fieldName": "id", "comparisonValue": "42"}}}}},
		map[string]any{"type": "encryption", "mapperConfiguration": map[string]any{
			"algorithm": "RSA", "targetField": "name", "publicKey": pub}},
		map[string]any{"type": "encryption", "mapperConfiguration": map[string]any{
			"algorithm": "AES", "targetField": "id", "mode": "CTR", "padding": "NoPadding", "key": aesKey}},
	)), 200)
	for _, want := range []string{
		`"id":"` + mapperIDOne + `","type":"hashing","mapperConfiguration":{"fieldNameSuffix":"_md5","method":"MD5","targetField":"email"}}`,
		`"id":"` + mapperIDTwo + `","type":"row-filtering","mapperConfiguration":{"conditions":{"conditions":[{"comparisonValue":"42","fieldName":"id","type":"EQUAL"}],"type":"NOT"}}}`,
		`"type":"encryption","mapperConfiguration":{"algorithm":"RSA","publicKey":"` + pub + `","targetField":"name"}}`,
		`"type":"encryption","mapperConfiguration":{"algorithm":"AES","key":"**********","mode":"CTR","padding":"NoPadding","targetField":"id"}}`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("response lacks %s:\n%s", want, r.body)
		}
	}
}

// TestMapperScalarsBecomeStrings: numbers and booleans where a string is
// wanted are read as strings, as Jackson converts them (seen here in the
// mapper-validation body, which shows the stored configuration)
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-converters/src/main/kotlin/io/airbyte/commons/converters/MapperConverters.kt).
func TestMapperScalarsBecomeStrings(t *testing.T) {
	e := newEnv(t, Options{Seed: 7})
	body, _ := json.Marshal(e.usersWith(
		map[string]any{"id": mapperIDOne, "type": "hashing", "mapperConfiguration": map[string]any{
			"targetField": 123, "method": "MD5", "fieldNameSuffix": true}},
		map[string]any{"id": mapperIDTwo, "type": "field-renaming", "mapperConfiguration": map[string]any{
			"originalFieldName": "FLOAT", "newFieldName": 0.5}}))
	r := e.call("POST", "/connections", strings.Replace(string(body), `"FLOAT"`, "1.5e10", 1))
	e.expectProblem(r, 400, "error:mapper-validation", "Mapper validation failed", "The mapper configuration is invalid")
	for _, want := range []string{
		`"mapperConfiguration":{"targetField":"123","method":"MD5","fieldNameSuffix":"true"}`,
		`"mapperConfiguration":{"originalFieldName":"1.5E10","newFieldName":"0.5"}`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("body lacks %s: %s", want, r.body)
		}
	}
}

// TestJavaNumberText: numbers become the strings Jackson makes of them.
func TestJavaNumberText(t *testing.T) {
	for in, want := range map[string]string{"42": "42", "-0": "0", "1.50": "1.5", "1e3": "1000.0", "1e7": "1.0E7",
		"0.001": "0.001", "0.0001": "1.0E-4", "12345678.9": "1.23456789E7", "-0.0": "-0.0", "123456789012345678901": "123456789012345678901"} {
		if got := javaNumberText(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
