// Command terraform-provider-airbyte serves the Airbyte Terraform provider.
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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
	err := serve(debug)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// serve serves the provider over the plugin protocol, version 6, until Terraform stops it.
func serve(debug bool) error {
	server, err := provider.NewProtocol6Server(provider.New(version))()
	if err != nil {
		return err
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(provider.RegistryAddress, func() tfprotov6.ProviderServer { return server }, opts...)
}
