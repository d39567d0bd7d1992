#!/usr/bin/env bash
# npm run test:e2e: the extension in a real VS Code (code-server 4.100.3, i.e.
# VS Code 1.100.3, installed from npm and cached outside the clone) driven by
# Debian's Chromium. Four parts, each with its own fresh code-server:
#   1. the mocha suite inside the extension host (test/e2e/suite/),
#   2. a user's path through the workbench UI (test/e2e/harness/runUiTest.ts),
#   3. the saliency panel's UI (test/e2e/harness/runSaliencyUiTest.ts),
#   4. the linux-x64 .vsix that `npm run package` makes, installed into a fresh
#      extensions folder and used from there (test/e2e/harness/runVsixSmoke.ts).
# Each part prints `N passed, N failed`; this script adds a prefixed total.
# Artifacts (logs, screenshots): test/e2e/.work/artifacts/.
set -uo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
[[ -e /usr/include/krb5.h || -e /usr/include/krb5/krb5.h ]] || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  echo "test:e2e: missing Debian packages: ${missing[*]}" >&2
  echo "test:e2e: install them with: apt-get install -y ${missing[*]}" >&2
  exit 2
fi
[[ -f dist/extension.js && -f dist/cli.js ]] || { echo "test:e2e: dist/ is missing: run npm run build" >&2; exit 2; }

code_server=$(bash scripts/e2e/install-code-server.sh) || exit 2
export MARGIN_E2E_CODE_SERVER=$code_server
node test/e2e/build.mjs || exit 1
# The .vsix part installs what users install, so it is built from this tree first.
MARGIN_E2E_VSIX=${MARGIN_E2E_VSIX:-}
if [[ -z $MARGIN_E2E_VSIX ]]; then
  node scripts/package/package.mjs >/dev/null || { echo "test:e2e: npm run package failed" >&2; exit 1; }
fi

# If this script is interrupted, end the code-server session a part left behind.
cleanup() {
  local pid_file=test/e2e/.work/code-server.pid
  [[ -f $pid_file ]] && kill -KILL -- "-$(cat "$pid_file")" 2>/dev/null
  rm -f "$pid_file"
}
trap cleanup EXIT

passed=0 failed=0 status=0
for part in runHostSuite runUiTest runSaliencyUiTest runVsixSmoke; do
  log=$(mktemp)
  npx --no-install tsx "test/e2e/harness/$part.ts" 2>&1 | tee "$log"
  ((PIPESTATUS[0] == 0)) || status=1
  if tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1); then
    read -r p _ f _ <<<"${tally//,/}"
    passed=$((passed + p)) failed=$((failed + f))
  else
    failed=$((failed + 1)) status=1
  fi
  rm -f "$log"
done
echo "test:e2e total: $passed passed, $failed failed"
exit $status
