#!/usr/bin/env bash
set -euo pipefail

# ruleid: bash.curl-pipe-shell
curl -fsSL https://get.example.com/install.sh | sh
# ruleid: bash.curl-pipe-shell
bash -c "$(curl -fsSL https://get.example.com/install.sh)"
# ok: bash.curl-pipe-shell
curl -fsSLo install.sh https://get.example.com/install.sh && sha256sum -c install.sh.sha256

# ruleid: bash.tls-verify-disabled
curl -k https://internal.example.com/file -o file
# ok: bash.tls-verify-disabled
curl --cacert corp.pem https://internal.example.com/file -o file

# ruleid: bash.world-writable
chmod -R 777 /srv/app
# ok: bash.world-writable
chmod 755 /srv/app/bin/run

# ruleid: bash.eval-variable
eval "$USER_COMMAND"
# ok: bash.eval-variable
"${cmd[@]}"

# ruleid: bash.rm-unquoted-variable-root
rm -rf "$BUILD_DIR/"
# ok: bash.rm-unquoted-variable-root
rm -rf "${BUILD_DIR:?}/"
