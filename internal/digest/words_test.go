package digest

import (
	"strings"
	"testing"
)

func TestCountWords(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   \n\t ", 0},
		{"Contents: 3 book requests, 2 HITs.", 6},
		{"+6 more in Sharing", 4},
		{"2.1 Book request: Year 5", 5},
		{"- Free shelving (Cat Lister)", 4},
		{"— -- ... 🎉 📚✨", 0},
		{"Reply: mailto:jane@example.org?subject=Re%3A%20x", 1},
		{"see https://example.org/a and http://x.y and www.example.com", 3},
		{"<https://example.org> (www.example.org) \"mailto:a@b\" MAILTO:A@B HTTPS://X", 0},
		{"httpbin is a word, so is wwwhat and mailtoo", 9},
		{"שלום עולם مرحبا", 3},
		{"日本語", 1},
		{"non\u00a0breaking space", 3},
		{"\u2068isolated RTL\u2069", 2},
		{"x", 1},
	}
	for _, tt := range tests {
		if got := CountWords(tt.in); got != tt.want {
			t.Errorf("CountWords(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		in                string
		maxWords, maxRune int
		want              string
	}{
		{"  Hello\r\n\tworld  ", 10, 100, "Hello world"},
		{"a\x00b\x1bc", 10, 100, "a b c"},
		{"evil \u202Egnp.exe\u202C name", 10, 100, "evil gnp.exe name"},
		{"one two three four", 2, 100, "one two…"},
		{"one two, three", 2, 100, "one two…"},
		{"abcdefghij", 5, 5, "abcd…"},
		{"ab cdefghijklmnop", 5, 8, "ab cdef…"},
		{"bad \xff utf8", 10, 100, "bad \uFFFD utf8"},
		{"keep\u200dzwj", 10, 100, "keep\u200dzwj"},
		{"", 10, 100, ""},
	}
	for _, tt := range tests {
		if got := clean(tt.in, tt.maxWords, tt.maxRune); got != tt.want {
			t.Errorf("clean(%q, %d, %d) = %q; want %q", tt.in, tt.maxWords, tt.maxRune, got, tt.want)
		}
	}
}

func TestIsolate(t *testing.T) {
	if got := isolate("Hello"); got != "Hello" {
		t.Errorf("isolate(%q) = %q; want unchanged", "Hello", got)
	}
	if got, want := isolate("שלום"), "\u2068שלום\u2069"; got != want {
		t.Errorf("isolate(Hebrew) = %q; want %q", got, want)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name          string
		chunks        []string
		first, indent string
		want          string
	}{
		{"short", words("a b c"), "", "", "a b c\n"},
		{"indent", words("0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 0123456789"), "1.1 ", "    ",
			"1.1 0123456789 0123456789 0123456789 0123456789 0123456789 0123456789\n    0123456789\n"},
		{"long token alone", []string{"x", "https://example.org/" + strings.Repeat("a", 80)}, "", "",
			"x\nhttps://example.org/" + strings.Repeat("a", 80) + "\n"},
		{"phrases kept whole", phrases("Contents: 1 follow-up, 2 book requests, 1 video request, 1 HIT, 1 sharing post, 1 event"), "", "",
			"Contents: 1 follow-up, 2 book requests, 1 video request, 1 HIT,\n1 sharing post, 1 event\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			wrap(&b, tt.chunks, tt.first, tt.indent)
			if got := b.String(); got != tt.want {
				t.Errorf("wrap() = %q; want %q", got, tt.want)
			}
		})
	}
}
