package gist

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fixtures are written for this package in the shapes school-library list mail takes
// (DOMAIN.md); names, schools and addresses are invented (example.* domains).

const lmnetReply = `Our district switched to Destiny two years ago and we are very happy with it.
The circulation reports are easy to run and support answers quickly.

Jane Smith, Library Media Specialist
Lincoln Middle School
Springfield, IL
jsmith@lincoln.example.k12.il.us

All LM_NET postings are protected by copyright law.
To change your subscription options, visit http://lmnet.example.com/subscribing/
To quit LM_NET (or set NOMAIL or DIGEST) send email to listserv@listserv.example.edu
with the message SIGNOFF LM_NET
`

const oztlGmailReply = `We use Oliver v5 too and love it. Happy to show you around if you're in Brisbane.

Cheers, Kate

On Tue, 3 Mar 2026 at 09:14, Lyn Brown via OZTL_NET <oztl_net@lists.example.edu.au> wrote:

> Hi all,
> Is anyone using Oliver v5? We are thinking of switching from Accessit.
> TIA
> Lyn
> _______________________________________________
> OZTL_NET mailing list
> OZTL_NET@lists.example.edu.au
> https://lists.example.edu.au/mailman/listinfo/oztl_net
_______________________________________________
OZTL_NET mailing list
OZTL_NET@lists.example.edu.au
https://lists.example.edu.au/mailman/listinfo/oztl_net
`

const outlookDisclaimer = "Hi Sue,\r\n\r\nWe ran a similar reading challenge last year. Happy to share our planning documents.\r\n\r\n" +
	"Regards,\r\nMark Jones\r\nTeacher Librarian | St Mary's College\r\nPh: 03 9555 1234\r\n\r\n" +
	"This email and any attachments are confidential and may be privileged. If you are not the intended\r\n" +
	"recipient, please notify the sender and delete it.\r\n" +
	"Please consider the environment before printing this email.\r\n\r\n" +
	"From: Sue Brown <sbrown@example.vic.edu.au>\r\nSent: Tuesday, 3 March 2026 9:14 AM\r\n" +
	"To: OZTL_NET <oztl_net@lists.example.edu.au>\r\nSubject: Reading challenge ideas\r\n\r\n" +
	"Hi all, has anyone run a Premier's Reading Challenge launch event?\r\n"

const ipadReply = `Yes! The author visit was wonderful, highly recommend.

Sent from my iPad

> On 3 Mar 2026, at 9:14 am, Sue Brown <sue@example.org> wrote:
>
> Has anyone had Andy Griffiths visit their school?
`

const inlineReply = `Hi Tom,

> 1. How many students per session?
About 25, one class at a time.

> 2. Do you charge for the service?
No, it is free for member schools.

Thanks,
Ann
`

const hitCompilation = `Thanks to everyone who replied! Here is the list:

- Amulet by Kazu Kibuishi
- Bone by Jeff Smith
- New Kid by Jerry Craft
- El Deafo by Cece Bell

One colleague wrote:
> Dog Man is still the most borrowed series in our library.

Jane Smith
Teacher Librarian, Riverside High School
`

const germanOutlook = `Vielen Dank für die Liste, sehr hilfreich!

Mit freundlichen Grüßen
Anna Müller

Von: Peter Schmidt <p.schmidt@example.de>
Gesendet: Dienstag, 3. März 2026 09:14
An: bibliothek@lists.example.de
Betreff: Leseliste Klasse 5

Hallo zusammen, kennt jemand gute Bücher für Klasse 5?
`

const frenchOutlook = "Merci, c'est parfait.\n\n" +
	"De\u00a0: Marie Dupont <marie.dupont@example.fr>\n" +
	"Envoyé\u00a0: mardi 3 mars 2026 09:14\n" +
	"À\u00a0: liste@example.fr\n" +
	"Objet\u00a0: Prix des Incorruptibles\n\n" +
	"Bonjour à tous, qui participe au prix cette année ?\n"

const owaReply = `Count me in for the August workshop.

Get Outlook for iOS<https://aka.ms/o0ukef>
________________________________
From: AISLE <aisle@lists.example.org> on behalf of Pat Kulesza <pkulesza@example.org>
Sent: Saturday, August 7, 2021 10:18 AM
To: aisle@lists.example.org
Subject: [aisle] Library plans

Who is coming to the planning workshop?
`

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want, sig string
	}{
		{"LM_NET reply with ID block and LISTSERV footer", lmnetReply,
			"Our district switched to Destiny two years ago and we are very happy with it.\nThe circulation reports are easy to run and support answers quickly.",
			"Jane Smith, Library Media Specialist\nLincoln Middle School\nSpringfield, IL\njsmith@lincoln.example.k12.il.us"},
		{"OZTL_NET Gmail reply quoting the whole message and footer", oztlGmailReply,
			"We use Oliver v5 too and love it. Happy to show you around if you're in Brisbane.", "Cheers, Kate"},
		{"Outlook top-post with disclaimer, CRLF", outlookDisclaimer,
			"Hi Sue,\n\nWe ran a similar reading challenge last year. Happy to share our planning documents.",
			"Regards,\nMark Jones\nTeacher Librarian | St Mary's College\nPh: 03 9555 1234"},
		{"iPad reply", ipadReply, "Yes! The author visit was wonderful, highly recommend.", "Sent from my iPad"},
		{"inline reply keeps the answers", inlineReply,
			"Hi Tom,\n\nAbout 25, one class at a time.\n\nNo, it is free for member schools.", "Thanks,\nAnn"},
		{"HIT list lines stay, quoted answer and its attribution go", hitCompilation,
			"Thanks to everyone who replied! Here is the list:\n\n- Amulet by Kazu Kibuishi\n- Bone by Jeff Smith\n- New Kid by Jerry Craft\n- El Deafo by Cece Bell",
			"Jane Smith\nTeacher Librarian, Riverside High School"},
		{"German Outlook header", germanOutlook, "Vielen Dank für die Liste, sehr hilfreich!", "Mit freundlichen Grüßen\nAnna Müller"},
		{"French Outlook header with no-break spaces", frenchOutlook, "Merci, c'est parfait.", ""},
		{"Outlook web underscores and Get Outlook for iOS", owaReply, "Count me in for the August workshop.", "Get Outlook for iOS<https://aka.ms/o0ukef>"},
		{"Original Message", "Agreed, see you there.\n\n-----Original Message-----\nFrom: Bob\nSent: Monday\nTo: list\nSubject: meeting\n\nMeeting at 4?\n",
			"Agreed, see you there.", ""},
		{"German Gmail attribution", "Gerne, ich schicke die Liste.\n\nAm Di., 3. März 2026 um 09:14 Uhr schrieb Peter Schmidt <\np.schmidt@example.de>:\n\n> Hat jemand eine Liste?\n",
			"Gerne, ich schicke die Liste.", ""},
		{"Dutch attribution", "Ja, graag.\n\nOp 3 mrt. 2026 om 09:14 schreef Jan de Vries <jan@example.nl>:\n\n> Wie komt er?\n", "Ja, graag.", ""},
		{"Spanish attribution", "Sí, por supuesto.\n\nEl mar, 3 mar 2026 a las 9:14, Ana García (<ana@example.es>) escribió:\n> ¿Alguien tiene la lista?\n", "Sí, por supuesto.", ""},
		{"Italian attribution", "Certo.\n\nIl giorno mar 3 mar 2026 alle ore 09:14 Luca <luca@example.it> ha scritto:\n> Chi viene?\n", "Certo.", ""},
		{"Polish attribution", "Tak.\n\nW dniu 3.03.2026 o 09:14, Jan Kowalski <jan@example.pl> napisał:\n> Kto przyjdzie?\n", "Tak.", ""},
		{"forward with text above is cut", "Please see the conference details below, early bird ends Friday.\n\nBegin forwarded message:\n\nFrom: SLAV <info@example.org>\nSubject: Conference\n\nProgram attached.\n",
			"Please see the conference details below, early bird ends Friday.", ""},
		{"forward with only FYI is kept", "FYI\n\n---------- Forwarded message ---------\nFrom: SLAV <info@example.org>\nDate: Tue, 3 Mar 2026 at 09:14\nSubject: Conference\nTo: Kate <kate@example.org>\n\nEarly bird registration closes on Friday.\n",
			"FYI\n\n---------- Forwarded message ---------\nFrom: SLAV <info@example.org>\nDate: Tue, 3 Mar 2026 at 09:14\nSubject: Conference\nTo: Kate <kate@example.org>\n\nEarly bird registration closes on Friday.", ""},
		{"sign-off and name", "We loved it.\n\nThanks,\nJane\n", "We loved it.", "Thanks,\nJane"},
		{"sign-off with name, title, school", "Happy to help with the rubric.\nCheers, Jane Smith\nTeacher Librarian\nSt Mary's College\n",
			"Happy to help with the rubric.", "Cheers, Jane Smith\nTeacher Librarian\nSt Mary's College"},
		{"no signature: nothing removed", "The book fair runs all week.\n\nParents are welcome after school.\n",
			"The book fair runs all week.\n\nParents are welcome after school.", ""},
		{"thanks for your help is text", "Thanks for your help with the grant application!\n", "Thanks for your help with the grant application!", ""},
		{"delimiter signature with long disclaimer", "See attached.\n\n-- \nKate Lee\nHead of Library\n\nCONFIDENTIALITY NOTICE: This message is for the named person only.\n",
			"See attached.", "--\nKate Lee\nHead of Library"},
		{"external banner at top", "CAUTION: This email originated from outside of the organization. Do not click links.\n\nThe new catalogue goes live Monday.\n",
			"The new catalogue goes live Monday.", ""},
		{"Google Groups footer", "Count me in.\n\n--\nYou received this message because you are subscribed to the Google Groups \"TL chat\" group.\nTo unsubscribe from this group and stop receiving emails from it, send an email to tl-chat+unsubscribe@example.com.\n",
			"Count me in.", ""},
		{"unsubscribe message is nothing", "unsubscribe\n", "", ""},
		{"quote only", "> just quoting\n> nothing else\n", "", ""},
		{"empty", "", "", ""},
		{"dash list at the end is not a signature", "Favourites this term:\n\n- Wonder\n- Holes\n", "Favourites this term:\n\n- Wonder\n- Holes", ""},
		{"short dash name is a signature", "Sounds good to me!\n\n-Ann\n", "Sounds good to me!", "-Ann"},
		{"question on the last line is text", "Jane Smith asked me to forward this.\n\nCan anyone help her?\n", "Jane Smith asked me to forward this.\n\nCan anyone help her?", ""},
		{"times are not an Outlook header", "Sessions run\nFrom: 3:30pm\nTo: 5pm\nDate: every Tuesday\n\nSee you there.\n",
			"Sessions run\nFrom: 3:30pm\nTo: 5pm\nDate: every Tuesday\n\nSee you there.", ""},
		{"a lone title after a colon is text", "Here is my pick:\n\nWonder\n", "Here is my pick:\n\nWonder", ""},
		{"P.S. after the sign-off keeps it all", "Thanks,\nJane\n\nP.S. The book is great.\n", "Thanks,\nJane\n\nP.S. The book is great.", ""},
		{"header block over a quote, answer below", "From: Sue <sue@example.org>\nDate: 3/3/26 9:14 AM\n\n> Any weeding tips?\n\nStart with the 600s.\n",
			"Start with the 600s.", ""},
		{"supercite and | quoting", "* Sue Brown\n| Sue Brown <sue@example.org> wrote:\n| > Who has a laminator?\n|\n| We do.\n\nWe have two, both free on Fridays.\n",
			"We have two, both free on Fridays.", ""},
		{"a table is not a quote", "Our loans this term:\n\n| Year | Loans |\n| 7 | 310 |\n\nUp on last year.\n",
			"Our loans this term:\n\n| Year | Loans |\n| 7 | 310 |\n\nUp on last year.", ""},
		{"a dated sentence above a bare attribution stays", "On 3 March we meet in the library.\nJane wrote:\n> Where do we meet?\n",
			"On 3 March we meet in the library.", ""},
		{"On in prose is not an attribution", "On Monday we start the reading challenge.\nOn Friday, Sue wrote: the list is ready.\n",
			"On Monday we start the reading challenge.\nOn Friday, Sue wrote: the list is ready.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Clean(tc.in); got != tc.want {
				t.Errorf("Clean =\n%q\nwant\n%q", got, tc.want)
			}
			if got := Signature(tc.in); got != tc.sig {
				t.Errorf("Signature =\n%q\nwant\n%q", got, tc.sig)
			}
		})
	}
}

// TestCleanLineEnds checks that CRLF, CR and LF input give the same result.
func TestCleanLineEnds(t *testing.T) {
	for _, in := range []string{lmnetReply, oztlGmailReply, inlineReply, germanOutlook} {
		lf := Clean(in)
		if got := Clean(strings.ReplaceAll(in, "\n", "\r\n")); got != lf {
			t.Errorf("CRLF differs:\n%q\n%q", got, lf)
		}
		if got := Clean(strings.ReplaceAll(in, "\n", "\r")); got != lf {
			t.Errorf("CR differs:\n%q\n%q", got, lf)
		}
	}
}

// TestInvalidUTF8 checks that invalid input gives valid output and no panic.
func TestInvalidUTF8(t *testing.T) {
	in := "Gr\xfc\xdfe aus der Bibliothek\xff\n\nAm 3.3.2026 schrieb X <x@example.de>:\n> \xe2\x28\xa1\n"
	for _, out := range []string{Clean(in), Signature(in), Gist("Re: \xff", in, 10), School(in, "x@\xff.edu")} {
		if !utf8.ValidString(out) {
			t.Errorf("invalid UTF-8 out: %q", out)
		}
	}
	if got := Clean(in); !strings.HasPrefix(got, "Gr") || strings.Contains(got, "schrieb") {
		t.Errorf("Clean = %q", got)
	}
}

// FuzzClean checks the invariants on arbitrary input: no panic, valid UTF-8, and
// Clean never adds text of its own.
func FuzzClean(f *testing.F) {
	for _, s := range []string{lmnetReply, oztlGmailReply, outlookDisclaimer, ipadReply, inlineReply,
		hitCompilation, germanOutlook, frenchOutlook, owaReply, "", ">", "--", "On 1:1 a wrote:", "\r\r\n\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := Clean(in)
		s := Signature(in)
		g := Gist("Re: TARGET-> x", in, 12)
		sc := School(in, "a@b.edu.au")
		for _, out := range []string{c, s, g, sc} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8: %q", out)
			}
		}
		if words(g) > 12 {
			t.Fatalf("Gist over budget: %q", g)
		}
		norm := strings.ToValidUTF8(strings.ReplaceAll(in, "\r", "\n"), "\uFFFD")
		for _, l := range strings.Split(c, "\n") {
			if l != "" && !strings.Contains(norm, strings.TrimSpace(l)) {
				t.Fatalf("Clean line %q not in input", l)
			}
		}
	})
}

// TestLinearTime feeds large adversarial inputs, each built to defeat one shortcut
// (many delimiters, phone signatures, attributions, header lines, forwards in a
// forward, abbreviations), and checks that each is handled in well under a second.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	rep := func(s string, n int) string { return strings.Repeat(s, n) }
	// About 300 KB each: a quadratic path takes minutes on these, a linear one
	// milliseconds (a little more under -race).
	inputs := map[string]string{
		"delimiters":        "Hello\n" + rep("--\n", 20000),
		"phone signatures":  "Hello\n" + rep("Sent from my iPhone\n\n\n\n", 10000),
		"attributions":      rep("On 1/2/2003, Jane <j@example.com> wrote:\nsome text\n", 6000),
		"header lines":      rep("From: a@example.com\n", 15000),
		"forward headers":   rep("Hi all,\n\n", 6000) + rep("From: a@example.com\nSent: Monday\nTo: b\nSubject: c\n\n", 6000),
		"abbreviations":     rep("Mr. ", 75000) + "Smith.",
		"colons and blanks": rep("a:\n\n\n", 20000),
		"one long line":     rep("a@b ", 75000),
		"wrapped quotes":    rep("> "+rep("x", 70)+"\nwrapped\n", 4000) + "answer\n",
		"names":             "Text.\n\n" + rep("Jane Smith\n\n", 25000),
	}
	for name, in := range inputs {
		start := time.Now()
		_ = Clean(in)
		_ = Signature(in)
		_ = Gist("Fwd: x", in, 25)
		_ = Gist("HIT-> x", in, 25)
		_ = School(in, "a@b.edu")
		// A runaway (quadratic or worse) takes minutes on these inputs; a busy CI machine
		// under -race takes seconds. Speed itself is BenchmarkClean's business.
		if el := time.Since(start); el > 30*time.Second {
			t.Errorf("%s (%d KB): %v", name, len(in)/1024, el)
		} else {
			t.Logf("%s (%d KB): %v", name, len(in)/1024, el)
		}
	}
}
