package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// SeedFile is a user's own seed data: the workspaces, sources and
// destinations an emulator starts with instead of the built-in ones. Read
// one with ParseSeedFile and pass it as Options.SeedFile.
type SeedFile struct {
	Workspaces []SeedWorkspace `json:"workspaces"`
}

// SeedWorkspace is one workspace of a seed file.
type SeedWorkspace struct {
	ID           string            `json:"id"` // optional UUID; drawn from Options.Seed when empty
	Name         string            `json:"name"`
	Sources      []SeedSource      `json:"sources"`
	Destinations []SeedDestination `json:"destinations"`
}

// SeedSource is one source of a seed file; its streams stand in for
// discovery.
type SeedSource struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	Type           string         `json:"type"` // short name such as "postgres"; default "custom"
	DefinitionID   string         `json:"definition_id"`
	DockerImageTag string         `json:"docker_image_tag"`
	Configuration  map[string]any `json:"configuration"`
	CDC            bool           `json:"cdc"` // successful syncs write global state
	Streams        []SeedStream   `json:"streams"`
}

// SeedStream is one stream of a source's discovered catalog. Its fields are
// the properties of JSONSchema.
type SeedStream struct {
	Name                    string          `json:"name"`
	Namespace               string          `json:"namespace"`
	SyncModes               []string        `json:"sync_modes"`
	SourceDefinedCursor     bool            `json:"source_defined_cursor"`
	DefaultCursorField      []string        `json:"default_cursor_field"`
	SourceDefinedPrimaryKey [][]string      `json:"source_defined_primary_key"`
	JSONSchema              json.RawMessage `json:"json_schema"`
	Suggested               bool            `json:"suggested"`
}

// SeedDestination is one destination of a seed file.
type SeedDestination struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	Type           string         `json:"type"` // short name such as "snowflake"; default "custom"
	DefinitionID   string         `json:"definition_id"`
	DockerImageTag string         `json:"docker_image_tag"`
	Configuration  map[string]any `json:"configuration"`
	SyncModes      []string       `json:"sync_modes"` // destination sync modes
}

// customType is the connector type of a seeded source or destination whose
// file names none.
const customType = "custom"

var allDestinationSyncModes = []string{destOverwrite, destAppend, destAppendDedup, destOverwriteDedup, destUpdate, destSoftDelete}

// ParseSeedFile reads and checks a seed file. Errors name the JSON path of
// the offending value (workspaces[0].sources[1].name) or, for malformed
// JSON, its line and column.
func ParseSeedFile(r io.Reader) (*SeedFile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := lineColumn(data, syn.Offset)
			return nil, fmt.Errorf("line %d, column %d: %s", line, col, syn.Error())
		}
		return nil, err
	}
	// The strict decoder's own errors carry no indices; find the offending
	// value in the generic tree first.
	if err := checkShape(tree, reflect.TypeFor[SeedFile](), ""); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f SeedFile
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// lineColumn turns a byte offset into a 1-based line and column. A syntax
// error's offset is just past the byte that broke the syntax.
func lineColumn(data []byte, offset int64) (line, column int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:max(offset-1, 0)]
	line = bytes.Count(before, []byte("\n")) + 1
	column = len(before) - bytes.LastIndexByte(before, '\n')
	return line, column
}

// checkShape compares a decoded JSON value with the Go type it must fill:
// unknown keys and values of the wrong JSON type are reported with their path.
func checkShape(v any, t reflect.Type, path string) error {
	if v == nil {
		return nil
	}
	if t == reflect.TypeFor[json.RawMessage]() {
		return nil
	}
	at := func() string {
		if path == "" {
			return "the file"
		}
		return path
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: must be an object, not %s", at(), jsonKind(v))
		}
		known := map[string]reflect.StructField{}
		for i := range t.NumField() {
			sf := t.Field(i)
			known[strings.Split(sf.Tag.Get("json"), ",")[0]] = sf
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			sf, ok := known[k]
			if !ok {
				return fmt.Errorf("%s: unknown field %q; known fields are %s", join(path, k), k, strings.Join(slices.Sorted(maps.Keys(known)), ", "))
			}
			if err := checkShape(obj[k], sf.Type, join(path, k)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: must be an array, not %s", at(), jsonKind(v))
		}
		for i, x := range arr {
			if err := checkShape(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if _, ok := v.(map[string]any); !ok {
			return fmt.Errorf("%s: must be an object, not %s", at(), jsonKind(v))
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: must be a string, not %s", at(), jsonKind(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: must be true or false, not %s", at(), jsonKind(v))
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("%t", x)
	case float64:
		return fmt.Sprintf("the number %v", x)
	}
	return "null"
}

// validate checks what the JSON types cannot say: names, ids, modes, and
// that cursors and keys name fields of the schema.
func (f *SeedFile) validate() error {
	if len(f.Workspaces) == 0 {
		return errors.New("workspaces: at least one workspace is required")
	}
	ids := map[string]string{} // id → path of its first use
	checkID := func(id, path string) error {
		if id == "" {
			return nil
		}
		u, err := uuid.Parse(id)
		if err != nil || u.String() != strings.ToLower(id) {
			return fmt.Errorf("%s.id: %q is not a UUID such as \"6f1c2f4e-3b0a-4c1e-9d55-0c7a9b8e2a11\"", path, id)
		}
		if first, ok := ids[strings.ToLower(id)]; ok {
			return fmt.Errorf("%s.id: %q is already the id of %s; ids must be unique", path, id, first)
		}
		ids[strings.ToLower(id)] = path
		return nil
	}
	for wi, ws := range f.Workspaces {
		wp := fmt.Sprintf("workspaces[%d]", wi)
		if err := requireName(ws.Name, wp); err != nil {
			return err
		}
		if err := checkID(ws.ID, wp); err != nil {
			return err
		}
		for si, s := range ws.Sources {
			sp := fmt.Sprintf("%s.sources[%d]", wp, si)
			if err := requireName(s.Name, sp); err != nil {
				return err
			}
			if err := checkID(s.ID, sp); err != nil {
				return err
			}
			if err := checkDefinitionID(s.DefinitionID, sp); err != nil {
				return err
			}
			seen := map[[2]string]int{}
			for ti, st := range s.Streams {
				tp := fmt.Sprintf("%s.streams[%d]", sp, ti)
				if prev, ok := seen[[2]string{st.Namespace, st.Name}]; ok {
					return fmt.Errorf("%s.name: stream %q is already streams[%d] of this source in namespace %q; a source's stream names are unique per namespace", tp, st.Name, prev, st.Namespace)
				}
				seen[[2]string{st.Namespace, st.Name}] = ti
				if _, err := st.discovered(tp); err != nil {
					return err
				}
			}
		}
		for di, d := range ws.Destinations {
			dp := fmt.Sprintf("%s.destinations[%d]", wp, di)
			if err := requireName(d.Name, dp); err != nil {
				return err
			}
			if err := checkID(d.ID, dp); err != nil {
				return err
			}
			if err := checkDefinitionID(d.DefinitionID, dp); err != nil {
				return err
			}
			if err := checkModes(d.SyncModes, allDestinationSyncModes, dp+".sync_modes", "destination sync mode"); err != nil {
				return err
			}
		}
	}
	return nil
}

func requireName(name, path string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("%s.name: a non-empty name is required", path)
	}
	return nil
}

func checkDefinitionID(id, path string) error {
	if id == "" {
		return nil
	}
	if _, err := uuid.Parse(id); err != nil {
		return fmt.Errorf("%s.definition_id: %q is not a UUID", path, id)
	}
	return nil
}

func checkModes(modes, valid []string, path, what string) error {
	for i, m := range modes {
		if !slices.Contains(valid, m) {
			return fmt.Errorf("%s[%d]: %q is not a %s; use %s", path, i, m, what, quotedOr(valid))
		}
		if slices.Index(modes, m) != i {
			return fmt.Errorf("%s[%d]: %q is listed twice", path, i, m)
		}
	}
	return nil
}

func quotedOr(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// discovered turns the stream into the catalog entry a discovery would
// give, or says what is wrong with it; path is the stream's JSON path.
func (st SeedStream) discovered(path string) (discoveredStream, error) {
	if err := requireName(st.Name, path); err != nil {
		return discoveredStream{}, err
	}
	modes := st.SyncModes
	if len(modes) == 0 {
		modes = fullRefreshOnly
	}
	if err := checkModes(modes, bothModes, path+".sync_modes", "sync mode"); err != nil {
		return discoveredStream{}, err
	}
	ds := discoveredStream{name: st.Name, namespace: st.Namespace, supportedSyncModes: slices.Clone(modes),
		sourceDefinedCursor: st.SourceDefinedCursor, defaultCursorField: slices.Clone(st.DefaultCursorField),
		sourceDefinedPK: cloneKey(st.SourceDefinedPrimaryKey), suggested: st.Suggested}
	if len(st.JSONSchema) > 0 && string(st.JSONSchema) != "null" {
		fields, err := schemaFields(st.JSONSchema, path+".json_schema")
		if err != nil {
			return discoveredStream{}, err
		}
		ds.fields = fields
	}
	paths := ds.propertyPaths()
	has := func(p []string) bool {
		return slices.ContainsFunc(paths, func(q []string) bool { return slices.Equal(p, q) })
	}
	if st.SourceDefinedCursor && len(st.DefaultCursorField) == 0 {
		return discoveredStream{}, fmt.Errorf("%s.default_cursor_field: a source-defined cursor needs a default cursor field", path)
	}
	if len(st.DefaultCursorField) > 0 && !has(st.DefaultCursorField) {
		return discoveredStream{}, fmt.Errorf("%s.default_cursor_field: %s is not a property of json_schema; its properties are %s",
			path, javaList(st.DefaultCursorField), javaList(paths))
	}
	for i, k := range st.SourceDefinedPrimaryKey {
		if len(k) == 0 || !has(k) {
			return discoveredStream{}, fmt.Errorf("%s.source_defined_primary_key[%d]: %s is not a property of json_schema; its properties are %s",
				path, i, javaList(k), javaList(paths))
		}
	}
	return ds, nil
}

// schemaFields lists the properties of an object schema, in the order the
// file gives them, with nested object properties as children.
func schemaFields(raw json.RawMessage, path string) ([]field, error) {
	var schema map[string]json.RawMessage
	if err := json.Unmarshal(raw, &schema); err != nil {
		return nil, fmt.Errorf("%s: must be a JSON schema object", path)
	}
	props, ok := schema["properties"]
	if !ok || string(props) == "null" {
		return nil, nil
	}
	names, err := objectKeys(props)
	if err != nil {
		return nil, fmt.Errorf("%s.properties: must be an object", path)
	}
	var byName map[string]json.RawMessage
	_ = json.Unmarshal(props, &byName) // objectKeys has checked it is an object
	fields := make([]field, 0, len(names))
	for _, name := range names {
		p := path + ".properties." + name
		var whole map[string]any
		if err := json.Unmarshal(byName[name], &whole); err != nil || whole == nil {
			return nil, fmt.Errorf("%s: must be a JSON schema object", p)
		}
		children, err := schemaFields(byName[name], p)
		if err != nil {
			return nil, err
		}
		fields = append(fields, field{name: name, children: children, schema: whole})
	}
	return fields, nil
}

// objectKeys returns a JSON object's keys in their order in the text.
func objectKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
