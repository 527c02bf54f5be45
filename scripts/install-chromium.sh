#!/usr/bin/env bash
# Install what the web app's browser tests need: Debian's Chromium, and a font with Chinese
# glyphs so the screenshots of zh-CN pages show text instead of empty boxes. Installs with
# apt-get when run as root. Otherwise it prints what to install and exits 0, and the browser
# tests are skipped where no Chromium is found.
set -euo pipefail

packages=()
if ! command -v chromium >/dev/null 2>&1; then
    packages+=(chromium)
fi
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    packages+=(fonts-wqy-microhei)
fi
if [ "${#packages[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "The browser tests need ${packages[*]}, which this script installs only as root with apt-get." >&2
    echo "Install them with: sudo apt-get install --no-install-recommends ${packages[*]}" >&2
    if [[ " ${packages[*]} " == *" chromium "* ]]; then
        echo "Until Chromium is installed, the browser tests are skipped." >&2
    else
        echo "Without a Chinese font, the screenshots of zh-CN pages show boxes in place of text." >&2
    fi
    exit 0
fi

echo "Installing ${packages[*]} for the browser tests." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
