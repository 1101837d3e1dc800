#!/bin/sh
# SPDX-License-Identifier: MIT
# sizes.sh [--all]: lists the C files under src/ longer than 700 lines and
# the functions longer than 80 lines (from the opening brace to the closing
# one), so that a file keeps one concept and a function fits on a screen or
# two.  An excess named in EXCEPTIONS below is reported as such and does not
# fail; any other one makes the script exit 1.  --all also lists the
# exceptions that no longer exceed (so that the list can shrink).
#
# Functions are found by counting braces, with comments, string and
# character literals removed first: the house style puts a function's
# opening and closing brace alone at the start of a line, and its name at
# the start of the line that holds its '(' just above.
set -u
cd "$(dirname "$0")/.." || exit 1
MAX_FILE=700
MAX_FUNC=80

# One exception a line: "file" or "file:function", then why.
EXCEPTIONS='
'

all=0
[ "${1:-}" = --all ] && all=1

files=$(find src -name '*.c' -o -name '*.h' | LC_ALL=C sort)
# shellcheck disable=SC2086
excess=$(awk -v max_file="$MAX_FILE" -v max_func="$MAX_FUNC" '
FNR == 1 {
	if (prev != "" && plines > max_file)
		print prev "\t" plines " lines"
	incomment = 0; depth = 0; name = ""; last = ""
}
{
	prev = FILENAME; plines = FNR
	line = $0
	# Strip comments (which may span lines), then literals.
	out = ""
	while (line != "") {
		if (incomment) {
			i = index(line, "*/")
			if (i == 0) { line = ""; break }
			line = substr(line, i + 2); incomment = 0
			continue
		}
		i = index(line, "/*"); j = index(line, "//")
		if (i == 0 && j == 0) { out = out line; break }
		if (j != 0 && (i == 0 || j < i)) { out = out substr(line, 1, j - 1); break }
		out = out substr(line, 1, i - 1); line = substr(line, i + 2); incomment = 1
	}
	gsub(/\\./, "", out)
	gsub(/"[^"]*"/, "", out)
	gsub(/'\''[^'\'']*'\''/, "", out)
	if (depth == 0 && match(out, /^[A-Za-z_][A-Za-z0-9_]*\(/))
		last = substr(out, 1, RLENGTH - 1)
	if (depth == 0 && out ~ /^\{/) { name = last; start = FNR }
	n = gsub(/\{/, "{", out); depth += n
	n = gsub(/\}/, "}", out); depth -= n
	if (depth < 0) depth = 0
	if (depth == 0 && name != "" && out ~ /^\}/) {
		if (FNR - start + 1 > max_func)
			print FILENAME ":" name "\t" FNR - start + 1 " lines"
		name = ""
	}
}
END {
	if (prev != "" && plines > max_file)
		print prev "\t" plines " lines"
}' $files)

status=0
listed=$(printf '%s\n' "$EXCEPTIONS" | awk -F '\t' 'NF { print $1 }')
printf '%s\n' "$excess" | while IFS="$(printf '\t')" read -r what size; do
	[ -n "$what" ] || continue
	if printf '%s\n' "$listed" | grep -qxF "$what"; then
		echo "exception: $what ($size)"
	else
		echo "too long: $what ($size; the limit is $MAX_FILE lines a file, $MAX_FUNC a function)"
	fi
done
if printf '%s\n' "$excess" | awk -F '\t' 'NF { print $1 }' | grep -qvxF "$listed"; then
	status=1
fi
if [ "$all" = 1 ]; then
	for what in $listed; do
		printf '%s\n' "$excess" | awk -F '\t' '{ print $1 }' | grep -qxF "$what" ||
			echo "exception no longer needed: $what"
	done
fi
exit "$status"
