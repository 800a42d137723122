package client

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Well-known Airbyte Cloud roots.
const (
	CloudAPIRoot       = "https://api.airbyte.com/v1"
	CloudConfigAPIRoot = "https://cloud.airbyte.com/api/v1"
	CloudWebRoot       = "https://cloud.airbyte.com"
)

// selfManagedPublicSuffix is where a self-managed server mounts the Public
// API; its Config API lives at the same host under /api/v1.
const selfManagedPublicSuffix = "/api/public/v1"

// ResolveConfigAPIRoot returns the Config API root for a Public API root.
// An explicit value wins. Otherwise Airbyte Cloud maps to
// https://cloud.airbyte.com/api/v1 and a self-managed root ending in
// /api/public/v1 maps to the same host's /api/v1. Any other root is an error
// that asks the user to set config_api_url.
func ResolveConfigAPIRoot(serverURL, explicit string) (string, error) {
	if explicit != "" {
		return strings.TrimRight(explicit, "/"), nil
	}
	root := strings.TrimRight(serverURL, "/")
	switch {
	case strings.EqualFold(root, CloudAPIRoot):
		return CloudConfigAPIRoot, nil
	case strings.HasSuffix(root, selfManagedPublicSuffix):
		return strings.TrimSuffix(root, selfManagedPublicSuffix) + "/api/v1", nil
	}
	return "", fmt.Errorf("cannot derive the Airbyte Config API URL from server_url %q: it is neither Airbyte Cloud (%s) "+
		"nor a self-managed root ending in %s. Set config_api_url to the Config API root, for example %s",
		serverURL, CloudAPIRoot, selfManagedPublicSuffix, exampleRoot(root, "/api/v1"))
}

// ResolveWebRoot returns the web UI root for a Public API root, used to build
// links to connections and jobs. An explicit value wins. Otherwise Airbyte
// Cloud maps to https://cloud.airbyte.com and a root ending in /api/public/v1
// maps to what precedes that suffix (scheme, host and any path prefix).
func ResolveWebRoot(serverURL, explicit string) (string, error) {
	if explicit != "" {
		return strings.TrimRight(explicit, "/"), nil
	}
	root := strings.TrimRight(serverURL, "/")
	switch {
	case strings.EqualFold(root, CloudAPIRoot):
		return CloudWebRoot, nil
	case strings.HasSuffix(root, selfManagedPublicSuffix):
		return strings.TrimSuffix(root, selfManagedPublicSuffix), nil
	}
	return "", fmt.Errorf("cannot derive the Airbyte web UI URL from server_url %q: it is neither Airbyte Cloud (%s) "+
		"nor a self-managed root ending in %s. Set web_url to the address of the Airbyte UI, for example %s",
		serverURL, CloudAPIRoot, selfManagedPublicSuffix, exampleRoot(root, ""))
}

// exampleRoot builds an example URL on the same scheme and host as root.
func exampleRoot(root, path string) string {
	u, err := url.Parse(root)
	if err != nil || u.Host == "" {
		return "https://airbyte.example.com" + path
	}
	return u.Scheme + "://" + u.Host + path
}

// ConnectionURL is the web UI page of a connection.
func ConnectionURL(webRoot, workspaceID, connectionID string) string {
	return strings.TrimRight(webRoot, "/") + "/workspaces/" + url.PathEscape(workspaceID) +
		"/connections/" + url.PathEscape(connectionID)
}

// JobHistoryURL is the web UI page listing a connection's jobs.
func JobHistoryURL(webRoot, workspaceID, connectionID string) string {
	return ConnectionURL(webRoot, workspaceID, connectionID) + "/timeline"
}

// JobURL is the web UI link to one job (its first attempt) in the timeline.
func JobURL(webRoot, workspaceID, connectionID string, jobID int64) string {
	return JobHistoryURL(webRoot, workspaceID, connectionID) + "#" + strconv.FormatInt(jobID, 10) + "::0"
}

// joinURL appends an already-escaped path (starting with "/") to a root.
// It is a string join on purpose: url.ResolveReference would replace the
// root's path, turning http://host/api/public/v1 + /connections into
// http://host/connections.
func joinURL(root, path string) string {
	return strings.TrimRight(root, "/") + path
}
