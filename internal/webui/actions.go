package webui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"listdigest/internal/store"
)

// act applies one action to a thread for the reader and goes back where the form was (POST,
// redirect, GET), so a reload never repeats it. Actions are idempotent anyway.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, v *view) {
	d, ok := h.loadThread(w, r, v)
	if !ok {
		return
	}
	ctx, who, key := r.Context(), v.Reader.Recipient.Address, d.Key
	var err error
	switch action := r.PathValue("action"); action {
	case "flag":
		o := store.FlagOptions{Source: "web"}
		if r.PostForm.Has("note") {
			note := strings.TrimSpace(r.PostFormValue("note"))
			o.Note = &note
		}
		err = h.o.Store.SetFlag(ctx, who, key, o)
	case "unflag":
		err = h.o.Store.Unflag(ctx, who, key)
	case "done":
		err = h.o.Store.MarkDone(ctx, who, key)
		if errors.Is(err, store.ErrNotFlagged) {
			err = nil // done with a thread never flagged: nothing left to do
		}
	case "remind":
		// A reminder date is a day in the reader's calendar; the thread resurfaces in the
		// first digest after that day's early morning.
		day, perr := time.ParseInLocation("2006-01-02", r.PostFormValue("date"), v.loc())
		if perr != nil {
			h.errorPage(w, r, v, http.StatusBadRequest, "That is not a date.", "Pick a date like 2026-11-24.")
			return
		}
		if !day.After(h.o.Now()) {
			h.errorPage(w, r, v, http.StatusBadRequest, "A reminder needs a date in the future.", "Pick a later date.")
			return
		}
		at := day.Add(time.Hour)
		err = h.o.Store.SetFlag(ctx, who, key, store.FlagOptions{RemindAt: &at, Source: "web"})
	case "read":
		err = h.o.Store.MarkRead(ctx, who, key)
	case "unread":
		err = h.o.Store.MarkUnread(ctx, who, key)
	case "category":
		slug := r.PostFormValue("category")
		if _, ok := h.o.Store.Taxonomy().Category(slug); !ok {
			h.errorPage(w, r, v, http.StatusBadRequest, "That is not a category.", "Pick one from the list.")
			return
		}
		err = h.o.Store.SetCategory(ctx, key, slug)
	default:
		h.errorPage(w, r, v, http.StatusNotFound, "No such action.", "")
		return
	}
	if err != nil {
		h.internalError(w, r, v, err)
		return
	}
	h.o.Log.Info("web action", "reader", who, "thread_id", key, "action", r.PathValue("action"))
	back := localPath(r.PostFormValue("return"))
	if back == "" {
		back = "/t/" + key
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
