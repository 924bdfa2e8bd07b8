"""``sori serve``: migrate, optionally load the demo, then run gunicorn and a worker until Ctrl-C."""

from __future__ import annotations

import os
import sys
from typing import Any

import gunicorn
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.core.management.commands.worker import queue_is_in_database
from sori.core.management.supervise import Supervisor, accepts_connections

# Seconds gunicorn gives requests in flight after SIGTERM; the worker finishes its task in hand.
GRACE_SECONDS = 5
# Beyond the grace period, how long to wait before killing a child that has not stopped.
STOP_SECONDS = GRACE_SECONDS + 5


def default_web_workers() -> int:
    # gunicorn's usual advice (2 x cores + 1), bounded so a big machine does not start dozens
    # of processes that would only queue on one SQLite file.
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def tcp_port(value: str) -> int:
    number = int(value)
    if not 0 < number < 65536:
        raise ValueError(value)
    return number


def count(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = _(
        "Apply migrations and run Sori: a gunicorn web server and a background worker. "
        "Ctrl-C stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help=_("Address to listen on."))
        parser.add_argument("--port", type=tcp_port, default=8000, help=_("Port to listen on."))
        parser.add_argument(
            "--demo", action="store_true",
            help=_("Load the demo organisation first (once; later runs keep it)."),
        )  # fmt: skip
        parser.add_argument(
            "--workers", type=count, default=default_web_workers(),
            help=_("Web server processes (default: %(default)s)."),
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if accepts_connections(host, port):
            raise CommandError(
                _("Something already listens on %(host)s:%(port)d; choose another --port.")
                % {"host": host, "port": port},
                returncode=2,
            )
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        if options["demo"]:
            call_command("demo")
        with Supervisor(stop_timeout=STOP_SECONDS) as supervisor:
            supervisor.start(_("web server"), self._gunicorn(host, port, options["workers"]))
            if queue_is_in_database():
                supervisor.start(_("worker"), [sys.executable, "-m", "sori", "worker"])
            announced = False

            def announce() -> None:
                nonlocal announced
                if not announced and accepts_connections(host, port):
                    announced = True
                    self._banner(host, port, demo=options["demo"])

            stopped = supervisor.wait(on_tick=announce)
            if stopped is not None:
                raise CommandError(
                    _("The %(name)s stopped unexpectedly (exit status %(code)s); stopping Sori.")
                    % {"name": stopped.name, "code": stopped.process.returncode},
                    returncode=1,
                )
            self.stdout.write(_("Stopping Sori…"))
            self.stdout.flush()
        self.stdout.write(_("Sori stopped."))

    def _gunicorn(self, host: str, port: int, workers: int) -> list[str]:
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        argv = [
            sys.executable, "-m", "gunicorn", "sori.config.wsgi:application",
            "--bind", bind,
            "--workers", str(workers),
            "--graceful-timeout", str(GRACE_SECONDS),
            "--timeout", "60",
        ]  # fmt: skip
        if gunicorn.version_info >= (25, 1):
            # The control socket is shared per user by default: several instances would collide.
            argv.append("--no-control-socket")
        return argv

    def _banner(self, host: str, port: int, *, demo: bool) -> None:
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(
            self.style.SUCCESS(_("Sori is running at http://%(host)s:%(port)d/") % {
                "host": shown, "port": port})
        )  # fmt: skip
        self.stdout.write(
            _("API: http://%(host)s:%(port)d/api/docs · Press Ctrl-C to stop.")
            % {"host": shown, "port": port}
        )
        if demo:
            self.stdout.write(_("Demo staff logins: run `sori demo` to print them again."))
        self.stdout.flush()
