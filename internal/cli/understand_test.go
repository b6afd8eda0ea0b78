package cli

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const lmnetMbox = `From ann@school.example.edu Mon Mar  2 09:00:00 2026
From: Ann Reader <ann@school.example.edu>
Sender: School Library Media & Network Communications <LM_NET@LISTSERV.SYR.EDU>
Subject: TARGET-> Picture books about resilience for Year 5
Message-ID: <target1@school.example.edu>
Date: Mon, 2 Mar 2026 09:00:00 -0500

Hi all, I'm after picture books about resilience and growth mindset for a Year 5 unit.
Please reply privately; I'll post a HIT. TIA, Ann

From bob@school.example.edu Mon Mar  2 10:00:00 2026
From: Bob Shelver <bob@school.example.edu>
Sender: School Library Media & Network Communications <LM_NET@LISTSERV.SYR.EDU>
Subject: Out of Office: TARGET-> Picture books about resilience for Year 5
Message-ID: <ooo1@school.example.edu>
In-Reply-To: <target1@school.example.edu>
Auto-Submitted: auto-replied
Date: Mon, 2 Mar 2026 10:00:00 -0500

I am away until Monday.

From ann@school.example.edu Fri Mar  6 15:00:00 2026
From: Ann Reader <ann@school.example.edu>
Sender: School Library Media & Network Communications <LM_NET@LISTSERV.SYR.EDU>
Subject: HIT-> Picture books about resilience
Message-ID: <hit1@school.example.edu>
Date: Fri, 6 Mar 2026 15:00:00 -0500

Thanks to everyone who replied to my request for picture books on resilience for Year 5:
The Invisible String; After the Fall; The Dot; Ish; Jabari Jumps.

From cat@school.example.edu Tue Mar  3 11:00:00 2026
From: Cat Lister <cat@school.example.edu>
Sender: School Library Media & Network Communications <LM_NET@LISTSERV.SYR.EDU>
Subject: GEN: free shelving to a good home
Message-ID: <gen1@school.example.edu>
Date: Tue, 3 Mar 2026 11:00:00 -0500

We are refurbishing and have six bays of steel shelving free to collect.
`

func threadsByKeyword(t *testing.T, db string) map[string]map[string]any {
	t.Helper()
	_, out, _ := runCLI(t, "threads", "--json", "--db", db)
	got := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var th map[string]any
		if err := json.Unmarshal(sc.Bytes(), &th); err != nil {
			t.Fatal(err)
		}
		kw, _ := th["keyword"].(string)
		got[kw] = th
	}
	return got
}

func TestUnderstandingCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "l.db")
	mbox := writeFile(t, filepath.Join(dir, "lm_net.mbox"), lmnetMbox)
	if code, out, errOut := runCLI(t, "import", "--db", db, mbox); code != exitOK {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	th := threadsByKeyword(t, db)
	target, hit, gen := th["TARGET"], th["HIT"], th["GEN"]
	if target == nil || hit == nil || gen == nil {
		t.Fatalf("threads by keyword = %v; want TARGET, HIT and GEN threads", th)
	}
	if len(target["message_ids"].([]any)) != 2 {
		t.Errorf("TARGET thread messages = %v; want the request and the auto-reply", target["message_ids"])
	}
	if hit["answers"] != target["id"] || len(target["answered_by"].([]any)) != 1 || target["answered_by"].([]any)[0] != hit["id"] {
		t.Errorf("HIT answers %v, TARGET answered_by %v; want them linked (%v, %v)", hit["answers"], target["answered_by"], target["id"], hit["id"])
	}
	for kw, want := range map[string]string{"TARGET": "book-request", "HIT": "hit", "GEN": "sharing"} {
		if th[kw]["category"] != want {
			t.Errorf("%s thread category = %v; want %s", kw, th[kw]["category"], want)
		}
	}

	code, out, _ := runCLI(t, "explain", "--db", db, target["id"].(string))
	if code != exitOK || !strings.Contains(out, "category: book-request") || !strings.Contains(out, "noise, kept out of digests") ||
		!strings.Contains(out, "answered by HIT") {
		t.Errorf("explain TARGET: code %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "explain", "--db", db, "<hit1@school.example.edu>") // a Message-ID works too
	if code != exitOK || !strings.Contains(out, "answers TARGET thread "+target["id"].(string)) {
		t.Errorf("explain HIT: code %d\n%s", code, out)
	}

	// A correction sticks, retrains, and survives a reindex.
	code, out, errOut := runCLI(t, "categorize", "--db", db, gen["id"].(string), "classified")
	if code != exitOK {
		t.Fatalf("categorize: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "categorize", "--db", db, gen["id"].(string), "no-such-category"); code == exitOK || !strings.Contains(errOut, "no-such-category") {
		t.Errorf("categorize to an unknown category: code %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "reindex", "--db", db); code != exitOK {
		t.Fatalf("reindex: %s", errOut)
	}
	th = threadsByKeyword(t, db)
	if th["GEN"]["category"] != "classified" {
		t.Errorf("after reindex GEN thread category = %v; want the reader's classified", th["GEN"]["category"])
	}
	if th["HIT"]["answers"] != th["TARGET"]["id"] {
		t.Errorf("after reindex the HIT link is lost: %v", th["HIT"])
	}
	if code, out, _ := runCLI(t, "categories", "--db", db); code != exitOK || !strings.Contains(out, "book-request") || !strings.Contains(out, "kept out of digests") {
		t.Errorf("categories: code %d\n%s", code, out)
	}
}
