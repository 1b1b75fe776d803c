"""Extension points of ckanext-wards (CKAN plugin interfaces)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ckan.plugins.interfaces import Interface


class IWardsScoring(Interface):
    """Add metrics to the wards_scoring plugin's scores, and assessments its metrics read.

    The scoring plugin calls every plugin implementing this interface (in ``ckan.plugins``
    order) through ``PluginImplementations``; implement it with
    ``p.implements(IWardsScoring, inherit=True)`` and override only what you need. Our own
    plugins use it: ``wards_dcat`` assesses DCAT-AP compliance (``pv:dcatApCompliance``),
    ``wards_schema`` checks resource files against the national standard datasets and the
    government machine-readability rules (``wq:standardConformance``,
    ``wq:readabilityRules``).

    An implementation that raises does not stop scoring: the error is logged and what it
    would have assessed counts as not assessed (0 points, flagged ``assessed: false``).
    """

    def wards_metrics(self) -> list[dict[str, Any]]:
        '''
        Metrics to score besides those of ``schemas/metrics.yaml``.

        Each entry has the shape of a metrics.yaml entry: ``id`` (unique, e.g.
        ``ex:hasDocumentation``), ``dimension`` (one of metrics.yaml's ``dimensions``;
        ``japan`` adds to the Japan score, an MQA dimension to the MQA points), ``scope``
        (``dataset`` or ``distribution``), ``points``, ``check`` (a name of
        ``wards_checks``), ``field``, and ja/en ``label`` and ``fix``. An entry whose id is
        taken or whose dimension is unknown is logged and ignored.

        :returns: metric entries
        :rtype: list of dicts
        '''
        return []

    def wards_checks(self) -> dict[str, Callable[[Any, Optional[int]], Optional[float]]]:
        '''
        The check functions of the metrics added by ``wards_metrics``, by ``check`` name.

        A check is called as ``check(subject, index)``: ``subject`` is a
        ``ckanext.wards.scoring.subject.Subject`` (``subject.pkg`` the dataset dict,
        ``subject.resources`` its active resources, ``subject.classes`` their format
        classification, ``subject.resource_store(res)`` the stored assessments);
        ``index`` is the resource's position for a ``distribution`` metric, None for a
        ``dataset`` metric. It returns the share of the metric that passes (0.0 to 1.0),
        or None when it cannot be assessed.

        :returns: check name → function
        :rtype: dict
        '''
        return {}

    def wards_assess_dataset(self, dataset_dict: dict[str, Any]) -> dict[str, Any]:
        '''
        Slow assessments of one dataset, run by its DCAT-AP job (``jobs.validate_dataset``,
        queued after every change) and by ``ckan wards score --validate-dcat`` and
        ``ckan wards check-files``, stored with its score and kept by bulk re-scoring.

        Known key: ``dcat_compliant`` (True, False, or None when it could not be
        assessed), read by ``pv:dcatApCompliance``.

        :param dataset_dict: the dataset as ``package_show`` returns it
        :type dataset_dict: dict
        :returns: assessment name → result; an empty dict when this plugin does not
            assess the dataset
        :rtype: dict
        '''
        return {}

    def wards_assess_resource(self, dataset_dict: dict[str, Any],
                              resource_dict: dict[str, Any]) -> dict[str, Any]:
        '''
        Slow assessments of one resource's file, run by the dataset's re-score job and
        the resource's file-check job for every resource when ``ckanext.wards.file_checks``
        is on (and by ``ckan wards check-files``), stored with the resource's score and
        kept by bulk re-scoring. wards_schema answers with the stored result of its own
        file check (``scoring.filechecks``), which runs before. Fetch remote files only through the safe
        fetcher (``ckanext.wards.lib.fetch``); a file that cannot be fetched is not
        assessed (None), never failed.

        Known keys: ``conformance_ok`` (the file conforms to the standard dataset it
        declares: True, False, or None when undecided), read by ``wq:standardConformance``;
        ``rules_score`` (0 to 100, the government machine-readability rules), read by
        ``wq:readabilityRules``.

        :param dataset_dict: the dataset as ``package_show`` returns it
        :type dataset_dict: dict
        :param resource_dict: one of its resources
        :type resource_dict: dict
        :returns: assessment name → result; an empty dict when this plugin does not
            assess the resource
        :rtype: dict
        '''
        return {}
