"""Open Referral HSDS 3.0/3.1 import and export: the one place to import them from.

* :func:`import_hsds` (``dolbom import-hsds``) — :mod:`loaders.hsds_import`;
  forms read: :mod:`loaders.hsds_read`; the term table: :mod:`loaders.hsds_mapping`.
* :func:`export_hsds` (``dolbom export-hsds``) — :mod:`loaders.hsds_export`.

``docs/hsds.md`` has the mapping table and what is imported and reported.
"""

from loaders.hsds_export import ExportReport, build_hsds, export_hsds, hsds_id
from loaders.hsds_import import UNMAPPED_KINDS, HsdsReport, Unmapped, import_hsds
from loaders.hsds_mapping import HsdsError, Mapping, load_mapping
from loaders.hsds_read import HsdsData, read_hsds

__all__ = [
    "UNMAPPED_KINDS",
    "ExportReport",
    "HsdsData",
    "HsdsError",
    "HsdsReport",
    "Mapping",
    "Unmapped",
    "build_hsds",
    "export_hsds",
    "hsds_id",
    "import_hsds",
    "load_mapping",
    "read_hsds",
]
