package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ByteSize is a size in bytes. In YAML it is a plain number of bytes or a number with a
// unit: "25MB", "10 MiB", "512 KB", "1.5GB". Units are case-insensitive and binary: KB and
// KiB both mean 1024 bytes, MB and MiB 1024², GB and GiB 1024³, which matches how mail
// software and mailparse.DefaultMaxSize count.
type ByteSize int64

// Byte size units.
const (
	// B is one byte.
	B ByteSize = 1
	// KB is a kilobyte, 1024 bytes.
	KB ByteSize = 1 << 10
	// MB is a megabyte, 1024 KB.
	MB ByteSize = 1 << 20
	// GB is a gigabyte, 1024 MB.
	GB ByteSize = 1 << 30
)

var byteUnits = map[string]ByteSize{
	"": B, "b": B,
	"k": KB, "kb": KB, "kib": KB,
	"m": MB, "mb": MB, "mib": MB,
	"g": GB, "gb": GB, "gib": GB,
}

// ParseByteSize parses a size such as "25MB", "10 MiB" or "1048576".
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := byteUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("invalid size %q: use a number of bytes, or a number and a unit (KB, MB, GB; KiB, MiB, GiB), e.g. 25MB", s)
	}
	if !strings.Contains(num, ".") {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n > math.MaxInt64/int64(mult) {
			return 0, fmt.Errorf("invalid size %q: too large", s)
		}
		return ByteSize(n) * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: %q is not a number", s, num)
	}
	f *= float64(mult)
	if f >= math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return ByteSize(f), nil
}

// UnmarshalYAML implements yaml.Unmarshaler, accepting what [ParseByteSize] accepts.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: must be a size such as 25MB, not a %s", n.Line, kindName(n.Kind))}}
	}
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*b = v
	return nil
}

// MarshalYAML implements yaml.Marshaler, writing the form String returns.
func (b ByteSize) MarshalYAML() (any, error) { return b.String(), nil }

// String formats the size with the largest unit that divides it exactly: "25MB", "1536KB",
// "1000B".
func (b ByteSize) String() string {
	for _, u := range []struct {
		size ByteSize
		name string
	}{{GB, "GB"}, {MB, "MB"}, {KB, "KB"}} {
		if b != 0 && b%u.size == 0 {
			return strconv.FormatInt(int64(b/u.size), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	default:
		return "value"
	}
}
