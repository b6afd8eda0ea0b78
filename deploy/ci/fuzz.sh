#!/usr/bin/env bash
# Runs every fuzz target of the module for a short while, one after another, and stops at the
# first failure, saying where Go wrote the failing input.
#
#   deploy/ci/fuzz.sh                     # every package of the module
#   deploy/ci/fuzz.sh ./internal/thread   # only these packages (go list patterns)
#
# Environment:
#   FUZZTIME          how long each target fuzzes (go test -fuzztime; default 10s)
#   FUZZMINIMIZETIME  how long Go may spend shrinking a failing input (default 30s)
#   FUZZTIMEOUT       go test -timeout per target (default FUZZTIME plus 10 minutes when FUZZTIME
#                     is a plain number of s, m or h; otherwise 0, no limit)
#
# Targets are discovered with `go test -list '^Fuzz'`, so a new one is picked up without
# editing this script. `go test -fuzz` takes one package and one target at a time, and uses
# every core for its workers, so targets run one at a time. A failing input is written to the
# package's testdata/fuzz/FuzzX/ directory: commit it as a regression seed with the fix (plain
# `go test` then runs it every time).
set -euo pipefail
cd "$(dirname "$0")/../.."

FUZZTIME=${FUZZTIME:-10s}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-30s}
if [ -z "${FUZZTIMEOUT:-}" ]; then
	FUZZTIMEOUT=0
	if [[ $FUZZTIME =~ ^([0-9]+)([smh])$ ]]; then
		n=${BASH_REMATCH[1]}
		case ${BASH_REMATCH[2]} in
		s) secs=$n ;;
		m) secs=$((n * 60)) ;;
		h) secs=$((n * 3600)) ;;
		esac
		FUZZTIMEOUT="$((secs + 600))s"
	fi
fi

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

# Discovery: `go test -list` prints the matching names of a package, then a line
# "ok  <import path>  <time>" (or "?  <path>  [no test files]").
echo "fuzz: listing fuzz targets in ${pkgs[*]}"
if ! list=$(go test -list '^Fuzz' "${pkgs[@]}"); then
	echo "fuzz: go test -list failed (see above): the tests do not build" >&2
	exit 1
fi
targets=() # "import/path FuzzName"
names=()
while IFS= read -r line; do
	case $line in
	Fuzz*) names+=("$line") ;;
	ok* | "?"*)
		pkg=$(awk '{print $2}' <<<"$line")
		for n in "${names[@]+"${names[@]}"}"; do
			targets+=("$pkg $n")
		done
		names=()
		;;
	esac
done <<<"$list"
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${FUZZTIME} each"

module=$(go list -m)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	rel=./${pkg#"$module"/}
	[ "$pkg" = "$module" ] && rel=.
	start=$SECONDS
	if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" \
		-timeout "$FUZZTIMEOUT" "$rel" >"$log" 2>&1; then
		# The last progress line: "fuzz: elapsed: 10s, execs: 123456 (12345/sec), new interesting: 3 (total: 99)".
		stats=$(grep -o 'execs: [0-9]*.*' "$log" | tail -n 1 || true)
		printf 'fuzz: PASS %-28s %-24s %4ds  %s\n' "$rel" "$name" $((SECONDS - start)) "${stats:-no progress line}"
		passed=$((passed + 1))
		continue
	fi
	printf 'fuzz: FAIL %-28s %-24s %4ds\n' "$rel" "$name" $((SECONDS - start))
	echo "---- go test output (last 60 lines, long lines cut) ----"
	tail -n 60 "$log" | cut -c 1-2000
	echo "----"
	# "Failing input written to testdata/fuzz/FuzzX/<hash>" is relative to the package directory.
	input=$(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$log" | tail -n 1)
	# A seed that fails before fuzzing starts: "failure while testing seed corpus entry: FuzzX/<name>".
	seed=$(sed -n 's/.*failure while testing seed corpus entry: \([^ ]*\).*/\1/p' "$log" | tail -n 1)
	if [ -n "$input" ]; then
		dir=$(go list -f '{{.Dir}}' "$rel")
		echo "fuzz: failing input written to ${dir#"$PWD"/}/$input (commit it with the fix, as a regression seed)"
		echo "fuzz: reproduce with: go test -run '^${name}\$/^$(basename "$input")\$' $rel"
	elif [ -n "$seed" ]; then
		echo "fuzz: a seed input fails: $seed (f.Add seeds are named seed#N; others are files in testdata/fuzz/$name/)"
		echo "fuzz: reproduce with: go test -run '^${name}\$' $rel"
	else
		echo "fuzz: no failing input was written (a build error, a timeout or a crash before fuzzing?)"
	fi
	exit 1
done
echo "fuzz: all ${passed} targets passed (${FUZZTIME} each)"
