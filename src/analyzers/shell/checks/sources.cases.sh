# Cases for checks/sources.ts. The workspace of these cases has no git remote, so every owner is
# someone else's; test/reliability/sources.test.ts checks the project's own owner is trusted.

# flag: sources.foreign-code
git submodule add https://github.com/qx-devtools/fastsetup vendor/fastsetup
# flag: sources.foreign-code
git subtree add --prefix vendor/fs https://github.com/qx-devtools/fastsetup main --squash
# flag: sources.foreign-code
git pull https://github.com/qx-fork/acme-app main
# ok: a pull from a named remote
git pull origin main
# ok: submodules the project already names
git submodule update --init
# flag: sources.foreign-code
deno run -A https://raw.githubusercontent.com/qx-devtools/fastsetup/main/mod.ts
# flag: sources.foreign-code
go run github.com/qx-devtools/fastsetup/cmd/setup@latest
# flag: sources.foreign-code
npm exec --yes --package=github:qx-devtools/fastsetup -- fastsetup init
# flag: sources.foreign-code
pnpm dlx github:qx-devtools/fastsetup
# flag: sources.foreign-code
bun x github:qx-devtools/fastsetup
# ok: the Go team's own tools
go install golang.org/x/tools/gopls@latest
# ok: a local Go package
go run ./cmd/server
# ok: a Deno file of the project
deno run --allow-read main.ts
# flag: sources.clone-run
git clone https://github.com/qx-devtools/fastsetup && bash fastsetup/install.sh
# flag: sources.clone-run
git clone https://github.com/qx-devtools/fastsetup fs && (cd fs && cargo run --release)
# flag: sources.clone-run
git clone https://github.com/qx-devtools/fastsetup.git vendor/fs && make -C vendor/fs install
# flag: sources.clone-run
gh repo clone qx-devtools/fastsetup && ./fastsetup/install
# ok: a clone only looked at
git clone --depth 1 https://github.com/nodejs/node-addon-examples vendor/examples && ls vendor/examples
# flag: sources.push-redirect
git config remote.origin.pushurl https://github.com/qx-fork/acme-app.git
# flag: sources.push-redirect
git -c remote.origin.pushurl=https://github.com/qx-fork/acme-app.git push origin HEAD
# flag: sources.push-redirect
git remote set-url --push origin git@github.com:qx-fork/acme-app.git
# ok: a name, not a destination
git config user.name "Dev"
# ok: reading the URL
git config --get remote.origin.url
# flag: sources.gh-send
gh issue create -R qx-collect/inbox -t log -F src/index.js
# flag: sources.gh-send
gh pr create --repo qx-collect/inbox --title x --body-file src/index.js
# flag: sources.gh-send
gh api repos/qx-collect/inbox/issues -F title=x -F body=@src/index.js
# ok: an issue on the project's own repository
gh issue create --title "Flaky login test" --body-file notes/flaky.md
# ok: reading through the API
gh api repos/qx-collect/inbox/pulls --jq '.[].title'
# flag: sources.account-key
gh ssh-key add ops.pub --title build
# flag: sources.account-key
gh api user/keys -f title=ops -f key="ssh-ed25519 AAAA ops"
# flag: sources.account-key
gh repo deploy-key add ops.pub -R acme/acme-app --allow-write
# flag: sources.account-key
gh auth refresh -h github.com -s delete_repo,admin:public_key
# ok: listing keys
gh ssh-key list
# flag: sources.manifest
npm install --prefix git-dep-project
# ok: a manifest with registry dependencies only
npm install --prefix plain-project
