package provider

import (
	"errors"
	"net/http"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// requestFailureAdvice says what to do about a request that Airbyte itself
// did not answer: no response at all, a response that is not the API's JSON,
// or a gateway error. These usually mean a wrong server_url, a server that is
// down, or a proxy in between, none of which the API's own words explain.
// It is "" for other errors, and otherwise starts with a space so that it can
// follow a sentence.
func requestFailureAdvice(err error) string {
	var decode *client.DecodeError
	switch {
	case err == nil:
		return ""
	case client.IsConnectionError(err):
		return " Check that server_url (and config_api_url or token_url, when set) points at a running Airbyte that can be " +
			"reached from where Terraform runs; a slow server may also need a longer request_timeout."
	case errors.Is(err, client.ErrBodyTooLarge):
		return " The response was larger than any the Airbyte API sends: check that server_url is the root of the Airbyte API " +
			"and not another service."
	case errors.As(err, &decode):
		return " The answer is not the Airbyte API's: check that server_url is the root of the Airbyte API, such as " +
			"\"https://api.airbyte.com/v1\" or \"http://localhost:8000/api/public/v1\" (not the web UI), and that no proxy " +
			"between Terraform and Airbyte changes the responses."
	}
	switch client.StatusCode(err) {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return " Airbyte, or a proxy in front of it, is not answering; try again later, and if it persists check server_url " +
			"and the health of the Airbyte server."
	}
	return ""
}
