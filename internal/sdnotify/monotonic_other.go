//go:build !linux

package sdnotify

func monotonicUsec() (int64, bool) { return 0, false }
