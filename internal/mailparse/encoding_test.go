package mailparse

import (
	"strings"
	"testing"
)

func TestDecodeTransfer(t *testing.T) {
	longLine := strings.Repeat("a=3Db ", 2000) + "end" // 12 KB on one line: go-message's QP reader fails at 4 KB
	tests := []struct {
		name, in, cte, want string
		known               bool
	}{
		{"7bit", "plain", "7bit", "plain", true},
		{"empty cte", "plain", "", "plain", true},
		{"odd spelling", "plain", " 7-Bit ", "plain", true},
		{"qp", "caf=C3=A9 =\nau lait=20\nend", "quoted-printable", "café au lait \nend", true},
		{"qp lower-case hex", "=c3=a9", "Quoted-Printable", "é", true},
		{"qp soft break with trailing space", "a= \r\nb", "quoted-printable", "ab", true},
		{"qp stray =", "x=y =Z1 100%=", "quoted-printable", "x=y =Z1 100%", true},
		{"qp control bytes", "a\x1bb\x00c", "quoted-printable", "a\x1bb\x00c", true},
		{"qp long line", longLine, "quoted-printable", strings.ReplaceAll(longLine, "=3D", "="), true},
		{"base64", "SGVsbG8g\nd29ybGQ=", "base64", "Hello world", true},
		{"base64 junk", "SGVs*bG8g!d29y\x00bGQ", "BASE64", "Hello world", true},
		{"base64 concatenated blocks", "SGk=\nSGk=", "base64", "HiHi", true},
		{"unknown", "begin 644 x", "x-uuencode", "begin 644 x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, known := decodeTransfer([]byte(tt.in), tt.cte)
			if string(got) != tt.want || known != tt.known {
				t.Errorf("decodeTransfer(%.80q, %q) = %.80q (%d bytes), %v; want %.80q (%d bytes), %v", tt.in, tt.cte, got, len(got), known, tt.want, len(tt.want), tt.known)
			}
		})
	}
}

func TestDecodeCharset(t *testing.T) {
	tests := []struct {
		name, label string
		in          []byte
		want        string
		known       bool
	}{
		{"utf-8", "UTF-8", []byte("Frösche"), "Frösche", true},
		{"utf-8 with latin-1 bytes", "utf-8", []byte("Fr\xf6sche"), "Frösche", true},
		{"no label", "", []byte("\x93hi\x94"), "“hi”", true},
		{"iso-8859-1 smart quotes", "iso-8859-1", []byte("\x93hi\x94"), "“hi”", true},
		{"us-ascii with 8-bit", "us-ascii", []byte("caf\xe9"), "café", true},
		{"quoted label", `"windows-1252"`, []byte("\x80"), "€", true},
		{"ks_c_5601-1987", "ks_c_5601-1987", []byte("\xb5\xb5\xbc\xad\xb0\xfc"), "도서관", true},
		{"cp932", "cp932", []byte("\x90\x7d\x8f\x91\x8a\xd9"), "図書館", true},
		{"utf-7", "utf-7", []byte("Fr+APY-sche +-1"), "Frösche +1", true},
		{"unknown", "x-mac-klingon", []byte("caf\xe9"), "café", false},
		{"unknown-8bit", "unknown-8bit", []byte("caf\xe9"), "café", false},
		{"replacement-only decoder", "iso-2022-kr", []byte("abc"), "abc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, known := decodeCharset(tt.in, tt.label)
			if got != tt.want || known != tt.known {
				t.Errorf("decodeCharset(%q, %q) = %q, %v; want %q, %v", tt.in, tt.label, got, known, tt.want, tt.known)
			}
		})
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		in, want string
		maxBlank int
	}{
		{"\ufeffa  \r\nb\t\r\n\r\n\r\n\r\n\r\nc \n\n", "a\nb\n\n\nc", 2},
		{"\n\n  \nstart\u00a0\u00a0\nx\x00y\x1b\n", "start\nxy", 2},
		{"a\n\n\n\nb", "a\n\nb", 1},
		{"a\rb", "a\nb", 1},
	}
	for _, tt := range tests {
		if got := normalizeText(tt.in, tt.maxBlank); got != tt.want {
			t.Errorf("normalizeText(%q, %d) = %q; want %q", tt.in, tt.maxBlank, got, tt.want)
		}
	}
}

func TestUnflow(t *testing.T) {
	tests := []struct {
		in    string
		delsp bool
		want  string
	}{
		{"Has \nanyone \nwritten one?\n", false, "Has anyone written one?\n"},
		{"Has \nanyone\n", true, "Hasanyone\n"},
		{"> quoted \n> more\nreply\n", false, "> quoted more\nreply\n"},
		{"-- \nsig\n", false, "-- \nsig\n"},
		{" From stuffed\n", false, "From stuffed\n"},
	}
	for _, tt := range tests {
		if got := unflow(tt.in, tt.delsp); got != tt.want {
			t.Errorf("unflow(%q, %v) = %q; want %q", tt.in, tt.delsp, got, tt.want)
		}
	}
}

func TestStripTags(t *testing.T) {
	in := "<html><head><style>p{x:1}</style><script>alert(1)</script></head><body><p>Caf&eacute; <b>open</b></p><div>Thurs&nbsp;day</div><SCRIPT>x</SCRIPT>end</body></html>"
	want := "Café open\n\nThurs day\nend"
	if got := normalizeText(stripTags(in), 1); got != want {
		t.Errorf("stripTags(%q) = %q; want %q", in, got, want)
	}
}
