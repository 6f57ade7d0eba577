"""Reading the whole seeds folder: every candidate file is either a document or a rejection."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from pipelines.lib.documents import (ReadLimits, RawDocument, Rejection, Sidecar, list_seed_files, read_document,
                                     read_sidecar)


@dataclass
class SeedReadResult:
    documents: list[RawDocument] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

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
    """Inverse of `documents_as_rows` (what the extraction step receives)."""
    published = row["sidecar_published"]
    sidecar = Sidecar(published if published is not None and published == published else None,
                      row["sidecar_source_url"] or None, row["sidecar_language"] or None)
    return RawDocument(row["source_path"], row["sha256"], row["text"], row["encoding"], int(row["n_bytes"]), sidecar)


def read_seeds(seeds_dir: Path, limits: ReadLimits = ReadLimits()) -> SeedReadResult:
    """Read every candidate file in `seeds_dir` (sorted); duplicates of a kept document are rejected."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder {seeds_dir} does not exist or is not a folder")
    result = SeedReadResult()
    kept_by_hash: dict[str, str] = {}
    for rel in list_seed_files(seeds_dir):
        doc = read_document(seeds_dir, rel, limits)
        if isinstance(doc, Rejection):
            result.rejected.append(doc)
            continue
        if doc.sha256 in kept_by_hash:
            result.rejected.append(Rejection(doc.source_path, doc.sha256, "duplicate",
                                             f"same bytes as {kept_by_hash[doc.sha256]}, which is kept"))
            continue
        kept_by_hash[doc.sha256] = doc.source_path
        sidecar = read_sidecar(seeds_dir, rel)
        if isinstance(sidecar, Rejection):
            result.rejected.append(sidecar)
        elif sidecar is not None:
            doc = replace(doc, sidecar=sidecar)
        result.documents.append(doc)
    return result
