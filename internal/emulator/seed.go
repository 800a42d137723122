package emulator

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// idSource turns a seeded PRNG into UUID strings, so the same seed and the
// same sequence of creations give the same ids.
type idSource struct{ r *rand.Rand }

func newIDSource(seed int64) *idSource {
	return &idSource{r: rand.New(rand.NewPCG(uint64(seed), 0x61697262797465))}
}

func (s *idSource) next() string {
	var u uuid.UUID
	for i := 0; i < 16; i += 8 {
		v := s.r.Uint64()
		for j := 0; j < 8; j++ {
			u[i+j] = byte(v >> (8 * j))
		}
	}
	u[6] = (u[6] & 0x0f) | 0x40 // version 4
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return u.String()
}

func (s *idSource) secret() string {
	b := make([]byte, 24)
	for i := range b {
		b[i] = byte(s.r.Uint32())
	}
	return hex.EncodeToString(b)
}

type workspace struct {
	id, name string
}

type source struct {
	id, name, workspaceID string
	sourceType            string // short name, e.g. "postgres"
	displayName           string // connector name, e.g. "Postgres"
	definitionID          string
	dockerImageTag        string
	configuration         map[string]any
	catalog               []discoveredStream
	cdc                   bool // successful syncs write global state
	createdAt             int64
	deleted               bool
}

type destination struct {
	id, name, workspaceID string
	destinationType       string
	displayName           string
	definitionID          string
	dockerImageTag        string
	configuration         map[string]any
	syncModes             []string // supported destination sync modes
	createdAt             int64
	deleted               bool
}

// sourceTemplate and destinationTemplate describe the seeded connectors.
type sourceTemplate struct {
	name, sourceType, displayName, tag string
	configuration                      map[string]any
	cdc                                bool
	catalog                            []discoveredStream
}

type destinationTemplate struct {
	name, destinationType, displayName, tag string
	configuration                           map[string]any
	syncModes                               []string
}

const maskedSecret = "**********"

var bothModes = []string{syncFullRefresh, syncIncremental}
var fullRefreshOnly = []string{syncFullRefresh}

func str(name string) field             { return field{name: name, typ: "string"} }
func num(name string) field             { return field{name: name, typ: "integer"} }
func obj(name string, c ...field) field { return field{name: name, typ: "object", children: c} }

// seededSources are per workspace: the first workspace gets the first two,
// the second workspace the last two. Together they cover every validation
// rule: source-defined keys and cursors, default-only cursors, streams with
// neither, full-refresh-only streams, nested properties, namespaces and a
// stream name that exists in two namespaces.
var seededSources = [][]sourceTemplate{
	{
		{
			name: "Postgres Production", sourceType: "postgres", displayName: "Postgres", tag: "3.6.0", cdc: true,
			configuration: map[string]any{"host": "db.internal", "port": 5432, "database": "app", "schemas": []any{"public"},
				"username": "airbyte", "password": maskedSecret, "ssl_mode": map[string]any{"mode": "require"},
				"tunnel_method": map[string]any{"tunnel_method": "NO_TUNNEL"},
				"replication_method": map[string]any{"method": "CDC", "replication_slot": "airbyte_slot", "publication": "airbyte_publication",
					"initial_waiting_seconds": 1200, "lsn_commit_behaviour": "After loading Data in the destination",
					"invalid_cdc_cursor_position_behavior": "Fail sync", "initial_load_timeout_hours": 8}},
			catalog: []discoveredStream{
				{name: "users", namespace: "public", supportedSyncModes: bothModes,
					fields:             []field{num("id"), str("email"), str("name"), str("updated_at"), obj("address", str("city"), str("zip"))},
					defaultCursorField: []string{"updated_at"}, sourceDefinedPK: [][]string{{"id"}}},
				{name: "orders", namespace: "public", supportedSyncModes: bothModes,
					fields: []field{num("order_id"), num("user_id"), num("amount"), str("created_at"), str("updated_at")}},
				{name: "events", namespace: "public", supportedSyncModes: bothModes,
					fields:              []field{str("event_id"), str("occurred_at"), obj("payload", str("kind"), obj("attributes", str("origin")))},
					sourceDefinedCursor: true, defaultCursorField: []string{"occurred_at"}, sourceDefinedPK: [][]string{{"event_id"}}},
				{name: "audit_log", namespace: "public", supportedSyncModes: fullRefreshOnly,
					fields: []field{num("id"), str("action"), str("at")}},
			},
		},
		{
			name: "Stripe Billing", sourceType: "stripe", displayName: "Stripe", tag: "5.8.2",
			configuration: map[string]any{"account_id": "acct_emulator", "client_secret": maskedSecret, "start_date": "2024-01-01T00:00:00Z",
				"lookback_window_days": 0, "slice_range": 365, "num_workers": 10},
			catalog: []discoveredStream{
				{name: "customers", supportedSyncModes: bothModes, suggested: true,
					fields:             []field{str("id"), str("email"), num("created"), obj("metadata", str("plan"))},
					defaultCursorField: []string{"created"}, sourceDefinedPK: [][]string{{"id"}}},
				{name: "invoices", supportedSyncModes: bothModes, suggested: true,
					fields:              []field{str("id"), str("customer"), num("amount_due"), num("updated")},
					sourceDefinedCursor: true, defaultCursorField: []string{"updated"}, sourceDefinedPK: [][]string{{"id"}}},
				{name: "charges", supportedSyncModes: bothModes, suggested: true,
					fields:             []field{str("id"), num("amount"), num("created"), obj("outcome", str("type"))},
					defaultCursorField: []string{"created"}},
				{name: "balance_transactions", supportedSyncModes: fullRefreshOnly,
					fields: []field{str("id"), num("amount"), num("available_on")}},
			},
		},
	},
	{
		{
			name: "MySQL Inventory", sourceType: "mysql", displayName: "MySQL", tag: "3.11.1", cdc: true,
			configuration: map[string]any{"host": "mysql.internal", "port": 3306, "database": "inventory", "username": "airbyte",
				"password": maskedSecret, "ssl_mode": map[string]any{"mode": "preferred"},
				"tunnel_method": map[string]any{"tunnel_method": "NO_TUNNEL"},
				"replication_method": map[string]any{"method": "CDC", "initial_load_timeout_hours": 8,
					"invalid_cdc_cursor_position_behavior": "Fail sync"}},
			catalog: []discoveredStream{
				{name: "items", namespace: "inventory", supportedSyncModes: bothModes,
					fields:             []field{str("sku"), str("name"), num("qty"), str("updated_at")},
					defaultCursorField: []string{"updated_at"}, sourceDefinedPK: [][]string{{"sku"}}},
				{name: "items", namespace: "staging", supportedSyncModes: fullRefreshOnly,
					fields: []field{str("sku"), str("name"), num("qty")}},
				{name: "warehouses", namespace: "inventory", supportedSyncModes: bothModes,
					fields:          []field{num("id"), obj("location", str("city"), str("country"))},
					sourceDefinedPK: [][]string{{"id"}}},
				{name: "movements", namespace: "inventory", supportedSyncModes: bothModes,
					fields:              []field{num("id"), str("sku"), str("moved_at")},
					sourceDefinedCursor: true, defaultCursorField: []string{"moved_at"}},
			},
		},
		{
			name: "GitHub Issues", sourceType: "github", displayName: "GitHub", tag: "1.8.0",
			configuration: map[string]any{"repositories": []any{"acme/app"}, "api_url": "https://api.github.com/", "max_waiting_time": 10,
				"credentials": map[string]any{"option_title": "PAT Credentials", "personal_access_token": maskedSecret}},
			catalog: []discoveredStream{
				{name: "issues", supportedSyncModes: bothModes,
					fields:             []field{num("id"), num("number"), str("title"), str("updated_at"), obj("user", str("login"))},
					defaultCursorField: []string{"updated_at"}, sourceDefinedPK: [][]string{{"id"}}},
				{name: "pull_requests", supportedSyncModes: bothModes,
					fields:              []field{num("id"), str("title"), str("merged_at"), str("updated_at")},
					sourceDefinedCursor: true, defaultCursorField: []string{"updated_at"}, sourceDefinedPK: [][]string{{"id"}}},
				{name: "commits", supportedSyncModes: bothModes,
					fields:             []field{str("sha"), str("message"), obj("author", str("name"), str("email")), str("committed_at")},
					defaultCursorField: []string{"committed_at"}, sourceDefinedPK: [][]string{{"sha"}}},
				{name: "labels", supportedSyncModes: fullRefreshOnly,
					fields: []field{num("id"), str("name")}},
			},
		},
	},
}

// seededDestinations: the first supports every destination sync mode, the
// second only overwrite, append and append_dedup (no update, soft_delete or
// overwrite_dedup).
var seededDestinations = []destinationTemplate{
	{name: "Snowflake Warehouse", destinationType: "snowflake", displayName: "Snowflake", tag: "3.11.0",
		configuration: map[string]any{"host": "acme.snowflakecomputing.com", "role": "AIRBYTE_ROLE", "warehouse": "AIRBYTE",
			"database": "RAW", "schema": "PUBLIC", "username": "AIRBYTE_USER",
			"credentials": map[string]any{"auth_type": "Username and Password", "password": maskedSecret}},
		syncModes: []string{destOverwrite, destAppend, destAppendDedup, destOverwriteDedup, destUpdate, destSoftDelete}},
	{name: "S3 Data Lake", destinationType: "s3", displayName: "S3", tag: "1.5.0",
		configuration: map[string]any{"s3_bucket_name": "acme-lake", "s3_bucket_path": "airbyte", "s3_bucket_region": "us-east-1",
			"access_key_id": maskedSecret, "secret_access_key": maskedSecret,
			"format": map[string]any{"format_type": "JSONL", "flattening": "No flattening",
				"compression": map[string]any{"compression_type": "No Compression"}}},
		syncModes: []string{destOverwrite, destAppend, destAppendDedup}},
}

// definitionIDs are the connectors' real definition ids, from which the
// server derives sourceType and destinationType
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/NameToDefinitionMapper.kt).
var definitionIDs = map[string]string{
	"postgres":  "decd338e-5647-4c0b-adf4-da0e75f5a750",
	"stripe":    "e094cb9a-26de-4645-8761-65c0c425d1de",
	"mysql":     "435bb9a5-7887-4809-aa58-28c27df0d7ad",
	"github":    "ef69ef6e-aa7f-4af1-a01d-ef775033524e",
	"snowflake": "424892c4-daac-4491-b35d-c6688ba547ba",
	"s3":        "4816b78f-1489-44c1-9060-4b19d5fa9362",
}

// seed fills the store with workspaces, sources, destinations and the
// requested number of connections. Callers hold no lock; New calls it before
// the emulator is shared.
func (e *Emulator) seed(n int) {
	now := e.now().Unix()
	e.clientID = e.ids.next()
	e.clientSecret = e.ids.secret()
	if e.opts.SeedFile != nil {
		e.seedFromFile(e.opts.SeedFile, now)
	} else {
		e.seedBuiltIn(now)
	}
	e.seedConnections(n, now)
}

// seedBuiltIn adds the built-in workspaces: seededSources and
// seededDestinations.
func (e *Emulator) seedBuiltIn(now int64) {
	for wi, templates := range seededSources {
		ws := &workspace{id: e.ids.next(), name: fmt.Sprintf("Emulator Workspace %d", wi+1)}
		e.workspaces = append(e.workspaces, ws)
		for _, t := range templates {
			s := &source{id: e.ids.next(), name: t.name, workspaceID: ws.id, sourceType: t.sourceType,
				displayName: t.displayName, definitionID: definitionIDs[t.sourceType], dockerImageTag: t.tag,
				configuration: t.configuration, catalog: t.catalog, cdc: t.cdc, createdAt: now}
			e.sources = append(e.sources, s)
		}
		for _, t := range seededDestinations {
			d := &destination{id: e.ids.next(), name: t.name, workspaceID: ws.id, destinationType: t.destinationType,
				displayName: t.displayName, definitionID: definitionIDs[t.destinationType], dockerImageTag: t.tag,
				configuration: t.configuration, syncModes: t.syncModes, createdAt: now}
			e.destinations = append(e.destinations, d)
		}
	}
}

// seedConnections adds n connections in the first workspace, pairing its
// sources and destinations in turn; a workspace without either gets none.
func (e *Emulator) seedConnections(n int, now int64) {
	ws := e.workspaces[0].id
	var srcs []*source
	var dsts []*destination
	for _, s := range e.sources {
		if s.workspaceID == ws {
			srcs = append(srcs, s)
		}
	}
	for _, d := range e.destinations {
		if d.workspaceID == ws {
			dsts = append(dsts, d)
		}
	}
	if len(srcs) == 0 || len(dsts) == 0 {
		return
	}
	for i := range n {
		s := srcs[i%len(srcs)]
		d := dsts[(i/len(srcs))%len(dsts)]
		c := &connection{
			id: e.ids.next(), name: fmt.Sprintf("seeded-connection-%04d", i+1),
			sourceID: s.id, destinationID: d.id, status: "active", scheduleType: "manual",
			nonBreaking: "ignore", namespaceDefinition: "destination", createdAt: now,
		}
		for _, st := range s.catalog {
			c.streams = append(c.streams, defaultConfiguredStream(st))
		}
		e.addConnection(c)
	}
}

// seedFromFile adds a seed file's workspaces. Ids the file leaves out are
// drawn from Options.Seed in file order; a drawn id never repeats one the
// file gives. A connector type the built-in seed knows takes its display
// name, version, configuration and (for destinations) sync modes from it
// unless the file says otherwise; another type gets a definition id derived
// from its name.
func (e *Emulator) seedFromFile(f *SeedFile, now int64) {
	taken := map[string]bool{}
	for _, ws := range f.Workspaces {
		taken[strings.ToLower(ws.ID)] = true
		for _, s := range ws.Sources {
			taken[strings.ToLower(s.ID)] = true
		}
		for _, d := range ws.Destinations {
			taken[strings.ToLower(d.ID)] = true
		}
	}
	id := func(given string) string {
		if given != "" {
			return strings.ToLower(given)
		}
		for {
			if next := e.ids.next(); !taken[next] {
				return next
			}
		}
	}
	for _, fw := range f.Workspaces {
		ws := &workspace{id: id(fw.ID), name: fw.Name}
		e.workspaces = append(e.workspaces, ws)
		for _, fs := range fw.Sources {
			typ := cmp.Or(fs.Type, customType)
			t := builtInSource(typ)
			s := &source{id: id(fs.ID), name: fs.Name, workspaceID: ws.id, sourceType: typ,
				displayName: cmp.Or(t.displayName, displayName(typ)), definitionID: cmp.Or(fs.DefinitionID, definitionID("source", typ)),
				dockerImageTag: cmp.Or(fs.DockerImageTag, t.tag, "0.1.0"), configuration: fs.Configuration,
				cdc: fs.CDC, createdAt: now}
			if s.configuration == nil {
				s.configuration = configurationOrEmpty(t.configuration)
			}
			for _, st := range fs.Streams {
				ds, _ := st.discovered("") // ParseSeedFile has checked it
				s.catalog = append(s.catalog, ds)
			}
			e.sources = append(e.sources, s)
		}
		for _, fd := range fw.Destinations {
			typ := cmp.Or(fd.Type, customType)
			t := builtInDestination(typ)
			d := &destination{id: id(fd.ID), name: fd.Name, workspaceID: ws.id, destinationType: typ,
				displayName: cmp.Or(t.displayName, displayName(typ)), definitionID: cmp.Or(fd.DefinitionID, definitionID("destination", typ)),
				dockerImageTag: cmp.Or(fd.DockerImageTag, t.tag, "0.1.0"), configuration: fd.Configuration,
				syncModes: slices.Clone(fd.SyncModes), createdAt: now}
			if d.configuration == nil {
				d.configuration = configurationOrEmpty(t.configuration)
			}
			if len(d.syncModes) == 0 {
				d.syncModes = slices.Clone(t.syncModes)
			}
			if len(d.syncModes) == 0 {
				d.syncModes = slices.Clone(allDestinationSyncModes)
			}
			e.destinations = append(e.destinations, d)
		}
	}
}

func configurationOrEmpty(c map[string]any) map[string]any {
	if c == nil {
		return map[string]any{}
	}
	return c
}

func builtInSource(typ string) sourceTemplate {
	for _, ts := range seededSources {
		for _, t := range ts {
			if t.sourceType == typ {
				return t
			}
		}
	}
	return sourceTemplate{}
}

func builtInDestination(typ string) destinationTemplate {
	for _, t := range seededDestinations {
		if t.destinationType == typ {
			return t
		}
	}
	return destinationTemplate{}
}

// definitionID is the real definition id of a connector type the emulator
// knows, or one derived from the kind and type.
func definitionID(kind, typ string) string {
	if id, ok := definitionIDs[typ]; ok {
		return id
	}
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("airbyte-emulator:"+kind+"/"+typ)).String()
}

// displayName turns a connector type into a connector name: "google-sheets"
// becomes "Google Sheets".
func displayName(typ string) string {
	words := strings.FieldsFunc(typ, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
