package mailparse

import (
	"strings"
	"testing"
)

func TestListIdentity(t *testing.T) {
	tests := []struct {
		name, header         string
		id, listName, source string
		candidate            string // one of the Candidates
	}{
		{"Mailman List-Id", "List-Id: Association of Illinois School Library Educators <aisle.list.railslibraries.info>\nList-Post: <mailto:aisle@list.railslibraries.info>\n",
			"aisle.list.railslibraries.info", "aisle", "List-Id", "aisle@list.railslibraries.info"},
		{"LISTSERV List-Id", "List-Id: <LM_NET.LISTSERV.SYR.EDU>\nReceived: from LISTSERV.SYR.EDU by LISTSERV.SYR.EDU (LISTSERV-TCP/IP release 16.5) with spool id 1; Tue, 3 Mar 2026 09:05:01 -0500\n",
			"lm_net.listserv.syr.edu", "LM_NET", "List-Id", ""},
		{"List-Post only", "List-Post: <mailto:OZTL_NET@lists.csu.edu.au>\n", "oztl_net.lists.csu.edu.au", "OZTL_NET", "List-Post", ""},
		{"List-Post NO", "List-Post: NO\nX-Mailing-List: <linux-kernel@vger.kernel.org>\n", "linux-kernel.vger.kernel.org", "linux-kernel", "X-Mailing-List", ""},
		{"LISTSERV Sender", "Sender: School Library Media & Network Communications <LM_NET@LISTSERV.SYR.EDU>\n", "lm_net.listserv.syr.edu", "LM_NET", "Sender", ""},
		{"LISTSERV by List-Unsubscribe", "Sender: Library List <LIBLIST@LISTS.EXAMPLE.EDU>\nList-Unsubscribe: <mailto:LIBLIST-signoff-request@LISTS.EXAMPLE.EDU>\n", "liblist.lists.example.edu", "LIBLIST", "Sender", ""},
		{"Mailman bounces Sender", "Sender: \"aisle\" <aisle-bounces+jane=d123.org@list.railslibraries.info>\nX-Mailman-Version: 2.1.29\n", "aisle.list.railslibraries.info", "aisle", "Sender", ""},
		{"X-BeenThere", "X-BeenThere: isl@lists.example.org\n", "isl.lists.example.org", "isl", "X-BeenThere", ""},
		{"ezmlm Mailing-List", "Mailing-List: contact lib-help@example.org; run by ezmlm\n", "lib.example.org", "lib", "Mailing-List", ""},
		{"Yahoo Mailing-List", "Mailing-List: list schoollib@yahoogroups.com; contact schoollib-owner@yahoogroups.com\n", "schoollib.yahoogroups.com", "schoollib", "Mailing-List", ""},
		{"Google Group id", "X-Google-Group-Id: 123\nTo: School Librarians <school-librarians@googlegroups.com>\n", "school-librarians.googlegroups.com", "school-librarians", "X-Google-Group-Id", ""},
		{"Outlook delegate Sender is not a list", "Sender: Office <office@school.edu>\nFrom: Principal <p@school.edu>\n", "", "", "", ""},
		{"plain mail", "From: a@example.org\n", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := mustParse(t, tt.name, []byte(tt.header+"Subject: x\n\nbody"), testOpts())
			l := m.List
			if l.ID != tt.id || l.Name != tt.listName || l.Source != tt.source {
				t.Errorf("List = %+v; want ID %q Name %q Source %q", l, tt.id, tt.listName, tt.source)
			}
			if tt.candidate != "" && !strings.Contains(strings.Join(l.Candidates, " "), tt.candidate) {
				t.Errorf("Candidates = %q; want %q among them", l.Candidates, tt.candidate)
			}
		})
	}
}

func TestMatchList(t *testing.T) {
	lmnet := ListIdentity{ID: "lm_net.listserv.syr.edu", Name: "LM_NET", Candidates: []string{"lm_net@listserv.syr.edu", "lm_net.listserv.syr.edu"}}
	tests := []struct {
		patterns []string
		id       ListIdentity
		want     bool
	}{
		{[]string{"LM_NET"}, lmnet, true},
		{[]string{"lm_net@*"}, lmnet, true},
		{[]string{"*.listserv.syr.edu"}, lmnet, true},
		{[]string{"oztl*", " LM_NET@LISTSERV.SYR.EDU "}, lmnet, true},
		{[]string{"oztl*"}, lmnet, false},
		{[]string{"["}, lmnet, false},
		{[]string{"*"}, ListIdentity{}, false},
		{nil, lmnet, false},
	}
	for _, tt := range tests {
		if got := MatchList(tt.patterns, tt.id); got != tt.want {
			t.Errorf("MatchList(%q, %+v) = %v; want %v", tt.patterns, tt.id, got, tt.want)
		}
	}
}

// TestListIdentityOneListOneID checks that LISTSERV posts with and without List-Id get the same
// identity, so one list is not split in two.
func TestListIdentityOneListOneID(t *testing.T) {
	with := "List-Id: School Library Media & Network Communications <LM_NET.LISTSERV.SYR.EDU>\nSender: LM_NET <LM_NET@LISTSERV.SYR.EDU>\n\nx\n"
	without := "Sender: School Library Media & Network Communications <LM_NET@LISTSERV.SYR.EDU>\n\nx\n"
	a, _ := Parse([]byte(with), Options{})
	b, _ := Parse([]byte(without), Options{})
	if a.List.ID != b.List.ID || a.List.ID != "lm_net.listserv.syr.edu" {
		t.Errorf("List.ID with List-Id = %q, without = %q; want both lm_net.listserv.syr.edu", a.List.ID, b.List.ID)
	}
}
