"""C2SP signed-note, tlog-checkpoint and tlog-cosignature: published vectors, spec bytes and mutations.

Vectors: golang.org/x/mod/sumdb/note note_test.go (PeterNeumann, EnochRoot), c2sp.org/signed-note (example.com/foo),
c2sp.org/tlog-cosignature (the witness.example.com/w1 line in its example checkpoint).
"""

from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from securemail.crypto.signing import SigningKey, key_id, verify_note
from securemail.custody.checkpoint import (
    Checkpoint,
    office_signer_name,
    parse_note,
    user_signer_name,
    witness_signer_name,
)
from securemail.custody.cosignature import cosign, cosignature_key_id, cosignature_time, cosigned_message
from securemail.custody.note import (
    MAX_NOTE_BYTES,
    MAX_SIGNATURES,
    NoteSignature,
    is_valid_name,
    parse_verifier_key,
    split_note,
    verifier_key,
)
from securemail.services.statements import read_trust_file

# ---- published vectors -----------------------------------------------------------------------------------------

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_B64 = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
PETER_SIG = f"— PeterNeumann {PETER_B64}\n"
ENOCH_SIG = ("— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc"
             "+QQ=\n")
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = ("This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1"
             "ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")
COSIGNED_EXAMPLE = (  # c2sp.org/tlog-cosignature, "Below is an example of a checkpoint that contains a cosignature"
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE"
    "+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
    "mbIUBkBIfZ+qnA==\n")


def peter_key() -> SigningKey:
    raw = base64.b64decode(PETER_SKEY.split("+", 4)[4])
    assert raw[0] == 0x01
    return SigningKey(raw[1:])


@pytest.mark.parametrize("vkey", [PETER_VKEY, ENOCH_VKEY, C2SP_VKEY])
def test_published_verifier_keys_parse_and_reencode(vkey: str) -> None:
    vk = parse_verifier_key(vkey)
    assert key_id(vk.name, vk.public_key) == vk.key_id == bytes.fromhex(vkey.split("+")[1])
    assert verifier_key(vk.name, vk.public_key) == vkey


def test_key_id_is_sha256_of_name_newline_type_and_key() -> None:
    vk = parse_verifier_key(PETER_VKEY)
    assert hashlib.sha256(b"PeterNeumann\n\x01" + vk.public_key).digest()[:4] == bytes.fromhex("c74f20a3")
    assert peter_key().public_raw() == vk.public_key


def test_signing_reproduces_the_go_sign_vector() -> None:
    key = peter_key()
    vk = parse_verifier_key(PETER_VKEY)
    line = NoteSignature(vk.name, key_id(vk.name, key.public_raw()), key.sign_note(GO_TEXT.encode())).line()
    assert GO_TEXT + "\n" + line + "\n" == GO_TEXT + "\n" + PETER_SIG


@pytest.mark.parametrize(("vkey", "note"), [(PETER_VKEY, GO_TEXT + "\n" + PETER_SIG),
                                            (ENOCH_VKEY, GO_TEXT + "\n" + ENOCH_SIG),
                                            (C2SP_VKEY, C2SP_NOTE)])
def test_published_signed_notes_verify(vkey: str, note: str) -> None:
    vk = parse_verifier_key(vkey)
    text, sigs = split_note(note)
    assert [(s.name, s.key_id) for s in sigs] == [(vk.name, vk.key_id)]
    assert verify_note(vk.public_key, text.encode(), sigs[0].sig)
    assert not verify_note(vk.public_key, text.encode()[:-1], sigs[0].sig)      # the final newline is signed


def test_go_note_with_two_signatures_keeps_both_lines() -> None:
    text, sigs = split_note(GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG)
    assert text == GO_TEXT and [s.name for s in sigs] == ["PeterNeumann", "EnochRoot"]


def test_verifier_key_manglings_are_refused() -> None:
    """As TestNewVerifier in note_test.go: every proper substring and every one-byte change fails."""
    b = PETER_VKEY
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if (i, j) != (0, len(b)):
                with pytest.raises(ValueError):
                    parse_verifier_key(b[i:j])
    for i in range(len(b)):
        with pytest.raises(ValueError):
            parse_verifier_key(b[:i] + chr(ord(b[i]) + 1) + b[i + 1:])
    for bad in ("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
                "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"):
        with pytest.raises(ValueError):
            parse_verifier_key(bad)


@pytest.mark.parametrize("note", [
    GO_TEXT,
    GO_TEXT + "\n",
    GO_TEXT + "\n" + PETER_SIG[:-1],
    "\x01" + GO_TEXT + "\n" + PETER_SIG,
    "\udcff" + GO_TEXT + "\n" + PETER_SIG,
    GO_TEXT + "\n— Bad Name " + PETER_B64,
    GO_TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
    GO_TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1),                      # 101 signatures, as in Go
    GO_TEXT + "\n— PeterNeumann x08g\n",                                     # shorter than key ID + 1 byte
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng!!\n",
    GO_TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
])
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(ValueError):
        split_note(note)


@pytest.mark.parametrize(("name", "ok"), [("securemail/GL01", True), ("example.com/w1", True), ("", False),
                                          ("a b", False), ("a+b", False), ("a\u00a0b", False), ("a\u3000b", False),
                                          ("a\tb", False), ("oid/1.3.6.1.4.1", True)])
def test_key_names(name: str, ok: bool) -> None:
    assert is_valid_name(name) is ok


def test_app_key_names_are_valid_c2sp_names() -> None:
    assert office_signer_name("GL01") == "securemail/GL01"
    assert user_signer_name("GL01", "clerk1") == "securemail/GL01/user/clerk1"
    assert witness_signer_name("audit1") == "securemail/witness/audit1"
    for bad in ("GL 01", "GL+01"):
        with pytest.raises(ValueError):
            office_signer_name(bad)
    with pytest.raises(ValueError):
        user_signer_name("GL01", "a+b")


# ---- checkpoints -----------------------------------------------------------------------------------------------

ROOT = hashlib.sha256(b"root").digest()
ORIGIN = "securemail/GL01/3f2a"


def checkpoint(**kw: object) -> Checkpoint:
    args: dict[str, object] = {"origin": ORIGIN, "size": 1234, "root": ROOT, "time": "2026-11-27T10:00:00.000000+07:00"}
    args.update(kw)
    return Checkpoint(**args)  # type: ignore[arg-type]


def test_checkpoint_is_a_c2sp_note_signed_over_its_text_exactly() -> None:
    key = SigningKey.generate()
    name = office_signer_name("GL01")
    cp = checkpoint().signed_by(name, key)
    text = f"{ORIGIN}\n1234\n{base64.b64encode(ROOT).decode()}\ntime 2026-11-27T10:00:00.000000+07:00\n"
    assert cp.text() == text
    line = cp.note().split("\n")[-2]
    raw = base64.b64decode(line.removeprefix(f"— {name} "))
    assert raw[:4] == hashlib.sha256(name.encode() + b"\n\x01" + key.public_raw()).digest()[:4]
    Ed25519PrivateKey.from_private_bytes(key.raw()).public_key().verify(raw[4:], text.encode())  # no prefix
    assert cp.note() == text + "\n" + line + "\n"
    assert parse_note(cp.note()) == cp and cp.has_valid_signature(name, key.public_raw())


def test_checkpoint_signature_mutations_are_rejected() -> None:
    key, other = SigningKey.generate(), SigningKey.generate()
    name = office_signer_name("GL01")
    cp = checkpoint().signed_by(name, key)
    pub = key.public_raw()
    sig = cp.signatures[0]
    for i in range(len(sig.sig) * 8):                                         # each bit of the signature
        flipped = bytearray(sig.sig)
        flipped[i // 8] ^= 1 << (i % 8)
        assert not checkpoint(signatures=(NoteSignature(name, sig.key_id, bytes(flipped)),)) \
            .has_valid_signature(name, pub)
    wrong_id = bytes([sig.key_id[0] ^ 1]) + sig.key_id[1:]
    assert not checkpoint(signatures=(NoteSignature(name, wrong_id, sig.sig),)).has_valid_signature(name, pub)
    renamed = checkpoint(signatures=(NoteSignature("securemail/GL02", sig.key_id, sig.sig),))
    assert not renamed.has_valid_signature(name, pub)
    assert not renamed.has_valid_signature("securemail/GL02", pub)           # key ID commits to the name
    assert not cp.has_valid_signature(name, other.public_raw())
    assert not cp.has_valid_signature(user_signer_name("GL01", "admin"), pub)
    for changed in (checkpoint(size=1235), checkpoint(root=hashlib.sha256(b"x").digest()),
                    checkpoint(time="2026-11-27T10:00:01.000000+07:00"), checkpoint(origin=ORIGIN + "x"),
                    checkpoint(extensions=("extra",))):
        assert not Checkpoint(changed.origin, changed.size, changed.root, changed.time, cp.signatures,
                              changed.extensions).has_valid_signature(name, pub)


def test_unknown_signature_lines_are_kept_and_ignored() -> None:
    key = SigningKey.generate()
    name = office_signer_name("GL01")
    cp = checkpoint().signed_by(name, key)
    pq_line = "— example.com/pq " + base64.b64encode(b"\x12\x34\x56\x78" + b"\x00" * 2428).decode() + "\n"
    note = cp.note() + PETER_SIG + pq_line
    parsed = parse_note(note)
    assert parsed.note() == note and len(parsed.signatures) == 3
    assert parsed.has_valid_signature(name, key.public_raw())


def test_checkpoint_extension_lines_round_trip_and_are_signed() -> None:
    key = SigningKey.generate()
    cp = checkpoint(extensions=("ext one", "ext:two")).signed_by("securemail/GL01", key)
    assert cp.text().endswith("time 2026-11-27T10:00:00.000000+07:00\next one\next:two\n")
    parsed = parse_note(cp.note())
    assert parsed == cp and parsed.has_valid_signature("securemail/GL01", key.public_raw())
    bare = parse_note(COSIGNED_EXAMPLE)                                      # no time line at all
    assert (bare.origin, bare.size, bare.time, bare.extensions) == ("example.com/behind-the-sofa", 20852163, "", ())
    assert bare.text() + "\n" + "".join(s.line() + "\n" for s in bare.signatures) == COSIGNED_EXAMPLE


@pytest.mark.parametrize("text", [
    "", "origin\n", "origin\n12\n", "origin\n012\n{root}\n", "origin\n-1\n{root}\n", "origin\n1 \n{root}\n",
    "origin\n18446744073709551616\n{root}\n", "origin\n1\nAAAA\n", "origin\n1\n{root}\n\ntime x\n",
    "\n1\n{root}\n", "origin\n1\n{root_noncanonical}\n",
])
def test_malformed_checkpoints_are_refused(text: str) -> None:
    root64 = base64.b64encode(ROOT).decode()
    noncanonical = root64[:-2] + chr(ord(root64[-2]) + 1) + "="                # same bytes, non-zero pad bits
    note = text.format(root=root64, root_noncanonical=noncanonical) + "\n" + PETER_SIG
    with pytest.raises(ValueError):
        parse_note(note)


def test_hostile_sizes_are_refused_quickly() -> None:
    key = SigningKey.generate()
    note = checkpoint().signed_by("securemail/GL01", key).note()
    huge = note.replace("\n\n", "\n" + "x\n" * 200_000 + "\n", 1)
    many_lines = note.replace("\n\n", "\n" + "x\n" * 70 + "\n", 1)
    start = time.perf_counter()
    for bad in (huge, many_lines, note + PETER_SIG * MAX_SIGNATURES, "a" * (MAX_NOTE_BYTES + 1)):
        with pytest.raises(ValueError):
            parse_note(bad)
    assert time.perf_counter() - start < 0.5


def test_only_valid_checkpoint_texts_are_signed() -> None:
    key = SigningKey.generate()
    for bad in (checkpoint(origin=""), checkpoint(origin="a\nb"), checkpoint(extensions=("",)),
                checkpoint(time="x\ny")):
        with pytest.raises(ValueError):
            bad.signed_by("securemail/GL01", key)
    with pytest.raises(ValueError):
        checkpoint().signed_by("bad name", key)


# ---- witness cosignatures (tlog-cosignature/v1) ----------------------------------------------------------------

def test_published_cosignature_line_has_the_spec_layout() -> None:
    cp = parse_note(COSIGNED_EXAMPLE)
    log, witness = cp.signatures
    assert (log.name, len(log.sig)) == ("example.com/behind-the-sofa", 64)
    assert (witness.name, len(witness.key_id) + len(witness.sig)) == ("witness.example.com/w1", 76)
    assert int.from_bytes(witness.sig[:8], "big") == 1679315147                # the spec's "time 1679315147"


def test_cosignature_matches_the_spec_bytes() -> None:
    key = SigningKey.generate()
    name = witness_signer_name("audit1")
    cp = checkpoint().signed_by(office_signer_name("GL01"), SigningKey.generate())
    witnessed = cosign(cp, name, key, 1679315147)
    message = b"cosignature/v1\ntime 1679315147\n" + cp.text().encode()
    assert cosigned_message(cp, 1679315147) == message
    expected_id = hashlib.sha256(name.encode() + b"\n\x04" + key.public_raw()).digest()[:4]
    assert cosignature_key_id(name, key.public_raw()) == expected_id
    expected_sig = Ed25519PrivateKey.from_private_bytes(key.raw()).sign(message)
    line = f"— {name} " + base64.b64encode(expected_id + (1679315147).to_bytes(8, "big") + expected_sig).decode()
    assert witnessed.note() == cp.note() + line + "\n"
    assert len(base64.b64decode(line.split(" ")[2])) == 76
    assert cosignature_time(parse_note(witnessed.note()), name, key.public_raw()) == 1679315147
    assert not witnessed.has_valid_signature(name, key.public_raw())         # a type 0x04 line is not a 0x01 one


def test_cosignature_mutations_are_rejected() -> None:
    key = SigningKey.generate()
    name = witness_signer_name("audit1")
    cp = checkpoint().signed_by(office_signer_name("GL01"), SigningKey.generate())
    good = cosign(cp, name, key, 1_800_000_000)
    line = good.signatures[-1]
    pub = key.public_raw()

    def with_line(sig: NoteSignature, base: Checkpoint = cp) -> Checkpoint:
        return base.with_signature(sig)

    for i in range(len(line.sig) * 8):                                       # timestamp and signature bits
        flipped = bytearray(line.sig)
        flipped[i // 8] ^= 1 << (i % 8)
        assert cosignature_time(with_line(NoteSignature(name, line.key_id, bytes(flipped))), name, pub) is None
    assert cosignature_time(with_line(NoteSignature(name, b"\0\0\0\0", line.sig)), name, pub) is None
    assert cosignature_time(with_line(NoteSignature(name + "x", line.key_id, line.sig)), name + "x", pub) is None
    assert cosignature_time(good, witness_signer_name("audit2"), pub) is None
    assert cosignature_time(good, name, SigningKey.generate().public_raw()) is None
    assert cosignature_time(with_line(line, checkpoint(size=1235)), name, pub) is None
    assert cosignature_time(with_line(NoteSignature(name, line.key_id, line.sig[8:])), name, pub) is None
    plain = cp.signed_by(name, key)                                           # a 0x01 signature is no cosignature
    assert cosignature_time(plain, name, pub) is None
    assert cosignature_time(parse_note(good.note() + ENOCH_SIG), name, pub) == 1_800_000_000  # unknown: ignored


def test_a_bad_first_line_from_a_known_key_is_not_rescued_by_a_later_duplicate() -> None:
    key = SigningKey.generate()
    good = checkpoint().signed_by("securemail/GL01", key).signatures[0]
    bad = NoteSignature(good.name, good.key_id, bytes(64))
    assert not checkpoint(signatures=(bad, good)).has_valid_signature("securemail/GL01", key.public_raw())
    assert checkpoint(signatures=(good, bad)).has_valid_signature("securemail/GL01", key.public_raw())


def test_pinned_key_file_may_hold_only_the_vkey(tmp_path: Path) -> None:
    key = SigningKey.generate()
    pinned = tmp_path / "key.txt"
    pinned.write_text(f"vkey {verifier_key('securemail/GL01', key.public_raw())}\n", encoding="utf-8")
    assert read_trust_file(pinned) == ([key.public_raw()], [])
    pinned.write_text(f"vkey {verifier_key('securemail/GL01', key.public_raw())[:-2]}AA\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_trust_file(pinned)
