"""Ingestion: bytes on disk to `Paper` records. Pure: no Textual, no Whoosh."""

from reader.ingest.dump import DumpInfo, iter_dump, parse_text, read_dump
from reader.ingest.files import DumpFileError, discover, max_dump_bytes
from reader.ingest.identity import find_arxiv_id, paper_id, title_key
from reader.ingest.merge import date_key, merge_records, page_date_iso
from reader.ingest.page import PageText
from reader.ingest.text import clean_field, decode, normalise, strip_controls

__all__ = [
    "DumpFileError",
    "DumpInfo",
    "PageText",
    "clean_field",
    "date_key",
    "merge_records",
    "page_date_iso",
    "decode",
    "discover",
    "find_arxiv_id",
    "iter_dump",
    "max_dump_bytes",
    "normalise",
    "paper_id",
    "parse_text",
    "read_dump",
    "strip_controls",
    "title_key",
]
