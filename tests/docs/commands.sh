# shellcheck shell=bash
# commands.sh: the commands of ocilink-hook and the options each takes, as hook/main.c parses them
# (its commands[] table and parse_cmd_opts). test-help.sh runs every one through the binary, so a
# row that drifts from the parser fails there; test-help.sh and test-man.sh check the help texts
# and the manual against these rows.

OCL_COMMANDS=(precreate prepare createRuntime prestart createContainer poststart poststop list explain)

declare -A OCL_OPTIONS=(
	[precreate]="--fail-in-runtime"
	[prepare]="-b --bundle --install-hooks"
	[createRuntime]=""
	[prestart]=""
	[createContainer]=""
	[poststart]=""
	[poststop]=""
	[list]="--json --graph"
	[explain]="-b --bundle"
)

# Options that take a directory argument.
OCL_DIR_OPTIONS=" -b --bundle "

# The global options main() parses before COMMAND.
OCL_GLOBAL_OPTIONS="--state-dir --debug --no-sandbox --version --help -h"
