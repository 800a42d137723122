package emulator

import (
	"net/http"
	"regexp"
	"slices"
)

// catalogRequest is a Config API AirbyteCatalog as a client sends it. The
// stream part is read for its name and namespace only: the emulator keeps
// the discovered stream's schema and properties.
type catalogRequest struct {
	Streams []catalogEntryRequest `json:"streams"`
}

type catalogEntryRequest struct {
	Stream *struct {
		Name               *string  `json:"name"`
		Namespace          *string  `json:"namespace"`
		SupportedSyncModes []string `json:"supportedSyncModes"`
	} `json:"stream"`
	Config *streamConfigRequest `json:"config"`
}

// streamConfigRequest is AirbyteStreamConfiguration; pointers tell absent
// (null) from empty.
type streamConfigRequest struct {
	SyncMode              *string          `json:"syncMode"`
	CursorField           *[]string        `json:"cursorField"`
	DestinationSyncMode   *string          `json:"destinationSyncMode"`
	PrimaryKey            *[][]string      `json:"primaryKey"`
	Selected              *bool            `json:"selected"`
	DestinationObjectName *string          `json:"destinationObjectName"`
	IncludeFiles          *bool            `json:"includeFiles"`
	FieldSelectionEnabled *bool            `json:"fieldSelectionEnabled"`
	SelectedFields        *[]selectedField `json:"selectedFields"`
	Mappers               *[]mapper        `json:"mappers"`
}

// valid is the binding of the catalog's enums and mapper ids.
func (cat *catalogRequest) valid() bool {
	in := func(p *string, allowed []string) bool { return p == nil || slices.Contains(allowed, *p) }
	for _, s := range cat.Streams {
		if s.Stream != nil {
			for _, m := range s.Stream.SupportedSyncModes {
				if !slices.Contains(configSyncModes, m) {
					return false
				}
			}
		}
		if c := s.Config; c != nil {
			if !in(c.SyncMode, configSyncModes) || !in(c.DestinationSyncMode, configDestSyncModes) {
				return false
			}
		}
	}
	return true
}

func (s catalogEntryRequest) descriptor() (name, namespace string) {
	if s.Stream.Name != nil {
		name = *s.Stream.Name
	}
	if s.Stream.Namespace != nil {
		namespace = *s.Stream.Namespace
	}
	return name, namespace
}

// checkIncludeFiles is ConnectionsHandler.validateCatalogIncludeFiles: a
// selected stream with includeFiles true needs a source and destination
// that support file transfers, which no seeded connector does. Reading
// config.selected of a stream without config or selected throws a
// NullPointerException (500).
func checkIncludeFiles(cat *catalogRequest) *configReply {
	var streams []map[string]any
	for _, s := range cat.Streams {
		if s.Config == nil || s.Config.Selected == nil {
			return errorIDReply(http.StatusInternalServerError)
		}
		if *s.Config.Selected && s.Config.IncludeFiles != nil && *s.Config.IncludeFiles {
			if s.Stream == nil {
				return errorIDReply(http.StatusInternalServerError)
			}
			streams = append(streams, map[string]any{"streamName": s.Stream.Name, "streamNamespace": s.Stream.Namespace})
		}
	}
	if len(streams) > 0 {
		return problemReply(fileTransfersUnsupported(streams))
	}
	return nil
}

// checkNames is ConnectionHelper.validateCatalogDoesntContainDuplicateStreamNames:
// a require, so a duplicate (namespace, name) is a 500.
func (cat *catalogRequest) checkNames() *configReply {
	seen := map[[2]string]bool{}
	for _, s := range cat.Streams {
		if s.Stream == nil {
			return errorIDReply(http.StatusInternalServerError)
		}
		ns := "\x00null"
		if s.Stream.Namespace != nil {
			ns = *s.Stream.Namespace
		}
		name, _ := s.descriptor()
		key := [2]string{ns, name}
		if seen[key] {
			return errorIDReply(http.StatusInternalServerError)
		}
		seen[key] = true
	}
	return nil
}

// selectedModes lists the selected streams with their source sync mode, to
// compare with the stored catalog; a selected stream without a sync mode
// breaks the handler's Collectors.toMap (a 500).
func (cat *catalogRequest) selectedModes() ([]configuredStream, *configReply) {
	var out []configuredStream
	for _, s := range cat.Streams {
		if !*s.Config.Selected {
			continue
		}
		if s.Config.SyncMode == nil {
			return nil, errorIDReply(http.StatusInternalServerError)
		}
		name, ns := s.descriptor()
		out = append(out, configuredStream{name: name, namespace: ns, syncMode: *s.Config.SyncMode})
	}
	return out, nil
}

// configuredCatalog converts the selected streams the way
// CatalogConverter.toConfiguredInternal does: the configuration is taken as
// sent, without checks against the discovered catalog or the destination
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/CatalogConverter.kt).
// Field-selection errors are JsonValidationExceptions (422, the first one
// after every stream is converted); other exceptions end the conversion
// at once (500). Streams the source never discovered are not kept.
func (e *Emulator) configuredCatalog(c *connection, cat *catalogRequest) ([]configuredStream, *configReply) {
	src := e.sourceByID(c.sourceID)
	out := []configuredStream{}
	var invalid *configReply
	for _, s := range cat.Streams {
		cfg := s.Config
		if !*cfg.Selected {
			continue
		}
		name, ns := s.descriptor()
		i := slices.IndexFunc(src.catalog, func(d discoveredStream) bool { return d.name == name && d.namespace == ns })
		var ds discoveredStream
		if i >= 0 {
			ds = src.catalog[i]
		}
		selected, reply := checkFieldSelection(cfg, ds)
		if reply != nil && reply.status == http.StatusInternalServerError {
			return nil, reply
		}
		if reply != nil && invalid == nil {
			invalid = reply
		}
		if reply != nil {
			continue
		}
		if cfg.DestinationSyncMode == nil {
			return nil, errorIDReply(http.StatusInternalServerError)
		}
		if i < 0 {
			continue
		}
		cs := configuredStream{
			name: name, namespace: ns, syncMode: *cfg.SyncMode, destinationSyncMode: *cfg.DestinationSyncMode,
			includeFiles: cfg.IncludeFiles, destinationObjectName: cfg.DestinationObjectName,
			fieldSelectionEnabled: cfg.FieldSelectionEnabled != nil && *cfg.FieldSelectionEnabled, selectedFields: selected,
		}
		if cfg.CursorField != nil {
			cs.cursorField = slices.Clone(*cfg.CursorField)
		}
		if cfg.PrimaryKey != nil {
			cs.primaryKey = cloneKey(*cfg.PrimaryKey)
		}
		if cfg.Mappers != nil {
			cs.mappers = slices.Clone(*cfg.Mappers)
		}
		out = append(out, cs)
	}
	if invalid != nil {
		return nil, invalid
	}
	if p := e.prepareMappers(src.catalog, out, c.streams); p != nil {
		if p.Status == http.StatusInternalServerError {
			return nil, errorIDReply(http.StatusInternalServerError)
		}
		return nil, &configReply{status: p.Status, body: p}
	}
	return out, nil
}

// checkFieldSelection is the field-selection part of
// CatalogConverter.toConfiguredProtocol. It returns the selected top-level
// fields that the stream's schema has, in schema order (the schema is
// pruned to them; unknown names are only logged).
func checkFieldSelection(cfg *streamConfigRequest, ds discoveredStream) ([][]string, *configReply) {
	if cfg.FieldSelectionEnabled == nil || !*cfg.FieldSelectionEnabled {
		return nil, nil
	}
	if cfg.SelectedFields == nil {
		return nil, invalidConfiguration("Requested field selection but no selected fields provided")
	}
	names := map[string]bool{}
	for _, f := range *cfg.SelectedFields {
		if len(f.FieldPath) == 0 {
			return nil, invalidConfiguration("Selected field path cannot be empty")
		}
		if len(f.FieldPath) > 1 {
			return nil, errorIDReply(http.StatusInternalServerError) // UnsupportedOperationException
		}
		names[f.FieldPath[0]] = true
	}
	if *cfg.SyncMode == syncIncremental {
		if cfg.CursorField == nil {
			return nil, errorIDReply(http.StatusInternalServerError)
		}
		if c := *cfg.CursorField; len(c) > 0 && !names[c[0]] {
			return nil, invalidConfiguration("Cursor field cannot be de-selected in INCREMENTAL syncs")
		}
	}
	if d := cfg.DestinationSyncMode; d != nil && (*d == destAppendDedup || *d == destOverwriteDedup) {
		if cfg.PrimaryKey == nil {
			return nil, errorIDReply(http.StatusInternalServerError)
		}
		for _, component := range *cfg.PrimaryKey {
			if len(component) == 0 {
				return nil, errorIDReply(http.StatusInternalServerError)
			}
			if !names[component[0]] {
				return nil, invalidConfiguration("Primary key field cannot be de-selected in DEDUP mode")
			}
		}
	}
	out := [][]string{}
	for _, f := range ds.topLevelFields() {
		if names[f] {
			out = append(out, []string{f})
		}
	}
	return out, nil
}

// connectionRead is the Config API's ConnectionRead. Fields the emulator
// does not store read as the server's defaults.
type connectionRead struct {
	ConnectionID                 string          `json:"connectionId"`
	Name                         string          `json:"name"`
	NamespaceDefinition          string          `json:"namespaceDefinition"`
	NamespaceFormat              *string         `json:"namespaceFormat,omitempty"`
	Prefix                       string          `json:"prefix"`
	SourceID                     string          `json:"sourceId"`
	DestinationID                string          `json:"destinationId"`
	OperationIDs                 []string        `json:"operationIds"`
	SyncCatalog                  syncCatalog     `json:"syncCatalog"`
	Schedule                     *legacySchedule `json:"schedule,omitempty"`
	ScheduleType                 string          `json:"scheduleType"`
	ScheduleData                 *scheduleData   `json:"scheduleData,omitempty"`
	Status                       string          `json:"status"`
	BreakingChange               bool            `json:"breakingChange"`
	NotifySchemaChanges          bool            `json:"notifySchemaChanges"`
	NotifySchemaChangesByEmail   bool            `json:"notifySchemaChangesByEmail"`
	NonBreakingChangesPreference string          `json:"nonBreakingChangesPreference"`
	CreatedAt                    int64           `json:"created_at"`
	BackfillPreference           string          `json:"backfillPreference"`
	Tags                         []tag           `json:"tags"`
	OnDemandEnabled              bool            `json:"onDemandEnabled"`
}

var nonAliasChars = regexp.MustCompile(`[^A-Za-z0-9_]`)

// aliasName is Names.toAlphanumericAndUnderscore for ASCII names.
func aliasName(name string) string {
	return nonAliasChars.ReplaceAllString(whitespace.ReplaceAllString(name, "_"), "_")
}

// connectionRead builds ConnectionRead as ApiPojoConverters.internalToConnectionRead
// does (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/converters/ApiPojoConverters.kt).
func (e *Emulator) connectionRead(c *connection) connectionRead {
	nsDef, pref := c.configAPISpellings()
	out := connectionRead{
		ConnectionID: c.id, Name: c.name, NamespaceDefinition: nsDef, NamespaceFormat: c.namespaceFormat, Prefix: c.prefix,
		SourceID: c.sourceID, DestinationID: c.destinationID, OperationIDs: []string{}, ScheduleType: c.scheduleType,
		Status: c.status, NonBreakingChangesPreference: pref, CreatedAt: c.createdAt, BackfillPreference: "disabled",
		Tags: e.connectionTags(c), SyncCatalog: syncCatalog{Streams: []catalogEntry{}},
	}
	out.Schedule, out.ScheduleData = c.configAPISchedule()
	src := e.sourceByID(c.sourceID)
	for _, s := range c.streams {
		i := slices.IndexFunc(src.catalog, func(d discoveredStream) bool { return d.name == s.name && d.namespace == s.namespace })
		if i < 0 {
			continue
		}
		out.SyncCatalog.Streams = append(out.SyncCatalog.Streams, readEntry(src.catalog[i], s))
	}
	return out
}

// readEntry is a stored stream as CatalogConverter.toApi returns it: selected,
// never suggested, no namespace, the schema cut down to the selected
// fields, and the hashing mappers' target fields as hashedFields.
func readEntry(ds discoveredStream, s configuredStream) catalogEntry {
	schema := ds.jsonSchema()
	includeFiles, fieldSelection := s.includeFiles != nil && *s.includeFiles, s.fieldSelectionEnabled
	selected, hashed, mappers := []selectedField{}, []selectedField{}, mappersJSON(s.mappers)
	cfg := streamConfig{
		SyncMode: s.syncMode, CursorField: nonNil(s.cursorField), DestinationSyncMode: s.destinationSyncMode,
		PrimaryKey: nonNilKey(s.primaryKey), AliasName: aliasName(s.name), Selected: true,
		IncludeFiles: &includeFiles, DestinationObjectName: s.destinationObjectName,
		FieldSelectionEnabled: &fieldSelection, SelectedFields: &selected, HashedFields: &hashed, Mappers: &mappers,
	}
	if s.fieldSelectionEnabled {
		var kept []field
		for _, f := range ds.fields {
			if slices.ContainsFunc(s.selectedFields, func(p []string) bool { return len(p) > 0 && p[0] == f.name }) {
				kept = append(kept, f)
				selected = append(selected, selectedField{FieldPath: []string{f.name}})
			}
		}
		schema = objectSchema(kept)
	}
	for _, m := range s.mappers {
		if m.typ == "hashing" {
			hashed = append(hashed, selectedField{FieldPath: []string{m.setting("targetField")}})
		}
	}
	return catalogEntry{
		Stream: airbyteStream{
			Name: ds.name, JSONSchema: schema, SupportedSyncModes: ds.supportedSyncModes, SourceDefinedCursor: ds.sourceDefinedCursor,
			DefaultCursorField: nonNil(ds.defaultCursorField), SourceDefinedPrimaryKey: nonNilKey(ds.sourceDefinedPK),
			Namespace: ds.namespace, IsResumable: true,
		},
		Config: cfg,
	}
}
