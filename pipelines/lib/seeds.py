"""Reading the whole seeds folder: every candidate file is either a document or a rejection.

A run after one new document among 100,000 should not read and decode the other 99,999 (about
26 s at that size). The ingest step keeps a record of the documents it accepted, with the hashes
of the bytes it decoded (`save_record`). The next run's folder scan (`seed_state.scan`) gives each
file's current hash, from its size and modification time when those are unchanged (as git's index
does); a document whose file and sidecar hashes equal the record's is not read again: its row
comes from the record with no text (`RawDocument.text` is None), and its extraction from the
cache. If the cache does not hold it after all (a new extractor version), the extraction step
reads the text then (`load_text`). The record is used only when it was written for the same seeds
folder, the same read limits and the same reading code; otherwise every file is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib.documents import (ReadLimits, RawDocument, Rejection, Sidecar, display_path,
                                     list_seed_files, read_document, read_sidecar)
from pipelines.lib.fingerprint import fingerprint
from pipelines.lib.seed_state import SeedState
from pipelines.lib.storage import write_parquet


@dataclass
class SeedReadResult:
    documents: list[RawDocument] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    reused: int = 0  # documents taken from the record without reading their file

    RAW_COLUMNS = ["doc_id", "source_path", "sha256", "encoding", "n_bytes", "text",
                   "sidecar_published", "sidecar_source_url", "sidecar_language"]

    def documents_as_rows(self) -> list[dict]:
        return [dict(doc_id=d.doc_id, source_path=d.source_path, sha256=d.sha256, encoding=d.encoding,
                     n_bytes=d.n_bytes, text=d.text, sidecar_published=d.sidecar.published,
                     sidecar_source_url=d.sidecar.source_url, sidecar_language=d.sidecar.language)
                for d in self.documents]

    def rejected_as_rows(self) -> list[dict]:
        return [dict(source_path=r.source_path, sha256=r.sha256, reason=r.reason, detail=r.detail)
                for r in self.rejected]


def raw_document_from_row(row: dict) -> RawDocument:
    """Inverse of `documents_as_rows` (what the extraction step receives); a row without its text
    (read without that column) gives a document whose text `load_text` reads when needed."""
    published = row["sidecar_published"]
    sidecar = Sidecar(published if published is not None and published == published else None,
                      row["sidecar_source_url"] or None, row["sidecar_language"] or None)
    text = row.get("text")
    text = text if isinstance(text, str) else None
    return RawDocument(row["source_path"], row["sha256"], text, row["encoding"], int(row["n_bytes"]), sidecar)


def read_seeds(seeds_dir: Path, limits: ReadLimits = ReadLimits(), *, state: SeedState | None = None,
               known: dict[str, RawDocument] | None = None) -> SeedReadResult:
    """Read every candidate file in `seeds_dir` (sorted); duplicates of a kept document are rejected.

    With the folder's `state` (this run's scan) and the `known` documents of the record, a document
    whose file and sidecar still have the recorded hashes is taken from the record, not read."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder {seeds_dir} does not exist or is not a folder")
    result = SeedReadResult()
    kept_by_hash: dict[str, str] = {}
    for rel in list_seed_files(seeds_dir):
        doc = _unchanged(rel, state, known)
        if doc is not None:
            result.reused += 1
        else:
            doc = read_document(seeds_dir, rel, limits)
        if isinstance(doc, Rejection):
            result.rejected.append(doc)
            continue
        if doc.sha256 in kept_by_hash:
            result.rejected.append(Rejection(doc.source_path, doc.sha256, "duplicate",
                                             f"same bytes as {kept_by_hash[doc.sha256]}, which is kept"))
            continue
        kept_by_hash[doc.sha256] = doc.source_path
        if doc.text is not None:
            sidecar = read_sidecar(seeds_dir, rel)
            if isinstance(sidecar, Rejection):
                result.rejected.append(sidecar)
            elif sidecar is not None:
                doc = replace(doc, sidecar=sidecar)
        result.documents.append(doc)
    return result


def _unchanged(rel: str, state: SeedState | None, known: dict[str, RawDocument] | None) -> RawDocument | None:
    """The recorded document, if the file and its sidecar still hold the bytes it was read from.
    A symbolic link is always read again: where it points is checked on every read. The scan
    says which entries are links (two `lstat` calls per file cost 0.14 s at 10,000 documents)."""
    if not known or state is None or display_path(rel) != rel or rel in state.links:
        return None
    doc, entry = known.get(rel), state.entries.get(rel)
    if doc is None or entry is None or entry.sha256 != doc.sha256 or entry.sidecar_sha256 != doc.sidecar.sha256 \
            or (doc.sidecar.sha256 is None and entry.sidecar_size is not None):  # a sidecar appeared
        return None
    return doc


def load_text(seeds_dir: Path, doc: RawDocument, limits: ReadLimits) -> RawDocument:
    """`doc` with its text, read again from the seeds folder; SeedChanged when the file no longer
    holds the bytes the ingest step recorded (it changed during the run)."""
    fresh = read_document(seeds_dir, doc.source_path, limits)
    if isinstance(fresh, Rejection) or fresh.sha256 != doc.sha256:
        raise SeedChanged(f"{doc.source_path} changed after this run listed it (its bytes no longer have sha256 "
                          f"{doc.sha256[:16]}…); nothing was published, the next run reads it again")
    return replace(doc, text=fresh.text)


class SeedChanged(Exception):
    """A seed file changed between the ingest step and the extraction step of one run."""


# ------------------------------------------------------------------------------------- record
_RECORD_SCHEMA = pa.schema([
    ("source_path", pa.string()), ("sha256", pa.string()), ("encoding", pa.string()), ("n_bytes", pa.int64()),
    ("sidecar_sha256", pa.string()), ("sidecar_published", pa.date32()), ("sidecar_source_url", pa.string()),
    ("sidecar_language", pa.string())])


@lru_cache(maxsize=1)
def reader_version() -> str:
    """Fingerprint of the code that turns a file's bytes into a document (what the record holds):
    a change to it re-reads everything."""
    return fingerprint(("pipelines.lib.documents",))


def _record_key(seeds_dir: Path, limits: ReadLimits) -> dict[bytes, bytes]:
    return {b"seeds_dir": str(seeds_dir).encode(), b"limits": f"{limits.max_bytes}:{limits.max_line_chars}".encode(),
            b"reader_version": reader_version().encode()}


def save_record(path: Path, seeds_dir: Path, limits: ReadLimits, documents: list[RawDocument]) -> None:
    """The accepted documents of this read, for the next run. A document whose sidecar was rejected
    is recorded without one, so `_unchanged` never reuses it while that sidecar is there: the
    rejection is found (and reported) again."""
    rows = [dict(source_path=d.source_path, sha256=d.sha256, encoding=d.encoding, n_bytes=d.n_bytes,
                 sidecar_sha256=d.sidecar.sha256, sidecar_published=d.sidecar.published,
                 sidecar_source_url=d.sidecar.source_url, sidecar_language=d.sidecar.language)
            for d in documents]
    table = pa.Table.from_pylist(rows, schema=_RECORD_SCHEMA).replace_schema_metadata(_record_key(seeds_dir, limits))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(table, path)


def load_record(path: Path, seeds_dir: Path, limits: ReadLimits) -> dict[str, RawDocument]:
    """The previous read's documents by path (text None); empty when there is no record, it cannot
    be read, or it was written for another folder, other limits or other reading code."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException):
        return {}
    if table.schema.remove_metadata() != _RECORD_SCHEMA or (table.schema.metadata or {}) != _record_key(seeds_dir,
                                                                                                          limits):
        return {}
    cols = table.to_pydict()
    out = {}
    for path_, sha, enc, n, side_sha, published, url, lang in zip(*(cols[n] for n in _RECORD_SCHEMA.names)):
        out[path_] = RawDocument(path_, sha, None, enc, n, Sidecar(published, url, lang, side_sha))
    return out
