package mailparse

import (
	"strings"
	"testing"
)

func TestParseIDList(t *testing.T) {
	long := strings.Repeat("x", 300) + "@example.org"
	tests := []struct {
		name, in string
		want     []string
	}{
		{"plain", "<abc@example.org>", []string{"abc@example.org"}},
		{"several in order, duplicates removed", "<a@x> <b@x>\r\n <a@x>\t<c@x>", []string{"a@x", "b@x", "c@x"}},
		{"LISTSERV free text", `Your message of "Mon, 3 Mar 2026 09:12:44 -0500" <abc123@school.edu>`, []string{"abc123@school.edu"}},
		{"Pipermail free text", "Other person's message of  Saturday, 7 April 2007 00:53:46 +0300 <200704070053.46646.other.person@example.com>", []string{"200704070053.46646.other.person@example.com"}},
		{"comment", "<abc@example.org> (added by postmaster@example.org)", []string{"abc@example.org"}},
		{"no brackets", "abc@example.com", []string{"abc@example.com"}},
		{"no brackets, several", "a@x.org, b@x.org", []string{"a@x.org", "b@x.org"}},
		{"truncated at end", "<200704070053.46646.other.person@example", []string{"200704070053.46646.other.person@example"}},
		{"truncated before next", "<abc@exa <def@example.org>", []string{"abc@exa", "def@example.org"}},
		{"truncated too short to keep", "<abc", nil},
		{"truncated long without @", "<0123456789abcdef0123456789", []string{"0123456789abcdef0123456789"}},
		{"folded inside id", "<abc.fd2\r\n 1@example.org>", []string{"abc.fd21@example.org"}},
		{"free text only", "Your message of Mon, 3 Mar 2026", nil},
		{"empty brackets", "<> <a@b>", []string{"a@b"}},
		{"short bracketed id kept", "<1234>", []string{"1234"}},
		{"invalid UTF-8", "<caf\xe9@example.org>", []string{"café@example.org"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseIDList(tt.in)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("ParseIDList(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}

	t.Run("overlong ids shortened stably", func(t *testing.T) {
		a, b := ParseIDList("<"+long+">"), ParseIDList("<"+long+">")
		other := ParseIDList("<" + long + "x>")
		if len(a) != 1 || len(a[0]) > maxIDLen || a[0] != b[0] || a[0] == other[0] {
			t.Errorf("ParseIDList(long) = %q, again %q, other %q", a, b, other)
		}
		if NormalizeID("<"+long+">") != a[0] {
			t.Errorf("NormalizeID(long) = %q; want %q", NormalizeID("<"+long+">"), a[0])
		}
	})
	t.Run("count capped, root and last kept", func(t *testing.T) {
		var sb strings.Builder
		for i := range 1000 {
			sb.WriteString("<id" + strings.Repeat("0", 3) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)) + "@x> ")
		}
		got := ParseIDList(sb.String())
		all := parseIDs(sb.String(), 1<<30)
		if len(got) != maxIDs || got[0] != all[0] || got[len(got)-1] != all[len(all)-1] {
			t.Errorf("len = %d, first %q last %q; want %d, %q, %q", len(got), got[0], got[len(got)-1], maxIDs, all[0], all[len(all)-1])
		}
	})
}

func TestNormalizeID(t *testing.T) {
	tests := []struct{ in, want string }{
		{" <abc@example.org> ", "abc@example.org"},
		{"<abc@example.org> <def@example.org>", "abc@example.org"},
		{"abc@example.org", "abc@example.org"},
		{"(comment) <abc@example.org>", "abc@example.org"},
		{"", ""},
		{"no id here", ""},
	}
	for _, tt := range tests {
		if got := NormalizeID(tt.in); got != tt.want {
			t.Errorf("NormalizeID(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
