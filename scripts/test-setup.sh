#!/bin/sh
# Sets up the real parts the end-to-end tests use (RECIPES.md): exim4's sendmail delivering
# locally to the user "mailsink", and a standalone systemd-journald. Idempotent; needs root.
set -eu
here=$(dirname "$0")
"$here/ensure-packages.sh" python3 exim4-daemon-light man-db systemd-journal-remote prometheus-node-exporter lintian faketime
# Independent sources and parsers the tests check Tocsin against: China's holidays (two
# transcriptions of the State Council's notices), Prometheus's text-format parser.
python3 -c 'import holidays, chinese_calendar, prometheus_client' 2>/dev/null \
    || python3 -m pip install -q --root-user-action=ignore holidays==0.109 chinesecalendar==1.11.0 prometheus_client
id mailsink >/dev/null 2>&1 || useradd -m -s /usr/sbin/nologin mailsink
# Mail into a program (RECIPES.md, README "Replies by mail"): exim's system_aliases router
# with a pipe transport run as mail:mail, and an alias piping to a wrapper that the mail-in
# end-to-end tests write (it runs that test's tocsinctl against that test's socket).
macros=/etc/exim4/exim4.conf.localmacros
if ! grep -q SYSTEM_ALIASES_PIPE_TRANSPORT "$macros" 2>/dev/null; then
    printf 'SYSTEM_ALIASES_PIPE_TRANSPORT = address_pipe\nSYSTEM_ALIASES_USER = mail\nSYSTEM_ALIASES_GROUP = mail\n' >>"$macros"
    update-exim4.conf
fi
grep -q '^tocsin-reply-test:' /etc/aliases || echo 'tocsin-reply-test: "|/run/tocsin-test-mail-in"' >>/etc/aliases
if ! pgrep -x systemd-journal >/dev/null 2>&1; then
    /lib/systemd/systemd-journald >/tmp/tocsin-test-journald.log 2>&1 &
    echo $! >/run/tocsin-test-journald.pid
fi
for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
[ -S /run/systemd/journal/socket ] || { echo "error: journald did not start (see /tmp/tocsin-test-journald.log)" >&2; exit 1; }
