package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// stateLossSummaries are the summaries of the diagnostics of state loss.
var stateLossSummaries = []string{"Replacement Loses Sync State", "Streams Will Stop Syncing", "Stream State Will Be Deleted", "Sync State Not Checked"}

// planDiagnostics records the state-loss diagnostics of the plans of
// airbyte_connection that the terraform CLI asks the provider for, which
// terraform-plugin-testing has no way to assert (it sees errors only).
type planDiagnostics struct {
	mu    sync.Mutex
	diags []*tfprotov6.Diagnostic
}

func (p *planDiagnostics) record(diags []*tfprotov6.Diagnostic) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range diags {
		for _, s := range stateLossSummaries {
			if d.Summary == s {
				p.diags = append(p.diags, d)
			}
		}
	}
}

// take returns the recorded diagnostics, as "warning|error: summary: detail
// [path]" lines, and forgets them. Terraform plans again when it applies, so
// a diagnostic may be recorded more than once.
func (p *planDiagnostics) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, d := range p.diags {
		sev := "warning"
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			sev = "error"
		}
		var steps []string
		if d.Attribute != nil {
			for _, step := range d.Attribute.Steps() {
				if name, ok := step.(tftypes.AttributeName); ok {
					steps = append(steps, string(name))
				}
			}
		}
		at := strings.Join(steps, ".")
		line := fmt.Sprintf("%s: %s: %s [%s]", sev, d.Summary, d.Detail, at)
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	p.diags = nil
	return out
}

// expect checks that the recorded diagnostics are exactly one per pattern,
// each matching its pattern, and forgets them.
func (p *planDiagnostics) expect(patterns ...string) error {
	got := p.take()
	if len(got) != len(patterns) {
		return fmt.Errorf("state-loss diagnostics:\n%s\nwant %d", strings.Join(got, "\n"), len(patterns))
	}
	for _, pat := range patterns {
		re := regexp.MustCompile(pat)
		if !matchesAny(re, got) {
			return fmt.Errorf("state-loss diagnostics:\n%s\nnone matches %s", strings.Join(got, "\n"), pat)
		}
	}
	return nil
}

func matchesAny(re *regexp.Regexp, lines []string) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// recordingServer is the provider's server with the diagnostics of its
// plans recorded.
type recordingServer struct {
	tfprotov6.ProviderServer
	rec *planDiagnostics
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil && req.TypeName == "airbyte_connection" {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

// factories serve the provider with its plans' diagnostics recorded.
func (p *planDiagnostics) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"airbyte": func() (tfprotov6.ProviderServer, error) {
			s, err := providerserver.NewProtocol6WithError(New("test")())()
			return recordingServer{s, p}, err
		},
	}
}

// connectionState reads the emulator's state of a connection through the Config API.
func (e *accEmulator) connectionState(id string) (*client.ConnectionState, error) {
	c, err := client.New(client.Config{ServerURL: e.info.ServerURL, ConfigAPIURL: e.info.ConfigAPIURL,
		ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret})
	if err != nil {
		return nil, err
	}
	return c.GetConnectionState(context.Background(), id)
}

// expectStateOf checks the streams the emulator holds state for, sorted
// and separated by commas.
func (e *accEmulator) expectStateOf(id, want string) error {
	st, err := e.connectionState(id)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range st.StreamState {
		names = append(names, s.StreamDescriptor.Name)
	}
	slices.Sort(names)
	if got := strings.Join(names, ","); got != want {
		return fmt.Errorf("the emulator holds %s state for %q, want %q", st.StateType, got, want)
	}
	return nil
}

// writes returns the requests that change something on the server, counted
// since the stats were reset: every route but reads and tokens.
func (e *accEmulator) writes() []string {
	var out []string
	for route, n := range e.emu.Stats().ByRoute {
		method, p, _ := strings.Cut(route, " ")
		if method == "GET" || p == "/applications/token" || strings.HasPrefix(p, "/api/v1/") && strings.HasSuffix(p, "/get") {
			continue
		}
		out = append(out, fmt.Sprintf("%s ×%d", route, n))
	}
	return out
}

// TestAccConnectionStateLoss is a user changing a connection that has
// synced: a plan equal to state, and a rename, report nothing and read no
// state; dropping a stream and moving one to full refresh are warnings
// naming them, and Airbyte then deletes only the moved stream's state; with
// state_loss = "error" the same kind of change, and a replacement, fail the
// plan and change nothing in Airbyte; a replacement under "warn" names the
// streams whose state the new connection goes without.
func TestAccConnectionStateLoss(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 81, Now: clk.Now})
	stripe, snowflake, s3 := e.Source(0, 1), e.Destination(0, 0), e.Destination(0, 1)
	if stripe.Name != "Stripe Billing" || snowflake.Name != "Snowflake Warehouse" || s3.Name != "S3 Data Lake" {
		t.Fatalf("seeded actors are %q, %q and %q; this test needs the Stripe source, Snowflake and S3", stripe.Name, snowflake.Name, s3.Name)
	}
	rec := &planDiagnostics{}
	config := func(mode, name, destinationID, streams string) string {
		extra := ""
		if mode != "" {
			extra = fmt.Sprintf("state_loss = %q", mode)
		}
		return e.ProviderConfigWith(extra) + fmt.Sprintf(`
resource "airbyte_connection" "test" {
  name           = %q
  source_id      = %q
  destination_id = %q
  configurations = {
    streams = [%s]
  }
}
`, name, stripe.SourceID, destinationID, streams)
	}
	const (
		res       = "airbyte_connection.test"
		all       = `{ name = "customers", sync_mode = "incremental_append" }, { name = "charges", sync_mode = "incremental_append" }, { name = "invoices", sync_mode = "incremental_append" }`
		changed   = `{ name = "customers", sync_mode = "full_refresh_overwrite" }, { name = "invoices", sync_mode = "incremental_append" }`
		fewer     = `{ name = "customers", sync_mode = "full_refresh_overwrite" }`
		stateRead = "POST /api/v1/state/get"
	)
	var connID string
	// unchanged checks that the last step wrote nothing and left the
	// connection as it was.
	unchanged := func(streams, state string) {
		t.Helper()
		if w := e.writes(); len(w) > 0 {
			t.Errorf("the refused plan made requests that write: %v", w)
		}
		live := e.liveConnections()
		if len(live) != 1 || live[0].ConnectionID != connID || live[0].DestinationID != snowflake.DestinationID || streamSummary(live[0]) != streams {
			t.Errorf("after the refused plan the emulator holds %+v, want %s to %s with %s", live, connID, snowflake.DestinationID, streams)
		}
		if err := e.expectStateOf(connID, state); err != nil {
			t.Error(err)
		}
	}
	fresh := func() { e.emu.ResetStats(); rec.take() }

	// accParallelTest with the provider's plans recorded.
	requireTerraform(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		// The plans after the last step, equal to state, and the destroy report nothing.
		CheckDestroy: func(*terraform.State) error { return rec.expect() },
		Steps: []resource.TestStep{
			{
				// A create reports nothing.
				Config: config("", "Billing", snowflake.DestinationID, all),
				Check: func(s *terraform.State) error {
					connID = s.RootModule().Resources[res].Primary.Attributes["connection_id"]
					return rec.expect()
				},
			},
			{
				// After a sync, a plan equal to state reports nothing and reads no state.
				PreConfig: func() {
					if _, err := e.apiClient().CreateJob(context.Background(), connID, client.JobTypeSync); err != nil {
						t.Fatalf("starting a sync: %v", err)
					}
					clk.Advance(time.Hour)
					if err := e.expectStateOf(connID, "charges,customers,invoices"); err != nil {
						t.Fatal(err)
					}
					fresh()
				},
				Config:           config("", "Billing", snowflake.DestinationID, all),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					return errorsJoin(rec.expect(), expectNoRoute(e, stateRead))
				},
			},
			{
				// A rename reports nothing and reads no state, even with state_loss = "error".
				PreConfig: fresh,
				Config:    config("error", "Billing renamed", snowflake.DestinationID, all),
				Check: func(*terraform.State) error {
					return errorsJoin(rec.expect(), expectNoRoute(e, stateRead))
				},
			},
			{
				// A replacement refused: the error names the streams with state.
				PreConfig:   fresh,
				Config:      config("error", "Billing renamed", s3.DestinationID, all),
				ExpectError: regexp.MustCompile(`Replacement Loses Sync State`),
			},
			{
				PreConfig: func() {
					unchanged("charges:incremental_append,customers:incremental_append,invoices:incremental_append", "charges,customers,invoices")
					if err := rec.expect(`^error: Replacement Loses Sync State: Changing destination_id replaces the connection "` + connID +
						`".* Airbyte holds sync state for 3 streams \("charges", "customers", "invoices"\) .*state_loss = "warn".* \[destination_id\]$`); err != nil {
						t.Error(err)
					}
					fresh()
				},
				// Dropping charges and moving customers to full refresh: two warnings.
				Config: config("", "Billing renamed", snowflake.DestinationID, changed),
				Check: func(*terraform.State) error {
					return errorsJoin(
						rec.expect(
							`^warning: Streams Will Stop Syncing: .*no longer sync the stream "charges",.*stays in the destination.*keeps the saved state.* \[configurations.streams\]$`,
							`^warning: Stream State Will Be Deleted: .*moves the stream "customers" from an incremental to a full-refresh sync mode.* \[configurations.streams\]$`),
						expectNoRoute(e, stateRead),
						// As on the server, the moved stream loses its state; the dropped one keeps it.
						e.expectStateOf(connID, "charges,invoices"))
				},
			},
			{
				// Dropping another stream refused.
				PreConfig:   fresh,
				Config:      config("error", "Billing renamed", snowflake.DestinationID, fewer),
				ExpectError: regexp.MustCompile(`Streams Will Stop Syncing`),
			},
			{
				PreConfig: func() {
					unchanged("customers:full_refresh_overwrite,invoices:incremental_append", "charges,invoices")
					if err := rec.expect(`^error: Streams Will Stop Syncing: .*no longer sync the stream "invoices",.*state_loss = "warn".* \[configurations.streams\]$`); err != nil {
						t.Error(err)
					}
					fresh()
				},
				// A replacement under "warn" goes ahead and says what the new connection goes without.
				Config: config("", "Billing renamed", s3.DestinationID, changed),
				Check: func(s *terraform.State) error {
					newID := s.RootModule().Resources[res].Primary.Attributes["connection_id"]
					var errs []error
					if newID == connID {
						errs = append(errs, fmt.Errorf("the connection %s was not replaced", connID))
					}
					errs = append(errs,
						rec.expect(`^warning: Replacement Loses Sync State: .*"`+connID+`".* 2 streams \("charges", "invoices"\) .*starts without it.* \[destination_id\]$`),
						e.expectStateOf(newID, ""))
					return errorsJoin(errs...)
				},
			},
		},
	})
}

// TestAccConnectionStateLoss_unreadable: when the state of a connection to
// be replaced cannot be read, the plan says so in a warning and goes on,
// even with state_loss = "error".
func TestAccConnectionStateLoss_unreadable(t *testing.T) {
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 82}, refuseFirst(http.MethodPost, "/state/get", 1000, nil))
	rec := &planDiagnostics{}
	config := func(destinationID string) string {
		return e.ProviderConfigWith("state_loss = \"error\"\nmax_retries = 0") + fmt.Sprintf(`
resource "airbyte_connection" "test" {
  source_id      = %q
  destination_id = %q
}
`, e.Source(0, 1).SourceID, destinationID)
	}
	requireTerraform(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: config(e.Destination(0, 0).DestinationID), Check: func(*terraform.State) error { return rec.expect() }},
			{
				Config: config(e.Destination(0, 1).DestinationID),
				Check: func(*terraform.State) error {
					return rec.expect(`^warning: Sync State Not Checked: Changing destination_id replaces the connection .*reading it failed: .*503.* \[destination_id\]$`)
				},
			},
		},
	})
}

// expectNoRoute checks that no request went to route since the stats were reset.
func expectNoRoute(e *accEmulator, route string) error {
	if n := e.emu.Stats().ByRoute[route]; n != 0 {
		return fmt.Errorf("%d requests %s, want none", n, route)
	}
	return nil
}

// TestStateDescription: what a replacement loses, for each kind of state.
func TestStateDescription(t *testing.T) {
	streams := []client.StreamState{
		{StreamDescriptor: client.StreamDescriptor{Name: "users", Namespace: "public"}},
		{StreamDescriptor: client.StreamDescriptor{Name: "events", Namespace: "public"}},
	}
	for _, tt := range []struct {
		name string
		st   client.ConnectionState
		want string
	}{
		{"not set", client.ConnectionState{StateType: client.StateTypeNotSet}, ""},
		{"one stream", client.ConnectionState{StateType: client.StateTypeStream, StreamState: streams[:1]}, `1 stream ("public"."users")`},
		{"streams", client.ConnectionState{StateType: client.StateTypeStream, StreamState: streams}, `2 streams ("public"."events", "public"."users")`},
		{"global", client.ConnectionState{StateType: client.StateTypeGlobal, GlobalState: &client.GlobalState{
			SharedState: json.RawMessage(`{"lsn":1}`), StreamStates: streams}},
			`2 streams ("public"."events", "public"."users") and its change data capture position (shared state)`},
		{"global, shared only", client.ConnectionState{StateType: client.StateTypeGlobal, GlobalState: &client.GlobalState{
			SharedState: json.RawMessage(`{"lsn":1}`)}}, "its change data capture position (shared state)"},
		{"global, nothing", client.ConnectionState{StateType: client.StateTypeGlobal, GlobalState: &client.GlobalState{
			SharedState: json.RawMessage(`null`)}}, ""},
		{"legacy", client.ConnectionState{StateType: client.StateTypeLegacy, State: json.RawMessage(`{}`)}, "all streams (in one legacy state)"},
	} {
		if got := stateDescription(&tt.st); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestStreamChanges: which streams leave a connection and which move from
// incremental to full refresh; other changes of a stream lose nothing.
func TestStreamChanges(t *testing.T) {
	stream := func(name, namespace, mode string) streamModel {
		ns := types.StringValue(namespace)
		switch namespace {
		case "":
			ns = types.StringNull()
		case "?":
			ns = types.StringUnknown()
		}
		m := types.StringValue(mode)
		if mode == "?" {
			m = types.StringUnknown()
		}
		return streamModel{Name: types.StringValue(name), Namespace: ns, SyncMode: m}
	}
	current := []streamModel{
		stream("users", "public", "incremental_deduped_history"),
		stream("events", "public", "incremental_append"),
		stream("items", "inventory", "incremental_append"),
		stream("items", "staging", "full_refresh_overwrite"),
		stream("audit_log", "public", "full_refresh_append"),
	}
	for _, tt := range []struct {
		name                   string
		planned                []streamModel
		removed, toFullRefresh string
	}{
		{"same", current, "", ""},
		{"modes within a family, and full refresh to incremental", []streamModel{
			stream("users", "public", "incremental_append"), stream("events", "", "incremental_deduped_history"),
			stream("items", "inventory", "incremental_append"), stream("items", "staging", "incremental_append"),
			stream("audit_log", "public", "full_refresh_overwrite")}, "", ""},
		{"to full refresh", []streamModel{
			stream("users", "public", "full_refresh_overwrite_deduped"), stream("events", "public", "full_refresh_append"),
			stream("items", "inventory", "?"), stream("items", "staging", "full_refresh_overwrite"),
			stream("audit_log", "public", "full_refresh_append")}, "", `"public"."events", "public"."users"`},
		{"removed", []streamModel{stream("users", "", "incremental_append"), stream("items", "staging", "full_refresh_overwrite")},
			`"inventory"."items", "public"."audit_log", "public"."events"`, ""},
		{"a namespace not known keeps every stream of the name", []streamModel{stream("items", "?", "full_refresh_overwrite")},
			`"public"."audit_log", "public"."events", "public"."users"`, ""},
	} {
		removed, toFull := streamChanges(current, tt.planned)
		if got := streamNames(removed); got != tt.removed {
			t.Errorf("%s: removed %s, want %s", tt.name, got, tt.removed)
		}
		if got := streamNames(toFull); got != tt.toFullRefresh {
			t.Errorf("%s: to full refresh %s, want %s", tt.name, got, tt.toFullRefresh)
		}
	}
}

// TestStateLossSetting: state_loss defaults to "warn", comes from
// AIRBYTE_STATE_LOSS when the configuration leaves it out, and a bad value
// from the environment is an error naming the variable.
func TestStateLossSetting(t *testing.T) {
	env := func(v string) func(string) string {
		return func(name string) string {
			if name == envStateLoss {
				return v
			}
			return ""
		}
	}
	for _, tt := range []struct {
		cfg, env, want, err string
	}{
		{"", "", "warn", ""},
		{"", "error", "error", ""},
		{"warn", "error", "warn", ""},
		{"", "fail", "fail", `The AIRBYTE_STATE_LOSS environment variable holds "fail". Set it to "warn" or "error"`},
	} {
		cfg := airbyteProviderModel{StateLoss: types.StringNull(), BearerAuth: types.StringValue("token")}
		if tt.cfg != "" {
			cfg.StateLoss = types.StringValue(tt.cfg)
		}
		s := settingsFromConfig(cfg, env(tt.env))
		if s.stateLoss != tt.want {
			t.Errorf("config %q, env %q: state_loss %q, want %q", tt.cfg, tt.env, s.stateLoss, tt.want)
		}
		text := diagsText(s.validate(true))
		if (tt.err == "") != (text == "") || !strings.Contains(text, tt.err) {
			t.Errorf("config %q, env %q: diagnostics %q, want %q", tt.cfg, tt.env, text, tt.err)
		}
	}
}
