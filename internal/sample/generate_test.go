package sample

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

func TestListMessageDeterministic(t *testing.T) {
	for _, i := range []int{0, 1, 7, 1234} {
		a, b := ListMessage(i), ListMessage(i)
		if !bytes.Equal(a, b) {
			t.Errorf("ListMessage(%d) differs between calls", i)
		}
		if other := ListMessage(i, GenerateOptions{Seed: 1}); bytes.Equal(a, other) {
			t.Errorf("ListMessage(%d) is the same for seeds 0 and 1", i)
		}
	}
}

func TestListMessageCorpus(t *testing.T) {
	const n = 600
	for _, style := range []ListStyle{MixedLists, LMNet, OZTLNet} {
		opts := GenerateOptions{Style: style, Seed: 42}
		ids := make(map[string]int)
		total, replies, multiparts := 0, 0, 0
		for i := range n {
			raw := ListMessage(i, opts)
			total += len(raw)
			if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
				t.Fatalf("style %d message %d has a bare LF", style, i)
			}
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("style %d message %d: %v", style, i, err)
			}
			id := m.Header.Get("Message-ID")
			if id != ListMessageID(i, opts) {
				t.Errorf("message %d Message-ID = %q; ListMessageID says %q", i, id, ListMessageID(i, opts))
			}
			if prev, dup := ids[id]; dup {
				t.Fatalf("messages %d and %d share Message-ID %s", prev, i, id)
			}
			ids[id] = i

			subject := m.Header.Get("Subject")
			if dec, err := new(mime.WordDecoder).DecodeHeader(subject); err == nil {
				subject = dec
			}
			lm := strings.Contains(m.Header.Get("To"), "LM_NET")
			switch {
			case lm && !hasAnyPrefix(strings.TrimPrefix(subject, "Re: "), "TARGET: ", "HIT: ", "GEN: "):
				t.Errorf("LM_NET message %d subject %q lacks TARGET:/HIT:/GEN:", i, subject)
			case lm && m.Header.Get("List-Id") != "":
				t.Errorf("LM_NET (LISTSERV) message %d has a List-Id", i)
			case !lm && !strings.Contains(subject, "[OZTL_NET] "):
				t.Errorf("OZTL_NET message %d subject %q lacks the tag", i, subject)
			case !lm && !strings.HasSuffix(m.Header.Get("List-Id"), OZTLNetListID):
				t.Errorf("OZTL_NET message %d List-Id = %q", i, m.Header.Get("List-Id"))
			}
			if (style == LMNet && !lm) || (style == OZTLNet && lm) {
				t.Errorf("style %d message %d went to %q", style, i, m.Header.Get("To"))
			}

			if parent := m.Header.Get("In-Reply-To"); parent != "" {
				replies++
				j, ok := ids[parent]
				if !ok {
					t.Errorf("message %d replies to unknown %s", i, parent)
				} else if ListMessageID(j, opts) != parent {
					t.Errorf("message %d In-Reply-To mismatch", i)
				}
				refs := strings.Fields(m.Header.Get("References"))
				if len(refs) == 0 || refs[len(refs)-1] != parent {
					t.Errorf("message %d References %q do not end with In-Reply-To %s", i, refs, parent)
				}
				if !strings.HasPrefix(subject, "Re: ") {
					t.Errorf("reply %d subject %q lacks Re:", i, subject)
				}
			}

			mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
			if err != nil {
				t.Fatalf("message %d Content-Type: %v", i, err)
			}
			footer := "LISTSERV.EXAMPLE.EDU"
			if !lm {
				footer = "OZTL_NET mailing list"
			}
			if strings.HasPrefix(mediaType, "multipart/") {
				multiparts++
				parts := 0
				mr := multipart.NewReader(m.Body, params["boundary"])
				for {
					_, err := mr.NextPart()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("message %d part %d: %v", i, parts, err)
					}
					parts++
				}
				if parts < 2 {
					t.Errorf("multipart message %d has %d parts", i, parts)
				}
			} else {
				body, _ := io.ReadAll(m.Body)
				if !bytes.Contains(body, []byte(footer)) {
					t.Errorf("message %d lacks the %s footer", i, footer)
				}
			}
		}
		avg := total / n
		t.Logf("style %d: %d messages, average %d bytes, %d replies, %d multipart", style, n, avg, replies, multiparts)
		if avg < 9_000 || avg > 16_000 {
			t.Errorf("style %d average size %d; want 10-15 KB", style, avg)
		}
		if replies < n/4 || replies > n/2 {
			t.Errorf("style %d: %d replies of %d; want about 40%%", style, replies, n)
		}
	}
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func BenchmarkListMessage(b *testing.B) {
	total := 0
	for i := 0; b.Loop(); i++ {
		total += len(ListMessage(i))
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/msg")
}
