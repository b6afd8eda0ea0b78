package imapsync

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"

	"listdigest/internal/mailparse"
)

// FolderSurvey is what `listdigest subscribe` learns about one folder.
type FolderSurvey struct {
	Name     string
	Messages uint32
	Sampled  int            // how many of the newest messages were looked at
	Lists    map[string]int // list identity -> messages of the sample from that list
	Names    map[string]string
	Err      error // the folder could not be read (the others were)
}

// Survey logs in, lists the folders with their message counts, and reads the headers of up
// to sample of the newest messages of each to find the mailing lists present. It never
// changes the mailbox: folders are opened read-only and only headers are fetched with PEEK.
func Survey(ctx context.Context, a *Account, sample int) ([]FolderSurvey, error) {
	cn, err := dial(ctx, a)
	if err != nil {
		return nil, err
	}
	defer cn.logout()
	cn.wd.kick()
	list, err := cn.c.List("", "*", nil).Collect()
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", cn.wd.explain(err))
	}
	var out []FolderSurvey
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		f := FolderSurvey{Name: l.Mailbox, Lists: map[string]int{}, Names: map[string]string{}}
		f.Err = surveyFolder(ctx, cn, &f, sample)
		if cn.broken() {
			return out, fmt.Errorf("folder %s: %w", f.Name, cn.wd.explain(f.Err))
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Name == "INBOX") != (out[j].Name == "INBOX") {
			return out[i].Name == "INBOX"
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out, nil
}

func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	for _, x := range attrs {
		if strings.EqualFold(string(x), string(a)) {
			return true
		}
	}
	return false
}

// listHeaders are the fields mailparse reads to tell which list a message came through.
var listHeaders = []string{"List-Id", "List-Post", "List-Help", "List-Unsubscribe", "X-Mailing-List", "Mailing-List",
	"Sender", "X-BeenThere", "X-Mailman-Version", "X-Google-Group-Id", "Precedence", "From", "To", "Subject",
	"Message-Id", "Date", "Reply-To", "X-Loop", "Errors-To"}

func surveyFolder(ctx context.Context, cn *conn, f *FolderSurvey, sample int) error {
	cn.wd.kick()
	sel, err := cn.c.Select(f.Name, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("open: %w", cn.wd.explain(err))
	}
	f.Messages = sel.NumMessages
	if sel.NumMessages == 0 || sample <= 0 {
		return nil
	}
	first := uint32(1)
	if sel.NumMessages > uint32(sample) {
		first = sel.NumMessages - uint32(sample) + 1
	}
	var set imap.SeqSet
	set.AddRange(first, sel.NumMessages)
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: listHeaders, Peek: true}
	cn.wd.kick()
	cmd := cn.c.Fetch(set, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}})
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		raw, _, _, err := readMessage(msg)
		cn.wd.kick()
		if err != nil {
			cmd.Close()
			return fmt.Errorf("fetch headers: %w", cn.wd.explain(err))
		}
		if raw == nil {
			continue
		}
		f.Sampled++
		m, _ := mailparse.Parse(append(raw, "\r\n"...), mailparse.Options{})
		if m != nil && m.List.ID != "" {
			f.Lists[m.List.ID]++
			if m.List.Name != "" {
				f.Names[m.List.ID] = m.List.Name
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("fetch headers: %w", cn.wd.explain(err))
	}
	return ctx.Err()
}
