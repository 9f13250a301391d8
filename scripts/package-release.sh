#!/bin/sh
# Packages one built copilot-seats binary for a release, as SPEC 11 says:
#   scripts/package-release.sh TARGET BINARY OUTDIR
# writes OUTDIR/copilot-seats-VERSION-TARGET.tar.gz (.zip for Windows targets) holding the
# binary (as copilot-seats, or copilot-seats.exe), README.md and the licence files at its
# top level, and adds the archive's line to OUTDIR/SHA256SUMS (sha256sum format; a line
# for the same archive is replaced). VERSION is the crate's, from Cargo.toml, without v.
# POSIX sh; the release workflow calls it, and so do the tests.
set -eu

fail() {
    echo "package-release.sh: $*" >&2
    exit 1
}

[ "$#" -eq 3 ] || fail "usage: scripts/package-release.sh TARGET BINARY OUTDIR"
target=$1
binary=$2
outdir=$3
root=$(cd "$(dirname "$0")/.." && pwd)

case $target in
    *-*-*) ;;
    *) fail "\`$target\` is not a Rust target triple, like x86_64-unknown-linux-musl" ;;
esac
[ -f "$binary" ] || fail "no binary at \`$binary\`: build it first (cargo build --release --target $target)"
version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
[ -n "$version" ] || fail "cannot read the version from $root/Cargo.toml"

case $target in
    *windows*) exe=copilot-seats.exe; ext=zip ;;
    *) exe=copilot-seats; ext=tar.gz ;;
esac
archive="copilot-seats-$version-$target.$ext"

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    else
        fail "neither sha256sum nor shasum is installed"
    fi
}

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM
cp "$binary" "$stage/$exe"
chmod 755 "$stage/$exe"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/"

rm -f "$outdir/$archive"
if [ "$ext" = zip ]; then
    if command -v zip >/dev/null 2>&1; then
        (cd "$stage" && zip -q -X "$outdir/$archive" "$exe" README.md LICENSE-MIT LICENSE-APACHE)
    elif command -v 7z >/dev/null 2>&1; then
        (cd "$stage" && 7z a -tzip -bd "$outdir/$archive" "$exe" README.md LICENSE-MIT LICENSE-APACHE >/dev/null)
    else
        fail "neither zip nor 7z is installed"
    fi
else
    (cd "$stage" && tar -cf - "$exe" README.md LICENSE-MIT LICENSE-APACHE) | gzip -n -9 >"$outdir/$archive"
fi

sums="$outdir/SHA256SUMS"
line="$(sha256 "$outdir/$archive")  $archive"
if [ -f "$sums" ]; then
    grep -v "  $archive\$" "$sums" >"$stage/sums" || true
    cp "$stage/sums" "$sums"
fi
echo "$line" >>"$sums"
echo "$outdir/$archive"
