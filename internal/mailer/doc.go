// Package mailer delivers one finished RFC 5322 message: by SMTP submission ([SMTP]) or, for
// readers whose provider will not relay for us, by IMAP APPEND into their own mailbox
// ([IMAPAppend]). Both implement [Sender], which is all the scheduler sees; [IMAPAppend.Has]
// also finds an earlier copy by Message-ID, for deliveries resumed after a crash.
//
// # Transport security
//
// Every delivery runs on one connection dialled by this package, so the caller's context and
// a whole-delivery deadline (Timeout, 2 minutes by default) cover the dial, the TLS handshake,
// the greeting and every command: when either ends, the connection is closed and the pending
// read or write fails. The protocol libraries reset socket deadlines per command, so closing
// the connection is what enforces the budget.
//
//   - "starttls" (the default for SMTP) upgrades the plain connection and fails if the server
//     does not offer STARTTLS. There is no fallback to clear text: the password and the digest
//     would travel unprotected.
//   - "implicit" speaks TLS from the first byte (SMTP port 465, IMAP port 993; the IMAP default).
//   - "none" is clear text and only allowed to loopback: the host must be "localhost" or a
//     loopback address, and the connected peer must be a loopback address too.
//
// Certificates are always verified, against the system roots unless TLSConfig.RootCAs says
// otherwise; a TLSConfig asking to skip verification is refused.
//
// # Authentication
//
// With a Username, the secret is fetched from Secret for every delivery, so rotated passwords
// and short-lived OAuth tokens are picked up. "plain" uses SASL PLAIN (or LOGIN when a server
// offers only that; both send the password under TLS), "login" the LOGIN mechanism (the IMAP
// LOGIN command for [IMAPAppend]), and "xoauth2" the XOAUTH2 bearer-token mechanism of Gmail and
// Microsoft 365. Secrets never appear in errors or logs.
//
// # Errors
//
// Every failure is an [*Error] naming the server, the stage that failed and, where one helps,
// what the operator can do. [Temporary] says whether a later retry may succeed:
//
//   - temporary: SMTP 4xx replies, network errors (refused, reset, DNS), timeouts, a canceled
//     context, and failures this package cannot classify — a wrong "temporary" costs a few
//     bounded retries, a wrong "permanent" loses a digest;
//   - permanent: SMTP 5xx replies, refused logins, untrusted or mismatched certificates, a
//     server without STARTTLS in starttls mode, a server not speaking TLS in implicit mode, and
//     configuration the package cannot work with.
//
// An SMTP delivery with several recipients stops at the first refused RCPT, before DATA, so a
// failed delivery has reached nobody and retrying it cannot duplicate. The only ambiguous case
// is a connection lost after the message's final dot and before the server's reply: it is
// reported as temporary, and a retry may deliver a second copy, as with any SMTP client.
package mailer
