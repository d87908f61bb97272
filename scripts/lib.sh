# Shared helpers for scripts/run and scripts/test (sourced).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Installs the Debian/Ubuntu packages given, skipping those already present.
need_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

need_rust() {
  command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
}

# The formatter and the linter the test command runs (rustup installs them; a toolchain from
# elsewhere must bring its own).
need_rust_tools() {
  for tool in rustfmt clippy; do
    if ! cargo "${tool/rustfmt/fmt}" --version >/dev/null 2>&1; then
      if command -v rustup >/dev/null; then rustup component add "$tool"; else echo "cargo $tool is required" >&2; exit 1; fi
    fi
  done
}

# System packages the desktop app builds against (WebKitGTK 4.1).
APP_PACKAGES=(build-essential pkg-config libwebkit2gtk-4.1-dev)
# What the end-to-end tests add: a virtual X display, WebKit's WebDriver, screenshots.
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver imagemagick)

need_node() {
  command -v npm >/dev/null || { echo "Node.js 20.19+ with npm is required: https://nodejs.org" >&2; exit 1; }
}

# Installs the UI's npm packages (exact versions from ui/package-lock.json) unless present,
# then builds the UI into ui/dist, which the app binary embeds.
build_ui() {
  need_node
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    (cd ui && npm ci --no-audit --no-fund)
  fi
  (cd ui && npm run --silent build)
}

need_tauri_driver() {
  export PATH="$HOME/.cargo/bin:$PATH"
  command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked
}
