package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// providerConfigType is the object type of the provider configuration.
var providerConfigType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"server_url": tftypes.String, "config_api_url": tftypes.String, "workspace_id": tftypes.String,
	"client_id": tftypes.String, "client_secret": tftypes.String, "token_url": tftypes.String,
	"bearer_auth": tftypes.String, "username": tftypes.String, "password": tftypes.String,
	"request_timeout": tftypes.String, "max_retries": tftypes.Number, "state_loss": tftypes.String,
}}

// providerConfig builds a provider configuration from the given string settings; every other
// attribute is null. The value "<unknown>" stands for a value not known until apply.
func providerConfig(t *testing.T, settings map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for name, typ := range providerConfigType.AttributeTypes {
		v, ok := settings[name]
		switch {
		case !ok:
			vals[name] = tftypes.NewValue(typ, nil)
		case v == "<unknown>":
			vals[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
		default:
			vals[name] = tftypes.NewValue(typ, v)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(providerConfigType, tftypes.NewValue(providerConfigType, vals))
	if err != nil {
		t.Fatalf("building provider config: %v", err)
	}
	return &dv
}

// configureProvider runs ValidateProviderConfig and then, if that passed, ConfigureProvider
// through the plugin protocol, and returns every diagnostic.
func configureProvider(t *testing.T, settings map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	cfg := providerConfig(t, settings)
	vresp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: cfg})
	if err != nil {
		t.Fatalf("ValidateProviderConfig: %v", err)
	}
	diags := vresp.Diagnostics
	if hasError(diags) {
		return diags
	}
	cresp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: cfg})
	if err != nil {
		t.Fatalf("ConfigureProvider: %v", err)
	}
	return append(diags, cresp.Diagnostics...)
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func clearAirbyteEnv(t *testing.T) {
	for _, name := range []string{envServerURL, envConfigAPIURL, envWorkspaceID, envClientID, envClientSecret,
		envTokenURL, envBearerToken, envUsername, envPassword, envStateLoss} {
		t.Setenv(name, "")
	}
}

func TestProviderConfiguration(t *testing.T) {
	const selfManaged = "http://localhost:8000/api/public/v1"
	cases := []struct {
		name     string
		settings map[string]any
		env      map[string]string
		// wantSeverity is "" for no diagnostics at all, else "error" or "warning".
		wantSeverity string
		wantAttr     string
		wantText     string
	}{
		{name: "cloud with client credentials", settings: map[string]any{"client_id": "id", "client_secret": "secret"}},
		{name: "cloud with bearer", settings: map[string]any{"bearer_auth": "tok"}},
		{name: "self-managed without credentials", settings: map[string]any{"server_url": selfManaged}},
		{name: "self-managed with basic", settings: map[string]any{"server_url": selfManaged, "username": "u", "password": "p"}},
		{name: "cloud without credentials", settings: map[string]any{},
			wantSeverity: "error", wantAttr: "client_id", wantText: "needs credentials"},
		{name: "client id without secret", settings: map[string]any{"server_url": selfManaged, "client_id": "id"},
			wantSeverity: "error", wantAttr: "client_secret", wantText: "client_id is set but client_secret is not"},
		{name: "client secret without id", settings: map[string]any{"server_url": selfManaged, "client_secret": "s"},
			wantSeverity: "error", wantAttr: "client_id", wantText: "client_secret is set but client_id is not"},
		{name: "username without password", settings: map[string]any{"server_url": selfManaged, "username": "u"},
			wantSeverity: "error", wantAttr: "password", wantText: "username is set but password is not"},
		{name: "client credentials and bearer conflict", settings: map[string]any{"client_id": "id", "client_secret": "s", "bearer_auth": "t"},
			wantSeverity: "error", wantAttr: "bearer_auth", wantText: "More than one way to authenticate"},
		{name: "bearer and basic conflict", settings: map[string]any{"server_url": selfManaged, "bearer_auth": "t", "username": "u", "password": "p"},
			wantSeverity: "error", wantAttr: "bearer_auth", wantText: "Use exactly one"},
		{name: "environment completes client credentials", settings: map[string]any{"client_secret": "s"},
			env: map[string]string{envClientID: "id"}},
		{name: "environment bearer conflicts with configured client credentials",
			settings: map[string]any{"client_id": "id", "client_secret": "s"}, env: map[string]string{envBearerToken: "t"},
			wantSeverity: "error", wantAttr: "bearer_auth", wantText: "counting the AIRBYTE_* environment variables"},
		{name: "environment supplies everything", settings: map[string]any{},
			env: map[string]string{envServerURL: selfManaged, envUsername: "u", envPassword: "p", envWorkspaceID: "871d9b60-11d1-44cb-8c92-c246d53bf87e"}},
		{name: "configuration wins over environment", settings: map[string]any{"server_url": selfManaged},
			env: map[string]string{envServerURL: "not a url"}},
		{name: "bad server url from environment", settings: map[string]any{},
			env:          map[string]string{envServerURL: "ftp://example.com", envBearerToken: "t"},
			wantSeverity: "error", wantAttr: "server_url", wantText: "not an absolute http:// or https:// URL"},
		{name: "server url not a url", settings: map[string]any{"server_url": "localhost:8000", "bearer_auth": "t"},
			wantSeverity: "error", wantAttr: "server_url", wantText: "localhost:8000"},
		{name: "server url with query", settings: map[string]any{"server_url": selfManaged + "?x=1"},
			wantSeverity: "error", wantAttr: "server_url", wantText: "query or fragment"},
		{name: "bad config api url", settings: map[string]any{"server_url": selfManaged, "config_api_url": "/api/v1"},
			wantSeverity: "error", wantAttr: "config_api_url", wantText: "/api/v1"},
		{name: "token url without client credentials", settings: map[string]any{"server_url": selfManaged, "token_url": selfManaged + "/applications/token"},
			wantSeverity: "error", wantAttr: "token_url", wantText: "only used to exchange client_id and client_secret"},
		{name: "malformed workspace id", settings: map[string]any{"server_url": selfManaged, "workspace_id": "my-workspace"},
			wantSeverity: "error", wantAttr: "workspace_id", wantText: "is not a UUID"},
		{name: "malformed workspace id from environment", settings: map[string]any{"server_url": selfManaged},
			env:          map[string]string{envWorkspaceID: "12345"},
			wantSeverity: "error", wantAttr: "workspace_id", wantText: "AIRBYTE_WORKSPACE_ID environment variable holds \"12345\""},
		{name: "unparsable request timeout", settings: map[string]any{"server_url": selfManaged, "request_timeout": "soon"},
			wantSeverity: "error", wantAttr: "request_timeout", wantText: "is not a duration"},
		{name: "negative request timeout", settings: map[string]any{"server_url": selfManaged, "request_timeout": "-5s"},
			wantSeverity: "error", wantAttr: "request_timeout", wantText: "not a positive duration"},
		{name: "good request timeout", settings: map[string]any{"server_url": selfManaged, "request_timeout": "90s"}},
		{name: "negative max retries", settings: map[string]any{"server_url": selfManaged, "max_retries": -1},
			wantSeverity: "error", wantAttr: "max_retries", wantText: "between 0 and 50"},
		{name: "zero max retries", settings: map[string]any{"server_url": selfManaged, "max_retries": 0}},
		{name: "state loss error", settings: map[string]any{"server_url": selfManaged, "state_loss": "error"}},
		{name: "bad state loss", settings: map[string]any{"server_url": selfManaged, "state_loss": "fail"},
			wantSeverity: "error", wantAttr: "state_loss", wantText: `value must be one of: ["warn" "error"]`},
		{name: "bad state loss from environment", settings: map[string]any{"server_url": selfManaged},
			env:          map[string]string{envStateLoss: "Error"},
			wantSeverity: "error", wantAttr: "state_loss", wantText: "AIRBYTE_STATE_LOSS environment variable holds \"Error\""},
		{name: "unknown server url", settings: map[string]any{"server_url": "<unknown>", "bearer_auth": "t"},
			wantSeverity: "error", wantAttr: "server_url", wantText: "not known until apply"},
		{name: "plain http to a remote host warns", settings: map[string]any{"server_url": "http://airbyte.example.com/api/public/v1", "bearer_auth": "t"},
			wantSeverity: "warning", wantAttr: "server_url", wantText: "unencrypted"},
		{name: "plain http to loopback is quiet", settings: map[string]any{"server_url": "http://127.0.0.1:8000/api/public/v1", "bearer_auth": "t"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearAirbyteEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			diags := configureProvider(t, tc.settings)
			if tc.wantSeverity == "" {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostics, got %s", describeDiags(diags))
				}
				return
			}
			for _, d := range diags {
				sev := map[tfprotov6.DiagnosticSeverity]string{tfprotov6.DiagnosticSeverityError: "error", tfprotov6.DiagnosticSeverityWarning: "warning"}[d.Severity]
				attr := ""
				if d.Attribute != nil {
					attr = d.Attribute.String()
				}
				if sev == tc.wantSeverity && strings.Contains(attr, tc.wantAttr) && strings.Contains(d.Detail, tc.wantText) {
					return
				}
			}
			t.Fatalf("want a %s on %q containing %q, got %s", tc.wantSeverity, tc.wantAttr, tc.wantText, describeDiags(diags))
		})
	}
}

func describeDiags(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		attr := ""
		if d.Attribute != nil {
			attr = d.Attribute.String()
		}
		fmt.Fprintf(&b, "\n  [%s] %s: %s: %s", d.Severity, attr, d.Summary, d.Detail)
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

func TestProviderSchemaMarksSecretsSensitive(t *testing.T) {
	server := providerserver.NewProtocol6(New("test")())()
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	sensitive := map[string]bool{}
	for _, a := range resp.Provider.Block.Attributes {
		sensitive[a.Name] = a.Sensitive
		if a.Required {
			t.Errorf("attribute %s is required; every provider attribute must be optional so the environment can supply it", a.Name)
		}
		if strings.TrimSpace(a.Description) == "" {
			t.Errorf("attribute %s has no description", a.Name)
		}
	}
	for _, name := range []string{"client_secret", "bearer_auth", "password"} {
		if !sensitive[name] {
			t.Errorf("attribute %s must be sensitive", name)
		}
	}
	if len(sensitive) != len(providerConfigType.AttributeTypes) {
		t.Errorf("schema has %d attributes, the test expects %d", len(sensitive), len(providerConfigType.AttributeTypes))
	}
}
