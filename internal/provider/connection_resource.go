package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ resource.Resource                   = (*connectionResource)(nil)
	_ resource.ResourceWithConfigure      = (*connectionResource)(nil)
	_ resource.ResourceWithImportState    = (*connectionResource)(nil)
	_ resource.ResourceWithIdentity       = (*connectionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectionResource)(nil)
)

// Default timeouts of the connection resource's operations.
const (
	defaultConnectionCreateTimeout = 10 * time.Minute
	defaultConnectionReadTimeout   = 5 * time.Minute
	defaultConnectionUpdateTimeout = 10 * time.Minute
	defaultConnectionDeleteTimeout = 10 * time.Minute
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
	mapperTypeValues = []string{"hashing", "field-renaming", "row-filtering", "encryption", "field-filtering"}
)

// connectionResource manages an Airbyte connection.
type connectionResource struct {
	data *providerData
}

// connectionResourceModel is the resource's state and plan.
type connectionResourceModel struct {
	connectionAPIModel
	DataResidency              types.String   `tfsdk:"data_residency"`
	DeleteSourceOnDestroy      types.Bool     `tfsdk:"delete_source_on_destroy"`
	DeleteDestinationOnDestroy types.Bool     `tfsdk:"delete_destination_on_destroy"`
	Timeouts                   timeouts.Value `tfsdk:"timeouts"`
}

// connectionIdentityModel is the resource identity: the connection's id.
type connectionIdentityModel struct {
	ConnectionID types.String `tfsdk:"connection_id"`
}

// NewConnectionResource returns the airbyte_connection resource.
func NewConnectionResource() resource.Resource { return &connectionResource{} }

func (r *connectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *connectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

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
			"keeps the value the connection has in Airbyte instead of being reset.",
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
				Attributes: map[string]schema.Attribute{
					"streams": schema.SetNestedAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "The selected streams, matched by `name` and `namespace` whatever their order. Streams not " +
							"listed are not synced. Sending the list replaces the connection's streams. Stream names and namespaces, sync " +
							"modes, cursor fields, primary keys and selected fields are checked at plan against the source's stream catalog " +
							"for this destination, by the rules Airbyte applies, so a stream Airbyte would refuse fails the plan.",
						PlanModifiers: []planmodifier.Set{streamsFromState{}},
						// The API reads an empty list as "leave the streams as they are".
						Validators: []validator.Set{setvalidator.SizeAtLeast(1)},
						NestedObject: schema.NestedAttributeObject{
							Attributes: streamSchemaAttributes(),
						},
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

// streamSchemaAttributes is the schema of one element of configurations.streams.
func streamSchemaAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Optional: true, Computed: true, // required by ValidateConfig; see schedule_type
			MarkdownDescription: "The name of the stream, as the source names it. Required.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"namespace": str("The namespace of the stream in the source (such as a database schema). Needed only when the source has two streams of " +
			"the same name; when set, it must be the stream's namespace in the source."),
		"sync_mode": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "How the stream is read and written: one of `" + strings.Join(syncModeValues, "`, `") + "`. " +
				"New streams use `full_refresh_overwrite`.",
			Validators: []validator.String{stringvalidator.OneOf(syncModeValues...)},
		},
		"cursor_field": schema.ListAttribute{
			Optional: true, Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The path of the field that marks new records, for incremental sync modes. Leave it out when the source defines the cursor.",
		},
		"primary_key": schema.ListAttribute{
			Optional: true, Computed: true, ElementType: types.ListType{ElemType: types.StringType},
			MarkdownDescription: "The fields that identify a record, as a list of field paths, for deduplicating sync modes. Leave it out when the source defines the key.",
		},
		"selected_fields": schema.SetNestedAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "The fields to sync; all fields when left out.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"field_path": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType, MarkdownDescription: "The path of the field."},
			}},
		},
		"include_files":           schema.BoolAttribute{Optional: true, Computed: true, MarkdownDescription: "Whether to copy the files a file-based stream refers to."},
		"destination_object_name": str("The name of the object the stream is written to, for destinations that take one."),
		"mappers": schema.ListNestedAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Transformations applied to the stream's records, in order.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id": str("The id of the mapper."),
				"type": schema.StringAttribute{
					Optional: true, Computed: true,
					MarkdownDescription: "The kind of mapper: one of `" + strings.Join(mapperTypeValues, "`, `") + "`.",
					Validators:          []validator.String{stringvalidator.OneOf(mapperTypeValues...)},
				},
				"mapper_configuration": schema.SingleNestedAttribute{
					Optional: true, Computed: true,
					MarkdownDescription: "The mapper's settings: set the one block that matches `type`.",
					Attributes: map[string]schema.Attribute{
						"hashing": mapperBlock("Replaces a field with its hash.", map[string]string{
							"target_field": "The name of the field to hash.", "method": "The hash function: `MD2`, `MD5`, `SHA-1`, `SHA-224`, `SHA-256`, `SHA-384` or `SHA-512`.",
							"field_name_suffix": "The suffix of the field that receives the hash."}, nil),
						"field_renaming": mapperBlock("Renames a field.", map[string]string{
							"original_field_name": "The name of the field in the source.", "new_field_name": "The name the field gets in the destination."}, nil),
						"field_filtering": mapperBlock("Leaves a field out of the records.", map[string]string{"target_field": "The name of the field to leave out."}, nil),
						"row_filtering": mapperBlock("Keeps only the records that match a filter.", map[string]string{
							"conditions": "The filter, as JSON: `jsonencode({ type = \"EQUAL\", fieldName = \"status\", comparisonValue = \"active\" })`, " +
								"or the same as a JSON string. Any spelling of the same JSON (key order, spaces) is the same filter."}, nil),
						"encryption": schema.SingleNestedAttribute{
							Optional: true, Computed: true,
							MarkdownDescription: "Encrypts a field, with AES (set `aes`) or RSA (set `rsa`).",
							Attributes: map[string]schema.Attribute{
								"aes": mapperBlock("Encryption with a symmetric AES key.", map[string]string{
									"algorithm": "The encryption algorithm: `AES`.", "field_name_suffix": "The suffix of the field that receives the ciphertext.",
									"key": "The AES key, which Terraform treats as sensitive.", "mode": "The block cipher mode: `CBC`, `CFB`, `OFB`, `CTR`, `GCM` or `ECB`.",
									"padding": "The padding: `NoPadding` or `PKCS5Padding`.", "target_field": "The name of the field to encrypt."}, map[string]bool{"key": true}),
								"rsa": mapperBlock("Encryption with an RSA public key.", map[string]string{
									"algorithm": "The encryption algorithm: `RSA`.", "field_name_suffix": "The suffix of the field that receives the ciphertext.",
									"public_key": "The RSA public key that encrypts the field.", "target_field": "The name of the field to encrypt."}, nil),
							},
						},
					},
				},
			}},
		},
	}
}

// mapperBlock is one optional block of string settings of a mapper.
func mapperBlock(desc string, fields map[string]string, sensitive map[string]bool) schema.SingleNestedAttribute {
	attrs := map[string]schema.Attribute{}
	for name, d := range fields {
		a := schema.StringAttribute{Optional: true, Computed: true, Sensitive: sensitive[name], MarkdownDescription: d}
		if name == "conditions" {
			// JSON: another spelling of the same value is no change.
			a.CustomType = jsontypes.NormalizedType{}
		}
		attrs[name] = a
	}
	return schema.SingleNestedAttribute{Optional: true, Computed: true, MarkdownDescription: desc, Attributes: attrs}
}

func (r *connectionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg connectionResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.DataResidency.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("data_residency"), "Data Residency Is Ignored",
			"Airbyte no longer lets connections choose their data residency, so data_residency has no effect. Remove it from the configuration.")
	}
	resp.Diagnostics.Append(validateTimeouts(cfg.Timeouts)...)
	resp.Diagnostics.Append(validateSchedule(ctx, cfg.Schedule)...)
	resp.Diagnostics.Append(validateStreams(ctx, cfg.Configurations)...)
	resp.Diagnostics.Append(validateTags(ctx, cfg.Tags)...)
}

// requireAttribute reports a missing nested attribute that the schema marks
// optional only so that Terraform keeps a whole object left out of the
// configuration (see schedule_type).
func requireAttribute(v attr.Value, at path.Path, what string) diag.Diagnostics {
	var diags diag.Diagnostics
	if v.IsNull() {
		diags.AddAttributeError(at, "Missing Required Argument", fmt.Sprintf("%s is required here. %s", at, what))
	}
	return diags
}

// validateTimeouts refuses a timeout of zero or less, which the timeouts
// block's own check lets through and which would fail the operation before
// it sends anything. Values that are not durations are left to that check.
func validateTimeouts(v timeouts.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	if !known(v.Object) {
		return diags
	}
	for name, a := range v.Attributes() {
		s, ok := a.(types.String)
		if !ok || !known(s) {
			continue
		}
		if d, err := time.ParseDuration(s.ValueString()); err == nil && d <= 0 {
			diags.Append(checkDuration(path.Root("timeouts").AtName(name), s.ValueString())...)
		}
	}
	return diags
}

// validateSchedule checks that cron_expression is set exactly when schedule_type is cron.
func validateSchedule(ctx context.Context, v types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return diags
	}
	var s scheduleModel
	diags.Append(v.As(ctx, &s, objectAsOptions)...)
	diags.Append(requireAttribute(s.ScheduleType, path.Root("schedule").AtName("schedule_type"),
		"Set it to \"cron\" (with cron_expression) or \"manual\".")...)
	if s.ScheduleType.IsUnknown() || s.CronExpression.IsUnknown() {
		return diags
	}
	cronPath := path.Root("schedule").AtName("cron_expression")
	switch s.ScheduleType.ValueString() {
	case "cron":
		if s.CronExpression.IsNull() {
			diags.AddAttributeError(cronPath, "Missing Cron Expression",
				"schedule_type is \"cron\", so cron_expression is required: a Quartz cron expression with a seconds field, "+
					"such as \"0 0 12 * * ?\" for every day at 12:00 UTC.")
		}
	case "manual", "basic":
		if !s.CronExpression.IsNull() {
			diags.AddAttributeError(cronPath, "Unexpected Cron Expression",
				fmt.Sprintf("cron_expression is only used when schedule_type is \"cron\", but schedule_type is %q. "+
					"Set schedule_type = \"cron\" to sync on this expression, or remove cron_expression.", s.ScheduleType.ValueString()))
		}
		if !s.CronTimeZone.IsNull() {
			diags.AddAttributeError(path.Root("schedule").AtName("cron_time_zone"), "Unexpected Time Zone",
				fmt.Sprintf("cron_time_zone is only used when schedule_type is \"cron\", but schedule_type is %q. Remove cron_time_zone.",
					s.ScheduleType.ValueString()))
		}
	}
	return diags
}

// validateStreams refuses two streams with the same name and namespace.
func validateStreams(ctx context.Context, v types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	streams, d := configuredStreams(ctx, v)
	diags.Append(d...)
	seen := map[string]bool{}
	for _, s := range streams {
		if s.Name.IsNull() {
			diags.AddAttributeError(path.Root("configurations").AtName("streams"), "Missing Stream Name",
				"Every element of configurations.streams needs a name: the stream's name as the source reports it.")
			continue
		}
		if s.Name.IsUnknown() || s.Namespace.IsUnknown() {
			continue
		}
		key := streamKey(s.Name.ValueString(), s.Namespace.ValueString())
		if seen[key] {
			ns := "no namespace"
			if !s.Namespace.IsNull() {
				ns = fmt.Sprintf("namespace %q", s.Namespace.ValueString())
			}
			diags.AddAttributeError(path.Root("configurations").AtName("streams"), "Duplicate Stream",
				fmt.Sprintf("The stream %q (%s) is listed more than once, with different settings. "+
					"List each stream once; to sync a stream of the same name from another namespace, set namespace on each.",
					s.Name.ValueString(), ns))
		}
		seen[key] = true
	}
	return diags
}

// configuredStreams returns the elements of configurations.streams, or none
// when either level is null or unknown.
func configuredStreams(ctx context.Context, v types.Object) ([]streamModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return nil, diags
	}
	var c configurationsModel
	diags.Append(v.As(ctx, &c, objectAsOptions)...)
	if c.Streams.IsNull() || c.Streams.IsUnknown() {
		return nil, diags
	}
	var streams []streamModel
	diags.Append(c.Streams.ElementsAs(ctx, &streams, false)...)
	return streams, diags
}

func streamKey(name, namespace string) string { return name + "\x00" + namespace }

func (r *connectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, state connectionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Airbyte's API cannot create a basic schedule, only keep one.
	if !plan.Schedule.IsNull() && !plan.Schedule.IsUnknown() {
		var s scheduleModel
		resp.Diagnostics.Append(plan.Schedule.As(ctx, &s, objectAsOptions)...)
		if s.ScheduleType.ValueString() == "basic" && scheduleTypeOf(ctx, state.Schedule) != "basic" {
			resp.Diagnostics.AddAttributeError(path.Root("schedule").AtName("schedule_type"), "Basic Schedules Cannot Be Set",
				"Airbyte's API cannot create a \"basic\" schedule; it can only keep one made in the Airbyte UI. "+
					"Use schedule_type = \"cron\" with a Quartz cron_expression (\"0 0 */24 * * ?\" runs every 24 hours), or \"manual\".")
		}
	}

	// status_reason keeps its value unless the status changes.
	if !state.StatusReason.IsNull() || !state.Status.IsNull() {
		reason := state.StatusReason
		if !plan.Status.Equal(state.Status) {
			reason = types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status_reason"), reason)...)
	}

	// stream_names follows the planned streams.
	names := types.ListUnknown(types.StringType)
	if streams, ok := knownStreams(ctx, plan.Configurations); ok {
		list := make([]string, 0, len(streams))
		for _, s := range streams {
			list = append(list, s.Name.ValueString())
		}
		sort.Strings(list)
		var d diag.Diagnostics
		names, d = types.ListValueFrom(ctx, types.StringType, list)
		resp.Diagnostics.Append(d...)
	}
	if !names.Equal(plan.StreamNames) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("stream_names"), names)...)
	}
	resp.Diagnostics.Append(r.planTags(ctx, req.Config, plan, state, &resp.Plan)...)
	resp.Diagnostics.Append(r.checkPlannedStreams(ctx, req, plan, state)...)
}

// knownStreams returns the planned streams when all their names are known.
func knownStreams(ctx context.Context, v types.Object) ([]streamModel, bool) {
	if v.IsNull() || v.IsUnknown() {
		return nil, false
	}
	var c configurationsModel
	if v.As(ctx, &c, objectAsOptions).HasError() || c.Streams.IsNull() || c.Streams.IsUnknown() {
		return nil, false
	}
	var streams []streamModel
	if c.Streams.ElementsAs(ctx, &streams, false).HasError() {
		return nil, false
	}
	for _, s := range streams {
		if s.Name.IsUnknown() {
			return nil, false
		}
	}
	return streams, true
}

func scheduleTypeOf(ctx context.Context, v types.Object) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	var s scheduleModel
	if v.As(ctx, &s, objectAsOptions).HasError() {
		return ""
	}
	return s.ScheduleType.ValueString()
}

func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg connectionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, defaultConnectionCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	resp.Diagnostics.Append(r.data.checkActorWorkspaces(ctx, plan.SourceID.ValueString(), plan.DestinationID.ValueString())...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, d := r.createRequest(ctx, plan, cfg)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(r.checkStreamsToSend(ctx, in.SourceID, in.DestinationID, in.Configurations)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, d := r.create(ctx, in)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.data.listings.forget(conn.WorkspaceID)
	tflog.Info(ctx, "created Airbyte connection", map[string]any{"connection_id": conn.ConnectionID})
	if expr, zone, zoned := zonedCron(ctx, plan.Schedule); zoned {
		// The public API made the schedule UTC.
		zonedConn, d := r.setZonedCron(ctx, conn.ConnectionID, expr, zone)
		resp.Diagnostics.Append(d...)
		if zonedConn != nil {
			conn = zonedConn
		}
	}
	if d := r.saveState(ctx, conn, plan, &resp.State, resp.Identity); d.HasError() {
		// The connection exists: whatever went wrong, state must know its id
		// (Terraform then marks it tainted) rather than lose track of it.
		resp.Diagnostics.Append(d...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), conn.ConnectionID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connection_id"), conn.ConnectionID)...)
		return
	}
}

// connectionCreateErrorDetail explains a refused create in the API's words.
func connectionCreateErrorDetail(err error) string {
	var hint string
	switch {
	case client.IsBadRequest(err):
		hint = " Check the streams, sync modes, cursor fields and primary keys against the source's catalog, and the cron expression."
	case client.IsForbidden(err), client.IsNotFound(err):
		hint = " Check source_id and destination_id, and that the credentials may use their workspace."
	default:
		hint = requestFailureAdvice(err)
	}
	return fmt.Sprintf("Airbyte refused to create the connection: %v.%s Nothing was created.", err, hint)
}

// reconcileGrace bounds the lookup that settles an interrupted create.
const reconcileGrace = 15 * time.Second

// maxUnsettledCreates is how many creates with an unknown outcome, each
// shown by a listing to have made nothing, are tried before giving up.
const maxUnsettledCreates = 3

// create creates the connection. A create whose outcome is unknown is
// settled by reconcileCreate: the connection it made is adopted, and when the
// listing shows it made none the create is sent again, so a fault between
// here and Airbyte never leaves a connection outside state or makes two.
func (r *connectionResource) create(ctx context.Context, in client.ConnectionCreateRequest) (*client.Connection, diag.Diagnostics) {
	var diags diag.Diagnostics
	for attempt := 1; ; attempt++ {
		conn, err := r.data.client.CreateConnection(ctx, in)
		switch {
		case err == nil:
			return conn, diags
		case !client.IsAmbiguous(err):
			diags.AddError("Cannot Create Connection", connectionCreateErrorDetail(err))
			return nil, diags
		}
		conn, d := r.reconcileCreate(ctx, in, err)
		diags.Append(d...)
		if conn != nil || diags.HasError() {
			return conn, diags
		}
		if ctx.Err() != nil {
			diags.AddError("Connection Create Interrupted",
				fmt.Sprintf("Creating the connection was interrupted (%v). Airbyte holds no connection from this source to this "+
					"destination made since the request, so nothing was created.", err))
			return nil, diags
		}
		if attempt == maxUnsettledCreates {
			diags.AddError("Cannot Create Connection",
				fmt.Sprintf("Creating the connection failed %d times (last: %v). Airbyte holds no connection from this source to this "+
					"destination made since the requests, so nothing was created; apply again once Airbyte answers normally.", attempt, err))
			return nil, diags
		}
		tflog.Info(ctx, "the failed create made no connection; sending it again", map[string]any{"attempt": attempt + 1})
	}
}

// reconcileCreate runs when a create failed in a way that leaves open
// whether Airbyte acted on it. It looks for a connection the request may have
// created (same source, destination and name, created since the request) and
// adopts it, so no connection is left outside Terraform's state and none is
// created twice. It returns no connection and no error when Airbyte holds no
// such connection, so the create can be sent again.
func (r *connectionResource) reconcileCreate(ctx context.Context, in client.ConnectionCreateRequest, cause error) (*client.Connection, diag.Diagnostics) {
	var diags diag.Diagnostics
	var amb *client.AmbiguousError
	since := time.Now().Add(-time.Minute)
	if errors.As(cause, &amb) {
		since = amb.StartedAt.Add(-5 * time.Second) // allow for clock skew between here and Airbyte
	}
	tflog.Warn(ctx, "connection create had an unknown outcome; looking for the connection it may have created",
		map[string]any{"error": cause.Error()})
	if ctx.Err() != nil {
		// Interrupted (Ctrl-C or a timeout) after the request may have
		// reached Airbyte: look anyway, briefly, so that state still learns
		// of a connection that was made.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), reconcileGrace)
		defer cancel()
	}
	ws := r.data.workspaceID
	if ws == "" {
		if src, err := r.data.client.GetSource(ctx, in.SourceID); err == nil {
			ws = src.WorkspaceID
		}
	}
	params := client.ListConnectionsParams{}
	if ws != "" {
		params.WorkspaceIDs = []string{ws}
	}
	all, err := r.data.client.ListConnections(ctx, params)
	if err != nil {
		diags.AddError("Connection Create Outcome Unknown",
			fmt.Sprintf("Creating the connection failed in a way that leaves open whether Airbyte created it (%v), and listing the "+
				"workspace's connections to find out failed too (%v). Check the Airbyte UI for a connection from source %q to destination %q "+
				"named %q; if there is one, import it with `terraform import`, otherwise apply again.", cause, err, in.SourceID, in.DestinationID, in.Name))
		return nil, diags
	}
	var found []client.Connection
	for _, c := range all {
		if c.SourceID == in.SourceID && c.DestinationID == in.DestinationID && (in.Name == "" || c.Name == in.Name) &&
			c.CreatedAt >= since.Unix() && c.Status != client.ConnectionStatusDeprecated {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 1:
		tflog.Info(ctx, "adopted the connection the failed create made", map[string]any{"connection_id": found[0].ConnectionID})
		return &found[0], diags
	case 0:
		tflog.Info(ctx, "Airbyte holds no connection made by the failed create")
	default:
		ids := make([]string, 0, len(found))
		for _, c := range found {
			ids = append(ids, c.ConnectionID)
		}
		diags.AddError("Connection Create Outcome Unknown",
			fmt.Sprintf("Creating the connection failed (%v), and Airbyte now holds %d matching connections made since the request: %s. "+
				"Import the right one with `terraform import` and delete the others.", cause, len(found), strings.Join(ids, ", ")))
	}
	return nil, diags
}

// createRequest builds the create request from the configuration: what the
// user left out is left out, so Airbyte applies its defaults.
func (r *connectionResource) createRequest(ctx context.Context, plan, cfg connectionResourceModel) (client.ConnectionCreateRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := client.ConnectionCreateRequest{
		Name:          cfg.Name.ValueString(),
		SourceID:      plan.SourceID.ValueString(),
		DestinationID: plan.DestinationID.ValueString(),
	}
	if s := scheduleRequest(ctx, cfg.Schedule, &diags); s != nil {
		in.Schedule = s
	}
	if known(cfg.Prefix) {
		in.Prefix = cfg.Prefix.ValueStringPointer()
	}
	if known(cfg.NamespaceFormat) {
		in.NamespaceFormat = cfg.NamespaceFormat.ValueStringPointer()
	}
	in.NamespaceDefinition = client.NamespaceDefinition(cfg.NamespaceDefinition.ValueString())
	in.NonBreakingSchemaUpdatesBehavior = client.NonBreakingSchemaUpdatesBehavior(cfg.NonBreakingSchemaUpdatesBehavior.ValueString())
	in.Status = client.ConnectionStatus(cfg.Status.ValueString())
	if !cfg.Tags.IsNull() && !cfg.Tags.IsUnknown() {
		in.Tags = tagsRequest(ctx, plan.Tags, &diags)
	}
	streams, d := configuredStreams(ctx, cfg.Configurations)
	diags.Append(d...)
	if len(streams) > 0 {
		list, d := streamsRequest(ctx, streams, nil, nil)
		diags.Append(d...)
		in.Configurations = &client.StreamConfigurations{Streams: list}
	}
	return in, diags
}

// known reports whether v holds a value: neither null nor unknown.
func known(v attr.Value) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// configuredOr returns the configured value when there is one, else the
// planned value (when hasPlan).
func configuredOr[T attr.Value](configured, planned T, hasPlan bool) T {
	if known(configured) || !hasPlan {
		return configured
	}
	return planned
}

// scheduleRequest converts a configured schedule; nil when there is none to send.
func scheduleRequest(ctx context.Context, v types.Object, diags *diag.Diagnostics) *client.ConnectionSchedule {
	if !known(v) {
		return nil
	}
	var s scheduleModel
	diags.Append(v.As(ctx, &s, objectAsOptions)...)
	switch s.ScheduleType.ValueString() {
	case "cron":
		return &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeCron, CronExpression: normalizeCron(s.CronExpression.ValueString())}
	case "manual":
		return &client.ConnectionSchedule{ScheduleType: client.ScheduleTypeManual}
	}
	return nil // basic: kept, never sent
}

func tagsRequest(ctx context.Context, v types.List, diags *diag.Diagnostics) []client.Tag {
	var tags []tagModel
	diags.Append(v.ElementsAs(ctx, &tags, false)...)
	out := make([]client.Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, client.Tag{TagID: t.TagID.ValueString(), WorkspaceID: t.WorkspaceID.ValueString(), Name: t.Name.ValueString(), Color: t.Color.ValueString()})
	}
	return out
}

// streamsRequest converts configured streams into the API's list. For a
// stream's unconfigured attributes it falls back to the planned value
// (the value the connection has now) in planned, except for cursors and
// primary keys the source defines itself: those are never sent, since the
// API refuses them back.
func streamsRequest(ctx context.Context, configured []streamModel, planned map[string]streamModel, props map[string]client.StreamProperties) ([]client.StreamConfiguration, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := make([]client.StreamConfiguration, 0, len(configured))
	for _, c := range configured {
		p, hasPlan := planned[streamKey(c.Name.ValueString(), c.Namespace.ValueString())]
		if !hasPlan {
			p, hasPlan = planned[streamKey(c.Name.ValueString(), "\x01")]
		}
		s := client.StreamConfiguration{Name: c.Name.ValueString()}
		if ns := configuredOr(c.Namespace, p.Namespace, hasPlan); known(ns) {
			s.Namespace = ns.ValueString()
		}
		if mode := configuredOr(c.SyncMode, p.SyncMode, hasPlan); known(mode) {
			s.SyncMode = client.SyncMode(mode.ValueString())
		}
		prop := props[streamKey(s.Name, s.Namespace)]
		cursor := c.CursorField
		if !known(cursor) && hasPlan && !prop.SourceDefinedCursorField {
			cursor = p.CursorField
		}
		if known(cursor) {
			diags.Append(cursor.ElementsAs(ctx, &s.CursorField, false)...)
		}
		pk := c.PrimaryKey
		if !known(pk) && hasPlan && len(prop.SourceDefinedPrimaryKey) == 0 {
			pk = p.PrimaryKey
		}
		if known(pk) {
			diags.Append(pk.ElementsAs(ctx, &s.PrimaryKey, false)...)
		}
		if sf := configuredOr(c.SelectedFields, p.SelectedFields, hasPlan); known(sf) {
			var fields []selectedFieldModel
			diags.Append(sf.ElementsAs(ctx, &fields, false)...)
			s.SelectedFields = []client.SelectedField{}
			for _, f := range fields {
				var fp []string
				diags.Append(f.FieldPath.ElementsAs(ctx, &fp, false)...)
				s.SelectedFields = append(s.SelectedFields, client.SelectedField{FieldPath: fp})
			}
		}
		if inc := configuredOr(c.IncludeFiles, p.IncludeFiles, hasPlan); known(inc) {
			s.IncludeFiles = inc.ValueBoolPointer()
		}
		if don := configuredOr(c.DestinationObjectName, p.DestinationObjectName, hasPlan); known(don) {
			s.DestinationObjectName = don.ValueString()
		}
		// Configured mappers carry the ids Airbyte gave them (matched by
		// position, as the plan matches them), so that Airbyte keeps them.
		mappers := configuredOr(c.Mappers, p.Mappers, hasPlan)
		if hasPlan && known(c.Mappers) && known(p.Mappers) {
			if merged, ok := mergeWithPrior(c.Mappers, p.Mappers).(types.List); ok {
				mappers = merged
			}
		}
		if known(mappers) {
			s.Mappers = []client.StreamMapper{}
			for _, m := range mappers.Elements() {
				mp, d := mapperToAPI(ctx, m)
				diags.Append(d...)
				diags.Append(checkNoMaskedKey(s.Name, mp)...)
				s.Mappers = append(s.Mappers, mp)
			}
		}
		out = append(out, s)
	}
	return out, diags
}

func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, defaultConnectionReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := state.ConnectionID.ValueString()
	if id == "" {
		id = state.ID.ValueString()
	}
	// The identity is set before anything can return: the framework refuses
	// a Read that leaves it empty, even one that removes the resource.
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, connectionIdentityModel{ConnectionID: types.StringValue(id)})...)
	}
	conn, err := r.readConnection(ctx, state.WorkspaceID.ValueString(), id)
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddWarning("Connection Not Found",
			fmt.Sprintf("Airbyte no longer has the connection %q, so it is removed from the Terraform state; the next plan creates it again.", id))
		resp.State.RemoveResource(ctx)
		return
	case client.IsForbidden(err):
		resp.Diagnostics.AddError("Connection Unknown Or Not Accessible",
			fmt.Sprintf("Airbyte answered 403 for the connection %q: the id is unknown, or these credentials may not see its workspace (%v). "+
				"The state is kept. If the connection was deleted, remove it with `terraform state rm`; otherwise check the credentials.", id, err))
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot Read Connection", fmt.Sprintf("Reading the connection %q failed: %v.%s", id, err, requestFailureAdvice(err)))
		return
	}
	if conn.Status == client.ConnectionStatusDeprecated {
		resp.Diagnostics.AddWarning("Connection Deleted",
			fmt.Sprintf("The connection %q was deleted in Airbyte, so it is removed from the Terraform state; the next plan creates it again.", id))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(r.data.checkWorkspace(path.Root("connection_id"), "connection", id, conn.WorkspaceID)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.saveState(ctx, conn, state, &resp.State, resp.Identity)...)
}

// readConnection reads one connection. A connection already in state (its
// workspace known) is served from the workspace's listing, shared by every
// connection refreshed in this run; an import, or a connection the listing
// lacks, is read on its own.
func (r *connectionResource) readConnection(ctx context.Context, workspaceID, id string) (*client.Connection, error) {
	if workspaceID != "" {
		if conn, ok := r.data.listings.lookup(ctx, workspaceID, id); ok {
			return conn, nil
		}
	}
	return r.data.client.GetConnection(ctx, id)
}

// saveState writes the API's connection into state, keeping the attributes
// that exist only in Terraform from prior (the plan or the prior state).
func (r *connectionResource) saveState(ctx context.Context, conn *client.Connection, prior connectionResourceModel, state interface {
	Set(context.Context, any) diag.Diagnostics
}, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	m := connectionResourceModel{
		DataResidency:              prior.DataResidency,
		DeleteSourceOnDestroy:      orFalse(prior.DeleteSourceOnDestroy),
		DeleteDestinationOnDestroy: orFalse(prior.DeleteDestinationOnDestroy),
		Timeouts:                   prior.Timeouts,
	}
	// Airbyte masks AES keys and returns tags in any order: prior's
	// values stand where they are the same.
	conn = withTagOrder(ctx, withKnownSecrets(ctx, conn, prior.Configurations), prior.Tags)
	diags.Append(m.fill(ctx, conn, r.data.webRoot)...)
	if diags.HasError() {
		return diags
	}
	diags.Append(state.Set(ctx, &m)...)
	if identity != nil {
		diags.Append(identity.Set(ctx, connectionIdentityModel{ConnectionID: types.StringValue(conn.ConnectionID)})...)
	}
	return diags
}

// withTimeout applies an operation's timeout (from the timeouts block, or
// def) to ctx. ok is false when the timeout could not be read.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, bool) {
	timeout, d := get(ctx, def)
	diags.Append(d...)
	if d.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, true
}

// inWorkspace checks that the connection in state belongs to the provider's
// workspace before it is changed or deleted.
func (r *connectionResource) inWorkspace(state connectionResourceModel, diags *diag.Diagnostics) bool {
	diags.Append(r.data.checkWorkspace(path.Root("connection_id"), "connection", state.ConnectionID.ValueString(), state.WorkspaceID.ValueString())...)
	return !diags.HasError()
}

func orFalse(v types.Bool) types.Bool {
	if v.IsNull() || v.IsUnknown() {
		return types.BoolValue(false)
	}
	return v
}

func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, cfg connectionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, defaultConnectionUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := state.ConnectionID.ValueString()
	if !r.inWorkspace(state, &resp.Diagnostics) {
		return
	}
	patch, changed, d := r.patchRequest(ctx, plan, state, cfg)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	expr, zone, zoned := zonedCron(ctx, plan.Schedule)
	zoned = zoned && !schedulesEqual(ctx, plan.Schedule, state.Schedule)
	if !changed && !zoned {
		// Only Terraform-side settings changed: nothing to send. The
		// identity is set here too: a state written before identity existed
		// and planned with -refresh=false brings none, and Terraform refuses
		// an update that returns none.
		plan.connectionAPIModel = state.connectionAPIModel
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		if resp.Identity != nil {
			resp.Diagnostics.Append(resp.Identity.Set(ctx, connectionIdentityModel{ConnectionID: types.StringValue(id)})...)
		}
		return
	}
	r.data.listings.forget(state.WorkspaceID.ValueString())
	var conn *client.Connection
	if changed {
		var err error
		conn, err = r.data.client.PatchConnection(ctx, id, patch)
		if err != nil {
			resp.Diagnostics.AddError("Cannot Update Connection",
				fmt.Sprintf("Airbyte refused to update the connection %q: %v. The connection is unchanged.%s", id, err, requestFailureAdvice(err)))
			return
		}
	}
	if zoned {
		// A schedule outside UTC is set through the Config API: the public
		// PATCH would move it to UTC.
		zonedConn, d := r.setZonedCron(ctx, id, expr, zone)
		resp.Diagnostics.Append(d...)
		if zonedConn != nil {
			conn = zonedConn
		}
	}
	if conn == nil {
		return // nothing was changed, and the error says why
	}
	resp.Diagnostics.Append(r.saveState(ctx, conn, plan, &resp.State, resp.Identity)...)
}

// patchRequest builds a PATCH with only what differs between plan and state.
// A change of streams sends the whole desired list, since the API replaces it.
func (r *connectionResource) patchRequest(ctx context.Context, plan, state, cfg connectionResourceModel) (client.ConnectionPatchRequest, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	var p client.ConnectionPatchRequest
	changed := false
	str := func(planned, prior types.String) *string {
		if !known(planned) || planned.Equal(prior) {
			return nil
		}
		changed = true
		return planned.ValueStringPointer()
	}
	p.Name = str(plan.Name, state.Name)
	p.Prefix = str(plan.Prefix, state.Prefix)
	p.NamespaceFormat = str(plan.NamespaceFormat, state.NamespaceFormat)
	if v := str(plan.Status, state.Status); v != nil {
		s := client.ConnectionStatus(*v)
		p.Status = &s
	}
	if v := str(plan.NamespaceDefinition, state.NamespaceDefinition); v != nil {
		nd := client.NamespaceDefinition(*v)
		p.NamespaceDefinition = &nd
	}
	if v := str(plan.NonBreakingSchemaUpdatesBehavior, state.NonBreakingSchemaUpdatesBehavior); v != nil {
		nb := client.NonBreakingSchemaUpdatesBehavior(*v)
		p.NonBreakingSchemaUpdatesBehavior = &nb
	}
	if known(plan.Tags) && !plan.Tags.Equal(state.Tags) {
		p.Tags = tagsRequest(ctx, plan.Tags, &diags)
		changed = true
	}
	if _, _, zoned := zonedCron(ctx, plan.Schedule); !zoned && known(plan.Schedule) && !schedulesEqual(ctx, plan.Schedule, state.Schedule) {
		// (A schedule outside UTC is set by Update through the Config API.)
		if s := scheduleRequest(ctx, plan.Schedule, &diags); s != nil {
			p.Schedule = s
			changed = true
		}
	}
	if known(plan.Configurations) && !plan.Configurations.Equal(state.Configurations) {
		configured, d := configuredStreams(ctx, cfg.Configurations)
		diags.Append(d...)
		if configured == nil {
			planStreams, _ := knownStreams(ctx, plan.Configurations)
			configured = planStreams
		}
		if len(configured) > 0 {
			// A configured stream without namespace matches the one
			// stream of its name.
			byKey := currentStreamsByKey(ctx, state.Configurations)
			props, err := r.streamProperties(ctx, state.SourceID.ValueString(), state.DestinationID.ValueString())
			if err != nil {
				diags.AddAttributeError(path.Root("configurations"), "Cannot Read Source Streams",
					fmt.Sprintf("Changing the streams needs the source's stream catalog, and reading it failed: %v. The connection is unchanged.", err))
				return p, false, diags
			}
			list, d := streamsRequest(ctx, configured, byKey, props)
			diags.Append(d...)
			diags.Append(r.checkStreamsToSend(ctx, state.SourceID.ValueString(), state.DestinationID.ValueString(), &client.StreamConfigurations{Streams: list})...)
			p.Configurations = &client.StreamConfigurations{Streams: list}
			changed = true
		}
	}
	return p, changed, diags
}

// streamProperties returns the source's streams keyed by name and
// namespace, to tell which cursors and primary keys the source defines.
func (r *connectionResource) streamProperties(ctx context.Context, sourceID, destinationID string) (map[string]client.StreamProperties, error) {
	props, err := r.data.catalogs.streams(ctx, sourceID, destinationID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]client.StreamProperties, len(props)*2)
	count := map[string]int{}
	for _, p := range props {
		count[p.StreamName]++
	}
	for _, p := range props {
		out[streamKey(p.StreamName, p.StreamNamespace)] = p
		if count[p.StreamName] == 1 && p.StreamNamespace != "" {
			out[streamKey(p.StreamName, "")] = p
		}
	}
	return out, nil
}

// schedulesEqual compares two schedules, treating cron expressions that
// differ only by the API's " UTC" suffix or spacing as equal.
func schedulesEqual(ctx context.Context, a, b types.Object) bool {
	if a.IsNull() || b.IsNull() || a.IsUnknown() || b.IsUnknown() {
		return a.Equal(b)
	}
	var x, y scheduleModel
	if a.As(ctx, &x, objectAsOptions).HasError() || b.As(ctx, &y, objectAsOptions).HasError() {
		return false
	}
	return x.ScheduleType.Equal(y.ScheduleType) &&
		normalizeCron(x.CronExpression.ValueString()) == normalizeCron(y.CronExpression.ValueString()) &&
		x.CronTimeZone.ValueString() == y.CronTimeZone.ValueString()
}

func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, defaultConnectionDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := state.ConnectionID.ValueString()
	if !r.inWorkspace(state, &resp.Diagnostics) {
		return
	}
	err := r.data.client.DeleteConnection(ctx, id)
	r.data.listings.forget(state.WorkspaceID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		resp.Diagnostics.AddError("Cannot Delete Connection", fmt.Sprintf("Deleting the connection %q failed: %v.%s", id, err, requestFailureAdvice(err)))
		return
	}
	if state.DeleteSourceOnDestroy.ValueBool() {
		if err := r.data.client.DeleteSource(ctx, state.SourceID.ValueString()); err != nil && !client.IsNotFound(err) {
			resp.Diagnostics.AddError("Cannot Delete Source",
				fmt.Sprintf("The connection %q was deleted, but deleting its source %q failed: %v. Delete the source in the Airbyte UI.",
					id, state.SourceID.ValueString(), err))
		}
	}
	if state.DeleteDestinationOnDestroy.ValueBool() {
		if err := r.data.client.DeleteDestination(ctx, state.DestinationID.ValueString()); err != nil && !client.IsNotFound(err) {
			resp.Diagnostics.AddError("Cannot Delete Destination",
				fmt.Sprintf("The connection %q was deleted, but deleting its destination %q failed: %v. Delete the destination in the Airbyte UI.",
					id, state.DestinationID.ValueString(), err))
		}
	}
}

func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" && !isUUID(req.ID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("%q is not a connection id. Import with the connection's UUID, which is in its URL in the Airbyte UI: "+
				"terraform import airbyte_connection.example 9924bcd0-99be-453d-ba47-c2c9766f7da5", req.ID))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("connection_id"), path.Root("connection_id"), req, resp)
}
