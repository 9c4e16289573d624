#!/usr/bin/env bash
# Plain HTTP: curl runs the conformance scenario on the HTTP GET and form POST bindings
# and checks each answer's status, content type, XML declaration and body bytes.
#
# Usage: roundtrip.sh <service URL ending in /srv.asmx>
# Prints one line per step and exits non-zero on the first surprise.
# GET and POST cannot express null: leaving a parameter out is ASMX's
# `Missing parameter` error, and the stored value stays as it was.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <service URL ending in /srv.asmx>" >&2
  exit 2
fi
url=$1
tool=curl
if ! command -v curl >/dev/null 2>&1; then
  echo "$tool: FAILED: curl not found (install the Debian package curl: .ci/run does)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/curl-client.XXXXXX")
trap 'rm -rf "$work"' EXIT
body=$work/body
CRLF=$'\r\n'
DECLARATION='<?xml version="1.0" encoding="utf-8"?>'

ok() { echo "$tool: ok: $*"; }
fail() {
  echo "$tool: FAILED: $*"
  exit 1
}

# call GET|POST METHOD name=value...: one request on that binding, values URL-encoded by
# curl. Leaves the body in $body and the status and content type in $status, $ctype.
call() {
  local verb=$1 method=$2 meta pair
  shift 2
  local args=()
  for pair in "$@"; do
    args+=(--data-urlencode "$pair")
  done
  if [ "$verb" = GET ]; then
    args=(-G "${args[@]}")
  fi
  meta=$(curl -sS --max-time 30 -o "$body" -w '%{http_code} %{content_type}' \
    "${args[@]}" "$url/$method") || fail "$verb $method: curl could not reach $url"
  status=${meta%% *}
  ctype=${meta#* }
}

# The value of attribute $1 in the body.
attr() {
  sed -n "s/.* $1=\"\\([^\"]*\\)\".*/\\1/p" "$body" | head -n 1
}

# expect_xml STEP LINE...: the last call answered 200 text/xml, and its body is the
# declaration, CRLF, then LINEs joined by CRLF, byte for byte, once the attributes
# named in $masked (ticket, dates, ids) read "*".
masked=""
expect_xml() {
  local step=$1 expected actual line attribute
  shift
  [ "$status" = 200 ] || fail "$step: status $status, body: $(cat "$body")"
  [ "$ctype" = "text/xml; charset=utf-8" ] || fail "$step: content type '$ctype'"
  [ "$(head -c ${#DECLARATION} "$body")" = "$DECLARATION" ] || fail "$step: no XML declaration first"
  expected=$DECLARATION
  for line in "$@"; do
    expected+=$CRLF$line
  done
  actual=$(cat "$body"; echo .)
  actual=${actual%.}
  for attribute in $masked; do
    actual=$(printf '%s.' "$actual" | sed -E "s/ $attribute=\"[^\"]*\"/ $attribute=\"*\"/g")
    actual=${actual%.}
  done
  if [ "$actual" != "$expected" ]; then
    echo "--- expected"; printf '%s' "$expected" | od -c | tail -n 8
    echo "--- actual"; printf '%s' "$actual" | od -c | tail -n 8
    fail "$step: body differs (masked: $masked)"
  fi
  ok "$step"
}

# expect_missing STEP PARAM: the last call is ASMX's missing-parameter error.
expect_missing() {
  local step=$1 param=$2
  [ "$status" = 500 ] || fail "$step: status $status"
  [ "$ctype" = "text/plain; charset=utf-8" ] || fail "$step: content type '$ctype'"
  [ "$(cat "$body"; echo .)" = "Missing parameter: $param.$CRLF." ] || fail "$step: body $(cat "$body")"
  ok "$step"
}

# The <User> of GetUser as GET/POST indent it, from its attributes.
user_body() {
  local id=$1 first=$2 last=$3 email=$4 mobile=$5 name=$6 domain=$7
  printf '%s\n' \
    '<response success="true" error="">' \
    "  <User exists=\"true\" UserID=\"$id\" FirstName=\"$first\" LastName=\"$last\" Email=\"$email\" MobileNumber=\"$mobile\" Enabled=\"TRUE\" UserName=\"$name\" Domain=\"$domain\" LastLogonDate=\"*\" LastPasswordChangeDate=\"\" AuthenticationAuthority=\"native\" ReadOnlyUser=\"FALSE\">" \
    '    <Preferences Language="English" DefaultPortal="" ShowArchives="FALSE" ShowHiddens="FALSE" NotificationType="INSTANT" NotificationTypeId="1" EmailType="HTML" AttachDocumentToEmail="FALSE" />' \
    '  </User>' \
    '</response>'
}
expect_user() {
  local step=$1 lines=()
  shift
  mapfile -t lines < <(user_body "$@")
  expect_xml "$step" "${lines[@]}"
}

# The WSDL describes the two bindings this client uses, at the address it was given.
meta=$(curl -sS --max-time 30 -o "$body" -w '%{http_code} %{content_type}' "$url?WSDL") ||
  fail "cannot fetch $url?WSDL"
[ "$meta" = "200 text/xml; charset=utf-8" ] || fail "WSDL answered '$meta'"
for port in srvHttpGet srvHttpPost; do
  grep -q "<wsdl:port name=\"$port\" binding=\"tns:$port\">" "$body" || fail "WSDL lacks port $port"
done
grep -q "<http:address location=\"$url\" />" "$body" || fail "WSDL addresses are not $url"
ok "the WSDL declares the HttpGet and HttpPost ports at $url"

masked="ticket expireOn email"
call POST AuthenticateUser UID=jdoe PWD=jdoe
ticket=$(attr ticket)
expect_xml "POST AuthenticateUser jdoe succeeds" \
  '<root success="true" ticket="*" userid="3" username="jdoe" firstName="John" lastName="Doe" fullname="John Doe" email="*" expireOn="*" isAuthenticated="True" />'
[[ $ticket =~ ^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$ ]] || fail "ticket '$ticket' is not a GUID"
ok "the ticket is a GUID"

masked="LastLogonDate"
call GET GetUser "authenticationTicket=$ticket" UserName=jdoe
if [ "$(attr UserName)" != jdoe ] || [ "$(attr UserID)" != 3 ]; then
  fail "GET GetUser does not show jdoe: $(cat "$body")"
fi
ok "GET GetUser shows jdoe"

success='<response success="true" error="" />'
email=$tool@example.com
call POST UpdateUserContactInfo "authenticationTicket=$ticket" userName=jdoe \
  "emailAddress=$email" mobileNumber=555-0170
expect_xml "POST UpdateUserContactInfo with both values" "$success"
call GET GetUser "authenticationTicket=$ticket" UserName=jdoe
expect_user "GET GetUser shows the update" 3 John Doe "$email" 555-0170 jdoe Finance

call GET UpdateUserContactInfo "authenticationTicket=$ticket" userName=jdoe mobileNumber=555-0171
expect_missing "GET UpdateUserContactInfo without emailAddress is Missing parameter" emailAddress
call POST UpdateUserContactInfo "authenticationTicket=$ticket" userName=jdoe mobileNumber=555-0171
expect_missing "POST UpdateUserContactInfo without emailAddress is Missing parameter" emailAddress
call POST GetUser "authenticationTicket=$ticket" UserName=jdoe
expect_user "the stored values are kept (POST GetUser)" 3 John Doe "$email" 555-0170 jdoe Finance

call GET UpdateUserContactInfo "authenticationTicket=$ticket" userName=jdoe emailAddress= mobileNumber=
expect_xml "GET UpdateUserContactInfo with empty values" "$success"
call GET GetUser "authenticationTicket=$ticket" UserName=jdoe
expect_user "empty values clear both fields" 3 John Doe "" "" jdoe Finance

call POST UpdateUserContactInfo "authenticationTicket=$ticket" userName=asmith \
  emailAddress=x@example.com mobileNumber=1
expect_xml "jdoe updating asmith gets Access denied" '<response success="false" error="Access denied" />'
call GET GetUser "authenticationTicket=$ticket" UserName=asmith
[ "$(attr Email)" = alice.smith@example.com ] || fail "asmith changed: $(cat "$body")"
ok "asmith is unchanged"

call POST LogOut "AuthenticationTicket=$ticket"
expect_xml "POST LogOut succeeds" '<root success="true" />'
call GET isValidTicket "AuthenticationTicket=$ticket"
expect_xml "GET isValidTicket after LogOut is [901]" \
  '<root success="false" error="[901] Session expired or Invalid ticket" />'
call POST AuthenticateUser UID=jdoe PWD=not-the-password
expect_xml "a wrong password is [900] (POST)" '<root success="false" error="[900] Authentication failed" />'
call GET AuthenticateUser UID=jdoe PWD=not-the-password
expect_xml "a wrong password is [900] (GET)" '<root success="false" error="[900] Authentication failed" />'

# CreateUser → GetUser → UpdateUserProfile → DeleteUser → GetUser, as admin.
masked="ticket expireOn"
call GET AuthenticateUser UID=admin PWD=admin
admin=$(attr ticket)
expect_xml "GET AuthenticateUser admin succeeds" \
  '<root success="true" ticket="*" userid="2" username="admin" firstName="Ada" lastName="Admin" fullname="Ada Admin" email="admin@example.com" expireOn="*" isAuthenticated="True" />'

name=$tool.probe
renamed=$tool.renamed
masked="id"
call POST CreateUser "authenticationTicket=$admin" DomainName=Engineering "UserName=$name" \
  FirstName=Probe "LastName=$tool" "EmailAddress=$name@example.com" Password=probe-secret \
  ReadOnlyUser=false AuthenticationSource=native
id=$(attr id)
expect_xml "POST CreateUser $name" '<response success="true" id="*" error="" />'
[[ $id =~ ^[1-9][0-9]*$ ]] || fail "CreateUser id '$id'"

masked="LastLogonDate"
call GET GetUser "authenticationTicket=$admin" "UserName=$name"
expect_user "GET GetUser shows the new user" "$id" Probe "$tool" "$name@example.com" "" "$name" Engineering

call GET UpdateUserProfile "authenticationTicket=$admin" "UserName=$name" "NewUserName=$renamed" \
  NewFirstName=Renamed NewLastName=Probe AuthenticateSource=native
expect_xml "GET UpdateUserProfile renames the user" "$success"
call POST GetUser "authenticationTicket=$admin" "UserName=$renamed"
expect_user "POST GetUser shows the new profile" "$id" Renamed Probe "$name@example.com" "" "$renamed" Engineering

call POST DeleteUser "authenticationTicket=$admin" "UserName=$renamed"
expect_xml "POST DeleteUser succeeds" "$success"
call GET GetUser "authenticationTicket=$admin" "UserName=$renamed"
expect_xml "GET GetUser after DeleteUser is User not found" '<response success="false" error="User not found" />'
call GET LogOut "AuthenticationTicket=$admin"
expect_xml "GET LogOut admin succeeds" '<root success="true" />'

echo "$tool: all steps passed"
