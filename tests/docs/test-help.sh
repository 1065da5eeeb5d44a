#!/bin/bash
# test-help.sh: `ocilink-hook COMMAND --help` for every command, checked against the options the
# parser takes (tests/docs/commands.sh), and the parser checked against those rows.
#
#   OCILINK_HOOK     the built binary
#   OCILINK_VERSION  the meson project version
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/commands.sh"
: "${OCILINK_HOOK:?}" "${OCILINK_VERSION:?}"
H=$OCILINK_HOOK
T=$(mktemp -d /tmp/ocilink-help.XXXXXX)
trap 'rm -rf "$T"' EXIT
unset OCILINK_STATE_DIR
failures=0
checks=0

ok() { checks=$((checks + 1)); printf 'ok - %s\n' "$*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'not ok - %s\n' "$*"; }
check() { # WHAT COMMAND...: passes when COMMAND succeeds
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# run CMD ARGS...: runs the hook on controlled input, in an empty directory (a command that took
# an option it should refuse then finds no bundle in "."); sets rc, out, err
run() {
	local stdin=/dev/null
	[ "$1" = precreate ] && stdin=$T/config-in.json
	(cd "$T/empty" && exec "$H" --state-dir "$T/state" "$@") <"$stdin" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

has_word() { # TEXT WORD: WORD appears delimited (not as part of a longer option)
	grep -qE -- "(^|[^[:alnum:]-])$(printf '%s' "$2" | sed 's/[.[\*^$]/\\&/g')([^[:alnum:]-]|$)" <<<"$1"
}

# The option names a help text's "Options:" section lists, one per line, sorted.
listed_options() {
	sed -n '/^Options:$/,/^$/p' <<<"$1" | grep -E '^  -' | sed -E 's/^  //; s/ {2,}.*//; s/ [A-Z]+$//' |
		tr ',' '\n' | sed 's/^ *//' | sort
}

mkdir -p "$T/bundle" "$T/empty"
printf '{"ociVersion":"1.0.2","process":{"args":["sh"],"cwd":"/","env":["A=1"]},"root":{"path":"rootfs"}}\n' \
	>"$T/bundle/config.json"
printf '{"ociVersion":"1.0.2"}' >"$T/config-in.json"

# --- the overview and the version
run --version
check "--version prints the project version" eval '[ "$rc" = 0 ] && [ "$out" = "ocilink-hook $OCILINK_VERSION" ]'
"$H" --help >"$T/overview" 2>&1
rc=$?
overview=$(cat "$T/overview")
check "--help exits 0" [ "$rc" = 0 ]
check "-h prints the same overview" [ "$("$H" -h 2>&1)" = "$overview" ]
for c in "${OCL_COMMANDS[@]}"; do
	check "the overview names $c" has_word "$overview" "$c"
done
check "the overview points at COMMAND --help" grep -qF "'ocilink-hook COMMAND --help'" <<<"$overview"
for o in $OCL_GLOBAL_OPTIONS; do
	check "the overview names the global option $o" has_word "$overview" "$o"
done

# --- each command's own help
declare -A firsts=()
for c in "${OCL_COMMANDS[@]}"; do
	run "$c" --help
	help=$out
	check "$c --help exits 0, stderr empty" eval '[ "$rc" = 0 ] && [ -z "$err" ]'
	run "$c" -h
	check "$c -h prints the same" eval '[ "$rc" = 0 ] && [ "$out" = "$help" ]'
	check "$c --help is not the overview" [ "$help" != "$overview" ]
	first=$(head -n 1 <<<"$help")
	check "$c --help starts with its usage line" grep -qE "^Usage: ocilink-hook \[GLOBAL OPTIONS\] $c( |$)" <<<"$first"
	[ -z "${firsts[$first]:-}" ] || bad "$c --help has the usage line of ${firsts[$first]}"
	firsts[$first]=$c
	for section in "Options:" "Reads:" "Writes:" "Example"; do
		check "$c --help has $section" grep -q "^$section" <<<"$help"
	done
	check "$c --help gives an example command line" grep -qE '^  (ocilink-hook |"'"$c"'": )' <<<"$help"
	expected=$(printf '%s\n' ${OCL_OPTIONS[$c]} -h --help | sort)
	listed=$(listed_options "$help")
	if [ "$listed" = "$expected" ]; then
		ok "$c --help lists exactly its options: $(echo $expected)"
	else
		bad "$c --help lists $(echo $listed), the parser takes $(echo $expected)"
	fi
	run "$c" --help --no-such-option
	check "$c: --help ends the parsing" eval '[ "$rc" = 0 ] && [ "$out" = "$help" ]'
done

# --- the parser takes each listed option (on harmless input) and refuses the others
accepts() { # CMD OPT: runs CMD with OPT; 0 when the parser took it and the command succeeded
	local c=$1 o=$2
	case "$OCL_DIR_OPTIONS" in
	*" $o "*) run "$c" "$o" "$T/bundle" ;;
	*) if [ "$c" = prepare ] || [ "$c" = explain ]; then run "$c" -b "$T/bundle" "$o"; else run "$c" "$o"; fi ;;
	esac
	[ "$rc" = 0 ]
}
all_options=$(printf '%s\n' "${OCL_OPTIONS[@]}" | tr ' ' '\n' | sed '/^$/d' | sort -u)
for c in "${OCL_COMMANDS[@]}"; do
	for o in ${OCL_OPTIONS[$c]}; do
		if accepts "$c" "$o"; then ok "$c takes $o"; else bad "$c $o: exit $rc: $err"; fi
		case "$OCL_DIR_OPTIONS" in
		*" $o "*)
			check "$c: $o without a directory is a usage error" \
				bash -c '"$1" --state-dir "$2" "$3" "$4" </dev/null >/dev/null 2>&1; [ $? = 2 ]' _ "$H" "$T/state" "$c" "$o"
			if [ "$o" = --bundle ]; then
				run "$c" "--bundle=$T/bundle"
				check "$c takes --bundle=DIR" [ "$rc" = 0 ]
			fi
			;;
		esac
	done
	for o in $all_options --no-such-option; do
		case " ${OCL_OPTIONS[$c]} " in *" $o "*) continue ;; esac
		run "$c" "$o"
		if [ "$rc" = 2 ] && grep -qF "Try 'ocilink-hook $c --help'." <<<"$err"; then
			ok "$c refuses $o (exit 2, points at $c --help)"
		else
			bad "$c $o: exit $rc, stderr: $err"
		fi
	done
done
run no-such-command
check "an unknown command is a usage error" eval '[ "$rc" = 2 ] && grep -qF "Try '\''ocilink-hook --help'\''." <<<"$err"'

# The options really do what the help says they do (a few cheap ones).
run list --json
check "list --json prints a JSON array" bash -c 'jq -e "type == \"array\"" <<<"$1" >/dev/null' _ "$out"
run prepare -b "$T/bundle" --install-hooks
check "prepare --install-hooks adds createRuntime, poststart and poststop entries" \
	jq -e --arg h "$(readlink -f "$H")" \
	'[.hooks.createRuntime, .hooks.poststart, .hooks.poststop] | map(.[0].path == $h) | all' "$T/bundle/config.json" >/dev/null

printf '%d passed, %d failed\n' $((checks - failures)) "$failures"
[ "$failures" = 0 ]
