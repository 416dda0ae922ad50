#!/bin/sh
# make test: the man pages tocsind(8) and tocsinctl(8), generated from the argument
# parsers' own help (so they cannot drift from --help), render with man -l and name every
# subcommand; the bash completion completes a subcommand.
set -eu
cd "$(dirname "$0")/.."
man=.build/man
fail() { echo "check-docs: $*" >&2; exit 1; }
for page in tocsind tocsinctl; do
    out=$(MANWIDTH=100 LANG=C.UTF-8 man -l "$man/$page.8" 2>/dev/null) || fail "man -l $man/$page.8 failed"
    echo "$out" | grep -q "^NAME" || fail "$page.8 has no NAME section"
done
out=$(MANWIDTH=100 LANG=C.UTF-8 man -l "$man/tocsinctl.8" 2>/dev/null)
for sub in submit ack resolve note list show status export check test drill calendar who; do
    echo "$out" | grep -Eq "^ +$sub( |$)" || fail "tocsinctl.8 does not describe '$sub'"
done
completed=$(bash -c '. '"$man"'/tocsinctl.bash; COMP_WORDS=(tocsinctl cal); COMP_CWORD=1; COMP_LINE="tocsinctl cal"; COMP_POINT=13; _tocsinctl tocsinctl cal tocsinctl; printf "%s\n" "${COMPREPLY[@]}"')
[ "$completed" = "calendar" ] || fail "bash completion of 'tocsinctl cal' gave '$completed', not 'calendar'"
echo "check-docs: 2 man pages render and describe every subcommand; bash completion works"
