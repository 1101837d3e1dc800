#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# completion_test.sh COMPLETION MAILSLOT: the bash completion offers the
# commands, an option's fixed values, and the live mailslots for NAME.
set -u
comp=$1 bin=$(realpath "$2")
export MAILSLOT_NAMESPACE=comp-$$
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" && ln -s "$bin" "$tmp/bin/mailslot"
export PATH="$tmp/bin:$PATH"
. "$comp"
pass=0 fail=0
check() { local name=$1; shift; if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $name"; fi; }
# complete WORDS...: what completing the last word offers, one per line.
complete_words() {
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  case $1 in mailslot) _mailslot ;; mailslotd) _mailslotd ;; esac
  printf '%s\n' "${COMPREPLY[@]}"
}
check "commands" bash -c "$(declare -f complete_words _mailslot _mailslot_names); complete_words mailslot w | grep -qx wait"
check "--format values" bash -c "$(declare -f complete_words _mailslot _mailslot_names); complete_words mailslot recv x --format j | grep -qx json"
check "list -o columns after a comma" bash -c "$(declare -f complete_words _mailslot _mailslot_names); complete_words mailslot list -o name,wri | grep -qx name,writers"
check "recv options" bash -c "$(declare -f complete_words _mailslot _mailslot_names); complete_words mailslot recv x --ti | grep -qx -- --timeout"
check "lookup and its options" bash -c "$(declare -f complete_words _mailslot _mailslot_names); complete_words mailslot look | grep -qx lookup && complete_words mailslot lookup --ser | grep -qx -- --server"
check "mailslotd -o netbios scope" bash -c "$(declare -f complete_words _mailslotd); complete_words mailslotd -o 'netbios s' | grep -qx 'netbios scope='"
check "mailslotd -o keys" bash -c "$(declare -f complete_words _mailslotd); complete_words mailslotd -o 'hosts a' | grep -qx 'hosts allow='"
"$bin" recv 'comp\box' >/dev/null 2>&1 &
"$bin" wait 'comp\box'
printf '%q\n' '\\.\mailslot\comp\box' >"$tmp/want"
complete_words mailslot send '' >"$tmp/got"
check "send completes live mailslot names, shell-quoted" grep -qxFf "$tmp/want" "$tmp/got"
complete_words mailslot wait comp >"$tmp/got"
check "a bare prefix completes too" grep -qxFf "$tmp/want" "$tmp/got"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
