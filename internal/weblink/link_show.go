package weblink

import (
	"context"
	"net/http"
)

// showLink is GET (and HEAD) /l/{token}: the confirmation page. It never calls Store.Apply,
// because mail scanners fetch every link in a digest; see the package doc.
func (h *handler) showLink(w http.ResponseWriter, r *http.Request) {
	c, ok := h.verify(w, r)
	if !ok {
		return
	}
	h.render(w, confirmPage(c, h.preview(r.Context(), c), h.signer.now()))
}

// preview returns the thread's subject when the store can tell it without changing anything,
// or "" so the page says "this thread": a failed lookup should not hide the button, and the
// POST reports any real problem.
func (h *handler) preview(ctx context.Context, c Claims) string {
	p, ok := h.store.(Previewer)
	if !ok {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, previewTimeout)
	defer cancel()
	subject, err := p.Subject(ctx, c)
	if err != nil {
		h.log.Warn("preview link", "thread_id", c.Thread, "action", string(c.Action), "error", err)
		return ""
	}
	return subject
}
