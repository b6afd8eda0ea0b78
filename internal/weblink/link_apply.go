package weblink

import (
	"context"
	"net/http"
)

// applyLink is POST /l/{token}: the button on the confirmation page. The signed token is the
// whole authorisation, so the form body is not read.
func (h *handler) applyLink(w http.ResponseWriter, r *http.Request) {
	c, ok := h.verify(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), applyTimeout)
	defer cancel()
	subject, err := h.store.Apply(ctx, c)
	if err != nil {
		h.log.Error("apply link", "thread_id", c.Thread, "action", string(c.Action), "error", err)
		h.render(w, internalErrorPage())
		return
	}
	h.log.Info("apply link", "thread_id", c.Thread, "action", string(c.Action))
	h.render(w, appliedPage(c, subject, h.signer.now()))
}
