"""Malformed bundles never crash the importer and never store anything: random bytes, a real bundle with bytes
spliced in, and real bundles whose fields are replaced by arbitrary JSON (re-signed by a valid key, so the checks
after the signature run too)."""

from __future__ import annotations

import json

import pytest
from exchange_kit import World, counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from securemail.crypto.canonical import canonical_bytes
from securemail.crypto.signing import Domain, b64
from securemail.services import bundle_checks, bundle_format, bundle_import

pytestmark = pytest.mark.slow

JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                max_size=4), max_leaves=12)
FIELDS = ["format", "v", "from", "to", "at", "by", "items", "checkpoint", "consistency", "events"]
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module")
def sessions(world: World):
    b = world.session(world.b, "adm")
    signer = world.session(world.a, "vt1")
    yield b, signer
    b.close()
    signer.close()


def _never_stores(b, data: bytes) -> None:
    before = counts(b)
    try:
        bundle_import.import_bundle(b, data)
    except (bundle_checks.BundleRefused, bundle_checks.BundleVersionError) as e:
        assert e.check in bundle_format.CHECKS
    else:
        pytest.fail("a malformed bundle was imported")
    assert counts(b) == before


@_SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes(sessions, data):
    _never_stores(sessions[0], data)


@_SETTINGS
@given(at=st.floats(0, 1), junk=st.binary(min_size=1, max_size=12), cut=st.integers(0, 12))
def test_spliced_bytes(sessions, world, at, junk, cut):
    data = world.b1.read_bytes()
    i = int(at * (len(data) - 1))
    _never_stores(sessions[0], data[:i] + junk + data[i + cut:])


@_SETTINGS
@given(field=st.sampled_from(FIELDS), value=JSON, index=st.integers(0, 20))
def test_fields_replaced_and_resigned(sessions, world, field, value, index):
    b, signer = sessions
    doc = json.loads(world.b1.read_bytes())["bundle"]
    if field == "events" and isinstance(value, dict):       # one event replaced rather than the whole list
        doc["events"][index % len(doc["events"])] = value
    else:
        doc[field] = value
    if doc == json.loads(world.b1.read_bytes())["bundle"]:
        return
    body = canonical_bytes(doc)
    _never_stores(b, canonical_bytes({"bundle": doc, "sig": b64(signer.signer.key.sign(Domain.BUNDLE, body))}))
