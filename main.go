// Command terraform-provider-airbyte serves the Airbyte Terraform provider.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/provider"
)

// version and commit are set at build time through
// -ldflags "-X main.version=… -X main.commit=…" (see GNUmakefile and .goreleaser.yml).
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug bool
	var printVersion bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers such as delve")
	flag.BoolVar(&printVersion, "version", false, "print the provider's version and commit, then exit")
	flag.Parse()
	if printVersion {
		fmt.Printf("terraform-provider-airbyte %s (commit %s)\n", version, commit)
		return
	}

	quietSDKLogs(debug)
	stopProfile := startCPUProfile()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         provider.RegistryAddress,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
