package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// jnode is a JSON value that keeps the order of object keys, as Jackson's
// JsonNode does (a repeated key keeps its first position and its last value).
type jnode struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	keys  []string
	vals  []*jnode
	items []*jnode
	text  string // string value, number literal, "true" or "false"
}

func parseJNode(raw []byte) *jnode {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := readJNode(dec)
	if err != nil {
		return &jnode{kind: 'z'}
	}
	return n
}

func readJNode(dec *json.Decoder) (*jnode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &jnode{kind: 'a'}
		if t == '{' {
			n.kind = 'o'
		}
		for dec.More() {
			key := ""
			if n.kind == 'o' {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ = kt.(string)
			}
			v, err := readJNode(dec)
			if err != nil {
				return nil, err
			}
			if n.kind == 'a' {
				n.items = append(n.items, v)
			} else if i := slices.Index(n.keys, key); i >= 0 {
				n.vals[i] = v
			} else {
				n.keys, n.vals = append(n.keys, key), append(n.vals, v)
			}
		}
		_, err := dec.Token()
		return n, err
	case string:
		return &jnode{kind: 's', text: t}, nil
	case json.Number:
		return &jnode{kind: 'n', text: string(t)}, nil
	case bool:
		return &jnode{kind: 'b', text: strconv.FormatBool(t)}, nil
	}
	return &jnode{kind: 'z'}, nil
}

// get is JsonNode.get: the value of a key of an object (a JSON null is a
// node), nil for a missing key or a node that is not an object.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	if i := slices.Index(n.keys, key); i >= 0 {
		return n.vals[i]
	}
	return nil
}

// textValue is JsonNode.textValue: the string of a string node, else absent.
func (n *jnode) textValue() (string, bool) {
	if n == nil || n.kind != 's' {
		return "", false
	}
	return n.text, true
}

// elements is iterating a JsonNode: array items, object values, else none.
func (n *jnode) elements() []*jnode {
	switch n.kind {
	case 'a':
		return n.items
	case 'o':
		return n.vals
	}
	return nil
}

// javaNodeClass names the Jackson node class of n, for cast messages.
func (n *jnode) javaNodeClass() string {
	switch n.kind {
	case 'a':
		return "ArrayNode"
	case 's':
		return "TextNode"
	case 'b':
		return "BooleanNode"
	case 'z':
		return "NullNode"
	case 'n':
		if strings.ContainsAny(n.text, ".eE") {
			return "DoubleNode"
		}
		return "IntNode"
	}
	return "ObjectNode"
}

// javaNumberText is how Jackson turns a number node into a String: an
// integer as written, a float as Java's Double.toString prints it.
func javaNumberText(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		if i, ok := new(big.Int).SetString(lit, 10); ok {
			return i.String()
		}
		return lit
	}
	f, _ := strconv.ParseFloat(lit, 64)
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0 && math.Signbit(f):
		return "-0.0"
	case f == 0:
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

const apiModels = "io.airbyte.api.model.generated."

// Failure kinds of parsing a mapper (ConfiguredStreamMapper.toInternal).
const (
	faultInvalid = iota // IllegalArgumentException: invalid-config
	faultMissing        // NullPointerException: missing-required-param
	faultCast           // ClassCastException: not caught, a 500
)

type mapperFault struct {
	kind int
	msg  *string // nil: the exception had no message
}

func fault(kind int, msg string) *mapperFault { return &mapperFault{kind: kind, msg: &msg} }

// bareNPE is Kotlin's !! on a null: a NullPointerException without message.
func bareNPE() *mapperFault { return &mapperFault{kind: faultMissing} }

func paramNull(class, param string) *mapperFault {
	return fault(faultMissing, "Parameter specified as non-null is null: method "+class+".<init>, parameter "+param)
}

func castFault(n *jnode) *mapperFault {
	from := "com.fasterxml.jackson.databind.node." + n.javaNodeClass()
	const to = "com.fasterxml.jackson.databind.node.ObjectNode"
	return fault(faultCast, fmt.Sprintf("class %s cannot be cast to class %s (%s and %s are in unnamed module of loader 'app')", from, to, from, to))
}

// apiProp describes one property of a Config API model class: a plain
// string, or an enum with its values.
type apiProp struct {
	name string
	enum []string
}

// convertValue does what Jsons.convertValue does with a mapper
// configuration and a Config API model class: it fails on a value that is not
// an object, on an object or array where a string is wanted and on an enum
// value not spelled exactly; scalars become strings; unknown keys are
// ignored; null and absent properties come back absent. A JSON null as the
// whole value converts to null, reported as ok=false without a fault.
func convertValue(n *jnode, class string, props []apiProp) (map[string]string, bool, *mapperFault) {
	if n.kind == 'z' {
		return nil, false, nil
	}
	if n.kind != 'o' {
		return nil, false, fault(faultInvalid, fmt.Sprintf("Cannot construct instance of `%s%s` (although at least one Creator exists): "+
			"no delegating creator to deserialize from %s value", apiModels, class, n.javaNodeClass()))
	}
	out := map[string]string{}
	for i, key := range n.keys {
		pi := slices.IndexFunc(props, func(p apiProp) bool { return p.name == key })
		v := n.vals[i]
		if pi < 0 || v.kind == 'z' {
			continue
		}
		chain := fmt.Sprintf(" (through reference chain: %s%s[\"%s\"])", apiModels, class, key)
		var text string
		switch v.kind {
		case 'o', 'a':
			token := map[byte]string{'o': "Object value (token `JsonToken.START_OBJECT`)", 'a': "Array value (token `JsonToken.START_ARRAY`)"}[v.kind]
			typ := "java.lang.String"
			if props[pi].enum != nil {
				typ = apiModels + class + "$" + strings.ToUpper(key[:1]) + key[1:] + "Enum"
			}
			return nil, false, fault(faultInvalid, "Cannot deserialize value of type `"+typ+"` from "+token+chain)
		case 'n':
			text = javaNumberText(v.text)
		default:
			text = v.text
		}
		if props[pi].enum != nil && !slices.Contains(props[pi].enum, text) {
			return nil, false, fault(faultInvalid, fmt.Sprintf("Cannot construct instance of `%s%s$%sEnum`, problem: Unexpected value '%s'%s",
				apiModels, class, strings.ToUpper(key[:1])+key[1:], text, chain))
		}
		out[key] = text
	}
	return out, true, nil
}

var (
	hashingMethods = []string{"MD2", "MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"}
	aesModes       = []string{"CBC", "CFB", "OFB", "CTR", "GCM", "ECB"}
	aesPaddings    = []string{"NoPadding", "PKCS5Padding"}
)

// setting is one property of a mapper's internal configuration; a nil
// value is a null.
type setting struct {
	name  string
	value *string
}

// settingsOf lists names of values in order, nil for those absent.
func settingsOf(values map[string]string, names ...string) []setting {
	out := make([]setting, len(names))
	for i, n := range names {
		out[i].name = n
		if v, ok := values[n]; ok {
			out[i].value = &v
		}
	}
	return out
}

// requireSettings reports the first required property that is null, in
// the order the Kotlin code evaluates them.
func requireSettings(values map[string]string, class string, names ...string) *mapperFault {
	for _, n := range names {
		if _, ok := values[n]; !ok {
			return paramNull(class, n)
		}
	}
	return nil
}

// parseMapperConfig turns a mapper's configuration into its internal
// settings (or row-filtering operation) the way ConfiguredStreamMapper.toInternal
// does (airbytehq/airbyte-platform@310e6cb: airbyte-commons-converters/src/main/kotlin/io/airbyte/commons/converters/MapperConverters.kt).
func parseMapperConfig(typ string, n *jnode) ([]setting, *rowOperation, *mapperFault) {
	const configs = "io.airbyte.config.mapper.configs."
	simple := func(class string, props []apiProp, required []string, order ...string) ([]setting, *rowOperation, *mapperFault) {
		values, ok, f := convertValue(n, class, props)
		if f != nil {
			return nil, nil, f
		}
		if !ok {
			return nil, nil, fault(faultMissing, fmt.Sprintf("Cannot invoke \"%s%s.get%s()\" because \"$this$toInternal\" is null",
				apiModels, class, strings.ToUpper(required[0][:1])+required[0][1:]))
		}
		if f := requireSettings(values, configs+strings.TrimSuffix(class, "MapperConfiguration")+"Config", required...); f != nil {
			return nil, nil, f
		}
		return settingsOf(values, order...), nil, nil
	}
	switch typ {
	case "hashing":
		return simple("HashingMapperConfiguration",
			[]apiProp{{name: "fieldNameSuffix"}, {name: "method", enum: hashingMethods}, {name: "targetField"}},
			[]string{"method", "targetField", "fieldNameSuffix"}, "targetField", "method", "fieldNameSuffix")
	case "field-filtering":
		return simple("FieldFilteringMapperConfiguration", []apiProp{{name: "targetField"}}, []string{"targetField"}, "targetField")
	case "field-renaming":
		return simple("FieldRenamingMapperConfiguration", []apiProp{{name: "newFieldName"}, {name: "originalFieldName"}},
			[]string{"originalFieldName", "newFieldName"}, "originalFieldName", "newFieldName")
	case "row-filtering":
		c := n.get("conditions")
		if c == nil {
			return nil, nil, fault(faultMissing, "null cannot be cast to non-null type com.fasterxml.jackson.databind.node.ObjectNode")
		}
		if c.kind != 'o' {
			return nil, nil, castFault(c)
		}
		op, f := parseRowOperation(c)
		return nil, op, f
	case "encryption":
		return parseEncryption(n)
	}
	return nil, nil, fault(faultInvalid, "Mapper type is not supported")
}

func parseEncryption(n *jnode) ([]setting, *rowOperation, *mapperFault) {
	alg := n.get("algorithm")
	if alg == nil {
		return nil, nil, bareNPE()
	}
	name, _ := alg.textValue()
	algProp := apiProp{name: "algorithm", enum: []string{"RSA", "AES"}}
	switch {
	case alg.kind == 's' && name == "AES":
		values, _, f := convertValue(n, "EncryptionMapperAESConfiguration", []apiProp{algProp, {name: "fieldNameSuffix"},
			{name: "key"}, {name: "mode", enum: aesModes}, {name: "padding", enum: aesPaddings}, {name: "targetField"}})
		if f != nil {
			return nil, nil, f
		}
		if _, ok := values["key"]; !ok {
			return nil, nil, paramNull("io.airbyte.config.AirbyteSecret$Hydrated", "value")
		}
		for _, p := range []string{"mode", "padding"} {
			if _, ok := values[p]; !ok {
				return nil, nil, fault(faultMissing, "Cannot invoke \"ordinal()\" because \"$this$toInternal\" is null")
			}
		}
		if f := requireSettings(values, "io.airbyte.config.mapper.configs.AesEncryptionConfig", "targetField"); f != nil {
			return nil, nil, f
		}
		values["algorithm"] = "AES"
		return settingsOf(values, "algorithm", "targetField", "fieldNameSuffix", "mode", "padding", "key"), nil, nil
	case alg.kind == 's' && name == "RSA":
		values, _, f := convertValue(n, "EncryptionMapperRSAConfiguration", []apiProp{algProp, {name: "fieldNameSuffix"},
			{name: "publicKey"}, {name: "targetField"}})
		if f != nil {
			return nil, nil, f
		}
		if f := requireSettings(values, "io.airbyte.config.mapper.configs.RsaEncryptionConfig", "targetField", "publicKey"); f != nil {
			return nil, nil, f
		}
		values["algorithm"] = "RSA"
		return settingsOf(values, "algorithm", "targetField", "fieldNameSuffix", "publicKey"), nil, nil
	}
	if alg.kind != 's' {
		name = "null"
	}
	return nil, nil, fault(faultInvalid, "Unsupported encryption algorithm: "+name)
}

// rowOperation is a row-filtering condition: EQUAL or NOT.
type rowOperation struct {
	typ                        string
	fieldName, comparisonValue string
	conditions                 []*rowOperation
}

func parseRowOperation(n *jnode) (*rowOperation, *mapperFault) {
	t := n.get("type")
	if t == nil {
		return nil, bareNPE()
	}
	typ, _ := t.textValue()
	switch {
	case t.kind == 's' && typ == "EQUAL":
		values, _, f := convertValue(n, "RowFilteringOperationEqual", []apiProp{{name: "comparisonValue"}, {name: "fieldName"},
			{name: "type", enum: []string{"EQUAL", "NOT"}}})
		if f != nil {
			return nil, f
		}
		if f := requireSettings(values, "io.airbyte.config.mapper.configs.EqualOperation", "fieldName", "comparisonValue"); f != nil {
			return nil, f
		}
		return &rowOperation{typ: "EQUAL", fieldName: values["fieldName"], comparisonValue: values["comparisonValue"]}, nil
	case t.kind == 's' && typ == "NOT":
		c := n.get("conditions")
		if c == nil {
			return nil, bareNPE()
		}
		op := &rowOperation{typ: "NOT", conditions: []*rowOperation{}}
		for _, el := range c.elements() {
			if el.kind != 'o' {
				return nil, castFault(el)
			}
			sub, f := parseRowOperation(el)
			if f != nil {
				return nil, f
			}
			op.conditions = append(op.conditions, sub)
		}
		return op, nil
	}
	if t.kind != 's' {
		typ = "null"
	}
	return nil, fault(faultInvalid, "Unsupported operation type: "+typ)
}

// json renders the operation as the Config API's RowFilteringOperation.
func (op *rowOperation) json() map[string]any {
	if op.typ == "EQUAL" {
		return map[string]any{"type": "EQUAL", "fieldName": op.fieldName, "comparisonValue": op.comparisonValue}
	}
	subs := make([]any, len(op.conditions))
	for i, c := range op.conditions {
		subs[i] = c.json()
	}
	return map[string]any{"type": "NOT", "conditions": subs}
}
