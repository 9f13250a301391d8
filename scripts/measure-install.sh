#!/bin/sh
# Measures the time from an empty tool directory to a working `copilot-seats --version`:
# install.sh against a release served on loopback (made from the release build with
# scripts/package-release.sh), beside `cargo install --locked --path .` with a fresh target
# directory. Prints both figures. Takes a minute or two; leaves nothing behind.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server=""
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f s", b - a }'; }
now() { date +%s.%N; }

cd "$root"
cargo build --release --locked --quiet
version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1)
case $(uname -m) in aarch64 | arm64) cpu=aarch64 ;; *) cpu=x86_64 ;; esac
sh scripts/package-release.sh "$cpu-unknown-linux-musl" target/release/copilot-seats "$work/release/v$version" >/dev/null
port=18777
(cd "$work/release" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
sleep 1

start=$(now)
COPILOT_SEATS_DOWNLOAD_URL="http://127.0.0.1:$port" sh install.sh --version "v$version" --to "$work/tool" >/dev/null
"$work/tool/copilot-seats" --version >/dev/null
echo "install.sh: $(elapsed "$start" "$(now)")"

start=$(now)
CARGO_TARGET_DIR="$work/target" cargo install --locked --quiet --path . --root "$work/cargo"
"$work/cargo/bin/copilot-seats" --version >/dev/null
echo "cargo install --locked --path .: $(elapsed "$start" "$(now)")"
