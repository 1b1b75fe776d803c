"""A browser's view of CKAN's HTML forms for stack tests: log in by cookie (so CSRF
applies, as for a person), read a form's fields as the page sets them, post them back."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from ckan.tests import factories

PASSWORD = "Form-save-2026!"


def csrf_token(html: str) -> str:
    found = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="_csrf_token"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def logged_in(app, user: dict):
    """A test client with ``user`` (made with ``password=PASSWORD``) logged in by cookie."""
    client = app.test_client()
    login = client.get("/user/login").get_data(as_text=True)
    client.post("/user/login", data={"login": user["name"], "password": PASSWORD,
                                     "_csrf_token": csrf_token(login)})
    return client


def sysadmin_client(app):
    return logged_in(app, factories.Sysadmin(password=PASSWORD))


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser submits for form ``form_id`` untouched, with the
    value of its ``save`` button: checked boxes only, each select's selected options (the
    first when none is), textareas' text."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    assert form is not None, f"no form {form_id}"
    pairs: list[tuple[str, str]] = []
    for tag in form.find_all(["input", "select", "textarea", "button"]):
        name = tag.get("name")
        if not name or tag.has_attr("disabled"):
            continue
        kind = (tag.get("type") or "text").lower()
        if tag.name == "textarea":
            pairs.append((name, tag.text.removeprefix("\n")))
        elif tag.name == "select":
            options = tag.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if not chosen and options and not tag.has_attr("multiple"):
                chosen = options[:1]
            pairs += [(name, o.get("value", o.text)) for o in chosen]
        elif tag.name == "button" or kind == "submit":
            if name == "save":  # the form's own save button comes last (CKAN's forms)
                pairs = [p for p in pairs if p[0] != "save"] + [(name, tag.get("value", ""))]
        elif kind in ("checkbox", "radio"):
            if tag.has_attr("checked"):
                pairs.append((name, tag.get("value", "on")))
        elif kind != "file":
            pairs.append((name, tag.get("value", "")))
    return pairs


def save_unchanged(client, url: str, form_id: str):
    """GET ``url``, post its form ``form_id`` back as it is; the response of the post."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    from werkzeug.datastructures import MultiDict
    return client.post(url, data=MultiDict(form_fields(page.get_data(as_text=True), form_id)),
                       follow_redirects=False)
