"""Small pieces for the HTTP servers tests run on loopback (peer portals, remote files):
one way to start and stop them, and one reply helper."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

# ``shutdown()`` waits for the serving loop's next poll: a short interval keeps every
# teardown quick (the default is half a second).
POLL_INTERVAL = 0.02


def serve(server: HTTPServer) -> HTTPServer:
    """Serve ``server`` (any ``socketserver`` server, e.g. werkzeug's) in a daemon thread."""
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, daemon=True).start()
    return server


def start(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A threading HTTP server of ``handler`` on ``host``:<a free port>, serving."""
    return serve(ThreadingHTTPServer((host, 0), handler))


def stop(server: HTTPServer) -> None:
    server.shutdown()
    server.server_close()


def url(server: HTTPServer) -> str:
    """``http://host:port`` of a started server."""
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def reply(handler: BaseHTTPRequestHandler, body: bytes, content_type: str, status: int = 200) -> None:
    """Send one complete response with a Content-Length."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
