#!/bin/sh
# The package's test (make deb-test, part of make test): build it, lintian with no error,
# install into a throwaway root (dpkg --root with --force-script-chrootless, so the
# maintainer scripts run against that root through DPKG_ROOT and the host is untouched),
# edit a rule file, upgrade to a rebuilt package whose shipped rules changed, and check that
# the edit survived with dpkg's new version beside it; then remove (state kept) and purge
# (state gone). A chroot with debootstrap would take minutes and a mirror; this takes
# seconds once the package is built.
set -eu
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh lintian dpkg-dev >/dev/null
fail() { echo "deb-test: FAILED: $*" >&2; exit 1; }
step() { echo "deb-test: $*"; }
work=$(mktemp -d /tmp/tocsin-deb-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
v1=$(DEB_OUT="$work/v1" DEB_REVISION=1 scripts/build-deb.sh 2>"$work/build-v1.log") || { tail -20 "$work/build-v1.log"; fail "make deb"; }
step "built $(basename "$v1") ($(du -h "$v1" | cut -f1)) in $(( $(date +%s) - start )) s"
for tool in tocsind tocsinctl; do
    dpkg-deb --fsys-tarfile "$v1" | tar -xO "./usr/bin/$tool" >"$work/$tool"
    chmod +x "$work/$tool"
    ! ldd "$work/$tool" | grep -q libswift || fail "$tool links a shared Swift runtime"
done
env -i PATH=/usr/bin:/bin "$work/tocsinctl" --version >/dev/null || fail "the packaged tocsinctl does not run without /opt/swift"

lintian --fail-on error "$v1" >"$work/lintian.txt" 2>&1 || { cat "$work/lintian.txt"; fail "lintian reports errors"; }
step "lintian: $(grep -c '^E:' "$work/lintian.txt" || true) errors, $(grep -c '^W:' "$work/lintian.txt" || true) warnings"
grep '^[EW]:' "$work/lintian.txt" || true

root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc" "$root/var/log"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
dpkgr() { dpkg --root="$root" --force-script-chrootless --force-depends --log="$work/dpkg.log" "$@"; }

dpkgr -i "$v1" >"$work/install.txt" 2>&1 || { cat "$work/install.txt"; fail "install"; }
step "installed into $root"
for f in usr/bin/tocsind usr/bin/tocsinctl lib/systemd/system/tocsind.service lib/systemd/system/tocsind.socket \
    usr/lib/sysusers.d/tocsin.conf usr/lib/tmpfiles.d/tocsin.conf usr/lib/systemd/catalog/tocsind.catalog \
    usr/share/man/man8/tocsind.8.gz usr/share/man/man8/tocsinctl.8.gz usr/share/man/man5/tocsin.rules.5.gz \
    usr/share/bash-completion/completions/tocsinctl etc/tocsin/rules/10-faults.rules; do
    [ -e "$root/$f" ] || fail "missing /$f"
done
grep -q '^tocsin:' "$root/etc/passwd" || fail "postinst made no tocsin user"
uid=$(awk -F: '$1 == "tocsin" { print $3 }' "$root/etc/passwd")
[ "$(stat -c '%a %u' "$root/var/spool/tocsin")" = "3770 $uid" ] || fail "spool: $(stat -c '%a %u' "$root/var/spool/tocsin"), tocsin is $uid"
[ -d "$root/var/spool/tocsin/new" ] || fail "no spool new/"
[ -s "$root/var/lib/systemd/catalog/database" ] || fail "postinst did not update the journal catalog"
[ -L "$root/etc/systemd/system/sockets.target.wants/tocsind.socket" ] || fail "tocsind.socket not enabled"
[ -L "$root/etc/systemd/system/multi-user.target.wants/tocsind.service" ] || fail "tocsind.service not enabled"
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}\n' tocsin | grep -q '/etc/tocsin/rules/00-contacts.rules' \
    || fail "the rules are not conffiles"
"$root/usr/bin/tocsinctl" check "$root/etc/tocsin/rules" >"$work/check.txt" 2>&1 || { cat "$work/check.txt"; fail "the installed rules do not pass check"; }
for drill in holiday-week core-upgrade; do
    "$root/usr/bin/tocsinctl" drill "$root/etc/tocsin/rules/drills/$drill.drill" --rules "$root/etc/tocsin/rules/drills/$drill.rules" \
        >"$work/drill.txt" 2>&1 || { cat "$work/drill.txt"; fail "the shipped drill $drill does not run"; }
done
step "user, spool, catalog, enabled units, conffiles, rules and drills in place; nothing started"

# The operator edits one rule file; the next package changes it and another one.
echo "# edited by the branch: 本行的修改" >>"$root/etc/tocsin/rules/00-contacts.rules"
echo "tocsin" >"$root/var/lib/tocsin/tocsin.db"  # state that must survive
cp -r rules "$work/rules-v2"
echo "# changed in version 2" >>"$work/rules-v2/00-contacts.rules"
echo "# changed in version 2" >>"$work/rules-v2/10-faults.rules"
start=$(date +%s)
v2=$(DEB_OUT="$work/v2" DEB_REVISION=2 DEB_RULES="$work/rules-v2" scripts/build-deb.sh 2>"$work/build-v2.log") || { tail -20 "$work/build-v2.log"; fail "make deb (version 2)"; }
step "rebuilt $(basename "$v2") in $(( $(date +%s) - start )) s"
dpkgr --force-confold -i "$v2" >"$work/upgrade.txt" 2>&1 || { cat "$work/upgrade.txt"; fail "upgrade"; }
[ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' tocsin)" = "$(dpkg-deb -f "$v2" Version)" ] || fail "not upgraded"
grep -q "edited by the branch" "$root/etc/tocsin/rules/00-contacts.rules" || fail "the operator's edit was lost in the upgrade"
grep -q "changed in version 2" "$root/etc/tocsin/rules/00-contacts.rules.dpkg-dist" || fail "no .dpkg-dist beside the edited file"
grep -q "changed in version 2" "$root/etc/tocsin/rules/10-faults.rules" || fail "an unedited conffile was not updated"
[ -f "$root/var/lib/tocsin/tocsin.db" ] || fail "the state went in the upgrade"
step "upgrade: the edit kept, the new version beside it as 00-contacts.rules.dpkg-dist, an unedited file updated"

dpkgr -r tocsin >"$work/remove.txt" 2>&1 || { cat "$work/remove.txt"; fail "remove"; }
[ ! -e "$root/usr/bin/tocsind" ] || fail "remove left the binary"
[ -f "$root/var/lib/tocsin/tocsin.db" ] || fail "remove deleted the state"
[ -f "$root/etc/tocsin/rules/00-contacts.rules" ] || fail "remove deleted the rules"
dpkgr -P tocsin >"$work/purge.txt" 2>&1 || { cat "$work/purge.txt"; fail "purge"; }
for d in var/lib/tocsin var/spool/tocsin etc/tocsin; do [ ! -e "$root/$d" ] || fail "purge left /$d"; done
step "remove keeps the rules and the state; purge removes them"
echo "deb-test: passed"
