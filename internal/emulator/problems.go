package emulator

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
)

// rawJSON keeps client-supplied JSON (mappers) byte for byte.
type rawJSON = json.RawMessage

const errorsDoc = "https://reference.airbyte.com/reference/errors"

// problem is the server's RFC 9457-style error body (api-problems.yaml).
type problem struct {
	Status           int            `json:"status"`
	Type             string         `json:"type"`
	Title            string         `json:"title"`
	Detail           string         `json:"detail"`
	DocumentationURL *string        `json:"documentationUrl"`
	Data             map[string]any `json:"data,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeProblem(w http.ResponseWriter, p problem) {
	writeJSON(w, p.Status, p)
}

// writeErrorID answers with the framework-level body {"errorId": "<uuid>"}
// used for malformed JSON (422), bean validation (400), bad client
// credentials (401) and Config API not-found (404).
func writeErrorID(w http.ResponseWriter, status int) {
	writeJSON(w, status, map[string]string{"errorId": uuid.NewString()})
}

func messageData(msg string) map[string]any { return map[string]any{"message": msg} }

func badRequest(msg string) problem {
	return problem{Status: 400, Type: errorsDoc + "#bad-request", Title: "bad-request",
		Detail: "The request could not be understood by the server due to malformed syntax.", Data: messageData(msg)}
}

func invalidAPIKey() problem {
	return problem{Status: 401, Type: errorsDoc + "#invalid-api-key", Title: "invalid-api-key",
		Detail: "The API key in the Authorization header is invalid."}
}

// Messages of the role checks (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/authorization/RoleResolver.kt): requireRole names
// the role, requireOneOfRoles does not.
const (
	readerDenied  = "Caller does not have the required WORKSPACE_READER permissions to access the resource(s)."
	editorsDenied = "Caller does not have the required permissions to access the resource(s)."
)

// forbidden is the problem of a failed requireRole(WORKSPACE_READER) check.
func forbidden() problem { return forbiddenWith(readerDenied) }

func forbiddenWith(msg string) problem {
	return problem{Status: 403, Type: errorsDoc + "#forbidden", Title: "forbidden", Detail: "The request is forbidden.",
		Data: messageData(msg)}
}

// unexpectedProblem is the server's 500 for exceptions no handler maps
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/errorHandlers/ConfigClientErrorHandler.kt).
func unexpectedProblem(msg string) problem {
	p := problem{Status: 500, Type: errorsDoc, Title: "unexpected-problem",
		Detail: "An unexpected problem has occurred. If this is an error that needs to be addressed, please submit a pull request or github issue."}
	if msg != "" {
		p.Data = messageData(msg)
	}
	return p
}

func resourceNotFound(resourceType, id string) problem {
	return problem{Status: 404, Type: errorsDoc + "#resource-not-found", Title: "resource-not-found",
		Detail: "The requested resource could not be found.",
		Data:   map[string]any{"resourceType": resourceType, "resourceId": id}}
}

func tryAgainLater(msg string) problem {
	return problem{Status: 409, Type: errorsDoc + "#try-again-later", Title: "try-again-later",
		Detail: "Please try again later.", Data: messageData(msg)}
}

func stateConflict(msg string) problem {
	return problem{Status: 409, Type: errorsDoc + "#409-state-conflict", Title: "state-conflict",
		Detail: "State conflict", Data: messageData(msg)}
}

// connectionLocked never carries a statusReason: the public read of a
// connection does not fill it (airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/ConnectionsController.kt).
func connectionLocked(connectionID string) problem {
	return problem{Status: 409, Type: "error:connection/locked", Title: "Connection is locked",
		Detail: "The connection is locked and cannot be modified.", Data: map[string]any{"connectionId": connectionID}}
}

func unprocessable(msg string) problem {
	return problem{Status: 422, Type: errorsDoc + "#unprocessable-entity", Title: "unprocessable-entity",
		Detail: "The body of the request was not understood", Data: messageData(msg)}
}

func serviceUnavailable() problem {
	return problem{Status: 503, Type: errorsDoc, Title: "service-unavailable",
		Detail: "The server is currently unable to handle the request."}
}
