"""What one output graph remembers while the profile fills it: the nodes already described
(a catalogue page shares metrics, themes and publishers between a hundred datasets), the
prefixes bound, and the terms built once per process."""
from __future__ import annotations

import functools
import re

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import PROV

from ckanext.dcat.profiles.base import URIRefOrLiteral

from ckanext.wards.dcat.uris import CNT, DQV, imi


def graph_memo(g: Graph) -> set:
    """Nodes already described in this graph; cheaper than asking the store every time.
    The marker ``"catalog"`` says the graph is a catalogue page."""
    memo = g.__dict__.get("_wards_described")
    if memo is None:
        memo = g.__dict__["_wards_described"] = set()
    return memo


def bind_prefixes(g: Graph) -> None:
    """Prefixes for our namespaces: shorter output, and rdflib's writers find a prefix for
    every metric URI instead of failing (and retrying) on each one."""
    memo = graph_memo(g)
    if "prefixes" in memo:
        return
    memo.add("prefixes")
    g.bind("dqv", DQV)
    g.bind("ic", imi())
    g.bind("prov", PROV)
    g.bind("cnt", CNT)
    from ckanext.wards.vocab import metrics
    g.bind("pv", Namespace(metrics.PIVEAU))
    g.bind("wm", Namespace(metrics.namespace()))


@functools.lru_cache(maxsize=4096)
def vocabulary_ref(iri: str):
    """The cleaned IRI, or (as the stock code does) a literal if no IRI can be written."""
    return URIRefOrLiteral(iri)


_BRACKETS = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://(?:[^/?#@]*@)?)%5B([0-9A-Fa-f:.]+|v[^/?#]*?)%5D", re.I)


def ip_literal_iri(iri: str) -> str:
    """An IRI whose IPv6 host the stock IRI cleaning percent-encoded (``http://%5B::1%5D:8080/``)
    with its brackets back: ``[::1]`` is the IP-literal form of RFC 3986, not text to quote."""
    return _BRACKETS.sub(r"\1[\2]", iri)


def has_ip_literal(urls) -> bool:
    return any(isinstance(u, str) and "://[" in u for u in urls)


def restore_ip_literals(g: Graph) -> None:
    """Every IRI of ``g`` with its IPv6 host put back in brackets (only graphs that had one:
    the caller checks ``has_ip_literal`` first, so the common page pays nothing)."""
    def fixed(term):
        if isinstance(term, URIRef) and "%5B" in term.upper():
            text = ip_literal_iri(str(term))
            if text != str(term):
                return URIRef(text)
        return term
    for triple in list(g):
        new = tuple(fixed(t) for t in triple)
        if new != triple:
            g.remove(triple)
            g.add(new)
