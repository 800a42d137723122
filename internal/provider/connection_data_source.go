package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

var (
	_ datasource.DataSource              = (*connectionDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*connectionDataSource)(nil)
)

// connectionDataSource reads one Airbyte connection by id.
type connectionDataSource struct {
	data *providerData
}

// NewConnectionDataSource returns the airbyte_connection data source.
func NewConnectionDataSource() datasource.DataSource { return &connectionDataSource{} }

func (d *connectionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (d *connectionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := connectionDataSourceAttributes()
	attrs["connection_id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The id of the connection to read. It is in the connection's URL in the Airbyte UI.",
		Validators:          []validator.String{uuidValidator{}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Airbyte connection by its id: its source and destination, schedule, streams and tags. " +
			"Every attribute of the official Airbyte provider's `airbyte_connection` data source is here with the same meaning, " +
			"plus the attributes the `airbyte_connection` resource adds (`connection_url`, `job_history_url`, `stream_names`). " +
			"When the provider has a `workspace_id`, a connection of another workspace is refused with an error.",
		Attributes: attrs,
	}
}

func (d *connectionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg connectionAPIModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := cfg.ConnectionID.ValueString()
	conn, err := d.data.client.GetConnection(ctx, id)
	if err != nil {
		// 403 and 404 both mean "not found or not yours": a data source
		// must fail rather than return nothing.
		resp.Diagnostics.Append(lookupError(path.Root("connection_id"), "connection", id, err)...)
		return
	}
	resp.Diagnostics.Append(d.data.checkWorkspace(path.Root("connection_id"), "connection", id, conn.WorkspaceID)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if conn.Status == client.ConnectionStatusDeprecated {
		resp.Diagnostics.AddAttributeWarning(path.Root("connection_id"), "Connection Deleted",
			fmt.Sprintf("The connection %q was deleted in Airbyte; its last settings are returned with status \"deprecated\". "+
				"Use the id of a live connection unless reading a deleted one is intended.", id))
	}
	var m connectionAPIModel
	resp.Diagnostics.Append(m.fill(ctx, conn, d.data.webRoot)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// connectionDataSourceAttributes is the schema of a connection as both data
// sources show it: every attribute of connectionAPIModel, computed, with the
// nested attribute types fill produces.
func connectionDataSourceAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"id":             str("The id of the connection, the same as `connection_id`."),
		"connection_id":  str("The id of the connection."),
		"name":           str("The name of the connection."),
		"source_id":      str("The id of the connection's source."),
		"destination_id": str("The id of the connection's destination."),
		"workspace_id":   str("The id of the workspace the connection belongs to."),
		"status": str("Whether the connection syncs on its schedule: `active` or `inactive`; " +
			"`deprecated` for a deleted connection."),
		"status_reason": str("Why Airbyte set the connection's status, when it says; null otherwise."),
		"schedule": schema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "When the connection syncs.",
			Attributes: map[string]schema.Attribute{
				"schedule_type": str("The kind of schedule: `manual` (only when triggered), `cron` (on `cron_expression`) or `basic` (every `basic_timing`)."),
				"cron_expression": schema.StringAttribute{
					CustomType: cronExpressionType{},
					Computed:   true,
					MarkdownDescription: "For a `cron` schedule, the Quartz cron expression, seconds first, such as `0 0 12 * * ?`, " +
						"without the time zone the API appends. Null for other schedules.",
				},
				"cron_time_zone": str("For a `cron` schedule, the time zone it runs in, such as `UTC` or `America/Toronto`. Null for other schedules."),
				"basic_timing":   str("For a `basic` schedule made in the Airbyte UI, how often it runs, such as `Every 24 HOURS`; null otherwise."),
			},
		},
		"configurations": schema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The streams the connection syncs.",
			Attributes: map[string]schema.Attribute{
				"streams": schema.SetNestedAttribute{
					Computed:            true,
					MarkdownDescription: "The selected streams; streams of the source not listed here are not synced.",
					NestedObject:        schema.NestedAttributeObject{Attributes: streamDataSourceAttributes},
				},
			},
		},
		"prefix":               str("The prefix added to the name of every table the connection writes in the destination; empty for none."),
		"namespace_definition": str("Where the destination namespace (schema) comes from: `source`, `destination` or `custom_format`."),
		"namespace_format": str("The destination namespace when `namespace_definition` is `custom_format`, where " +
			"`${SOURCE_NAMESPACE}` stands for the source's namespace; null when not set."),
		"non_breaking_schema_updates_behavior": str("What Airbyte does when the source's schema changes in a non-breaking way: " +
			"`ignore`, `disable_connection`, `propagate_columns` or `propagate_fully`."),
		"tags": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The tags of the connection.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"tag_id":       str("The id of the tag."),
				"workspace_id": str("The workspace the tag belongs to."),
				"name":         str("The name of the tag."),
				"color":        str("The color of the tag, as a hex code such as `FF5733`."),
			}},
		},
		"created_at": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "When the connection was created, in seconds since the Unix epoch.",
		},
		"connection_url":  str("The connection's page in the Airbyte web UI; null when the UI's address cannot be derived from `server_url`."),
		"job_history_url": str("The connection's job history (timeline) in the Airbyte web UI; null when the UI's address cannot be derived from `server_url`."),
		"stream_names": schema.ListAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "The names of the selected streams, sorted.",
		},
	}
}

// connectionObjectType is the type of one connection in the data sources'
// lists: an object of the attributes of connectionDataSourceAttributes.
func connectionObjectType() types.ObjectType {
	attrs := connectionDataSourceAttributes()
	attrTypes := make(map[string]attr.Type, len(attrs))
	for name, a := range attrs {
		attrTypes[name] = a.GetType()
	}
	return types.ObjectType{AttrTypes: attrTypes}
}
