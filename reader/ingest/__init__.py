"""Ingestion: bytes on disk to `Paper` records. Pure: no Textual, no Whoosh."""

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
