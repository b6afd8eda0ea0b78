package mailparse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"

	"github.com/emersion/go-message"
)

// errFound stops FirstPart's walk once the part is found.
var errFound = errors.New("found")

// FirstPart returns the decoded body of the first part of msg with this media type, at most
// limit bytes of it. It serves the web UI (a stored message's HTML version, a sent digest's
// parts) and the demo (the digest its SMTP server received).
func FirstPart(msg []byte, mediaType string, limit int) (string, error) {
	e, err := message.Read(bytes.NewReader(msg))
	if e == nil {
		return "", fmt.Errorf("the stored message cannot be read as MIME: %v", err)
	}
	var found string
	walkErr := e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return nil // a broken part elsewhere does not hide the one wanted
		}
		if t, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); t != mediaType {
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(part.Body, int64(limit)+1))
		if err != nil {
			return fmt.Errorf("the %s part cannot be decoded: %v", mediaType, err)
		}
		if len(b) > limit {
			return fmt.Errorf("the %s part is larger than %d MiB", mediaType, limit>>20)
		}
		found = string(b)
		// Stop at the part wanted: walking on read the whole message on every view (a
		// 10,000-part bomb after the HTML part) and failed on a broken part after it.
		return errFound
	})
	if walkErr != nil && !errors.Is(walkErr, errFound) {
		return "", walkErr
	}
	if found == "" {
		return "", fmt.Errorf("no %s part found", mediaType)
	}
	return found, nil
}
