#!/bin/sh
# make deb: tocsin_VERSION_ARCH.deb, built with dpkg-deb from a staged tree (no debhelper:
# the Makefile already knows where every file goes, and SwiftPM builds the binaries).
# The binaries link the Swift runtime statically (--static-swift-stdlib): the package needs
# nothing from /opt/swift. Its dependencies come from dpkg-shlibdeps.
#
#   DEB_REVISION  the Debian revision (default 1)
#   DEB_RULES     the rules folder to ship (default rules/; the upgrade test ships a changed one)
#   DEB_OUT       where the package goes (default .build/deb)
set -eu
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/TocsinCore/Support/TocsinVersion.swift)
revision=${DEB_REVISION:-1}
rules=${DEB_RULES:-rules}
out=${DEB_OUT:-.build/deb}
arch=$(dpkg --print-architecture)
build=.build/static
scripts/ensure-packages.sh dpkg-dev binutils pkg-config libsystemd-dev libsqlite3-dev >/dev/null

# The man pages and completion as make man writes them (from the debug build's help, which
# is the release build's: running the plugin on the static build would rebuild it without
# the static runtime), then the static build, which is what the package ships.
# The build's output goes to stderr: stdout is the package's path alone.
make -s man MAN_CONFIGURATION=debug >&2
swift build -c release --static-swift-stdlib --build-path "$build" >&2
if ldd "$build/release/tocsind" "$build/release/tocsinctl" | grep -q libswift; then
    echo "error: the binaries link a shared Swift runtime" >&2
    exit 1
fi

stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"
d=$(cd "$stage" && pwd)
install -d "$d/usr/bin" "$d/lib/systemd/system" "$d/usr/lib/sysusers.d" "$d/usr/lib/tmpfiles.d" \
    "$d/usr/lib/systemd/catalog" "$d/usr/share/man/man8" "$d/usr/share/man/man5" \
    "$d/usr/share/bash-completion/completions" "$d/usr/share/doc/tocsin" "$d/etc/tocsin/rules/drills"
for tool in tocsind tocsinctl; do
    install -m 0755 "$build/release/$tool" "$d/usr/bin/$tool"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$d/usr/bin/$tool"
done
sed -e 's|/usr/local/bin/tocsind|/usr/bin/tocsind|' -e 's|^Documentation=.*|Documentation=man:tocsind(8) man:tocsin.rules(5)|' \
    systemd/tocsind.service >"$d/lib/systemd/system/tocsind.service"
sed -e 's|^Documentation=.*|Documentation=man:tocsind(8)|' systemd/tocsind.socket >"$d/lib/systemd/system/tocsind.socket"
install -m 0644 systemd/tocsin.sysusers "$d/usr/lib/sysusers.d/tocsin.conf"
install -m 0644 systemd/tocsin.tmpfiles "$d/usr/lib/tmpfiles.d/tocsin.conf"
install -m 0644 systemd/tocsind.catalog "$d/usr/lib/systemd/catalog/tocsind.catalog"
gzip -9n <.build/man/tocsind.8 >"$d/usr/share/man/man8/tocsind.8.gz"
gzip -9n <.build/man/tocsinctl.8 >"$d/usr/share/man/man8/tocsinctl.8.gz"
gzip -9n <docs/tocsin.rules.5 >"$d/usr/share/man/man5/tocsin.rules.5.gz"
install -m 0644 .build/man/tocsinctl.bash "$d/usr/share/bash-completion/completions/tocsinctl"
install -D -m 0644 packaging/debian/lintian-overrides "$d/usr/share/lintian/overrides/tocsin"
gzip -9n <README.md >"$d/usr/share/doc/tocsin/README.md.gz"
install -m 0644 packaging/debian/copyright "$d/usr/share/doc/tocsin/copyright"
date=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf 'tocsin (%s-%s) unstable; urgency=medium\n\n  * Built by make deb from %s.\n\n -- Tocsin developers <tocsin@branch-001.example>  %s\n' \
    "$version" "$revision" "$(git rev-parse --short HEAD 2>/dev/null || echo 'a source tree')" "$date" \
    | gzip -9n >"$d/usr/share/doc/tocsin/changelog.Debian.gz"
for f in "$rules"/*.rules; do install -m 0644 "$f" "$d/etc/tocsin/rules/"; done
for f in "$rules"/drills/*; do install -m 0644 "$f" "$d/etc/tocsin/rules/drills/"; done
chmod -R u+rwX,go+rX,go-w "$d"

# Control files: every file under /etc is a conffile; dependencies from the binaries.
(cd "$d" && find etc -type f | sort | sed 's|^|/|') >"$d/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "packaging/debian/$script" "$d/DEBIAN/$script"; done
shlibs=$(mktemp -d)
mkdir -p "$shlibs/debian"
printf 'Source: tocsin\n\nPackage: tocsin\nArchitecture: any\n' >"$shlibs/debian/control"
depends=$(cd "$shlibs" && dpkg-shlibdeps -O "$d/usr/bin/tocsind" "$d/usr/bin/tocsinctl" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "error: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm -rf "$shlibs"
size=$(du -sk --exclude=DEBIAN "$d" | cut -f1)
sed -e "s|@VERSION@|$version-$revision|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" \
    packaging/debian/control.in >"$d/DEBIAN/control"
(cd "$d" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum) >"$d/DEBIAN/md5sums"
chmod 0644 "$d/DEBIAN/control" "$d/DEBIAN/conffiles" "$d/DEBIAN/md5sums"

package=$out/tocsin_${version}-${revision}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$d" "$package" >/dev/null
echo "$package"
