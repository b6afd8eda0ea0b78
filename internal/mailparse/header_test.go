package mailparse

import (
	"testing"
)

func TestDecodeHeader(t *testing.T) {
	tests := []struct {
		name, raw8, in, want string
	}{
		{"utf-8 Q", "", "=?UTF-8?Q?Caf=C3=A9_au_lait?=", "Café au lait"},
		{"utf-8 B", "", "=?utf-8?B?w4lsw6h2ZXM=?=", "Élèves"},
		{"adjacent words joined", "", "=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab"},
		{"split multi-byte char", "", "=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "€"},
		{"text around words", "", "Re: =?iso-8859-1?q?Fr=F6sche?= und Hasen", "Re: Frösche und Hasen"},
		{"iso-8859-1 as windows-1252", "", "=?iso-8859-1?q?=93quoted=94?=", "“quoted”"},
		{"iso-8859-2", "", "=?ISO-8859-2?Q?=A3=F3d=BF?=", "Łódż"},
		{"windows-1251", "", "=?windows-1251?B?0e/o8e7q?=", "Список"},
		{"koi8-r", "", "=?KOI8-R?Q?=EB=CE=C9=C7=C9?=", "Книги"},
		{"iso-2022-jp", "", "=?ISO-2022-JP?B?GyRCP149cTRbGyhC?=", "図書館"},
		{"shift_jis", "", "=?Shift_JIS?B?kH2PkYrZ?=", "図書館"},
		{"gb2312", "", "=?gb2312?B?zbzK6bnd?=", "图书馆"},
		{"gbk", "", "=?GBK?B?zbzK6bnd?=", "图书馆"},
		{"ks_c_5601-1987", "", "=?ks_c_5601-1987?B?tbW8rbD8?=", "도서관"},
		{"language suffix", "", "=?utf-8*en?Q?hello?=", "hello"},
		{"lowercase q, spaces in text", "", "=?utf-8?q?hello world?=", "hello world"},
		{"unknown charset kept", "", "=?x-klingon?Q?caf=E9?=", "café"},
		{"malformed word kept", "", "=?utf-8?Z?abc?= ok", "=?utf-8?Z?abc?= ok"},
		{"raw latin-1 bytes", "", "Fr\xf6sche", "Frösche"},
		{"raw bytes in body charset", "koi8-r", "\xeb\xce\xc9\xc7\xc9", "Книги"},
		{"raw utf-8 kept", "koi8-r", "Frösche", "Frösche"},
		{"controls become spaces", "", "a\x00b\r\nc", "a b c"},
		{"encoded newline", "", "=?utf-8?Q?a=0Ab?=", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := headerDecoder{raw8: tt.raw8}
			if got := d.decode(tt.in); got != tt.want {
				t.Errorf("decode(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSplitHeader(t *testing.T) {
	tests := []struct {
		name, raw   string
		wantBody    string
		dropped     int
		noSeparator bool
	}{
		{"normal", "A: 1\nB: 2\n\nbody", "body", 0, false},
		{"CRLF", "A: 1\r\nB: 2\r\n\r\nbody", "body", 0, false},
		{"mbox From line", "From jane@x Mon Mar  3 10:00:00 2026\nA: 1\n\nbody", "body", 0, false},
		{"folded", "A: 1\n  more\nB: 2\n\nbody", "body", 0, false},
		{"orphan continuation", "  orphan\nA: 1\n\nbody", "body", 1, false},
		{"no separator", "A: 1\nthis is body\n", "this is body\n", 0, true},
		{"header only", "A: 1\nB: 2\n", "", 0, false},
		{"space before colon", "Subject : hi\n\nbody", "body", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := splitHeader([]byte(tt.raw), true)
			if string(hb.body) != tt.wantBody || hb.dropped != tt.dropped || hb.noSeparator != tt.noSeparator {
				t.Errorf("splitHeader(%q) body %q dropped %d noSep %v; want %q %d %v",
					tt.raw, hb.body, hb.dropped, hb.noSeparator, tt.wantBody, tt.dropped, tt.noSeparator)
			}
			if _, err := readHeader(hb, true); err != nil {
				t.Errorf("readHeader: %v", err)
			}
		})
	}
}
