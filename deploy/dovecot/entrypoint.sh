#!/bin/sh
# Entry point of the Dovecot container in deploy/compose.yaml: writes the passwd-file from the
# compose secret, makes the user's home, creates a self-signed certificate on first start, then
# runs Dovecot in the foreground as PID 1. The paths can be overridden through the environment
# (the defaults are the container's), which lets the script be tried outside a container.
set -eu

conf=${DOVECOT_CONF:-/etc/dovecot/dovecot.conf}
secret=${IMAP_PASSWORD_FILE:-/run/secrets/imap-password}
users=${DOVECOT_USERS:-/etc/dovecot/users}
tls=${DOVECOT_TLS_DIR:-/etc/dovecot/tls}
mail=${MAIL_ROOT:-/srv/mail}
base=${DOVECOT_BASE_DIR:-/run/dovecot}
user=librarian
mail_uid=10001
mail_gid=10001

die() {
	echo "dovecot-entrypoint: $*" >&2
	exit 1
}

# The account's password, from the compose secret (LISTDIGEST_DEMO_PASSWORD in deploy/.env).
[ -s "$secret" ] || die "$secret is missing or empty: set LISTDIGEST_DEMO_PASSWORD (see deploy/README.md)"
password=$(cat "$secret")
case $password in
*:* | *"
"*) die "the password must not contain ':' or a line break" ;;
esac
[ "${#password}" -ge 10 ] || die "the password is too short: use at least 10 characters (listdigest passwd needs them for the web UI)"
umask 027
# printf is a shell builtin: the password never appears in a process's arguments.
printf '%s:{PLAIN}%s::::::\n' "$user" "$password" >"$users.new"
chown root:dovecot "$users.new"
chmod 0640 "$users.new"
mv -f "$users.new" "$users"
unset password

# The user's home, where the seed service writes Maildir/ (it runs as uid 10001).
install -d -m 0755 "$mail"
install -d -o "$mail_uid" -g "$mail_gid" -m 0700 "$mail/$user"

# A self-signed certificate for the name listdigest connects to ("dovecot"), made once and kept
# in the dovecot-tls volume, which the listdigest service mounts read-only to trust it.
if [ ! -s "$tls/cert.pem" ] || [ ! -s "$tls/private/key.pem" ]; then
	install -d -m 0755 "$tls"
	install -d -m 0700 "$tls/private"
	umask 077
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
		-subj /CN=dovecot -addext subjectAltName=DNS:dovecot,DNS:localhost,IP:127.0.0.1 \
		-keyout "$tls/private/key.pem.new" -out "$tls/cert.pem.new" 2>/dev/null
	chmod 0644 "$tls/cert.pem.new"
	mv -f "$tls/private/key.pem.new" "$tls/private/key.pem"
	mv -f "$tls/cert.pem.new" "$tls/cert.pem"
	echo "dovecot-entrypoint: created a self-signed certificate for dovecot" >&2
fi

# A restarted container keeps /run: a master.pid left from the last run could name a live
# process by chance (PIDs restart from 1) and stop Dovecot from starting.
rm -f "$base/master.pid"

exec dovecot -F -c "$conf"
