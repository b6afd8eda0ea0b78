// Package weblink makes and serves the one-click links in a digest: flag a thread for
// follow-up, mark it done, or snooze it. A link is a bearer credential: there is no login,
// cookie or session, and whoever holds a link may do exactly what it says (one action, on one
// thread, for one recipient) until it expires.
//
// # Tokens
//
// A link is BaseURL + "/l/" + token, with token = base64url(payload) + "." +
// base64url(HMAC-SHA-256(key, payload)), both unpadded. The payload is compact binary, about
// 60 bytes for a typical link:
//
//	version (1 byte) | action (1 byte) | expires (uvarint, Unix seconds) |
//	snooze (uvarint, seconds) | len(thread) (uvarint) | thread | recipient
//
// Invariants:
//
//   - Every claim is covered by the MAC. [Signer.Verify] compares MACs in constant time and
//     only then parses the payload, so no unauthenticated bytes are ever interpreted.
//   - A set of claims has exactly one token: Verify accepts only canonical base64 and a
//     payload that re-encodes to itself, so the only tokens it accepts are ones [Signer.URL]
//     made, byte for byte. Any edit, even one that decodes to the same bytes, is refused.
//   - Expired links are reported as expired only once their signature has been checked, so
//     the 410 page never confirms anything about a forged link.
//   - Expires and Snooze travel with one-second precision.
//   - The payload is signed, not encrypted: anyone who sees a link can read the recipient and
//     thread id in it (but cannot change them).
//   - The key is the daemon's alone ([LoadOrCreateKey], mode 0600). Replacing it invalidates
//     every outstanding link, which is also how to revoke them all.
//
// # Why GET asks and POST acts
//
// Mail security scanners (Outlook Safe Links, antivirus gateways) and link previewers fetch
// every URL in a message, often before the reader opens it. A link that acted on GET would
// flag, finish or snooze every thread in the digest on delivery. So GET /l/{token} never
// changes anything: it shows a small page naming the thread ("Flag “Year 5 books on
// resilience” for follow-up?") with a single button, a plain HTML form that POSTs to the same
// URL, with no JavaScript. Only POST /l/{token} calls [Store.Apply]. To the reader this is
// still one click, on the button, and a prefetch cannot change anything. A scanner that drives
// a whole browser and presses buttons could still act; every action is idempotent and easily
// undone, which bounds the harm.
//
// No CSRF token, cookie or Origin/Referer check is needed: the signed URL is itself the
// authorisation, bound to recipient, thread and action, and another site can only make a
// browser post to it if it already has the token. The pages send Referrer-Policy:
// no-referrer so the token never leaks in a Referer header, and no page, log line or error
// message ever contains the raw token.
//
// # Pages and statuses
//
//   - 200: the confirmation page (GET) or the result ("Flagged.", "Done.", "Snoozed until Thu
//     12 Mar.") after POST.
//   - 400: a malformed or tampered link; 410 Gone: an expired one. Both say what happened and
//     what to do instead, and change nothing.
//   - 500: a store failure or a misconfigured signer, with a generic message; the internal
//     error goes to the log only.
//   - 404: everything except GET and POST on /l/{token} and GET /healthz (which answers "ok").
//
// Pages are minimal semantic HTML with inline CSS for light and dark schemes; every string is
// escaped by html/template and thread subjects are shown isolated in <bdi>. Every response
// carries a strict Content-Security-Policy (no scripts, no remote resources, forms only to
// this origin, no framing), X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer and
// Cache-Control: no-store.
package weblink
