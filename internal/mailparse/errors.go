package mailparse

import "errors"

// Sentinel errors classify the problems Parse reports. The error Parse returns joins
// one error per problem; test for a class with errors.Is.
var (
	// ErrMalformedHeader reports header lines that were dropped or a header block
	// whose end had to be guessed.
	ErrMalformedHeader = errors.New("malformed header")
	// ErrMalformedMIME reports a MIME structure that could not be followed: missing
	// boundaries, nesting or part-count limits.
	ErrMalformedMIME = errors.New("malformed MIME structure")
	// ErrUnknownCharset reports text in a charset Parse cannot decode; it was read as
	// UTF-8, with invalid bytes taken as windows-1252.
	ErrUnknownCharset = errors.New("unknown charset")
	// ErrUnknownEncoding reports a Content-Transfer-Encoding Parse does not implement;
	// the raw bytes were used.
	ErrUnknownEncoding = errors.New("unknown transfer encoding")
	// ErrBadDate reports a Date header that could not be parsed or was absurd.
	ErrBadDate = errors.New("bad date")
	// ErrPanic reports a bug: Parse recovered from a panic and returned what it had.
	ErrPanic = errors.New("internal error")
)

// defect is one problem found while parsing. Its text names where the problem is and
// what it is (`part 2: unknown transfer encoding "x-uue"`); it unwraps to its class.
type defect struct {
	where string
	what  string
	class error
}

func (d *defect) Error() string { return d.where + ": " + d.what }

func (d *defect) Unwrap() error { return d.class }
