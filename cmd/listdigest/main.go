// Command listdigest turns busy mailing lists into one short daily digest.
// See README.md; `listdigest help` lists the commands.
package main

import (
	"os"
	_ "time/tzdata" // recipients' time zones work even where the host has no zoneinfo

	"listdigest/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
