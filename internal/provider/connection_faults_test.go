package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// loseCreateResponses lets the emulator create connections but answers the
// first n creates with a 502, as a gateway does when it loses the response.
func loseCreateResponses(n int32) func(http.Handler) http.Handler {
	var lost atomic.Int32
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/connections") && lost.Load() < n {
				lost.Add(1)
				next.ServeHTTP(httptest.NewRecorder(), r) // the connection is created; its response is lost
				http.Error(w, "<html><body>502 Bad Gateway</body></html>", http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestAccConnection_lostCreateResponseIsAdopted: a create whose response is
// lost is not repeated; the connection it made is found and adopted, so
// there is exactly one connection and state knows it.
func TestAccConnection_lostCreateResponseIsAdopted(t *testing.T) {
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 31}, loseCreateResponses(1))
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  name           = "survives a lost response"
  source_id      = %q
  destination_id = %q
}
`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID),
			Check: func(s *terraform.State) error {
				live := e.liveConnections()
				if len(live) != 1 {
					return fmt.Errorf("the emulator holds %d connections, want exactly 1 (no duplicate, no orphan)", len(live))
				}
				if got := s.RootModule().Resources["airbyte_connection.c"].Primary.ID; got != live[0].ConnectionID {
					return fmt.Errorf("state holds %q, the emulator %q", got, live[0].ConnectionID)
				}
				if n := e.emu.Stats().ByRoute["POST /connections"]; n != 1 {
					return fmt.Errorf("the create was sent %d times; a create whose outcome is unknown must not be repeated", n)
				}
				return nil
			},
		}},
	})
}

// TestAccConnection_forbiddenReadKeepsState: a 403 on refresh is an error
// that says what it means, and the connection stays in state.
func TestAccConnection_forbiddenReadKeepsState(t *testing.T) {
	var forbid atomic.Bool
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 32}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Credentials that lost access to the workspace: reads of its
			// connections, one by one or listed, are forbidden.
			if forbid.Load() && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/connections") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"status":403,"type":"https://reference.airbyte.com/reference/errors#forbidden","title":"forbidden",`+
					`"detail":"The request is forbidden.","data":{"message":"Caller does not have the required WORKSPACE_READER permissions to access the resource(s)."}}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
}
`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { forbid.Store(true) },
				Config:      config,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Connection Unknown Or Not Accessible.*WORKSPACE_READER`),
			},
			{
				PreConfig: func() { forbid.Store(false) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("airbyte_connection.c", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// TestAccConnection_createRefusedByAPI shows the API's own words when it
// refuses a create, and leaves nothing behind. The plan cannot tell whether
// the S3 destination supports full_refresh_overwrite_deduped (GET /streams
// never lists that mode), so only Airbyte refuses it.
func TestAccConnection_createRefusedByAPI(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 33})
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  configurations = {
    streams = [{ name = "users", sync_mode = "full_refresh_overwrite_deduped" }]
  }
}
`, e.Source(0, 0).SourceID, e.Destination(0, 1).DestinationID),
			ExpectError: regexp.MustCompile(`(?s)Cannot Create Connection.*Cannot set sync mode to\s+FULL_REFRESH_OVERWRITE_DEDUPED.*Nothing\s+was\s+created`),
		}},
	})
	if n := len(e.liveConnections()); n != 0 {
		t.Fatalf("a refused create left %d connections", n)
	}
}

// recordPatches records the body of every PATCH the provider sends.
func recordPatches(bodies *[]map[string]any, mu *sync.Mutex) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPatch {
				b, _ := io.ReadAll(r.Body)
				var body map[string]any
				_ = json.Unmarshal(b, &body)
				mu.Lock()
				*bodies = append(*bodies, body)
				mu.Unlock()
				r.Body = io.NopCloser(bytes.NewReader(b))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestAccConnection_updateSendsOnlyChanges: a change of one argument sends
// that argument alone; a change of streams sends the whole stream list.
func TestAccConnection_updateSendsOnlyChanges(t *testing.T) {
	var mu sync.Mutex
	var patches []map[string]any
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 34}, recordPatches(&patches, &mu))
	config := func(name, streams string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  name           = %q
  source_id      = %q
  destination_id = %q
  configurations = {
    streams = [%s]
  }
}
`, name, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID, streams)
	}
	last := func() (map[string]any, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(patches) == 0 {
			return nil, fmt.Errorf("no PATCH was sent")
		}
		return patches[len(patches)-1], nil
	}
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config("one", `{ name = "users" }`)},
			{
				Config: config("two", `{ name = "users" }`),
				Check: func(*terraform.State) error {
					body, err := last()
					if err != nil {
						return err
					}
					if len(body) != 1 || body["name"] != "two" {
						return fmt.Errorf("renaming sent %v, want only the name", body)
					}
					return nil
				},
			},
			{
				Config: config("two", `{ name = "users" }, { name = "orders", sync_mode = "full_refresh_append" }`),
				Check: func(*terraform.State) error {
					body, err := last()
					if err != nil {
						return err
					}
					streams, _ := body["configurations"].(map[string]any)["streams"].([]any)
					if len(body) != 1 || len(streams) != 2 {
						return fmt.Errorf("adding a stream sent %v, want only configurations with both streams", body)
					}
					for _, s := range streams {
						if s.(map[string]any)["name"] == "users" {
							if _, has := s.(map[string]any)["primaryKey"]; has {
								return fmt.Errorf("the source-defined primary key of users was sent back: %v", s)
							}
						}
					}
					return nil
				},
			},
		},
	})
}
