package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/fetchcache"
)

// A connection's tags on the Airbyte server: the server keeps only the ids
// of tags of the connection's workspace (any other id is dropped without a
// word) and reads each tag's name, colour and workspace from its tag table,
// yet every tag in a request needs all four fields. The plan therefore
// takes name, color and workspace_id from the workspace's tags, refuses
// configured values that differ from them, and refuses ids the workspace
// does not have, so that what is applied is what was planned.

// tagCatalog holds the tags of each workspace, listed once per provider
// process and shared by the plans of every connection. The zero value is
// ready to use.
type tagCatalog struct {
	byWorkspace fetchcache.Cache[string, *tagListing]
}

// tagListing is one workspace's tags.
type tagListing struct {
	tags []client.Tag
}

// list returns the tags of the workspace. stale, when non-nil, is a listing
// the caller found lacking (a tag id missing from it): it is replaced by a
// fresh one unless another caller has replaced it already. A failed listing
// is not kept: the next plan may list again.
func (c *tagCatalog) list(ctx context.Context, api *client.Client, workspaceID string, stale *tagListing) (*tagListing, error) {
	return c.byWorkspace.Get(ctx, workspaceID, func(l *tagListing) bool { return l != stale }, func(ctx context.Context) (*tagListing, error) {
		tags, err := api.ListTags(ctx, []string{workspaceID})
		if err != nil {
			return nil, err
		}
		return &tagListing{tags: tags}, nil
	})
}

func (l *tagListing) find(id string) (client.Tag, bool) {
	for _, t := range l.tags {
		if strings.EqualFold(t.TagID, id) {
			return t, true
		}
	}
	return client.Tag{}, false
}

// planTags completes the planned tags from the tags of the connection's
// workspace when the configured tags are known: name, color and
// workspace_id become the tag's own, configured values that differ from
// them are errors, and so are ids the workspace has no tag for.
func (r *connectionResource) planTags(ctx context.Context, config tfsdk.Config, plan, state connectionResourceModel, planned *tfsdk.Plan) diag.Diagnostics {
	var diags diag.Diagnostics
	var cfgList types.List
	diags.Append(config.GetAttribute(ctx, path.Root("tags"), &cfgList)...)
	if diags.HasError() || !known(cfgList) || !known(plan.Tags) || len(cfgList.Elements()) == 0 {
		return diags
	}
	var configured, tags, prior []tagModel
	diags.Append(cfgList.ElementsAs(ctx, &configured, false)...)
	diags.Append(plan.Tags.ElementsAs(ctx, &tags, false)...)
	if known(state.Tags) {
		diags.Append(state.Tags.ElementsAs(ctx, &prior, false)...)
	}
	if diags.HasError() || len(configured) != len(tags) {
		return diags
	}

	if fromPrior(configured, tags, prior) {
		// Every tag is on the connection as configured (state was read
		// from Airbyte by the refresh before this plan): nothing to list.
		return setPlannedTags(ctx, planned, tags, diags)
	}
	ws, d := r.tagsWorkspace(ctx, plan, state)
	diags.Append(d...)
	if ws == "" {
		return diags // not known before apply: the plan shows the tags' attributes as known after apply
	}
	lst, err := r.data.tags.list(ctx, r.data.client, ws, nil)
	if err == nil && !allFound(lst, configured) {
		// A tag made outside Terraform since the listing: list once more.
		lst, err = r.data.tags.list(ctx, r.data.client, ws, lst)
	}
	if err != nil {
		diags.AddAttributeWarning(path.Root("tags"), "Cannot Check Tags",
			fmt.Sprintf("Reading the tags of workspace %q failed: %v. The tags are not checked against Airbyte, which keeps only "+
				"tags of the connection's workspace and leaves off any other id without an error.%s", ws, err, requestFailureAdvice(err)))
		for i := range tags {
			fillFromPrior(&tags[i], prior, ws)
		}
		return setPlannedTags(ctx, planned, tags, diags)
	}

	for i, c := range configured {
		if !known(c.TagID) {
			continue
		}
		at := path.Root("tags").AtListIndex(i)
		real, ok := lst.find(c.TagID.ValueString())
		if !ok {
			diags.AddAttributeError(at.AtName("tag_id"), "Unknown Tag",
				fmt.Sprintf("%s is %q, but workspace %q, the connection's workspace, has no tag with that id: the id is unknown, or the "+
					"tag belongs to another workspace. Airbyte would leave it off the connection without an error. %s Create the tag first "+
					"(for example in the Airbyte UI) or fix the id.", at.AtName("tag_id"), c.TagID.ValueString(), ws, describeTags(ws, lst.tags)))
			continue
		}
		for _, a := range []struct {
			name, title string
			configured  types.String
			real        string
		}{
			{"name", "Tag Name Differs", c.Name, real.Name},
			{"color", "Tag Color Differs", c.Color, real.Color},
			{"workspace_id", "Tag Workspace Differs", c.WorkspaceID, real.WorkspaceID},
		} {
			if known(a.configured) && a.configured.ValueString() != a.real {
				diags.AddAttributeError(at.AtName(a.name), a.title,
					fmt.Sprintf("%s is %q, but the tag %q has %s %q in Airbyte, which takes a tag's name, color and workspace_id from "+
						"the tag itself (its name is %q, its color %q, its workspace_id %q). Remove %s from this tag to use the tag's "+
						"own value, or set it to %q.", at.AtName(a.name), a.configured.ValueString(), real.TagID, a.name, a.real,
						real.Name, real.Color, real.WorkspaceID, a.name, a.real))
			}
		}
		tags[i].Name = types.StringValue(real.Name)
		tags[i].Color = types.StringValue(real.Color)
		tags[i].WorkspaceID = types.StringValue(real.WorkspaceID)
	}
	if diags.HasError() {
		return diags
	}
	return setPlannedTags(ctx, planned, tags, diags)
}

// tagsWorkspace is the workspace the connection is, or will be, in: the
// state's while the source stays, else the provider's, else the source's.
// It is "" when the source is not known yet.
func (r *connectionResource) tagsWorkspace(ctx context.Context, plan, state connectionResourceModel) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if known(state.WorkspaceID) && state.WorkspaceID.ValueString() != "" && state.SourceID.Equal(plan.SourceID) {
		return state.WorkspaceID.ValueString(), diags
	}
	if r.data.workspaceID != "" {
		return r.data.workspaceID, diags
	}
	if !known(plan.SourceID) {
		return "", diags
	}
	id := plan.SourceID.ValueString()
	ws, err := r.data.workspaceOf(ctx, "source/"+id, func(ctx context.Context) (string, error) {
		s, err := r.data.client.GetSource(ctx, id)
		if err != nil {
			return "", err
		}
		return s.WorkspaceID, nil
	})
	if err != nil {
		diags.AddAttributeWarning(path.Root("tags"), "Cannot Check Tags",
			fmt.Sprintf("The tags belong to the workspace of the source %q, and reading the source failed: %v. "+
				"The tags are not checked against Airbyte.%s", id, err, requestFailureAdvice(err)))
		return "", diags
	}
	return ws, diags
}

// allFound reports whether the listing holds every known configured id.
func allFound(lst *tagListing, configured []tagModel) bool {
	for _, c := range configured {
		if _, ok := lst.find(c.TagID.ValueString()); known(c.TagID) && !ok {
			return false
		}
	}
	return true
}

// fromPrior completes the planned tags from prior (the state) when each
// configured tag is there with the configured attributes' values; it
// reports false, leaving tags as they were, when one is not.
func fromPrior(configured, tags, prior []tagModel) bool {
	done := make([]tagModel, len(tags))
	for i, c := range configured {
		j := slices.IndexFunc(prior, func(p tagModel) bool {
			return known(c.TagID) && strings.EqualFold(p.TagID.ValueString(), c.TagID.ValueString())
		})
		if j < 0 {
			return false
		}
		p := prior[j]
		for _, pair := range [][2]types.String{{c.Name, p.Name}, {c.Color, p.Color}, {c.WorkspaceID, p.WorkspaceID}} {
			if !known(pair[1]) || known(pair[0]) && !pair[0].Equal(pair[1]) {
				return false
			}
		}
		done[i] = tagModel{TagID: tags[i].TagID, Name: p.Name, Color: p.Color, WorkspaceID: p.WorkspaceID}
	}
	copy(tags, done)
	return true
}

// fillFromPrior completes a planned tag that could not be checked: the
// attributes left unknown take the values the tag had when the connection
// was last read, and workspace_id at least the connection's workspace, so
// that the request carries every field the API requires.
func fillFromPrior(t *tagModel, prior []tagModel, workspaceID string) {
	for _, p := range prior {
		if known(t.TagID) && strings.EqualFold(p.TagID.ValueString(), t.TagID.ValueString()) {
			t.Name = orPrior(t.Name, p.Name)
			t.Color = orPrior(t.Color, p.Color)
			t.WorkspaceID = orPrior(t.WorkspaceID, p.WorkspaceID)
		}
	}
	if t.WorkspaceID.IsUnknown() {
		t.WorkspaceID = types.StringValue(workspaceID)
	}
}

func orPrior(v, prior types.String) types.String {
	if v.IsUnknown() && known(prior) {
		return prior
	}
	return v
}

func setPlannedTags(ctx context.Context, planned *tfsdk.Plan, tags []tagModel, diags diag.Diagnostics) diag.Diagnostics {
	list, d := types.ListValueFrom(ctx, tagObjectType, tags)
	diags.Append(d...)
	if !d.HasError() {
		diags.Append(planned.SetAttribute(ctx, path.Root("tags"), list)...)
	}
	return diags
}

// maxListedTags bounds the tags an error lists.
const maxListedTags = 20

// describeTags lists a workspace's tags by name and id for an error.
func describeTags(workspaceID string, tags []client.Tag) string {
	if len(tags) == 0 {
		return fmt.Sprintf("Workspace %q has no tags.", workspaceID)
	}
	parts := make([]string, 0, min(len(tags), maxListedTags))
	for _, t := range tags[:min(len(tags), maxListedTags)] {
		parts = append(parts, fmt.Sprintf("%q (%s)", t.Name, t.TagID))
	}
	more := ""
	if len(tags) > maxListedTags {
		more = fmt.Sprintf(" and %d more", len(tags)-maxListedTags)
	}
	return fmt.Sprintf("The tags of workspace %q are %s%s.", workspaceID, strings.Join(parts, ", "), more)
}

// withTagOrder returns conn with its tags in the order of prior (the plan
// or the state), ids prior lacks after them in the API's order. Airbyte
// keeps a connection's tags as a set and returns them in no fixed order, and
// a tag id written in upper case comes back in lower case: both would
// otherwise show as a change. conn itself is not modified.
func withTagOrder(ctx context.Context, conn *client.Connection, prior types.List) *client.Connection {
	if !known(prior) || len(conn.Tags) == 0 {
		return conn
	}
	var priorTags []tagModel
	if prior.ElementsAs(ctx, &priorTags, false).HasError() {
		return conn
	}
	rest := append([]client.Tag(nil), conn.Tags...)
	ordered := make([]client.Tag, 0, len(rest))
	for _, p := range priorTags {
		id := p.TagID.ValueString()
		for j, t := range rest {
			if known(p.TagID) && strings.EqualFold(t.TagID, id) {
				t.TagID = id
				ordered = append(ordered, t)
				rest = append(rest[:j], rest[j+1:]...)
				break
			}
		}
	}
	ordered = append(ordered, rest...)
	out := *conn
	out.Tags = ordered
	return &out
}

// validateTags requires tag_id on every configured tag (the one attribute a
// user must set) and refuses a tag listed twice, which Airbyte would keep once.
func validateTags(ctx context.Context, v types.List) diag.Diagnostics {
	var diags diag.Diagnostics
	if !known(v) {
		return diags
	}
	var tags []tagModel
	diags.Append(v.ElementsAs(ctx, &tags, false)...)
	seen := map[string]int{}
	for i, t := range tags {
		at := path.Root("tags").AtListIndex(i).AtName("tag_id")
		diags.Append(requireAttribute(t.TagID, at,
			"Set it to the id of a tag of the connection's workspace; name, color and workspace_id are read from the tag.")...)
		if !known(t.TagID) {
			continue
		}
		key := strings.ToLower(t.TagID.ValueString())
		if j, dup := seen[key]; dup {
			diags.AddAttributeError(at, "Duplicate Tag",
				fmt.Sprintf("The tag %q is listed at tags[%d] and tags[%d]; Airbyte keeps a connection's tags as a set. List each tag once.",
					t.TagID.ValueString(), j, i))
			continue
		}
		seen[key] = i
	}
	return diags
}
