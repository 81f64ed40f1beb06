"""The document files' JSON: orjson when installed, the standard library otherwise, the same bytes either way."""
from __future__ import annotations

import pytest

from storage import json_codec

SAMPLE = {"record": {"1": {"nom": "Çağlar ØRSTED", "tél": "06 12 34 56 78", "enfants": [{"id": 1, "pai": True}],
                           "solde": -1250, "taux": 0.5, "vide": None}}, "counts": {3: "clé entière"}}


def test_orjson_and_the_stdlib_write_the_same_bytes_and_read_them_back(monkeypatch):
    if json_codec.orjson is None:
        pytest.skip("orjson is not installed: only the stdlib path exists")
    fast = json_codec.dumps(SAMPLE)
    monkeypatch.setattr(json_codec, "orjson", None)
    assert json_codec.dumps(SAMPLE) == fast
    assert json_codec.loads(fast) == {**SAMPLE, "counts": {"3": "clé entière"}}
