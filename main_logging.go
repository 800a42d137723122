package main

import (
	"os"
	"slices"
	"strings"
)

// The SDK's log level. terraform-plugin-go and terraform-plugin-framework log through the SDK
// logger, whose level is TF_LOG_SDK, or TRACE when it is unset; each subsystem (the framework's
// TF_LOG_SDK_FRAMEWORK, the protocol's TF_LOG_SDK_PROTO) follows it unless set itself. So with
// nothing set, the framework formats and writes a TRACE line (values, paths) for every attribute
// of every request, and terraform, reading the plugin's output, drops every line below the level
// it shows: TF_LOG_PROVIDER, else TF_LOG (JSON meaning TRACE; an unknown level, TRACE; unset, none).
// In a plan of hundreds of connections that is much of the provider's CPU time, spent on lines
// nobody sees.
const (
	envLog         = "TF_LOG"
	envLogProvider = "TF_LOG_PROVIDER"
	envLogSDK      = "TF_LOG_SDK"
)

// logLevels are the levels terraform knows, from the most to the least verbose.
var logLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}

// quietSDKLogs sets TF_LOG_SDK to the level terraform shows the provider's lines at, when
// TF_LOG_SDK is unset, so that the SDK formats only the lines terraform keeps. A TF_LOG_SDK the
// user set, and the subsystems' own variables, stand. In debug mode the provider writes its own
// logs, which terraform does not filter, so nothing changes there.
func quietSDKLogs(debug bool) {
	if debug {
		return
	}
	if _, set := os.LookupEnv(envLogSDK); set {
		return
	}
	_ = os.Setenv(envLogSDK, shownLogLevel(os.Getenv(envLogProvider), os.Getenv(envLog)))
}

// shownLogLevel is the level of the provider lines terraform shows, from TF_LOG_PROVIDER and
// TF_LOG as terraform reads them: OFF when neither is set.
func shownLogLevel(provider, global string) string {
	level := strings.ToUpper(provider)
	if level == "" {
		level = strings.ToUpper(global)
	}
	switch {
	case level == "":
		return "OFF"
	case slices.Contains(logLevels, level), level == "OFF":
		return level
	default: // JSON, and any level terraform does not know, which it treats as TRACE
		return "TRACE"
	}
}
