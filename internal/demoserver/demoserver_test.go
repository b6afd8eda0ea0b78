package demoserver

import (
	"bytes"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"
)

func TestIMAPServesTheMailbox(t *testing.T) {
	when := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	msgs := []Message{
		{Data: []byte("From: a@example.org\r\nSubject: one\r\n\r\nbody one\r\n"), Arrival: when},
		{Data: []byte("From: b@example.org\r\nSubject: two\r\n\r\nbody two\r\n"), Arrival: when.Add(time.Hour)},
	}
	s, err := StartIMAP("librarian", "secret", msgs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("librarian", "wrong").Wait(); err == nil {
		t.Error("a wrong password was accepted")
	}
	if err := c.Login("librarian", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	got, err := c.Fetch(imap.SeqSetNum(1, 2), &imap.FetchOptions{InternalDate: true, BodySection: []*imap.FetchItemBodySection{{}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("fetched %d messages; want 2", len(got))
	}
	for i, m := range got {
		if !m.InternalDate.Equal(msgs[i].Arrival) {
			t.Errorf("message %d INTERNALDATE %v; want %v", i+1, m.InternalDate, msgs[i].Arrival)
		}
		if body := m.FindBodySection(&imap.FetchItemBodySection{}); !bytes.Equal(body, msgs[i].Data) {
			t.Errorf("message %d body %q", i+1, body)
		}
	}
}

func TestSMTPKeepsWhatItAccepts(t *testing.T) {
	s, err := StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msg := "From: digest@example.org\r\nTo: jo@example.org\r\nSubject: digest\r\n\r\nhello\r\n"
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("digest@example.org", []string{"jo@example.org"}, bytes.NewReader([]byte(msg))); err != nil {
		t.Fatal(err)
	}
	c.Quit()
	got := s.Messages()
	if len(got) != 1 || got[0].From != "digest@example.org" || len(got[0].To) != 1 || got[0].To[0] != "jo@example.org" {
		t.Fatalf("received %+v", got)
	}
	if !bytes.Contains(got[0].Data, []byte("hello")) {
		t.Errorf("data %q", got[0].Data)
	}
}
