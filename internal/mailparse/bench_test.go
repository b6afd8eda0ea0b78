package mailparse

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkParse measures Parse in MB/s of raw mail: over the fixtures (small list
// posts, where per-message overhead dominates) and over one large HTML newsletter
// with an image attachment (where per-byte costs dominate).
func BenchmarkParse(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	var fixtures [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		fixtures = append(fixtures, raw)
	}
	b.Run("fixtures", func(b *testing.B) { benchParse(b, fixtures) })
	b.Run("newsletter", func(b *testing.B) { benchParse(b, [][]byte{newsletter()}) })
}

func benchParse(b *testing.B, msgs [][]byte) {
	total := 0
	for _, m := range msgs {
		total += len(m)
	}
	opts := testOpts()
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range msgs {
			Parse(raw, opts)
		}
	}
}

// newsletter builds a ~1 MB HTML newsletter in quoted-printable with a base64 image.
func newsletter() []byte {
	var sb strings.Builder
	sb.WriteString("From: Library Services <news@district.example>\nTo: LM_NET@LISTSERV.SYR.EDU\n" +
		"Subject: March newsletter\nDate: Mon, 9 Mar 2026 10:00:00 +0000\nMessage-ID: <news-2026-03@district.example>\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\n" +
		"Content-Type: text/html; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\n<html><body>\n")
	for i := 0; sb.Len() < 600<<10; i++ {
		sb.WriteString("<p class=3D\"MsoNormal\">New this month: <b>=93The Wild Robot=94</b> and more titles for grades 3=96=\n5, see <a href=3D\"https://library.example/new\">the list</a>.</p>\n")
	}
	sb.WriteString("</body></html>\n--mix\nContent-Type: image/png; name=\"banner.png\"\nContent-Transfer-Encoding: base64\n" +
		"Content-Disposition: attachment; filename=\"banner.png\"\n\n")
	img := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x89PNG binary data ", 20000)))
	for len(img) > 76 {
		sb.WriteString(img[:76] + "\n")
		img = img[76:]
	}
	sb.WriteString(img + "\n--mix--\n")
	return []byte(sb.String())
}
