package provider

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// createTag makes a tag in the emulator's workspace ws and returns its id.
func (e *accEmulator) createTag(ws int, name, color string) string {
	e.t.Helper()
	id, err := e.emu.CreateTag(e.Workspace(ws).WorkspaceID, name, color)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// expectTags checks the tag ids the emulator's connection carries.
func (e *accEmulator) expectTags(res string, want ...string) resource.TestCheckFunc {
	return e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
		if !slices.Equal(c.TagIDs, want) && !(len(c.TagIDs) == 0 && len(want) == 0) {
			return fmt.Errorf("emulator tag ids = %v, want %v", c.TagIDs, want)
		}
		return nil
	})
}

// tagChecks checks the tags in state, in order, against the emulator's tags.
func tagChecks(res string, tags ...client.Tag) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(tags))
	for i, t := range tags {
		checks[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"tag_id": knownvalue.StringExact(t.TagID), "workspace_id": knownvalue.StringExact(t.WorkspaceID),
			"name": knownvalue.StringExact(t.Name), "color": knownvalue.StringExact(t.Color),
		})
	}
	return statecheck.ExpectKnownValue(res, tfjsonpath.New("tags"), knownvalue.ListExact(checks))
}

// TestAccConnectionTags_byID sets tags by id alone and in the official
// provider's style: name, color and workspace_id come from the tags, the
// plan shows them, the emulator's connection carries the tags, and the next
// plan is empty. Reordering, an upper-case id and an empty list work too.
func TestAccConnectionTags_byID(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 162})
	ws0 := e.Workspace(0).WorkspaceID
	prod := client.Tag{TagID: e.createTag(0, "prod", "FF5733"), WorkspaceID: ws0, Name: "prod", Color: "FF5733"}
	team := client.Tag{TagID: e.createTag(0, "team a", "00aa00"), WorkspaceID: ws0, Name: "team a", Color: "00aa00"}
	const res = "airbyte_connection.c"
	config := func(tags string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  tags           = %s
}
`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID, tags)
	}
	empty := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config(fmt.Sprintf(`[{ tag_id = %q }]`, prod.TagID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(res, tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("prod")),
						plancheck.ExpectKnownValue(res, tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("color"), knownvalue.StringExact("FF5733")),
						plancheck.ExpectKnownValue(res, tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("workspace_id"), knownvalue.StringExact(ws0)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{tagChecks(res, prod)},
				Check:             e.expectTags(res, prod.TagID),
			},
			{
				// Airbyte keeps the attached tag first and appends the new
				// one; state keeps the configured order.
				Config:            config(fmt.Sprintf(`[{ tag_id = %q }, { tag_id = %q }]`, team.TagID, prod.TagID)),
				ConfigPlanChecks:  empty,
				ConfigStateChecks: []statecheck.StateCheck{tagChecks(res, team, prod)},
				Check:             e.expectTags(res, prod.TagID, team.TagID),
			},
			{
				Config: config(fmt.Sprintf(`[{
    tag_id       = %q
    workspace_id = %q
    name         = "prod"
    color        = "FF5733"
  }]`, prod.TagID, ws0)),
				ConfigPlanChecks:  empty,
				ConfigStateChecks: []statecheck.StateCheck{tagChecks(res, prod)},
				Check:             e.expectTags(res, prod.TagID),
			},
			{
				// Airbyte answers the id in lower case; state keeps the spelling.
				Config:           config(fmt.Sprintf(`[{ tag_id = %q }]`, strings.ToUpper(prod.TagID))),
				ConfigPlanChecks: empty,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(res, tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("tag_id"),
					knownvalue.StringExact(strings.ToUpper(prod.TagID)))},
				Check: e.expectTags(res, prod.TagID),
			},
			{
				Config:            config(`[]`),
				ConfigPlanChecks:  empty,
				ConfigStateChecks: []statecheck.StateCheck{tagChecks(res)},
				Check:             e.expectTags(res),
			},
		},
	})
}

// TestAccConnectionTags_refused refuses at plan a configured name or color
// that differs from the tag's, an unknown id, another workspace's tag and a
// tag listed twice, for a new connection (nothing is created) and for an
// existing one (nothing changes).
func TestAccConnectionTags_refused(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 163})
	ws0, ws1 := e.Workspace(0).WorkspaceID, e.Workspace(1).WorkspaceID
	prod := e.createTag(0, "prod", "FF5733")
	foreign := e.createTag(1, "finance", "123456")
	const unknown = "0f8fad5b-d9cb-469f-a165-70867728950e"
	config := func(tags string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  tags           = %s
}
`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID, tags)
	}
	const dotAll = "(?s)"
	listed := `.*` + words(fmt.Sprintf(`The tags of workspace %q are "prod" (%s).`, ws0, prod)) + `.*` + words(`Create the tag first`)
	cases := []struct{ name, tags, want string }{
		{"name differs", fmt.Sprintf(`[{ tag_id = %q, name = "production" }]`, prod),
			dotAll + `Tag Name Differs.*` + words(fmt.Sprintf(`tags[0].name is "production", but the tag %q has name "prod" in Airbyte`, prod)) +
				`.*` + words(`Remove name from this tag`) + `.*` + words(`or set it to "prod".`)},
		{"color differs", fmt.Sprintf(`[{ tag_id = %q, color = "ff5733" }]`, prod),
			dotAll + `Tag Color Differs.*` + words(fmt.Sprintf(`tags[0].color is "ff5733", but the tag %q has color "FF5733" in Airbyte`, prod))},
		{"workspace differs", fmt.Sprintf(`[{ tag_id = %q, workspace_id = %q }]`, prod, ws1),
			dotAll + `Tag Workspace Differs.*` + words(fmt.Sprintf(`tags[0].workspace_id is %q, but the tag %q has workspace_id %q in Airbyte`, ws1, prod, ws0))},
		{"unknown id", fmt.Sprintf(`[{ tag_id = %q }]`, unknown),
			dotAll + `Unknown Tag.*` + words(fmt.Sprintf(`tags[0].tag_id is %q, but workspace %q, the connection's workspace, has no tag with that id`, unknown, ws0)) + listed},
		{"another workspace's tag", fmt.Sprintf(`[{ tag_id = %q }, { tag_id = %q }]`, prod, foreign),
			dotAll + `Unknown Tag.*` + words(fmt.Sprintf(`tags[1].tag_id is %q, but workspace %q`, foreign, ws0)) + `.*` + words(`belongs to another workspace`) + listed},
		{"listed twice", fmt.Sprintf(`[{ tag_id = %q }, { tag_id = %q }]`, prod, strings.ToUpper(prod)),
			dotAll + `Duplicate Tag.*` + words(`is listed at tags[0] and tags[1]`)},
		{"no id", `[{ name = "prod" }]`, `tags\[0\]\.tag_id is required`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{Config: config(tc.tags), ExpectError: regexp.MustCompile(tc.want)})
	}
	before := e.emu.Snapshot()
	steps = append(steps, resource.TestStep{
		PreConfig: func() {
			if n := e.emu.Stats().ByRoute["POST /connections"]; n != 0 {
				t.Fatalf("refused tags sent %d creates, want none", n)
			}
			if after := e.emu.Snapshot(); !reflect.DeepEqual(after, before) {
				t.Fatalf("refused tags changed the emulator")
			}
		},
		Config: config(`[]`),
	})
	// The same refusals against an existing connection change nothing.
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{Config: config(tc.tags), ExpectError: regexp.MustCompile(tc.want)})
	}
	var created emulator.Snapshot
	steps[len(cases)].Check = func(*terraform.State) error { created = e.emu.Snapshot(); return nil }
	steps = append(steps, resource.TestStep{
		PreConfig: func() {
			if n := e.emu.Stats().ByRoute["PATCH /connections/{connectionId}"]; n != 0 {
				t.Fatalf("refused tags sent %d updates, want none", n)
			}
			if after := e.emu.Snapshot(); !reflect.DeepEqual(after, created) {
				t.Fatalf("refused tags changed the existing connection:\nbefore %+v\nafter  %+v", created, after)
			}
		},
		Config:           config(`[]`),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	})
	accParallelTest(t, resource.TestCase{Steps: steps})
}

// TestAccConnectionTags_sourceWorkspace checks tags against the source's
// workspace when the provider has no workspace_id, lists each workspace's
// tags once per provider process, and not at all when state already holds
// the configured tags.
func TestAccConnectionTags_sourceWorkspace(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 164})
	ws1 := e.Workspace(1).WorkspaceID
	finance := client.Tag{TagID: e.createTag(1, "finance", "123456"), WorkspaceID: ws1, Name: "finance", Color: "123456"}
	provider := regexp.MustCompile(`(?m)^\s*workspace_id\s*=.*\n`).ReplaceAllString(e.ProviderConfig(), "")
	var body strings.Builder
	for i := range 3 {
		fmt.Fprintf(&body, `
resource "airbyte_connection" "c%d" {
  name           = "tagged %d"
  source_id      = %q
  destination_id = %q
  tags           = [{ tag_id = %q }]
}
`, i, i, e.Source(1, 0).SourceID, e.Destination(1, 0).DestinationID, finance.TagID)
	}
	var listsBefore, listsAfterApply int64
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() { listsBefore = e.emu.Stats().ByRoute["GET /tags"] },
				Config:    provider + body.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("airbyte_connection.c2", tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("finance")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{tagChecks("airbyte_connection.c0", finance), tagChecks("airbyte_connection.c2", finance)},
				Check: resource.ComposeAggregateTestCheckFunc(e.expectTags("airbyte_connection.c1", finance.TagID), func(*terraform.State) error {
					// Three connections, but one listing per provider process
					// (the plan, and the apply's own plans); never one each.
					listsAfterApply = e.emu.Stats().ByRoute["GET /tags"]
					if n := listsAfterApply - listsBefore; n == 0 || n > 2 {
						return fmt.Errorf("GET /tags sent %d times for 3 connections over a plan and an apply, want 1 or 2", n)
					}
					return nil
				}),
			},
		},
	})
	// Later plans find the tags in state, as refreshed: they list nothing.
	if n := e.emu.Stats().ByRoute["GET /tags"] - listsAfterApply; n != 0 {
		t.Errorf("plans of unchanged tags sent GET /tags %d times, want none", n)
	}
}

// TestAccConnectionTags_cannotList plans with a warning when the tags
// cannot be listed: the apply sends the configured id with the connection's
// workspace, and the next plan, which takes name and color from state, is
// empty.
func TestAccConnectionTags_cannotList(t *testing.T) {
	var refused atomic.Int64
	front := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/tags") {
				refused.Add(1)
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"status":403,"type":"https://reference.airbyte.com/reference/errors#forbidden","title":"forbidden","detail":"Caller does not have the required workspace reader permissions."}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 165}, front)
	ws0 := e.Workspace(0).WorkspaceID
	prod := client.Tag{TagID: e.createTag(0, "prod", "FF5733"), WorkspaceID: ws0, Name: "prod", Color: "FF5733"}
	const res = "airbyte_connection.c"
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  source_id      = %q
  destination_id = %q
  tags           = [{ tag_id = %q }]
}
`, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID, prod.TagID),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("name")),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("workspace_id"), knownvalue.StringExact(ws0)),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{tagChecks(res, prod)},
			Check:             e.expectTags(res, prod.TagID),
		}},
	})
	if refused.Load() == 0 {
		t.Fatal("the test never refused GET /tags")
	}
}

// TestTagCatalog lists a workspace's tags once for many lookups, and again
// only when a caller finds the listing lacking a tag made since.
func TestTagCatalog(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 166})
	ctx := context.Background()
	api, err := client.New(client.Config{ServerURL: e.info.ServerURL, ClientID: e.info.ClientID, ClientSecret: e.info.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	ws := e.Workspace(0).WorkspaceID
	first := e.createTag(0, "first", "000000")
	var cat tagCatalog
	lists := func() int64 { return e.emu.Stats().ByRoute["GET /tags"] }

	lst, err := cat.list(ctx, api, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if again, err := cat.list(ctx, api, ws, nil); err != nil || again != lst {
			t.Fatalf("a second lookup listed again (%v)", err)
		}
	}
	if _, ok := lst.find(strings.ToUpper(first)); !ok || lists() != 1 {
		t.Fatalf("find(%s) = %v after %d listings, want found after 1", first, ok, lists())
	}

	second := e.createTag(0, "second", "111111")
	if _, ok := lst.find(second); ok {
		t.Fatal("the cached listing already holds a tag made after it")
	}
	fresh, err := cat.list(ctx, api, ws, lst)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fresh.find(second); !ok || lists() != 2 {
		t.Fatalf("after a refetch find(%s) = %v with %d listings, want found with 2", second, ok, lists())
	}
	// A caller still holding the old listing shares the refetched one.
	if again, _ := cat.list(ctx, api, ws, lst); again != fresh || lists() != 2 {
		t.Fatalf("a second stale caller listed again (%d listings)", lists())
	}

	// A failed listing is not kept.
	if _, err := cat.list(ctx, api, "6f1c1a52-5a46-4d7c-8d65-0b0d8e8e9f00", nil); !client.IsForbidden(err) {
		t.Fatalf("listing an unknown workspace: %v, want 403", err)
	}
	if _, err := cat.list(ctx, api, "6f1c1a52-5a46-4d7c-8d65-0b0d8e8e9f00", nil); !client.IsForbidden(err) || lists() != 4 {
		t.Fatalf("a failed listing was kept (%d listings)", lists())
	}
}
