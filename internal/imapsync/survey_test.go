package imapsync

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func aisleMail(i int) []byte {
	return []byte(fmt.Sprintf("From: \"Jane Smith via AISLE\" <aisle@lists.example.org>\r\nList-Id: AISLE <aisle.lists.example.org>\r\n"+
		"To: aisle@lists.example.org\r\nSubject: [aisle] library plans %d\r\nMessage-ID: <aisle%d@example.org>\r\n"+
		"Date: Mon, 2 Mar 2026 07:00:00 -0600\r\n\r\nPlans.\r\n", i, i))
}

func TestSurveyFindsListsPerFolderWithoutChangingAnything(t *testing.T) {
	srv := startMemServer(t)
	srv.deliver(t, "INBOX", personalMail(1), listMail(1, 0), listMail(2, 1), personalMail(2), listMail(3, 0))
	srv.user.Create("Lists", nil)
	srv.deliver(t, "Lists", aisleMail(1), aisleMail(2), listMail(4, 0))
	srv.user.Create("Empty", nil)
	s, _ := newSyncer(t, srv.addr)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := Survey(ctx, s.Account, 4)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]FolderSurvey{}
	var order []string
	for _, f := range got {
		byName[f.Name] = f
		order = append(order, f.Name)
		if f.Err != nil {
			t.Errorf("folder %s: %v", f.Name, f.Err)
		}
	}
	if len(order) != 3 || order[0] != "INBOX" {
		t.Fatalf("folders %v; want INBOX first, then Empty and Lists", order)
	}
	in := byName["INBOX"]
	// The newest 4 of INBOX's 5: three LM_NET posts and one personal message.
	if in.Messages != 5 || in.Sampled != 4 || in.Lists["lm_net.listserv.syr.edu"] != 3 || len(in.Lists) != 1 {
		t.Errorf("INBOX survey = %+v; want 5 messages, 4 sampled, 3 from lm_net", in)
	}
	if l := byName["Lists"]; l.Messages != 3 || l.Lists["aisle.lists.example.org"] != 2 || l.Lists["lm_net.listserv.syr.edu"] != 1 {
		t.Errorf("Lists survey = %+v", l)
	}
	if e := byName["Empty"]; e.Messages != 0 || e.Sampled != 0 {
		t.Errorf("Empty survey = %+v", e)
	}
	// Looking must not mark anything read.
	assertUnseen(t, srv.addr, "INBOX")
	assertUnseen(t, srv.addr, "Lists")
}

func TestSurveyWrongPassword(t *testing.T) {
	srv := startMemServer(t)
	s, _ := newSyncer(t, srv.addr)
	s.Account.Secret = func(context.Context) (string, error) { return "wrong", nil }
	_, err := Survey(context.Background(), s.Account, 10)
	if err == nil || !Permanent(err) {
		t.Errorf("Survey with a wrong password: %v; want a permanent authentication error", err)
	}
}
