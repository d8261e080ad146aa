"""Ingestion: bytes on disk to `Paper` records. Pure: no Textual, no Whoosh.

The public names are re-exported lazily (`reader._lazy`): the bookmark store and the app
need only `reader.ingest.text`; importing every parser would slow the app's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader._lazy import lazy_exports

if TYPE_CHECKING:
    from reader.ingest.dump import DumpInfo, iter_dump, parse_text, read_dump
    from reader.ingest.files import DumpFileError, discover, max_dump_bytes, open_regular
    from reader.ingest.identity import find_arxiv_id, paper_id, title_key
    from reader.ingest.jsonfmt import parse_json_text, sniff, sniff_text
    from reader.ingest.jsonrecords import arxiv_paper, hf_paper
    from reader.ingest.merge import date_key, merge_records, page_date_iso
    from reader.ingest.page import PageText
    from reader.ingest.text import (
        NotText,
        clean_field,
        decode,
        display_text,
        normalise,
        strip_controls,
    )

#: Public name -> the submodule that defines it.
_HOME = {
    "DumpInfo": "dump", "iter_dump": "dump", "parse_text": "dump", "read_dump": "dump",
    "DumpFileError": "files", "discover": "files", "max_dump_bytes": "files",
    "open_regular": "files",
    "find_arxiv_id": "identity", "paper_id": "identity", "title_key": "identity",
    "parse_json_text": "jsonfmt", "sniff": "jsonfmt", "sniff_text": "jsonfmt",
    "arxiv_paper": "jsonrecords", "hf_paper": "jsonrecords",
    "date_key": "merge", "merge_records": "merge", "page_date_iso": "merge",
    "PageText": "page",
    "NotText": "text", "clean_field": "text", "decode": "text", "display_text": "text",
    "normalise": "text", "strip_controls": "text",
}  # fmt: skip

__all__ = [
    "DumpFileError",
    "DumpInfo",
    "NotText",
    "PageText",
    "arxiv_paper",
    "clean_field",
    "date_key",
    "decode",
    "discover",
    "display_text",
    "find_arxiv_id",
    "hf_paper",
    "iter_dump",
    "max_dump_bytes",
    "merge_records",
    "normalise",
    "open_regular",
    "page_date_iso",
    "paper_id",
    "parse_json_text",
    "parse_text",
    "read_dump",
    "sniff",
    "sniff_text",
    "strip_controls",
    "title_key",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
