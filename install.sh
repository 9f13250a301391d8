#!/bin/sh
# Installs copilot-seats from a release: picks the archive for this OS and CPU, downloads
# it and the release's SHA256SUMS, verifies the archive's checksum, and only then installs
# the binary. On any failure nothing is installed and it exits non-zero:
#   3  the release, its archive for this machine or SHA256SUMS is not there (HTTP 404)
#   1  anything else, with its cause: a connection, DNS or TLS failure, another HTTP error
#      (5xx), a checksum mismatch, a broken archive, a bad option, no curl or wget
#
#   sh install.sh [--version vX.Y.Z] [--to DIR]
#
# COPILOT_SEATS_DOWNLOAD_URL replaces https://github.com/copilot-seats/copilot-seats/releases/download
# (a mirror, GHE.com, a test server): files are fetched from $COPILOT_SEATS_DOWNLOAD_URL/vX.Y.Z/.
# POSIX sh (dash runs it), with curl or wget.
set -eu

REPOSITORY=copilot-seats/copilot-seats
# The release this script came with; --version picks another.
VERSION=v0.1.0

fail() {
    echo "install.sh: $1" >&2
    exit "${2:-1}"
}

version=$VERSION
to="${HOME:-}/.local/bin"
while [ "$#" -gt 0 ]; do
    case $1 in
        --version)
            [ "$#" -ge 2 ] || fail "--version needs a value, like --version v0.1.0"
            version=$2
            shift 2
            ;;
        --version=*) version=${1#--version=}; shift ;;
        --to)
            [ "$#" -ge 2 ] || fail "--to needs a directory"
            to=$2
            shift 2
            ;;
        --to=*) to=${1#--to=}; shift ;;
        -h | --help)
            echo "usage: sh install.sh [--version vX.Y.Z] [--to DIR]   (default: $VERSION into ~/.local/bin)"
            exit 0
            ;;
        *) fail "unknown option \`$1\`: use --version vX.Y.Z and --to DIR" ;;
    esac
done

case $version in
    v[0-9]*.[0-9]*.[0-9]*) ;;
    [0-9]*.[0-9]*.[0-9]*) version="v$version" ;;
    *) fail "\`$version\` is not a version: write it as v1.2.3" ;;
esac
[ -n "$to" ] || fail "no directory to install into: pass --to DIR"

os=$(uname -s)
cpu=$(uname -m)
case $cpu in
    x86_64 | amd64) cpu=x86_64 ;;
    aarch64 | arm64) cpu=aarch64 ;;
    *) fail "no copilot-seats build for the CPU \`$cpu\`: build it from source with cargo install copilot-seats" ;;
esac
exe=copilot-seats
ext=tar.gz
case $os in
    Linux) target="$cpu-unknown-linux-musl" ;;
    Darwin) target="$cpu-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
        [ "$cpu" = x86_64 ] || fail "no copilot-seats build for Windows on \`$cpu\`: build it from source with cargo install copilot-seats"
        target="x86_64-pc-windows-msvc"
        exe=copilot-seats.exe
        ext=zip
        ;;
    *) fail "no copilot-seats build for \`$os\`: build it from source with cargo install copilot-seats" ;;
esac

base="${COPILOT_SEATS_DOWNLOAD_URL:-https://github.com/$REPOSITORY/releases/download}"
base="${base%/}/$version"
archive="copilot-seats-${version#v}-$target.$ext"

# fetch URL FILE: prints the HTTP status (000 when no answer came); its errors on stderr.
if command -v curl >/dev/null 2>&1; then
    fetch() { curl --silent --show-error --location --retry 2 --output "$2" --write-out '%{http_code}' "$1" || return $?; }
elif command -v wget >/dev/null 2>&1; then
    fetch() {
        # wget says the status only in the headers it prints with --server-response.
        code=0
        wget --no-verbose --server-response --tries=3 --output-document="$2" "$1" 2>"$2.log" || code=$?
        awk '$1 ~ /^HTTP\// { status = $2 } END { print (status == "" ? "000" : status) }' "$2.log"
        grep -v '^  ' "$2.log" | grep -v '^ *$' >&2
        return $code
    }
else
    fail "neither curl nor wget is installed: install one of them"
fi

# download URL FILE WHAT: exit 3 only when the server says it is not there (404), exit 1
# with the cause for any other failure, so that a network blip is never "not released".
download() {
    status=$(fetch "$1" "$2" 2>"$work/error") || true
    case $status in
        2??) return 0 ;;
        404) fail "cannot download $1: $3 (HTTP 404)" 3 ;;
        000) fail "cannot download $1: $(grep -v '^ *$' "$work/error" | tail -n 1)" ;;
        *) fail "cannot download $1: the server answered HTTP $status; try again later" ;;
    esac
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    else
        fail "neither sha256sum nor shasum is installed: cannot verify the download"
    fi
}

work=$(mktemp -d 2>/dev/null || mktemp -d -t copilot-seats)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

download "$base/SHA256SUMS" "$work/SHA256SUMS" "is $version released?"
download "$base/$archive" "$work/$archive" "is there a $target build of $version?"

expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS of $version has no line for $archive: nothing installed"
actual=$(sha256 "$work/$archive")
[ "$actual" = "$expected" ] ||
    fail "checksum mismatch for $archive (expected $expected, got $actual): the download is corrupt or was tampered with; nothing installed"

mkdir "$work/unpacked"
if [ "$ext" = zip ]; then
    unzip -q "$work/$archive" -d "$work/unpacked" 2>/dev/null || fail "cannot unpack $archive: nothing installed"
else
    tar -xzf "$work/$archive" -C "$work/unpacked" 2>/dev/null || fail "cannot unpack $archive: nothing installed"
fi
[ -f "$work/unpacked/$exe" ] || fail "$archive holds no $exe: nothing installed"

mkdir -p "$to" || fail "cannot create \`$to\`"
# Copy beside the target, then rename: never a half-written binary in place.
cp "$work/unpacked/$exe" "$to/.$exe.$$" || fail "cannot write into \`$to\`"
chmod 755 "$to/.$exe.$$"
mv -f "$to/.$exe.$$" "$to/$exe" || { rm -f "$to/.$exe.$$"; fail "cannot write \`$to/$exe\`"; }
echo "installed copilot-seats $version ($target, sha256 verified) as $to/$exe"
case ":${PATH:-}:" in
    *":$to:"* | *":${to%/}:"*) ;;
    *) echo "install.sh: note: \`$to\` is not on PATH: add it (export PATH=\"$to:\$PATH\") or run $to/$exe" >&2 ;;
esac
