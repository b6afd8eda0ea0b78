package weblink

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzVerify checks that Verify never panics and accepts nothing but the exact tokens URL
// makes: whatever it accepts must be re-signed byte for byte from the claims it returned.
// The seeds are valid tokens, so mutations start next to the interesting inputs.
func FuzzVerify(f *testing.F) {
	s := testSigner()
	signed := []Claims{testClaims(ActionFlag), testClaims(ActionDone), testClaims(ActionSnooze)}
	for _, c := range signed {
		tok := mustToken(f, s, c)
		f.Add(tok)
		f.Add(tok[:len(tok)/2])
		f.Add(strings.Replace(tok, ".", "", 1))
	}
	f.Add("")
	f.Add(".")
	f.Add(s.sign([]byte{payloadVersion, 'x'}))
	f.Add(s.sign(encodePayload(Claims{Recipient: "a", Thread: "b", Action: ActionFlag, Expires: time.Unix(1, 0)})))

	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.Verify(token)
		if err != nil {
			if c != (Claims{}) && !errors.Is(err, ErrExpired) {
				t.Errorf("Verify(%q) = %+v with error %v; want zero claims", token, c, err)
			}
			return
		}
		if want := mustToken(t, s, c); token != want {
			t.Errorf("Verify(%q) accepted a token URL would write as %q", token, want)
		}
		// Without the key, mutations can only ever reproduce a seed, never new claims.
		if !slices.Contains(signed, c) {
			t.Errorf("Verify(%q) = %+v; want the claims of a seed token", token, c)
		}
	})
}
