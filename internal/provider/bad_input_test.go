package provider

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// badInputCase is one configuration or server the provider must refuse
// with an error that names the attribute or the request and says what to
// do, leaving Airbyte unchanged.
type badInputCase struct {
	name string
	// front, when set, stands between the provider and the emulator.
	front func(emu http.Handler) http.Handler
	// config returns the whole configuration.
	config func(e *accEmulator) string
	// importID, when set, makes the case an import of airbyte_connection.c.
	importID string
	// want is matched against Terraform's output, in which any white space
	// may stand between two words.
	want string
}

// connectionConfig is a provider block for e with extra settings, and a
// connection from sourceID to destinationID with body inside it.
func connectionConfig(e *accEmulator, extra, sourceID, destinationID, body string) string {
	return e.ProviderConfigWith(extra) + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  %s
}
`, sourceID, destinationID, body)
}

// seededConnection is connectionConfig from the first workspace's first
// source and destination.
func seededConnection(body string) func(e *accEmulator) string {
	return func(e *accEmulator) string {
		return connectionConfig(e, "", e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID, body)
	}
}

// pointedAt is a provider block with the emulator's credentials that
// sends requests to serverURL instead, and a connection to create.
func pointedAt(serverURL string) func(e *accEmulator) string {
	return func(e *accEmulator) string {
		return fmt.Sprintf(`
provider "airbyte" {
  server_url      = %q
  client_id       = %q
  client_secret   = %q
  workspace_id    = %q
  request_timeout = "10s"
  max_retries     = 0
}

resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
}
`, serverURL, e.info.ClientID, e.info.ClientSecret, e.Workspace(0).WorkspaceID, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	}
}

// withProvider is a provider block of the given settings and a connection
// from the emulator's seeded source and destination.
func withProvider(settings string) func(e *accEmulator) string {
	return func(e *accEmulator) string {
		return fmt.Sprintf(`
provider "airbyte" {
%s
}

resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
}
`, settings, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	}
}

// runSync is a run_sync resource for connectionID with body inside it.
func runSync(connectionID, body string) func(e *accEmulator) string {
	return func(e *accEmulator) string {
		id := connectionID
		if id == "" {
			id = e.liveConnections()[0].ConnectionID
		}
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_run_sync" "s" {
  connection_id = %q
  %s
}
`, id, body)
	}
}

// onSourceReads answers every GET of a source with respond; everything
// else reaches the emulator.
func onSourceReads(respond func(w http.ResponseWriter, r *http.Request, emu http.Handler)) func(http.Handler) http.Handler {
	return func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/sources/") {
				respond(w, r, emu)
				return
			}
			emu.ServeHTTP(w, r)
		})
	}
}

// halfBody sends the first half of the emulator's answer with its status.
// With keepLength the full Content-Length is announced, so the connection
// ends early; without it the response is complete but its JSON is cut.
func halfBody(keepLength bool) func(w http.ResponseWriter, r *http.Request, emu http.Handler) {
	return func(w http.ResponseWriter, r *http.Request, emu http.Handler) {
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		if keepLength {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
	}
}

// enormousBody answers 200 with 80 MiB of JSON-ish text, far beyond
// anything the API sends.
func enormousBody(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	chunk := []byte(strings.Repeat(`{"sourceId":"x","name":"padding"},`, 1<<10))
	_, _ = w.Write([]byte(`[`))
	for written := 0; written < 80<<20; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return // the client stopped reading, as it should
		}
	}
}

// htmlServer starts a server that answers every request with an HTML page
// and status, as a web UI or a proxy does.
func htmlServer(t *testing.T, status int, page string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprint(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/public/v1"
}

// closedPort returns the address of a local port that nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("closing the listener: %v", err)
	}
	return addr
}

// words turns a phrase into a pattern that allows Terraform's line wrapping
// between its words.
func words(phrase string) string {
	parts := strings.Fields(phrase)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, `\s+`)
}

// TestAccBadInput feeds the provider bad configurations and bad servers.
// Each is refused with an error that names the attribute or the request
// and says what to do, and Airbyte is left exactly as it was.
func TestAccBadInput(t *testing.T) {
	const uuidA = "0b5e7cf2-1b43-4c7e-9f0a-3d9c2b1e4f55" // well-formed, known to nobody
	const dotAll = "(?s)"                                // the message spans lines
	cases := []badInputCase{
		// Schedules.
		{name: "unix cron", config: seededConnection(`schedule = { schedule_type = "cron", cron_expression = "0 12 * * *" }`),
			want: dotAll + `Invalid Cron Expression.*` + words(`"0 12 * * *" has 5 fields, like a Unix cron`) + `.*` + words(`Use "0 0 12 * * ?" instead`)},
		{name: "cron with star seconds", config: seededConnection(`schedule = { schedule_type = "cron", cron_expression = "* 0 12 * * ?" }`),
			want: dotAll + `Invalid Cron Expression.*` + words(`has "*" in the seconds field`) + `.*` + words(`"0 0 * * * ?" runs every hour`)},
		// Airbyte refuses "*" in the minutes only in 7-field expressions; a
		// 6-field one such as "0 * 12 * * ?" passes its syntax check.
		{name: "cron with star minutes", config: seededConnection(`schedule = { schedule_type = "cron", cron_expression = "0 * 12 * * ? *" }`),
			want: dotAll + `Invalid Cron Expression.*` + words(`has 7 fields and "*" in the minutes field`) + `.*` + words(`"0 0 * * * ? 2030" runs every hour`)},
		{name: "garbage cron", config: seededConnection(`schedule = { schedule_type = "cron", cron_expression = "every day at noon" }`),
			want: dotAll + `Invalid Cron Expression.*` + words(`has 4 fields; a Quartz cron has 6 or 7`) + `.*` + words(`such as "0 0 12 * * ?"`)},

		// Streams.
		{name: "unknown stream", config: seededConnection(`configurations = { streams = [{ name = "no_such_stream" }] }`),
			want: dotAll + `Unknown Stream.*` + words(`has no stream named "no_such_stream". Its streams are: "audit_log", "events", "orders", "users".`) +
				`.*` + words(`Use one of these names`)},
		{name: "duplicate stream", config: seededConnection(`configurations = { streams = [{ name = "users" }, { name = "users", sync_mode = "full_refresh_append" }] }`),
			want: dotAll + `Duplicate Stream.*` + words(`The stream "users" (no namespace) is listed more than once`) + `.*` + words(`List each stream once`)},
		{name: "unsupported sync mode", config: seededConnection(`configurations = { streams = [{ name = "audit_log", sync_mode = "incremental_append" }] }`),
			want: dotAll + `Unsupported Sync Mode.*` + words(`cannot sync with sync_mode "incremental_append"`) + `.*` +
				words(`Its valid sync modes are: "full_refresh_overwrite",`) + `.*` + words(`Set sync_mode to one of them.`)},
		{name: "cursor on a source-defined cursor", config: seededConnection(`configurations = { streams = [{ name = "events", sync_mode = "incremental_append", cursor_field = ["payload"] }] }`),
			want: dotAll + `Cursor Defined By Source.*` + words(`The source defines the cursor of the stream "events" (namespace "public") as ["occurred_at"]`) +
				`.*` + words(`Remove cursor_field from this stream.`)},
		// Airbyte's own refusal, for what the plan cannot check: GET /streams
		// does not say whether a destination supports overwrite_dedup.
		{name: "sync mode only Airbyte checks", config: func(e *accEmulator) string {
			return connectionConfig(e, "", e.Source(0, 0).SourceID, e.Destination(0, 1).DestinationID,
				`configurations = { streams = [{ name = "users", sync_mode = "full_refresh_overwrite_deduped" }] }`)
		}, want: dotAll + `Cannot Create Connection.*` + words(`Cannot set sync mode to FULL_REFRESH_OVERWRITE_DEDUPED for stream users.`) +
			`.*` + words(`Check the streams, sync modes`) + `.*` + words(`Nothing was created`)},

		// Ids.
		{name: "malformed source id", config: func(e *accEmulator) string {
			return connectionConfig(e, "", "postgres-prod", e.Destination(0, 0).DestinationID, "")
		}, want: dotAll + `Invalid Airbyte ID.*source_id.*` + words(`"postgres-prod" is not a UUID`) + `.*` + words(`copy the id`)},
		{name: "malformed destination id", config: func(e *accEmulator) string {
			return connectionConfig(e, "", e.Source(0, 0).SourceID, "12345", "")
		}, want: dotAll + `Invalid Airbyte ID.*destination_id.*` + words(`"12345" is not a UUID`) + `.*` + words(`copy the id`)},
		{name: "malformed import id", config: seededConnection(""), importID: "my-connection", want: dotAll + `Invalid Import ID.*` + words(`"my-connection" is not a connection id. Import with the connection's UUID`)},
		{name: "unknown source id", config: func(e *accEmulator) string {
			return connectionConfig(e, "", uuidA, e.Destination(0, 0).DestinationID, "")
		}, want: dotAll + `Unknown Source.*source_id.*` + words(`does not know the source "`+uuidA+`"`) + `.*` + words(`GET /sources/`+uuidA) + `.*` + words(`Check the id`)},
		{name: "unknown destination id", config: func(e *accEmulator) string {
			return connectionConfig(e, "", e.Source(0, 0).SourceID, uuidA, "")
		}, want: dotAll + `Unknown Destination.*destination_id.*` + words(`does not know the destination "`+uuidA+`"`) + `.*` + words(`Check the id`)},
		{name: "unknown import id", config: seededConnection(""), importID: uuidA, want: dotAll + `Connection Unknown Or Not Accessible.*` + uuidA + `.*` + words(`GET /connections/`+uuidA) + `.*` + words(`check the credentials`)},
		{name: "source of another workspace", config: func(e *accEmulator) string {
			return connectionConfig(e, "", e.Source(1, 0).SourceID, e.Destination(0, 0).DestinationID, "")
		}, want: dotAll + `Workspace Mismatch.*source_id.*` + words(`Nothing was changed. Use the id of a source in workspace`)},
		{name: "destination of another workspace", config: func(e *accEmulator) string {
			return connectionConfig(e, "", e.Source(0, 0).SourceID, e.Destination(1, 0).DestinationID, "")
		}, want: dotAll + `Workspace Mismatch.*destination_id.*` + words(`Nothing was changed. Use the id of a destination in workspace`)},
		{name: "run_sync of an unknown connection", config: runSync(uuidA, ""),
			want: dotAll + `Unknown Connection.*connection_id.*` + words(`does not know the connection "`+uuidA+`"`) + `.*` + words(`Check the id`)},
		{name: "run_sync of a malformed connection id", config: runSync("conn-1", ""),
			want: dotAll + `Invalid Airbyte ID.*connection_id.*` + words(`"conn-1" is not a UUID`)},

		// Names and timeouts.
		{name: "empty name", config: seededConnection(`name = ""`),
			want: dotAll + words(`Attribute name string length must be at least 1, got: 0`)},
		{name: "negative create timeout", config: seededConnection(`timeouts { create = "-5m" }`),
			want: dotAll + `Invalid Duration.*timeouts.*` + words(`"-5m" is not a positive duration. Use a value greater than zero`)},
		{name: "unparsable read timeout", config: seededConnection(`timeouts { read = "soon" }`),
			want: dotAll + `Invalid Attribute Value Time Duration.*timeouts.*` + words(`"soon" must be a string containing`) + `.*` + words(`such as "300ms"`)},
		{name: "run_sync negative timeout", config: runSync("", `timeout = "-30s"`),
			want: dotAll + `Invalid Duration.*timeout.*` + words(`"-30s" is not a positive duration. Use a value greater than zero`)},
		{name: "run_sync unparsable timeout", config: runSync("", `timeout = "half an hour"`),
			want: dotAll + `Invalid Duration.*timeout.*` + words(`"half an hour" is not a duration. Write a number with a unit`)},
		{name: "run_sync timeout without waiting", config: runSync("", "wait = false\n  timeout = \"5m\""),
			want: dotAll + `Timeout Without Waiting.*timeout.*` + words(`Remove timeout, or set wait = true`)},

		// Provider settings.
		{name: "client credentials and bearer", config: func(e *accEmulator) string {
			return connectionConfig(e, `bearer_auth = "token"`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID, "")
		}, want: dotAll + `Conflicting Credentials.*bearer_auth.*` + words(`(client_id/client_secret, bearer_auth)`) + `.*` + words(`Use exactly one`)},
		{name: "bearer and basic", config: withProvider(`
  server_url  = "http://127.0.0.1:1/api/public/v1"
  bearer_auth = "token"
  username    = "airbyte"
  password    = "password"`),
			want: dotAll + `Conflicting Credentials.*bearer_auth.*` + words(`(bearer_auth, username/password)`) + `.*` + words(`Use exactly one`)},
		{name: "client id without secret", config: withProvider(`
  server_url = "http://127.0.0.1:1/api/public/v1"
  client_id  = "abc"`),
			want: dotAll + `Incomplete Client Credentials.*client_secret.*` + words(`Set both, from the same Airbyte application`)},
		{name: "cloud without credentials", config: withProvider(`server_url = "https://api.airbyte.com/v1"`),
			want: dotAll + `Missing Credentials.*` + words(`needs credentials. Create an application under Settings`) + `.*client_id`},
		{name: "server url not a url", config: withProvider(`
  server_url  = "not a url"
  bearer_auth = "token"`),
			want: dotAll + `Invalid Server URL.*server_url.*` + words(`"not a url" is not an absolute http:// or https:// URL. Use, for example,`)},
		{name: "ftp server url", config: withProvider(`
  server_url  = "ftp://airbyte.example.com/api/public/v1"
  bearer_auth = "token"`),
			want: dotAll + `Invalid Server URL.*server_url.*` + words(`is not an absolute http:// or https:// URL. Use, for example,`)},
		{name: "malformed workspace id", config: func(e *accEmulator) string {
			return strings.Replace(seededConnection("")(e), e.Workspace(0).WorkspaceID, "production", 1)
		}, want: dotAll + `Invalid Airbyte ID.*workspace_id.*` + words(`"production" is not a UUID`) + `.*` + words(`copy the id`)},

		// Servers that do not answer like Airbyte.
		{name: "unreachable server", config: func(e *accEmulator) string {
			return pointedAt("http://" + closedPort(e.t) + "/api/public/v1")(e)
		}, want: dotAll + `Cannot Read Source.*source_id.*` + words(`POST /applications/token`) + `.*connection\s+refused.*` +
			words(`Check that server_url`) + `.*` + words(`reach`)},
		{name: "html page", config: func(e *accEmulator) string {
			return pointedAt(htmlServer(e.t, http.StatusOK, "<!doctype html><html><head><title>Airbyte</title></head><body><div id=root></div></body></html>"))(e)
		}, want: dotAll + `Cannot Read Source.*` + words(`POST /applications/token`) + `.*` + words(`is an HTML page`) + `.*Airbyte.*` +
			words(`check that server_url is the root of the Airbyte API`)},
		{name: "html bad gateway", config: func(e *accEmulator) string {
			return pointedAt(htmlServer(e.t, http.StatusBadGateway, "<html><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>"))(e)
		}, want: dotAll + `Cannot Read Source.*` + words(`POST /applications/token: 502 Bad Gateway: 502 Bad Gateway nginx`) + `.*` + words(`try again later`)},
		{name: "truncated json", front: onSourceReads(halfBody(false)), config: seededConnection(""),
			want: dotAll + `Cannot Read Source.*GET\s+/sources/[0-9a-f-]+:\s+` + words(`cannot decode the 200 response`) + `.*` +
				words(`unexpected end of JSON input`) + `.*` + words(`check that server_url is the root of the Airbyte API`)},
		{name: "connection cut mid-body", front: onSourceReads(halfBody(true)), config: seededConnection(""),
			want: dotAll + `Cannot Read Source.*GET\s+/sources/[0-9a-f-]+:\s+` + words(`reading the 200 response: unexpected EOF`) + `.*` +
				words(`Check that server_url`)},
		{name: "enormous body", front: onSourceReads(enormousBody), config: seededConnection(""),
			want: dotAll + `Cannot Read Source.*GET\s+/sources/[0-9a-f-]+:\s+` + words(`cannot decode the 200 response`) + `.*` +
				words(`response body too large`) + `.*` + words(`larger than any the Airbyte API sends`)},
	}

	// run_sync cases that need a real connection use the seeded one.
	opts := emulator.Options{Seed: 40, SeedConnections: 1}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newAccEmulatorBehind(t, opts, tc.front)
			before := e.emu.Snapshot()
			step := resource.TestStep{Config: tc.config(e), ExpectError: regexp.MustCompile(tc.want)}
			if tc.importID != "" {
				step.ResourceName, step.ImportState, step.ImportStateId = "airbyte_connection.c", true, tc.importID
			}
			accTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
			if after := e.emu.Snapshot(); !reflect.DeepEqual(after, before) {
				t.Fatalf("refused input changed the emulator:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}
