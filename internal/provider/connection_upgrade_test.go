package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// preIdentityProvider is the provider as it was before airbyte_connection
// had a resource identity: a state it writes holds no identity, as does a
// state written by Terraform 1.11 or earlier.
type preIdentityProvider struct{ provider.Provider }

func (p preIdentityProvider) Resources(ctx context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return preIdentityConnection{&connectionResource{}} }}
}

// preIdentityConnection is airbyte_connection without IdentitySchema.
type preIdentityConnection struct{ r *connectionResource }

func (c preIdentityConnection) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	c.r.Metadata(ctx, req, resp)
}

func (c preIdentityConnection) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	c.r.Schema(ctx, req, resp)
}

func (c preIdentityConnection) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	c.r.Configure(ctx, req, resp)
}

func (c preIdentityConnection) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	c.r.ModifyPlan(ctx, req, resp)
}

func (c preIdentityConnection) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	c.r.Create(ctx, req, resp)
}

func (c preIdentityConnection) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	c.r.Read(ctx, req, resp)
}

func (c preIdentityConnection) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	c.r.Update(ctx, req, resp)
}

func (c preIdentityConnection) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	c.r.Delete(ctx, req, resp)
}

// terraformOnlyChange is the two steps of a change of only
// delete_destination_on_destroy, which sends nothing to Airbyte but must
// still return the resource's identity, which Terraform 1.12 and later
// require of every update. first serves the first step's provider.
func terraformOnlyChange(t *testing.T, e *accEmulator, first map[string]func() (tfprotov6.ProviderServer, error)) []tfresource.TestStep {
	config := func(deleteDestination bool) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  name                          = "terraform-only change"
  source_id                     = %q
  destination_id                = %q
  delete_destination_on_destroy = %t
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID, deleteDestination)
	}
	var patches int64
	return []tfresource.TestStep{
		{ProtoV6ProviderFactories: first, Config: config(false)},
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			PreConfig:                func() { patches = e.emu.Stats().ByRoute["PATCH /connections/{connectionId}"] },
			Config:                   config(true),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("airbyte_connection.c", tfjsonpath.New("delete_destination_on_destroy"), knownvalue.Bool(true)),
				statecheck.ExpectIdentityValueMatchesState("airbyte_connection.c", tfjsonpath.New("connection_id")),
			},
			Check: func(*terraform.State) error {
				if n := e.emu.Stats().ByRoute["PATCH /connections/{connectionId}"] - patches; n != 0 {
					return fmt.Errorf("the Terraform-only change sent %d PATCH requests, want none", n)
				}
				return nil
			},
		},
	}
}

// TestAccConnection_terraformOnlyChangeKeepsIdentity changes only a
// Terraform-side setting of a connection this provider made.
func TestAccConnection_terraformOnlyChangeKeepsIdentity(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 59})
	requireTerraform(t)
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps:                  terraformOnlyChange(t, e, testAccProtoV6ProviderFactories),
	})
}

// TestAccConnection_terraformOnlyChangeOnStateWithoutIdentity is a
// connection created before identity existed (an older provider, or
// Terraform 1.11), then changed only in a Terraform-side setting with
// `-refresh=false`, as CI pipelines often plan: the plan carries no
// identity, and the update must still return one.
func TestAccConnection_terraformOnlyChangeOnStateWithoutIdentity(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 60})
	requireTerraform(t)
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		AdditionalCLIOptions:   &tfresource.AdditionalCLIOptions{Plan: tfresource.PlanOptions{NoRefresh: true}},
		Steps: terraformOnlyChange(t, e, map[string]func() (tfprotov6.ProviderServer, error){
			"airbyte": providerserver.NewProtocol6WithError(preIdentityProvider{New("test")()}),
		}),
	})
}
