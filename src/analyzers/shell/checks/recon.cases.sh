# Cases for checks/recon.ts and the enumeration check of index.ts.

# flag: recon.offensive-tool
python3 tools/laZagne.py all
# flag: recon.offensive-tools
hashcat -m 0 hashes.txt words.txt
# flag: recon.stratus
stratus detonate aws.defense-evasion.cloudtrail-stop
# flag: recon.locked-archive
zip -P secret123 out.zip notes.txt
# ok: a zip without a password
zip out.zip notes.txt
# flag: recon.shares
smbclient -L fileserver
# flag: recon.host-probe
arp -a
# flag: recon.password-policy
chage -l dev
# flag: recon.capture
scrot shot.png
# flag: recon.scanner
nmap -sV 10.0.0.0/24
# flag: recon.clipboard
pbpaste
# flag: recon.debug-trap
trap 'echo $BASH_COMMAND >> log' DEBUG
# flag: recon.enumeration
whoami; id; uname -a; hostname
# ok: one or two everyday checks
whoami; uname -a
