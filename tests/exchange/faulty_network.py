"""A real HTTP hop between two Parties that misbehaves on cue, like a network or a peer does.

The sender is configured with the proxy as the peer's endpoint; each request it makes takes the
next planned :class:`Act` (then ``FORWARD`` once the plan is used up):

* ``FORWARD``: pass the request to the peer and its answer back;
* ``FAIL_500``: answer 500 without passing anything on;
* ``STALL``: wait longer than the sender's timeout, then pass the request on anyway (the
  peer applies a message whose sender has given up on it);
* ``DROP_ANSWER``: pass the request on, then close the connection instead of answering;
* ``TWICE``: pass the request on two times, answer with the second answer;
* ``HOLD``: pass the request on, then wait until released (meanwhile the test kills the
  sender), then drop the connection;
* ``HALF_BODY``: send the peer the headers and half of the body, then call ``on_half_body``
  (the test kills the peer mid-request), answer 502;
* ``CORRUPT``: change one byte of the signed content, then pass it on;
* ``BREAK_SCHEMA``: make the message id something that is not a UUID, then pass it on.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx


class Act(StrEnum):
    FORWARD = "forward"
    FAIL_500 = "fail_500"
    STALL = "stall"
    DROP_ANSWER = "drop_answer"
    TWICE = "twice"
    HOLD = "hold"
    HALF_BODY = "half_body"
    CORRUPT = "corrupt"
    BREAK_SCHEMA = "break_schema"


class FaultyNetwork:
    def __init__(self, target: str, *, stall_seconds: float = 3.0) -> None:
        self.target = target.rstrip("/")
        self.stall_seconds = stall_seconds
        self.plan: list[Act] = []
        self.seen: list[tuple[Act, int | None]] = []  # what was done, the peer's status
        self.released = threading.Event()
        self.holding = threading.Event()
        self.on_half_body: Callable[[], None] = lambda: None
        self._lock = threading.Lock()
        network = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                network._pass(self, b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                network._handle(self, self.rfile.read(length))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def _next(self) -> Act:
        with self._lock:
            return self.plan.pop(0) if self.plan else Act.FORWARD

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> httpx.Response:
        return httpx.request(
            handler.command,
            self.target + handler.path,
            content=body,
            headers={"Content-Type": handler.headers.get("Content-Type", "application/xml")},
            timeout=60,
        )

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _pass(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        response = self._forward(handler, body)
        self._answer(handler, response.status_code, response.content)

    def _drop(self, handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    def _half_body(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        target = urlsplit(self.target)
        with socket.create_connection((target.hostname, target.port or 80), timeout=10) as peer:
            head = (
                f"POST {handler.path} HTTP/1.1\r\nHost: {target.netloc}\r\n"
                f"Content-Type: application/xml\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            peer.sendall(head.encode() + body[: len(body) // 2])
            time.sleep(0.2)  # the peer is now reading the request
            self.on_half_body()
        self._answer(handler, 502, b"")

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        act = self._next()
        status: int | None = None
        if act is Act.FAIL_500:
            self._answer(handler, 500, b"")
        elif act is Act.STALL:
            time.sleep(self.stall_seconds)
            status = self._forward(handler, body).status_code
            self._drop(handler)
        elif act is Act.DROP_ANSWER:
            status = self._forward(handler, body).status_code
            self._drop(handler)
        elif act is Act.TWICE:
            self._forward(handler, body)
            response = self._forward(handler, body)
            status = response.status_code
            self._answer(handler, status, response.content)
        elif act is Act.HOLD:
            status = self._forward(handler, body).status_code
            self.holding.set()
            self.released.wait(60)
            self._drop(handler)
        elif act is Act.HALF_BODY:
            self._half_body(handler, body)
        else:
            if act in (Act.CORRUPT, Act.BREAK_SCHEMA):
                tag = b"<PermitNumber>" if act is Act.CORRUPT else b"<MessageId>"
                at = body.index(tag) + len(tag)
                body = body[:at] + b"Z" + body[at + 1 :]
            response = self._forward(handler, body)
            status = response.status_code
            self._answer(handler, status, response.content)
        with self._lock:
            self.seen.append((act, status))
