package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// envCPUProfile names a file prefix: when set, the provider process writes a CPU profile of its
// whole life to <prefix>.<pid>.pprof (terraform starts several provider processes per command).
// It is for measuring the provider, as `make bench` does; nothing is written when it is unset.
const envCPUProfile = "AIRBYTE_PROVIDER_CPU_PROFILE"

// startCPUProfile starts the CPU profile envCPUProfile asks for and returns what stops it.
func startCPUProfile() (stop func()) {
	prefix := os.Getenv(envCPUProfile)
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s.%d.pprof", prefix, os.Getpid()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", envCPUProfile, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", envCPUProfile, err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
