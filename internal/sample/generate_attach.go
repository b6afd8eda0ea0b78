package sample

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Attachments: made-up PDF, DOCX and JPEG files with the right magic bytes and structure
// markers and random contents, base64 encoded in a multipart/mixed message.

type attachInfo struct {
	name, mediaType string
	size            int
}

const (
	mediaPDF  = "application/pdf"
	mediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mediaJPEG = "image/jpeg"
)

// attachment describes post i's attachment (t.attach must be 1 or 2); it returns the random
// stream positioned after its draws, for the contents.
func (g corpus) attachmentDraws(i int, t traits) (attachInfo, *rand.Rand) {
	r := g.rng(i, streamAttach)
	r.Uint64() // the draw the tracking pixel uses
	var a attachInfo
	n := r.IntN(100)
	if t.attach == 2 {
		// Large: a photo of a display, or a scanned document, of about 200 KB.
		a.size = 180_000 + r.IntN(50_000)
		if n < 60 {
			a.mediaType, a.name = mediaJPEG, jpegNames[r.IntN(len(jpegNames))]
		} else {
			a.mediaType, a.name = mediaPDF, pdfNames[r.IntN(len(pdfNames))]
		}
		return a, r
	}
	// Small: a booklist, a rubric, a checklist, a small picture: 2-12 KB.
	a.size = 2_000 + r.IntN(10_000)
	switch {
	case n < 45:
		a.mediaType, a.name = mediaPDF, pdfNames[r.IntN(len(pdfNames))]
	case n < 80:
		a.mediaType, a.name = mediaDOCX, docxNames[r.IntN(len(docxNames))]
	default:
		a.mediaType, a.name = mediaJPEG, jpegNames[r.IntN(len(jpegNames))]
	}
	return a, r
}

func (g corpus) attachment(i int, t traits) attachInfo {
	a, _ := g.attachmentDraws(i, t)
	return a
}

// attachmentBytes makes the file: magic bytes, filler and an end marker.
func attachmentBytes(a attachInfo, r *rand.Rand) []byte {
	var head, tail string
	switch a.mediaType {
	case mediaPDF:
		head = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Filter/FlateDecode>>\nstream\n"
		tail = "\nendstream\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"
	case mediaDOCX:
		head = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01\x00\x00 \x05\x00\x00\x13\x00\x08\x02[Content_Types].xml"
		tail = "PK\x05\x06\x00\x00\x00\x00\x0b\x00\x0b\x00\xc1\x02\x00\x00\x1e\x8a\x00\x00\x00\x00"
	default:
		head = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00H\x00H\x00\x00\xff\xdb\x00C\x00"
		tail = "\xff\xd9"
	}
	b := make([]byte, 0, a.size)
	b = append(b, head...)
	for len(b)+8 <= a.size-len(tail) {
		x := r.Uint64()
		b = append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24), byte(x>>32), byte(x>>40), byte(x>>48), byte(x>>56))
	}
	return append(b, tail...)
}

// appendWithAttachment writes a multipart/mixed body: the text (plain, or an alternative
// with HTML), the attachment and, on OZTL_NET, Mailman's footer part.
func (g corpus) appendWithAttachment(b []byte, i int, t traits, c *content, enc bodyEnc, plain []byte, footer, boundary string) []byte {
	lm := g.style(i) == LMNet
	b = appendMultipartStart(b, "mixed", boundary, t.client.outlook())
	b = appendBoundary(b, boundary)
	text := plain
	if lm {
		text = append(plain, footer...)
	}
	if t.htmlAlt {
		alt := boundary + "_alt"
		b = appendMultipartStart(b, "alternative", alt, false)
		b = appendBoundary(b, alt)
		b = appendLeaf(b, "text/plain", enc, text)
		b = appendBoundary(b, alt)
		htmlFooter := ""
		if lm {
			htmlFooter = footer
		}
		b = appendLeaf(b, "text/html", enc, g.html(i, t, c, enc, htmlFooter))
		b = appendClose(b, alt)
		b = append(b, '\n')
	} else {
		b = appendLeaf(b, "text/plain", enc, text)
	}
	a, r := g.attachmentDraws(i, t)
	data := attachmentBytes(a, r)
	stamp := g.date(i).Add(-time.Duration(1+r.IntN(600)) * time.Minute).UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")
	b = appendBoundary(b, boundary)
	b = fmt.Appendf(b, "Content-Type: %s; name=\"%s\"\nContent-Description: %s\n"+
		"Content-Disposition: attachment; filename=\"%s\"; size=%d;\n\tcreation-date=\"%s\";\n\tmodification-date=\"%s\"\n"+
		"Content-Transfer-Encoding: base64\n\n", a.mediaType, a.name, a.name, a.name, len(data), stamp, stamp)
	b = appendBase64(b, data)
	b = append(b, '\n')
	if !lm {
		b = appendBoundary(b, boundary)
		b = append(b, ozFooterPart...)
	}
	return appendClose(b, boundary)
}
