// Package sample generates realistic school-librarian list mail: LM_NET on LISTSERV and
// OZTL_NET on Mailman, with TARGET/HIT/GEN posts, replies, quoting, footers and signatures.
// It is deterministic for a given index and options. The demo runs on it, and the test suites
// load real servers with it; it is not the evaluation data, which is written separately.
package sample
