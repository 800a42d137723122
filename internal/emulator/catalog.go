package emulator

import (
	"fmt"
	"slices"
	"strings"
)

// field is one property of a discovered stream's JSON schema; children make
// it an object with nested properties.
type field struct {
	name     string
	typ      string
	children []field
	schema   map[string]any // the property's own schema from a seed file, rendered as given
}

// discoveredStream is one stream of a source's discovered catalog.
type discoveredStream struct {
	name                string
	namespace           string // "" means none
	fields              []field
	supportedSyncModes  []string // "full_refresh", "incremental"
	sourceDefinedCursor bool
	defaultCursorField  []string
	sourceDefinedPK     [][]string
	suggested           bool // named in the connector's suggestedStreams
}

// jsonSchema renders the stream's fields as a JSON schema object.
func (s discoveredStream) jsonSchema() map[string]any {
	return objectSchema(s.fields)
}

func objectSchema(fields []field) map[string]any {
	props := map[string]any{}
	for _, f := range fields {
		if f.schema != nil {
			props[f.name] = f.schema
			continue
		}
		if len(f.children) > 0 {
			props[f.name] = objectSchema(f.children)
			continue
		}
		props[f.name] = map[string]any{"type": f.typ}
	}
	return map[string]any{"type": "object", "properties": props}
}

// propertyPaths lists every property path, nested ones after their parent,
// in declaration order.
func (s discoveredStream) propertyPaths() [][]string {
	var out [][]string
	var walk func(prefix []string, fs []field)
	walk = func(prefix []string, fs []field) {
		for _, f := range fs {
			p := append(slices.Clone(prefix), f.name)
			out = append(out, p)
			walk(p, f.children)
		}
	}
	walk(nil, s.fields)
	return out
}

func (s discoveredStream) topLevelFields() []string {
	out := make([]string, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.name
	}
	return out
}

func (s discoveredStream) supports(mode string) bool {
	return slices.Contains(s.supportedSyncModes, mode)
}

// Internal sync modes (source side) and destination sync modes, as the
// Config API spells them.
const (
	syncFullRefresh = "full_refresh"
	syncIncremental = "incremental"

	destAppend         = "append"
	destOverwrite      = "overwrite"
	destAppendDedup    = "append_dedup"
	destOverwriteDedup = "overwrite_dedup"
	destUpdate         = "update"
	destSoftDelete     = "soft_delete"
)

// connectionSyncModes is ConnectionSyncModeEnum in declaration order, with
// the (source, destination) pair each value stands for.
var connectionSyncModes = []struct {
	public, source, destination string
}{
	{"full_refresh_overwrite", syncFullRefresh, destOverwrite},
	{"full_refresh_overwrite_deduped", syncFullRefresh, destOverwriteDedup},
	{"full_refresh_append", syncFullRefresh, destAppend},
	{"full_refresh_update", syncFullRefresh, destUpdate},
	{"full_refresh_soft_delete", syncFullRefresh, destSoftDelete},
	{"incremental_append", syncIncremental, destAppend},
	{"incremental_deduped_history", syncIncremental, destAppendDedup},
	{"incremental_update", syncIncremental, destUpdate},
	{"incremental_soft_delete", syncIncremental, destSoftDelete},
}

func validConnectionSyncMode(m string) bool {
	for _, c := range connectionSyncModes {
		if c.public == m {
			return true
		}
	}
	return false
}

// publicSyncMode maps a stored (source, destination) pair to the public
// enum; an unknown pair reads as full_refresh_overwrite like the server.
func publicSyncMode(source, destination string) string {
	for _, c := range connectionSyncModes {
		if c.source == source && c.destination == destination {
			return c.public
		}
	}
	return "full_refresh_overwrite"
}

func splitSyncMode(public string) (source, destination string) {
	for _, c := range connectionSyncModes {
		if c.public == public {
			return c.source, c.destination
		}
	}
	return syncFullRefresh, destOverwrite
}

func isIncremental(public string) bool { return strings.HasPrefix(public, "incremental_") }

// needsPrimaryKey lists the modes whose selected fields must include the key.
func needsPrimaryKey(public string) bool {
	switch public {
	case "incremental_deduped_history", "full_refresh_overwrite_deduped", "incremental_update", "full_refresh_update":
		return true
	}
	return false
}

// validCombinedSyncModes returns the public modes possible for a source
// stream and a destination, in enum declaration order.
func validCombinedSyncModes(s discoveredStream, destModes []string) []string {
	var out []string
	for _, c := range connectionSyncModes {
		if s.supports(c.source) && slices.Contains(destModes, c.destination) {
			out = append(out, c.public)
		}
	}
	return out
}

// streamPropertySyncModes builds StreamProperties.syncModes in the order the
// server's StreamsController uses; it never yields
// full_refresh_overwrite_deduped.
func streamPropertySyncModes(s discoveredStream, destModes []string) []string {
	out := []string{}
	if s.supports(syncFullRefresh) {
		for _, d := range []string{destAppend, destOverwrite, destUpdate, destSoftDelete} {
			if slices.Contains(destModes, d) {
				out = append(out, publicSyncMode(syncFullRefresh, d))
			}
		}
	}
	if s.supports(syncIncremental) {
		for _, d := range []string{destAppend, destAppendDedup, destUpdate, destSoftDelete} {
			if slices.Contains(destModes, d) {
				out = append(out, publicSyncMode(syncIncremental, d))
			}
		}
	}
	return out
}

// configuredStream is one selected stream of a connection's configured
// catalog. Its name and namespace are the discovered stream's: a request's
// namespace only selects the stream.
type configuredStream struct {
	name, namespace       string
	syncMode              string // source side
	destinationSyncMode   string
	cursorField           []string
	primaryKey            [][]string
	fieldSelectionEnabled bool
	selectedFields        [][]string
	mappers               []mapper
	includeFiles          *bool
	destinationObjectName *string
}

func (c configuredStream) publicSyncMode() string {
	return publicSyncMode(c.syncMode, c.destinationSyncMode)
}

// defaultConfiguredStream is the full_refresh/overwrite configuration with
// the catalog's default cursor and key, used when a connection is created
// without streams or a stream is sent with only its name.
func defaultConfiguredStream(s discoveredStream) configuredStream {
	return configuredStream{
		name:                s.name,
		namespace:           s.namespace,
		syncMode:            syncFullRefresh,
		destinationSyncMode: destOverwrite,
		cursorField:         slices.Clone(s.defaultCursorField),
		primaryKey:          cloneKey(s.sourceDefinedPK),
	}
}

func cloneKey(k [][]string) [][]string {
	if k == nil {
		return nil
	}
	out := make([][]string, len(k))
	for i, p := range k {
		out[i] = slices.Clone(p)
	}
	return out
}

// streamRequest is a StreamConfiguration as sent by a client.
type streamRequest struct {
	Name                  string           `json:"name"`
	Namespace             *string          `json:"namespace"`
	SyncMode              *string          `json:"syncMode"`
	CursorField           []string         `json:"cursorField"`
	PrimaryKey            [][]string       `json:"primaryKey"`
	IncludeFiles          *bool            `json:"includeFiles"`
	DestinationObjectName *string          `json:"destinationObjectName"`
	SelectedFields        *[]selectedField `json:"selectedFields"`
	Mappers               *[]mapper        `json:"mappers"`
}

type selectedField struct {
	FieldPath []string `json:"fieldPath"`
}

// javaList prints a list the way Java's List.toString does: "[a, b]".
func javaList[T any](items []T) string {
	parts := make([]string, len(items))
	for i, it := range items {
		switch v := any(it).(type) {
		case []string:
			parts[i] = javaList(v)
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func nsString(ns *string) string {
	if ns == nil {
		return "null"
	}
	return *ns
}

// configureStreams validates the requested streams against the discovered
// catalog and destination, returning the configured streams or the
// bad-request message the server would give (AirbyteCatalogHelper).
func configureStreams(catalog []discoveredStream, destModes []string, reqs []streamRequest) ([]configuredStream, string) {
	seen := map[string]bool{}
	out := make([]configuredStream, 0, len(reqs))
	for _, req := range reqs {
		ds, msg := findStream(catalog, req.Name, req.Namespace)
		if msg != "" {
			return nil, msg
		}
		if msg := validateStream(req, ds, destModes); msg != "" {
			return nil, msg
		}
		cs := toConfiguredStream(req, ds)
		key := req.Name + "\x00" + nsString(req.Namespace)
		if seen[key] {
			return nil, fmt.Sprintf("Duplicate stream found in configuration for stream name [%s] in namespace [%s].", req.Name, nsString(req.Namespace))
		}
		seen[key] = true
		out = append(out, cs)
	}
	return out, ""
}

func findStream(catalog []discoveredStream, name string, namespace *string) (discoveredStream, string) {
	var byName []discoveredStream
	for _, s := range catalog {
		if s.name == name {
			byName = append(byName, s)
		}
	}
	if len(byName) == 1 {
		return byName[0], ""
	}
	var matches []discoveredStream
	for _, s := range byName {
		if namespace != nil && s.namespace == *namespace || namespace == nil && s.namespace == "" {
			matches = append(matches, s)
		}
	}
	const hint = " Please call the https://reference.airbyte.com/reference/getstreamproperties endpoint to see the valid stream name and namespace combinations."
	switch {
	case len(matches) == 1:
		return matches[0], ""
	case len(matches) > 1:
		return discoveredStream{}, fmt.Sprintf("Multiple streams found with name [%s] and namespace [%s].", name, nsString(namespace)) + hint
	default:
		return discoveredStream{}, fmt.Sprintf("No streams found with name [%s] and namespace [%s].", name, nsString(namespace)) + hint
	}
}

// selectCursor: a source-defined cursor wins, then the requested one, then
// the default.
func selectCursor(s discoveredStream, requested []string) []string {
	if s.sourceDefinedCursor {
		return slices.Clone(s.defaultCursorField)
	}
	if len(requested) > 0 {
		return slices.Clone(requested)
	}
	return slices.Clone(s.defaultCursorField)
}

// selectPrimaryKey: a source-defined key wins over the requested one.
func selectPrimaryKey(s discoveredStream, requested [][]string) [][]string {
	if len(s.sourceDefinedPK) > 0 {
		return cloneKey(s.sourceDefinedPK)
	}
	return cloneKey(requested)
}

// toConfiguredStream maps a validated request onto a configured stream the
// way the server's toAirbyteStreamConfiguration does.
func toConfiguredStream(req streamRequest, s discoveredStream) configuredStream {
	// The request's namespace only picks the discovered stream; the stored
	// stream is the discovered one (CatalogConverter.toConfiguredInternal).
	cs := defaultConfiguredStream(s)
	cs.includeFiles = req.IncludeFiles
	cs.destinationObjectName = req.DestinationObjectName
	if req.SelectedFields != nil {
		cs.fieldSelectionEnabled = true
		for _, f := range *req.SelectedFields {
			cs.selectedFields = append(cs.selectedFields, slices.Clone(f.FieldPath))
		}
	}
	if req.Mappers != nil {
		cs.mappers = slices.Clone(*req.Mappers)
	}
	if req.SyncMode == nil {
		return cs
	}
	mode := *req.SyncMode
	cs.syncMode, cs.destinationSyncMode = splitSyncMode(mode)
	switch {
	case mode == "full_refresh_overwrite" || mode == "full_refresh_append":
		// catalog defaults kept
	case isIncremental(mode):
		cs.cursorField = selectCursor(s, req.CursorField)
		cs.primaryKey = selectPrimaryKey(s, req.PrimaryKey)
	default:
		cs.primaryKey = selectPrimaryKey(s, req.PrimaryKey)
	}
	return cs
}
