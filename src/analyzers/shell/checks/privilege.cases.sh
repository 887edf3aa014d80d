# Cases for checks/privilege.ts.

# flag: privilege.other-user
sudo apt-get install -y jq
# flag: privilege.root-shell
su
# flag: privilege.users
useradd backdoor
# flag: privilege.setuid
chmod u+s /usr/local/bin/tool
# flag: privilege.setuid
chmod 4755 tool
# ok: a setgid shared folder
chmod g+s shared
# ok: an executable script
chmod +x scripts/build.sh
# flag: privilege.world-writable
chmod 777 /srv/app
# flag: privilege.chmod-recursive-system
chmod -R 755 /etc
# flag: privilege.chown-root
chown root:root tool
# flag: privilege.chown-recursive-system
chown -R dev /usr
# ok: ownership inside the workspace
chown dev:dev build/out.txt
# flag: privilege.kernel
insmod rootkit.ko
# ok: modprobe's dry run loads nothing
modprobe -n loop
# flag: privilege.chroot
chroot /mnt/target
# flag: privilege.firewall
iptables -F
# flag: paths.read-credential
mount --bind ~/.ssh mnt
# flag: paths.write-outside
mount -o ro,bind vendor /srv/app
# ok: listing the mounts, and a bind of one workspace folder onto another
mount -t ext4 && mount -l && mount --bind build public
