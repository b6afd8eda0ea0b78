package cli

import (
	"context"
	"fmt"
)

// runCheckConfig loads and validates the configuration; every problem is printed with its key.
func runCheckConfig(ctx context.Context, e *env, args []string) error {
	fs := e.flags("check-config")
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: OK (%s, %s, database %s)\n", cfg.Source(),
		plural(len(cfg.Mailboxes), "mailbox"), plural(len(cfg.Recipients), "recipient"), cfg.Database.Path)
	return nil
}
