# Cases for checks/destruction.ts.

# flag: destruction.delete-root-or-home
rm -rf /
# flag: destruction.delete-root-or-home
rm -rf ~
# flag: destruction.delete-outside
rm -rf /srv/data/old
# flag: destruction.delete-agent-control
rm -rf ~/.warden
# flag: destruction.delete-git-hooks
rm .git/hooks/pre-commit
# flag: destruction.delete-dynamic
rm -rf "$DIR"
# flag: destruction.delete-unknown-folder
cd "$X" && rm -rf build
# ok: build output in the workspace
rm -rf node_modules dist
# ok: an empty name deletes nothing
rm -f ""
# flag: destruction.disks
mkfs -t ext4 /dev/sdb1
# flag: destruction.disks
shutdown -h now
# flag: destruction.dd
dd if=/dev/zero of=/dev/sda
# ok: dd to a file
dd if=/dev/zero of=blank.img bs=1M count=1
# flag: destruction.systemctl-stop
systemctl stop nginx
