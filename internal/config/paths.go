package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ExpandPath expands a leading "~" or "~/" to the home directory and $VAR or ${VAR} to the
// value of the environment variable ("$$" is a literal "$"), then cleans the path. An
// unset variable or an unknown home directory is an error, so that a typo cannot silently
// turn "$STATE_DIRECTORY/x.db" into "/x.db". The empty path stays empty.
func ExpandPath(p string) (string, error) {
	return expandPath(p, os.LookupEnv, os.UserHomeDir)
}

func expandPath(p string, lookup func(string) (string, bool), home func() (string, error)) (string, error) {
	if p == "" {
		return "", nil
	}
	if strings.HasPrefix(p, "~") {
		rest := p[1:]
		if rest != "" && rest[0] != '/' && rest[0] != filepath.Separator {
			return "", fmt.Errorf("%q: only \"~\" and \"~/...\" are expanded; write the other user's home directory in full", p)
		}
		h, err := home()
		if err != nil || h == "" {
			return "", fmt.Errorf("%q: cannot expand \"~\": the home directory is unknown ($HOME unset?); write the full path", p)
		}
		p = h + rest
	}
	var missing []string
	p = os.Expand(p, func(name string) string {
		if name == "$" {
			return "$"
		}
		v, ok := lookup(name)
		if !ok {
			if !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("environment variable $%s is not set: set it, or write the path without it", strings.Join(missing, ", $"))
	}
	return filepath.Clean(p), nil
}
