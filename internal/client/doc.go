// Package client is a small, hand-written client for the Airbyte Public API
// (https://api.airbyte.com/v1 or <host>/api/public/v1) and the two read-only
// Config API calls (<host>/api/v1) that the provider needs.
//
// It knows HTTP and Airbyte and nothing of Terraform. Every request goes
// through one function, (*Client).do, which sets the User-Agent and the
// credentials, applies the per-attempt timeout, decides retries, maps non-2xx
// responses to *APIError and logs through the tflog subsystem "client".
//
// Retry policy in one table (see retry.go for the reasons):
//
//	request                              429   502/503/504   refused (dial)   reset/EOF/timeout
//	GET, PATCH, DELETE, token,           retry retry         retry            retry
//	Config API read POSTs
//	POST /connections, POST /jobs        retry AmbiguousError retry           AmbiguousError
//
// A 401 on an authenticated call made with client credentials drops the
// cached token, fetches a new one and repeats the call once.
package client
