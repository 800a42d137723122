package provider

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// testClock is a client.Clock whose Sleep returns at once, moving the time
// on by the duration slept. Given to the provider (newWithClock), which
// hands it to its client and its sync runner, and to the emulator
// (emulator.Options.Now), it lets a sync of an hour run in an instant, with
// every wait and timeout still measured as it would be.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

var _ client.Clock = (*testClock)(nil)

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the time on by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// configuredProviderData configures the provider newProvider makes for e,
// as Terraform would, and returns the data it hands to resources.
func configuredProviderData(t *testing.T, newProvider func() provider.Provider, e *accEmulator) *providerData {
	t.Helper()
	ctx := context.Background()
	p := newProvider()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	settings := e.settings()
	vals := map[string]tftypes.Value{}
	for name, typ := range providerConfigType.AttributeTypes {
		vals[name] = tftypes.NewValue(typ, settings[name])
	}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{
		Config: tfsdk.Config{Raw: tftypes.NewValue(providerConfigType, vals), Schema: schemaResp.Schema},
	}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure: %v", resp.Diagnostics)
	}
	data, ok := resp.ResourceData.(*providerData)
	if !ok {
		t.Fatalf("Configure handed on %T, want *providerData", resp.ResourceData)
	}
	return data
}

// TestProviderClockTimesClientRetries: the provider hands its clock to its
// client and its sync runner, so a Retry-After wait passes on the test clock
// in no real time, and the sync runner measures with the same clock.
func TestProviderClockTimesClientRetries(t *testing.T) {
	clk := newTestClock()
	var refused atomic.Bool
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 61, Now: clk.Now}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/sources/") && refused.CompareAndSwap(false, true) {
				w.Header().Set("Retry-After", "45")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	data := configuredProviderData(t, newWithClock("test", clk), e)
	if data.clock != clk || data.syncs.clock != clk {
		t.Fatalf("the provider data and its sync runner have clocks %T and %T, want the provider's test clock", data.clock, data.syncs.clock)
	}

	before, start := clk.Now(), time.Now()
	if _, err := data.client.GetSource(context.Background(), e.Source(0, 0).SourceID); err != nil {
		t.Fatalf("GetSource after a 429: %v", err)
	}
	if !refused.Load() {
		t.Fatal("the test never answered 429")
	}
	if waited := clk.Now().Sub(before); waited < 45*time.Second {
		t.Errorf("the test clock moved by %s during the retry; want the 45s Retry-After", waited)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the retry took %s of real time; the client should wait on the provider's clock", took)
	}
}
