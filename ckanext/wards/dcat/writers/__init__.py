"""Our own RDF writers, each ``serialize(graph) -> str``: ``turtle`` and ``jsonld`` (the
same graphs as rdflib's writers, several times faster on catalogue pages). They depend on
rdflib alone; ``dcat.serializer`` decides when they are used."""
