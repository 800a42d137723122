package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// Values the schema accepts, from the Airbyte public API's enums.
var (
	connectionStatusValues    = []string{"active", "inactive"}
	scheduleTypeValues        = []string{"manual", "cron", "basic"}
	namespaceDefinitionValues = []string{"source", "destination", "custom_format"}
	nonBreakingValues         = []string{"ignore", "disable_connection", "propagate_columns", "propagate_fully"}
	syncModeValues            = []string{
		"full_refresh_overwrite", "full_refresh_overwrite_deduped", "full_refresh_append", "full_refresh_update",
		"full_refresh_soft_delete", "incremental_append", "incremental_deduped_history", "incremental_update",
		"incremental_soft_delete",
	}
)

func (r *connectionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"connection_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The id of the Airbyte connection.",
			},
		},
	}
}

// keepState keeps the prior value of an attribute the configuration leaves
// out, so the server's value stands instead of being planned as unknown.
var keepState = stringplanmodifier.UseStateForUnknown()

func (r *connectionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An Airbyte connection: the link between a source and a destination, with the streams it syncs " +
			"and when it syncs them. Every argument of the official Airbyte provider's `airbyte_connection` is accepted with the " +
			"same meaning, so an existing configuration moves over unchanged. An optional argument left out of the configuration " +
			"keeps the value the connection has in Airbyte instead of being reset. A plan that would make Airbyte lose sync state " +
			"(a replacement, a stream moved from incremental to full refresh) or stop syncing streams warns, naming them; " +
			"the provider's `state_loss` makes that an error.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The id of the connection, the same as `connection_id`.",
				PlanModifiers:       []planmodifier.String{keepState},
			},
			"connection_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The id of the connection.",
				PlanModifiers:       []planmodifier.String{keepState},
			},
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The name of the connection. When left out on create, Airbyte names it after its source and destination.",
				PlanModifiers:       []planmodifier.String{keepState},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the source. Changing it replaces the connection.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{uuidValidator{}},
			},
			"destination_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the destination. Changing it replaces the connection.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{uuidValidator{}},
			},
			"workspace_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The id of the workspace the connection belongs to (its source's workspace).",
				PlanModifiers:       []planmodifier.String{keepState},
			},
			"status": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Whether the connection syncs on its schedule: `active` or `inactive`. New connections are `active`.",
				PlanModifiers:       []planmodifier.String{keepState},
				Validators:          []validator.String{stringvalidator.OneOf(connectionStatusValues...)},
			},
			"status_reason": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Why Airbyte set the connection's status, when it says.",
			},
			"schedule": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "When the connection syncs. New connections are `manual`.",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"schedule_type": schema.StringAttribute{
						// Optional and computed, and required by ValidateConfig: a
						// nested attribute that is not computed makes Terraform read
						// a schedule left out of the configuration as removed.
						Optional: true, Computed: true,
						MarkdownDescription: "`manual` (only when triggered), `cron` (on `cron_expression`) or `basic`. Airbyte's API cannot " +
							"create `basic` schedules; `basic` is accepted only for a connection that already has one, made in the Airbyte UI, to keep it.",
						Validators: []validator.String{stringvalidator.OneOf(scheduleTypeValues...)},
					},
					"cron_expression": schema.StringAttribute{
						CustomType: cronExpressionType{},
						Optional:   true, Computed: true,
						MarkdownDescription: "A Quartz cron expression, with a seconds field first, such as `0 0 12 * * ?` (every day at 12:00). " +
							"Required when `schedule_type` is `cron`. It runs in `cron_time_zone`. Airbyte reads it back with the zone " +
							"appended (`0 0 12 * * ? UTC`); the expression is kept here without it.",
						Validators:    []validator.String{quartzCronValidator{}},
						PlanModifiers: []planmodifier.String{cronExpressionFollowsType{}},
					},
					"cron_time_zone": schema.StringAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "The time zone `cron_expression` runs in: an IANA name such as `America/Toronto`, or `UTC`. " +
							"When left out, a cron schedule keeps the zone it has in Airbyte (one set in the Airbyte UI stays), and a new " +
							"one runs in UTC. Airbyte refuses `Etc/` zones. Airbyte's public API can only set UTC, so another zone is set " +
							"through the Config API (`config_api_url`), which needs the same permissions.",
						Validators: []validator.String{timeZoneValidator{}},
						// A new cron schedule runs in UTC: the public API sets no other zone.
						PlanModifiers: []planmodifier.String{followsScheduleType{scheduleType: "cron", fresh: types.StringValue(client.UTC)}},
					},
					"basic_timing": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "For a `basic` schedule made in the Airbyte UI, how often it runs, such as `Every 24 HOURS`.",
						PlanModifiers:       []planmodifier.String{followsScheduleType{scheduleType: "basic", fresh: types.StringNull()}},
					},
				},
			},
			"configurations": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The streams the connection syncs. When left out, the connection keeps the streams it has " +
					"(on create, Airbyte selects only the streams the source's connector suggests, or the only stream of a one-stream " +
					"source, which may be none).",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				CustomType:    types.ObjectType{AttrTypes: configurationsAttrTypes}, // see nestedObject
				Attributes: map[string]schema.Attribute{
					"streams": schema.SetNestedAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "The selected streams, matched by `name` and `namespace` whatever their order. Streams not " +
							"listed are not synced. Sending the list replaces the connection's streams. Stream names and namespaces, sync " +
							"modes, cursor fields, primary keys and selected fields are checked at plan against the source's stream catalog " +
							"for this destination, by the rules Airbyte applies, so a stream Airbyte would refuse fails the plan.",
						PlanModifiers: []planmodifier.Set{streamsFromState{}},
						// The API reads an empty list as "leave the streams as they are".
						Validators:   []validator.Set{setvalidator.SizeAtLeast(1)},
						NestedObject: streamNestedObject,
						CustomType:   types.SetType{ElemType: streamObjectType},
					},
				},
			},
			"prefix": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "A prefix added to the name of every table the connection writes in the destination, such as `raw_`.",
				PlanModifiers:       []planmodifier.String{keepState},
			},
			"namespace_definition": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Where the destination namespace (schema) comes from: `source`, `destination` or `custom_format`. New connections use `destination`.",
				PlanModifiers:       []planmodifier.String{keepState},
				Validators:          []validator.String{stringvalidator.OneOf(namespaceDefinitionValues...)},
			},
			"namespace_format": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The destination namespace when `namespace_definition` is `custom_format`; `${SOURCE_NAMESPACE}` stands for the source's namespace.",
				PlanModifiers:       []planmodifier.String{keepState},
			},
			"non_breaking_schema_updates_behavior": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "What Airbyte does when the source's schema changes in a non-breaking way: `ignore`, `disable_connection`, " +
					"`propagate_columns` or `propagate_fully`. New connections use `ignore`.",
				PlanModifiers: []planmodifier.String{keepState},
				Validators:    []validator.String{stringvalidator.OneOf(nonBreakingValues...)},
			},
			"tags": schema.ListNestedAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Tags of the connection, by `tag_id`: tags of the connection's workspace, made beforehand (for example in the Airbyte UI). " +
					"`name`, `color` and `workspace_id` are read from each tag, and an id the workspace has no tag for is refused at plan. An empty list removes every tag.",
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						// tag_id is optional and computed, and required by ValidateConfig; see schedule_type.
						"tag_id":       schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The id of the tag, a tag of the connection's workspace. Required.", Validators: []validator.String{uuidValidator{}}},
						"workspace_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The workspace of the tag, computed from the tag. When set, it must be the tag's own.", Validators: []validator.String{uuidValidator{}}},
						"name":         schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The name of the tag, computed from the tag. When set, it must be the tag's own name."},
						"color":        schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The color of the tag, such as `FF5733`, computed from the tag. When set, it must be the tag's own color."},
					},
				},
			},
			"data_residency": schema.StringAttribute{
				Optional:            true,
				DeprecationMessage:  "Airbyte no longer lets connections choose their data residency; the value is accepted and ignored.",
				MarkdownDescription: "Deprecated and ignored: Airbyte no longer lets connections choose their data residency. Accepted so that existing configurations keep working.",
			},
			"created_at": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "When the connection was created, in seconds since the Unix epoch.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"connection_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The connection's page in the Airbyte web UI.",
				PlanModifiers:       []planmodifier.String{keepState},
			},
			"job_history_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The connection's job history (timeline) in the Airbyte web UI.",
				PlanModifiers:       []planmodifier.String{keepState},
			},
			"stream_names": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The names of the selected streams, sorted.",
			},
			"delete_source_on_destroy": schema.BoolAttribute{
				Optional: true, Computed: true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Also delete the connection's source when the connection is destroyed. Defaults to `false`.",
			},
			"delete_destination_on_destroy": schema.BoolAttribute{
				Optional: true, Computed: true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Also delete the connection's destination when the connection is destroyed. Defaults to `false`.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}
