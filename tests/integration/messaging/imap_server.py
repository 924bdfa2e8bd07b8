"""A real IMAP server for the tests: Debian's Dovecot on a loopback port, with a throwaway
configuration, one user (any name, password ``secret``) and Maildir storage in a temporary
directory. Started by the test, stopped by its own process id."""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = Path("/usr/sbin/dovecot")
PASSWORD = "secret"
USER = "complaints"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _identities() -> tuple[str, str, str]:
    """(internal user, login user, mail user): Dovecot's own users when run as root."""
    if os.geteuid() == 0:
        return "dovecot", "dovenull", "dovecot"
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, me, me


class Dovecot:
    def __init__(self) -> None:
        self.port = free_port()
        # Dovecot's unprivileged processes must reach the directory.
        self.root = Path(tempfile.mkdtemp(prefix="sori-imap-"))
        self.root.chmod(0o755)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _configure(self) -> Path:
        internal, login, mail_user = _identities()
        account = pwd.getpwnam(mail_user)
        mail = self.root / "mail"
        mail.mkdir()
        os.chown(mail, account.pw_uid, account.pw_gid)
        (self.root / "run").mkdir()
        config = self.root / "dovecot.conf"
        config.write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/run/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{mail}/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
""",
            encoding="utf-8",
        )
        return config

    def start(self) -> None:
        config = self._configure()
        self.process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Dovecot did not start:\n{self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        """A logged-in IMAP client with the inbox selected, for setting up and checking."""
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        client.select("INBOX")
        return client

    def append(self, raw: bytes, *, seen: bool = False) -> None:
        client = self.client()
        try:
            status, _data = client.append("INBOX", "(\\Seen)" if seen else None, None, raw)
            assert status == "OK"
        finally:
            client.logout()

    def flags(self) -> dict[str, set[str]]:
        """Each message's Message-ID (or its first header line) and its flags."""
        client = self.client()
        try:
            found: dict[str, set[str]] = {}
            _status, data = client.uid("SEARCH", "ALL")
            for uid in data[0].split():
                _s, fetched = client.uid("FETCH", uid.decode(), "(FLAGS BODY.PEEK[HEADER])")
                meta, headers = fetched[0][0].decode(), fetched[0][1].decode("ascii", "replace")
                flags = meta.split("FLAGS (", 1)[1].split(")", 1)[0].split()
                key = next(
                    (
                        line.split(":", 1)[1].strip()
                        for line in headers.splitlines()
                        if line.lower().startswith("message-id:")
                    ),
                    headers.splitlines()[0] if headers.strip() else uid.decode(),
                )
                found[key] = set(flags)
            return found
        finally:
            client.logout()
