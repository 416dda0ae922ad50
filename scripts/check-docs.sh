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
# tocsin.rules(5), written for ops: it renders, and names every statement the parser
# accepts (the keyword lists of RuleParser and the settings of RuleSettings).
rules_page=$(MANWIDTH=100 LANG=C.UTF-8 man -l docs/tocsin.rules.5 2>/dev/null) || fail "man -l docs/tocsin.rules.5 failed"
keywords=$(sed -n 's/.*static let \(topLevelKeywords\|ruleKeywords\) = \[\(.*\)\].*/\2/p' Sources/TocsinCore/Rules/RuleParser.swift
    sed -n 's/.*public static let keys = \[\(.*\)\].*/\1/p' Sources/TocsinCore/Rules/RuleSet.swift)
keywords=$(echo "$keywords" | tr ',' '\n' | tr -d ' "' | grep -v '^$')
[ -n "$keywords" ] || fail "found no keywords in the parser's source"
for word in $keywords handoff fallback; do
    echo "$rules_page" | grep -qw -- "$word" || fail "tocsin.rules(5) does not describe '$word'"
done
completed=$(bash -c '. '"$man"'/tocsinctl.bash; COMP_WORDS=(tocsinctl cal); COMP_CWORD=1; COMP_LINE="tocsinctl cal"; COMP_POINT=13; _tocsinctl tocsinctl cal tocsinctl; printf "%s\n" "${COMPREPLY[@]}"')
[ "$completed" = "calendar" ] || fail "bash completion of 'tocsinctl cal' gave '$completed', not 'calendar'"
echo "check-docs: 3 man pages render, describe every subcommand and statement; bash completion works"
