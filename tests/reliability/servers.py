"""A real WSGI server for the reliability tests: Django's full request cycle (including the
clean-up of broken database connections after each request, which the test client skips), in a
thread of this process or in a process of its own."""

import os
import subprocess
import sys
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests

from .workers import ROOT


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadServer:
    """One WSGI app instance on 127.0.0.1:<port>, one request at a time (like a gunicorn sync worker)."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        handler = WSGIHandler()
        self.closing = False

        def app(environ, start_response):
            try:
                return handler(environ, start_response)
            finally:
                if self.closing:  # the last request: leave no connection open to the test database
                    from django.db import connections

                    connections.close_all()

        self.httpd: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.closing = True
        try:
            requests.get(f"{self.url}/api/v1/openapi.json", timeout=30)
        except requests.RequestException:
            pass
        self.httpd.shutdown()
        self.httpd.server_close()


SERVE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
from wsgiref.simple_server import make_server, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
class Q(WSGIRequestHandler):
    def log_message(self, *a): pass
httpd = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Q)
print(httpd.server_port, flush=True)
httpd.serve_forever()
"""


class ProcessServer:
    """A web process of its own (its own memory, its own database and Redis connections)."""

    def __init__(self, env: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        port = self.process.stdout.readline().strip()
        if not port:
            raise RuntimeError("de webserver startte niet")
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/api/v1/openapi.json", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
