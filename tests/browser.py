"""Headless Debian Chromium (through Playwright) against the test app on a real WSGI server.

Test modules import the fixtures: ``from tests.browser import CHROMIUM, browser, served``.
"""
from __future__ import annotations

import pytest

from tests import loopback

CHROMIUM = "/usr/bin/chromium"
# No background networking: this machine's network is closed, and Chromium's own
# connections would only be refused.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Pixels with ink on a canvas that Chart.js owns (0 if Chart.js did not take it).
CANVAS_INKED = """id => {
  const c = document.getElementById(id);
  if (!c || !window.Chart || !window.Chart.getChart(c)) return 0;
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) inked++; }
  return inked;
}"""


@pytest.fixture
def served(app):
    """The test app behind a real WSGI server on 127.0.0.1:<free port>."""
    from werkzeug.serving import make_server
    server = loopback.serve(make_server("127.0.0.1", 0, app.app, threaded=True))
    yield loopback.url(server)
    loopback.stop(server)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
