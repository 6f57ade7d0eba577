"""Validation verdicts: a stored table that passed its model is not validated again, unless
anything about it or the validator changed since."""
import json

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib import verdicts
from pipelines.lib.fingerprint import validator_version
from pipelines.lib.verify import sha256_file


def _stored(folder, rows=(1, 2)):
    parquet = folder / "t.parquet"
    pq.write_table(pa.table({"a": list(rows)}), parquet)
    return parquet, folder / f"t{verdicts.SUFFIX}"


def test_a_verdict_holds_for_the_bytes_it_was_recorded_for(tmp_path):
    parquet, verdict_file = _stored(tmp_path)
    verdicts.record(verdict_file, "t", validator_version(), sha256_file(parquet))
    data, verdict = verdicts.read(parquet, verdict_file)
    assert pq.read_table(pa.BufferReader(data)).column("a").to_pylist() == [1, 2]
    assert verdicts.holds(verdict, "t")
    assert not verdicts.holds(verdict, "other_table")


def test_a_changed_file_a_changed_validator_or_a_broken_verdict_means_validating_again(tmp_path):
    parquet, verdict_file = _stored(tmp_path)
    verdicts.record(verdict_file, "t", validator_version(), sha256_file(parquet))
    pq.write_table(pa.table({"a": [1, 3]}), parquet)  # edited after it was validated
    data, verdict = verdicts.read(parquet, verdict_file)
    assert pq.read_table(pa.BufferReader(data)).column("a").to_pylist() == [1, 3] and verdict is None

    verdicts.record(verdict_file, "t", "an older validator", sha256_file(parquet))
    assert not verdicts.holds(verdicts.read(parquet, verdict_file)[1], "t")

    verdict_file.write_text("{not json")
    assert verdicts.read(parquet, verdict_file)[1] is None
    verdict_file.write_text(json.dumps({"table": "t"}))
    assert verdicts.read(parquet, verdict_file)[1] is None
    verdict_file.unlink()
    assert verdicts.read(parquet, verdict_file)[1] is None


def test_a_verdict_keeps_the_form_content_hash_and_links_its_writer_named_and_an_older_one_names_none(tmp_path):
    parquet, verdict_file = _stored(tmp_path)
    verdicts.record(verdict_file, "t", validator_version(), sha256_file(parquet), form="release form 1",
                    content_hash="abc", links="v:read")
    data, verdict = verdicts.read(parquet, verdict_file)
    assert data == parquet.read_bytes()
    assert (verdict.form, verdict.content_hash, verdict.links) == ("release form 1", "abc", "v:read")
    written_before_forms = {"table": "t", "validator": validator_version(), "sha256": sha256_file(parquet)}
    verdict_file.write_text(json.dumps(written_before_forms))
    assert verdicts.read(parquet, verdict_file)[1].form is None
    assert verdicts.read(parquet, verdict_file)[1].content_hash is None
    assert verdicts.read(parquet, verdict_file)[1].links is None
    verdict_file.unlink()
    assert verdicts.read(parquet, verdict_file) == (None, None)
