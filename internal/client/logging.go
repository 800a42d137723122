package client

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem the client logs HTTP traffic to.
const LogSubsystem = "client"

// sensitiveLogKeys are field names whose values are always masked, as a
// second line of defence: the client never logs headers or bodies.
var sensitiveLogKeys = []string{
	"authorization", "Authorization", "client_secret", "access_token",
	"bearer_token", "password", "token",
}

// WithLogging returns a context with the "client" tflog subsystem set up,
// masking the given secret values (client secret, bearer token, password)
// wherever they might appear in a field or message. Call it on the context
// passed to client methods to mask values the client does not know; the
// client sets the subsystem up, masking its own credentials, on every call.
func WithLogging(ctx context.Context, secrets ...string) context.Context {
	ctx = context.WithValue(ctx, loggingSetUp{}, true)
	ctx = tflog.NewSubsystem(ctx, LogSubsystem)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, LogSubsystem, sensitiveLogKeys...)
	return maskSecrets(ctx, secrets)
}

func maskSecrets(ctx context.Context, secrets []string) context.Context {
	var nonEmpty []string
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	if len(nonEmpty) == 0 {
		return ctx
	}
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, nonEmpty...)
	return tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, nonEmpty...)
}

// loggingSetUp marks a context on which WithLogging set up the subsystem.
type loggingSetUp struct{}

// logContext makes sure the "client" subsystem is set up on ctx, masking
// this client's credentials, so that callers need not call WithLogging;
// one set up by the caller is kept, with its own masks.
func (c *Client) logContext(ctx context.Context) context.Context {
	if ctx.Value(loggingSetUp{}) == nil {
		return WithLogging(ctx, c.secrets()...)
	}
	return maskSecrets(ctx, c.secrets())
}

// logDebug logs one HTTP event with the request's method and path (never its
// query, headers or body).
func (c *Client) logDebug(ctx context.Context, msg string, req *request, attempt int, fields map[string]any) {
	f := map[string]any{"method": req.method, "path": req.path, "attempt": attempt}
	for k, v := range fields {
		f[k] = v
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, msg, f)
}

// logRetry logs a decision to wait and repeat a request.
func (c *Client) logRetry(ctx context.Context, req *request, attempt int, wait time.Duration, fromServer bool, cause error) {
	tflog.SubsystemWarn(ctx, LogSubsystem, "Retrying HTTP request", map[string]any{
		"method":            req.method,
		"path":              req.path,
		"attempt":           attempt,
		"wait_ms":           wait.Milliseconds(),
		"retry_after_given": fromServer,
		"status":            StatusCode(cause),
		"error":             cause.Error(),
	})
}
