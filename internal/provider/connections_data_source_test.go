package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

func TestConnectionNameFilter(t *testing.T) {
	cases := []struct {
		name, regex string
		matches     map[string]bool
	}{
		{"", "", map[string]bool{"anything": true, "": true}},
		{"prod", "", map[string]bool{"prod": true, "prod-2": false, "Prod": false}},
		{"", "^prod-", map[string]bool{"prod-1": true, "preprod-1": false}},
		{"", "(?i)postgres", map[string]bool{"Postgres to S3": true, "MySQL": false}},
		{"prod-1", "^prod-", map[string]bool{"prod-1": true, "prod-2": false}},
	}
	for _, tc := range cases {
		f, diags := newConnectionNameFilter(optionalString(tc.name), optionalString(tc.regex))
		if diags.HasError() {
			t.Fatalf("name %q regex %q: %v", tc.name, tc.regex, diags)
		}
		for in, want := range tc.matches {
			if got := f.matches(in); got != want {
				t.Errorf("name %q regex %q: matches(%q) = %v, want %v", tc.name, tc.regex, in, got, want)
			}
		}
	}
	if _, diags := newConnectionNameFilter(types.StringNull(), types.StringValue("a(")); !diags.HasError() ||
		!strings.Contains(diags[0].Detail(), `"a(" is not a valid regular expression`) {
		t.Errorf("an invalid regex gave %v", diags)
	}
}

func TestListedWorkspaces(t *testing.T) {
	const a, b = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	at := path.Root("workspace_ids")
	cases := []struct {
		provider  string
		requested []string
		want      []string
		wantErr   string
	}{
		{"", nil, nil, ""},
		{"", []string{a, b}, []string{a, b}, ""},
		{a, nil, []string{a}, ""},
		{a, []string{a}, []string{a}, ""},
		{a, []string{a, b}, nil, `asks for workspace "` + b + `", but the provider is configured for workspace "` + a + `"`},
	}
	for _, tc := range cases {
		d := &providerData{workspaceID: tc.provider}
		got, diags := d.listedWorkspaces(at, tc.requested)
		if tc.wantErr != "" {
			if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.wantErr) {
				t.Errorf("provider %q requested %v: want an error containing %q, got %v", tc.provider, tc.requested, tc.wantErr, diags)
			}
			continue
		}
		if diags.HasError() || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("provider %q requested %v: got %v %v, want %v", tc.provider, tc.requested, got, diags, tc.want)
		}
	}
}

// TestAccConnectionsDataSource reads the 151 connections of a workspace in
// every way the data source offers: all pages, one page, filtered by name,
// by tag, with and without deleted connections, and refuses another workspace.
func TestAccConnectionsDataSource(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 45, SeedConnections: 150})
	ctx := context.Background()
	api := e.apiClient()
	ws0, ws1 := e.Workspace(0).WorkspaceID, e.Workspace(1).WorkspaceID

	ui := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	// A connection of the other workspace, which no listing below may show.
	e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})

	seeded, err := api.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{ws0}})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]client.Connection{}
	for _, c := range seeded {
		byName[c.Name] = c
	}
	deleted := byName["seeded-connection-0007"]
	if err := api.DeleteConnection(ctx, deleted.ConnectionID); err != nil {
		t.Fatal(err)
	}
	// Airbyte keeps only tags that exist in the connection's workspace, so the tag is made first.
	tagID, err := e.emu.CreateTag(ws0, "finance", "FF5733")
	if err != nil {
		t.Fatal(err)
	}
	tag := client.Tag{TagID: tagID, WorkspaceID: ws0, Name: "finance", Color: "FF5733"}
	for _, name := range []string{"seeded-connection-0100", "seeded-connection-0120"} {
		if _, err := api.PatchConnection(ctx, byName[name].ConnectionID, client.ConnectionPatchRequest{Tags: []client.Tag{tag}}); err != nil {
			t.Fatal(err)
		}
	}

	const ds = "data.airbyte_connections.c"
	config := func(args string) string {
		return e.ProviderConfig() + "\ndata \"airbyte_connections\" \"c\" {\n" + args + "\n}\n"
	}
	names := func(want ...string) knownvalue.Check {
		var checks []knownvalue.Check
		for _, n := range want {
			checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)}))
		}
		return knownvalue.ListExact(checks)
	}
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config(fmt.Sprintf("  workspace_ids = [%q]", ws1)),
				ExpectError: regexp.MustCompile(`(?s)Workspace Mismatch.*asks\s+for\s+workspace\s+"` + ws1 +
					`",\s+but\s+the\s+provider\s+is\s+configured\s+for\s+workspace\s+"` + ws0 + `"`),
			},
			{
				Config:      config(`  name_regex = "seeded-(connection"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Regular Expression.*"seeded-\(connection" is not a valid regular\s+expression`),
			},
			{
				Config:      config("  limit = 101"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)limit.*between 1 and 100`),
			},
			{
				// No limit: every page (the API's pages hold at most 100), the provider's workspace only, deleted left out.
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), knownvalue.ListSizeExact(150)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("seeded-connection-0001")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data").AtSliceIndex(149), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"connection_id": knownvalue.StringExact(ui.ConnectionID),
						"id":            knownvalue.StringExact(ui.ConnectionID),
						"name":          knownvalue.StringExact("Made in the UI"),
						"workspace_id":  knownvalue.StringExact(ws0),
						"prefix":        knownvalue.StringExact("ui_"),
						"schedule": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"schedule_type": knownvalue.StringExact("cron"), "cron_expression": knownvalue.StringExact("0 15 3 * * ?"),
							"cron_time_zone": knownvalue.StringExact("UTC"), "basic_timing": knownvalue.Null(),
						}),
						"stream_names": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("events"), knownvalue.StringExact("users")}),
					})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("next"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("previous"), knownvalue.Null()),
				},
			},
			{
				// One page, with the API's links.
				Config: config("  limit  = 10\n  offset = 20"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), knownvalue.ListSizeExact(10)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("seeded-connection-0022")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("next"), knownvalue.StringRegexp(regexp.MustCompile(`/connections\?.*limit=10&offset=30$`))),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("previous"), knownvalue.StringRegexp(regexp.MustCompile(`/connections\?.*limit=10&offset=10$`))),
				},
			},
			{
				// The first page has no previous link.
				Config: config("  limit = 5"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), names("seeded-connection-0001", "seeded-connection-0002",
						"seeded-connection-0003", "seeded-connection-0004", "seeded-connection-0005")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("previous"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("next"), knownvalue.StringRegexp(regexp.MustCompile(`offset=5$`))),
				},
			},
			{
				Config: config(`  name = "seeded-connection-0042"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), names("seeded-connection-0042")),
				},
			},
			{
				// 0001 to 0009 but the deleted 0007.
				Config: config(`  name_regex = "^seeded-connection-000[0-9]$"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), names("seeded-connection-0001", "seeded-connection-0002",
						"seeded-connection-0003", "seeded-connection-0004", "seeded-connection-0005", "seeded-connection-0006",
						"seeded-connection-0008", "seeded-connection-0009")),
				},
			},
			{
				Config: config(`  name = "seeded-connection-0007"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: config("  name            = \"seeded-connection-0007\"\n  include_deleted = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"connection_id": knownvalue.StringExact(deleted.ConnectionID),
							"status":        knownvalue.StringExact("deprecated"),
						}),
					})),
				},
			},
			{
				Config: config("  include_deleted = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), knownvalue.ListSizeExact(151)),
				},
			},
			{
				Config: config(fmt.Sprintf("  workspace_ids = [%q]\n  tag_ids       = [%q]", ws0, tag.TagID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), names("seeded-connection-0100", "seeded-connection-0120")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data").AtSliceIndex(0).AtMapKey("tags"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"tag_id": knownvalue.StringExact(tag.TagID), "workspace_id": knownvalue.StringExact(ws0),
							"name": knownvalue.StringExact("finance"), "color": knownvalue.StringExact("FF5733"),
						}),
					})),
				},
			},
		},
	})
}

// TestAccConnectionsDataSource_noProviderWorkspace lists every workspace the
// credentials see when neither the provider nor the data source names one,
// and only the named ones otherwise.
func TestAccConnectionsDataSource_noProviderWorkspace(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 46, SeedConnections: 3})
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	// The provider block without workspace_id.
	provider := regexp.MustCompile(`(?m)^\s*workspace_id\s*=.*\n`).ReplaceAllString(e.ProviderConfig(), "")
	if strings.Contains(provider, "workspace_id") {
		t.Fatalf("workspace_id is still in the provider block:\n%s", provider)
	}
	const ds = "data.airbyte_connections.c"
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: provider + "\ndata \"airbyte_connections\" \"c\" {}\n",
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), knownvalue.ListSizeExact(4)),
				},
			},
			{
				Config: provider + fmt.Sprintf("\ndata \"airbyte_connections\" \"c\" {\n  workspace_ids = [%q]\n}\n", e.Workspace(1).WorkspaceID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"connection_id": knownvalue.StringExact(foreign.ConnectionID)}),
					})),
				},
			},
		},
	})
}

// TestAccConnectionsDataSource_apiError reports a failed listing with the
// API's answer instead of an empty list.
func TestAccConnectionsDataSource_apiError(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 47, FailRate: 1})
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      e.ProviderConfigWith("max_retries = 0") + "\ndata \"airbyte_connections\" \"c\" {}\n",
			ExpectError: regexp.MustCompile(`(?s)Cannot List Connections.*503 Service Unavailable.*Try again later`),
		}},
	})
}
