"""A fast JSON-LD writer for the catalogue pages (``/catalog.jsonld``).

rdflib's JSON-LD serializer asks the graph again for every object (is it the head of an
rdf:List? who else uses this blank node?) and builds the document as nested dicts before
``json.dumps`` walks them in pure Python: a page of 100 datasets takes ~600 ms there.
This writer produces the same document, the one rdflib writes without a context
(``graph.serialize(format="json-ld")``): a top-level array of node objects in expanded
form, keys sorted, indented by two spaces::

    [
      {
        "@id": "https://example.jp/dataset/aed",
        "@type": [
          "http://www.w3.org/ns/dcat#Dataset"
        ],
        "http://purl.org/dc/terms/title": [
          {
            "@language": "ja",
            "@value": "AED設置箇所"
          }
        ]
      }
    ]

Each term is rendered once per call (a dict) in that fixed layout, so the text equals
``json.dumps(..., indent=2, sort_keys=True, ensure_ascii=False)`` of the same data.
Unlike rdflib's, the output is deterministic: nodes, keys and values are sorted, and
blank nodes are labelled _:b0, _:b1… in the order the sorted IRI nodes lead to them.

Like rdflib, it writes rdf:type as "@type", rdf:nil as an empty "@list", and integers,
booleans and doubles as JSON numbers and booleans, but these only when rdflib reads them
back as the same literal. What this writer does not write raises turtle.UnsupportedGraph,
and callers fall back to rdflib: what Turtle's writer refuses (a literal or blank node as
predicate, a literal subject, N3 variables or formulas, relative IRIs), IRIs with a space
where JSON-LD needs an "@id" (rdflib's parser reads them as new blank nodes), rdf:Lists
(rdflib writes them as "@list") and named graphs (rdflib writes them as "@graph").
"""
from __future__ import annotations

import json
import math

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD

from ckanext.wards.dcat.writers import turtle
from ckanext.wards.dcat.writers.turtle import UnsupportedGraph

# rdflib's namespaces build a new URIRef at every attribute access: look them up once.
_RDF_TYPE, _RDF_FIRST, _RDF_NIL = RDF.type, RDF.first, RDF.nil
_XSD_DOUBLE = XSD.double
_quote = json.JSONEncoder(ensure_ascii=False).encode

# The layout json.dumps(indent=2) gives the document: nodes at depth 1, their keys at 2,
# values at 3 and the keys of value objects at 4.
_NODE, _KEY, _VALUE, _VALUE_KEY = "\n  ", "\n    ", "\n      ", "\n        "
_EMPTY_LIST_TEXT = f'{{{_VALUE_KEY}"@list": []{_VALUE}}}'


def serialize(graph: Graph) -> str:
    """The graph as JSON-LD; works for Graph and ConjunctiveGraph (its default graph)."""
    if _has_named_graphs(graph):
        raise UnsupportedGraph("named graphs")
    statements = turtle.group_by_subject(graph.triples((None, None, None)))
    return _Writer(statements).write()


def _has_named_graphs(graph: Graph) -> bool:
    """Whether rdflib would write some triples in a "@graph" of their own: those of
    contexts named by an IRI (ckanext-dcat's graphs use the unnamed default one)."""
    if not graph.context_aware:
        return False
    return any(isinstance(context.identifier, URIRef) and context.identifier != DATASET_DEFAULT_GRAPH_ID
               and len(context) for context in graph.contexts())


def _native_value(literal: Literal) -> str | None:
    """The JSON number or boolean rdflib writes for the literal, if reading it back gives
    the same literal: rdflib's parser writes the Python value in its canonical form."""
    bare = turtle.bare_literal(literal)
    if bare:
        return bare
    lexical = str(literal)
    if literal.datatype == _XSD_DOUBLE:
        value = literal.value
        if isinstance(value, float) and math.isfinite(value) and repr(value) == lexical:
            return lexical
    return None


class _Writer:
    def __init__(self, statements: turtle.Statements):
        self.statements = statements
        # Term → its text as the value of "@id" (IRIs, labelled blank nodes) and as an
        # element of a property's array.
        self.id_text: dict = {}
        self.value_text: dict = {_RDF_NIL: _EMPTY_LIST_TEXT}
        self.key_text: dict = {}
        self.properties_text: dict = {}

    def write(self) -> str:
        statements = self.statements
        for subject, predicates in statements.items():
            if not isinstance(subject, (URIRef, BNode)):
                raise UnsupportedGraph(f"cannot write {subject!r} as a JSON-LD subject")
            if _RDF_FIRST in predicates:
                raise UnsupportedGraph("rdf:List")
        # Like rdflib, every blank node gets a node object, even one without properties.
        subjects = sorted((s for s in statements if not isinstance(s, BNode)), key=str)
        nodes = [self.node(subject) for subject in subjects + self.label_blank_nodes(subjects)]
        if not nodes:
            return "[]"
        return "[" + _NODE + ("," + _NODE).join(nodes) + "\n]"

    def label_blank_nodes(self, iri_subjects: list) -> list:
        """Labels _:b0, _:b1… in the order a walk from the IRI subjects meets the blank
        nodes, then from the blank nodes nothing leads to, then from those in cycles of
        blank nodes; nodes used by the same node and property go in the order of their
        content (the blank nodes they use aside). The labels thus depend on the graph, not
        on the nodes' ids."""
        statements = self.statements
        below: dict = {}  # node → {predicate: [the blank nodes it uses]}
        for subject, predicates in statements.items():
            for predicate, objects in predicates.items():
                for o in objects:
                    if isinstance(o, BNode):
                        below.setdefault(subject, {}).setdefault(predicate, []).append(o)
        used = {o for uses in below.values() for nodes in uses.values() for o in nodes}
        blank = used.union(s for s in statements if isinstance(s, BNode))
        for node in blank:
            self.set_id(node, '"_:"')
        content = {node: self.properties(node) for node in blank}
        # The text of nodes that use no blank node does not change with the labels.
        self.properties_text = {node: text for node, text in content.items() if node not in below}

        def by_content(nodes) -> list:
            return sorted(nodes, key=lambda node: (content[node], str(node)))

        ordered: dict = {}  # the labelled nodes, in order (a dict: quick to look up)

        def walk(roots: list) -> None:
            stack = roots[::-1]
            while stack:
                node = stack.pop()
                if node in ordered:
                    continue
                if isinstance(node, BNode):
                    ordered[node] = None
                uses = below.get(node, {})
                stack += [o for p in sorted(uses, key=str) for o in by_content(uses[p])][::-1]

        walk(iri_subjects)
        walk(by_content(blank - used))
        walk(by_content(blank.difference(ordered)))
        for number, node in enumerate(ordered):
            self.set_id(node, f'"_:b{number}"')
        return list(ordered)

    def set_id(self, node: BNode, text: str) -> None:
        self.id_text[node] = text
        self.value_text[node] = f'{{{_VALUE_KEY}"@id": {text}{_VALUE}}}'

    def node(self, subject) -> str:
        properties = self.properties_text.get(subject)
        if properties is None:
            properties = self.properties(subject)
        return f'{{{_KEY}"@id": {self.id(subject)}{properties}\n  }}'

    def properties(self, subject) -> str:
        """The node's keys after "@id", each starting with a comma."""
        predicates = self.statements.get(subject, {})
        parts = []
        types = [o for o in predicates.get(_RDF_TYPE, ()) if not isinstance(o, Literal)]
        if types:
            parts.append('"@type": ' + _array(sorted(map(self.id, types))))
        for predicate in sorted(predicates, key=str):
            objects = predicates[predicate]
            if predicate == _RDF_TYPE:  # "@type" holds IRIs and blank nodes, not literals
                objects = [o for o in objects if isinstance(o, Literal)]
                if not objects:
                    continue
            parts.append(f"{self.key(predicate)}: " + _array(sorted(self.value(o) for o in objects)))
        return "".join(f",{_KEY}{part}" for part in parts)

    def key(self, predicate) -> str:
        text = self.key_text.get(predicate)
        if text is None:
            if not isinstance(predicate, URIRef):
                raise UnsupportedGraph(f"cannot write {predicate!r} as a JSON-LD predicate")
            text = self.key_text[predicate] = _quote(_absolute(predicate))
        return text

    def value(self, term) -> str:
        """Text of a term as an element of a property's array."""
        text = self.value_text.get(term)
        if text is None:
            if isinstance(term, URIRef):
                text = f'{{{_VALUE_KEY}"@id": {self.id(term)}{_VALUE}}}'
            elif isinstance(term, Literal):
                text = _literal(term)
            else:
                raise UnsupportedGraph(f"cannot write {term!r} in JSON-LD")
            self.value_text[term] = text
        return text

    def id(self, term) -> str:
        """The quoted "@id" of an IRI or a (labelled) blank node."""
        text = self.id_text.get(term)
        if text is None:
            iri = _absolute(term)
            if " " in iri:
                raise UnsupportedGraph(f"IRI with a space as JSON-LD @id: {iri!r}")
            text = self.id_text[term] = _quote(iri)
        return text


def _array(values: list) -> str:
    return "[" + _VALUE + ("," + _VALUE).join(values) + _KEY + "]"


def _literal(literal: Literal) -> str:
    value = _quote(str(literal))
    if literal.language:
        return f'{{{_VALUE_KEY}"@language": {_quote(literal.language)},{_VALUE_KEY}"@value": {value}{_VALUE}}}'
    if literal.datatype is None:
        return f'{{{_VALUE_KEY}"@value": {value}{_VALUE}}}'
    datatype = _quote(_absolute(literal.datatype))
    value = _native_value(literal) or value
    return f'{{{_VALUE_KEY}"@type": {datatype},{_VALUE_KEY}"@value": {value}{_VALUE}}}'


def _absolute(iri) -> str:
    if not isinstance(iri, URIRef):
        raise UnsupportedGraph(f"cannot write {iri!r} in JSON-LD")
    if not turtle.ABSOLUTE_IRI.match(iri):
        raise UnsupportedGraph(f"relative IRI {iri!r}")
    return str(iri)
