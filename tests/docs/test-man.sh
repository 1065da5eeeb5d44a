#!/bin/bash
# test-man.sh PAGE...: the built manual pages render without a single groff warning, have their
# sections, and name what the code has: every command and option (tests/docs/commands.sh), every
# option literal hook/main.c compares, every environment variable the hook reads, every
# io.ocilink.* annotation links/annotations.h defines.
#
#   OCILINK_SRC  the source tree
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/commands.sh"
: "${OCILINK_SRC:?}"
[ $# -gt 0 ] || { echo "usage: test-man.sh PAGE..." >&2; exit 2; }
T=$(mktemp -d /tmp/ocilink-man.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
checks=0

ok() { checks=$((checks + 1)); printf 'ok - %s\n' "$*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'not ok - %s\n' "$*"; }

# The groff warnings of rendering PAGE as a terminal of 80 columns would (man-db's default set).
warnings() { MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null; }
# PAGE as plain text, with lines long enough that no word is hyphenated.
text() { MANWIDTH=2000 man -l "$1" 2>/dev/null | col -b; }

# The check itself must be able to fail: a page with an undefined macro.
printf '.TH BROKEN 1\n.SH NAME\nbroken \\- a page\n.XX undefined\n' >"$T/broken.1"
w=$(warnings "$T/broken.1")
if grep -q "macro 'XX' not defined" <<<"$w"; then
	ok "the warning check sees a broken page: $w"
else
	bad "a broken page rendered without the expected warning: '$w'"
fi

names() { # TEXT WHAT WORD...: each WORD appears in TEXT
	local txt=$1 what=$2 missing=()
	shift 2
	for word in "$@"; do
		grep -qF -- "$word" <<<"$txt" || missing+=("$word")
	done
	if [ ${#missing[@]} = 0 ]; then ok "$what ($#)"; else bad "$what: missing ${missing[*]}"; fi
}

for page in "$@"; do
	base=$(basename "$page")
	[ -s "$page" ] || { bad "$base: no such page, or empty"; continue; }
	w=$(warnings "$page")
	if [ -z "$w" ]; then ok "$base renders without warnings"; else bad "$base: $w"; fi
	txt=$(text "$page")
	[ -n "$txt" ] || { bad "$base renders to nothing"; continue; }
	case "$base" in
	ocilink-hook.1)
		names "$txt" "$base: sections" NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS "EXIT STATUS" \
			ENVIRONMENT FILES EXAMPLES "SEE ALSO"
		names "$txt" "$base: every command" "${OCL_COMMANDS[@]}"
		opts=()
		for c in "${OCL_COMMANDS[@]}"; do
			# shellcheck disable=SC2206
			opts+=(${OCL_OPTIONS[$c]})
		done
		names "$txt" "$base: every command option" "${opts[@]}"
		names "$txt" "$base: every global option" $OCL_GLOBAL_OPTIONS
		mapfile -t lits < <(grep -oE 'STREQ\(a, "-[-a-z]+"\)|"--[a-z-]+="' "$OCILINK_SRC/hook/main.c" |
			grep -oE -- '-[-a-z]+=?' | sort -u)
		names "$txt" "$base: every option literal of hook/main.c" "${lits[@]}"
		mapfile -t envs < <(grep -ohE 'secure_getenv\("[A-Z0-9_]+"\)' "$OCILINK_SRC"/hook/*.c |
			grep -oE '[A-Z0-9_]{3,}' | sort -u)
		[ ${#envs[@]} -gt 0 ] || bad "found no secure_getenv() in hook/*.c"
		names "$txt" "$base: every environment variable the hook reads" "${envs[@]}"
		names "$txt" "$base: exit statuses and state files" "EXIT STATUS" names/NAME.json ids/ID lock tmp/
		;;
	ocilink.7)
		names "$txt" "$base: sections" NAME DESCRIPTION ANNOTATIONS VARIABLES "HOSTS LINES" EXAMPLE \
			"DIFFERENCES FROM DOCKER" "SEE ALSO"
		mapfile -t anns < <(sed -nE 's/^#define ANN_[A-Z_]+ "(io\.ocilink\.[a-z-]+)"$/\1/p' \
			"$OCILINK_SRC/links/annotations.h" | sort -u)
		[ ${#anns[@]} -ge 6 ] || bad "found only ${#anns[@]} annotations in links/annotations.h"
		names "$txt" "$base: every annotation of links/annotations.h" "${anns[@]}"
		names "$txt" "$base: both flavors" "docker flavor" "docker-legacy flavor"
		;;
	*) bad "$base: not a page this test knows" ;;
	esac
done

printf '%d passed, %d failed\n' $((checks - failures)) "$failures"
[ "$failures" = 0 ]
