package main

import "runtime/debug"

// version is the release's version, set by the release build
// (-ldflags "-X main.version=…"); "dev" in a plain build.
var version = "dev"

// versionString is the version -version prints: the release's, or for a
// binary built with `go install <module>/cmd/airbyte-emulator@<version>`,
// the module version Go recorded in it.
func versionString() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
