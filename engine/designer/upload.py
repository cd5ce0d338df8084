"""Turning an upload (a zip of the service folder, or files one by one) into named files, safely.

Everything uploaded is untrusted. A zip is checked before anything is extracted: member count, member names
(no absolute paths, drive letters, `..`, links or device names), each member's declared and real size, the
total uncompressed size and the compression ratio (zip bombs). Nothing is written to disk.
"""
from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass, field

from engine.catalogue.bpmn import MAX_BPMN_BYTES
from engine.catalogue.problems import Problem
from engine.errors import DomainError

CERTIFICATE_TEMPLATE = "certificate.html.j2"  # engine.certificates.TEMPLATE_FILE (not imported: it needs Flask)
MAX_MEMBERS = 200
MAX_RATIO = 100  # uncompressed / compressed, for members bigger than RATIO_FLOOR
RATIO_FLOOR = 64 * 1024
TOTAL_FACTOR = 4  # the whole zip may expand to at most 4 × the per-file limit
BAD_NAME = re.compile(r"[\x00-\x1f\x7f]")

_MESSAGES = {
    "too_large": ("ໄຟລ໌ {name} ໃຫຍ່ເກີນໄປ ({size:,} ໄບຕ໌, ສູງສຸດ {limit:,})",
                  "{name} is too large ({size:,} bytes; the limit is {limit:,})"),
    "bad_zip": ("ໄຟລ໌ {name} ບໍ່ແມ່ນ zip ທີ່ຖືກຕ້ອງ", "{name} is not a valid zip file"),
    "zip_traversal": ("zip ມີຊື່ໄຟລ໌ທີ່ບໍ່ປອດໄພ: {member}", "the zip has an unsafe member name: {member}"),
    "zip_link": ("zip ມີລິ້ງ (symlink) {member}, ບໍ່ອະນຸຍາດ", "the zip contains a link {member}; links are not allowed"),
    "zip_members": ("zip ມີໄຟລ໌ຫຼາຍເກີນໄປ ({count}, ສູງສຸດ {limit})",
                    "the zip has too many members ({count}; the limit is {limit})"),
    "zip_bomb": ("zip ຖືກບີບອັດຜິດປົກກະຕິ ({member}), ອາດເປັນ zip bomb",
                 "the zip is compressed suspiciously ({member}): a zip bomb?"),
    "zip_encrypted": ("zip ມີລະຫັດຜ່ານ, ບໍ່ອະນຸຍາດ", "encrypted zip files are not accepted"),
    "bad_name": ("ຊື່ໄຟລ໌ບໍ່ຖືກຕ້ອງ: {name}", "invalid file name: {name}"),
    "nested_zip": ("ບໍ່ຮັບ zip ຊ້ອນກັນ ({member})", "nested zip files are not accepted ({member})"),
    "no_files": ("ບໍ່ມີໄຟລ໌ທີ່ອັບໂຫລດ", "no file was uploaded"),
}


class UploadRejected(DomainError):
    """A hostile or unreadable upload: refused before validation. 413 for sizes, 400 otherwise."""

    code, status = "upload_rejected", 400

    def __init__(self, reason: str, status: int = 400, **params):
        self.reason = reason
        self.status = status
        super().__init__("upload_rejected", **params)

    def message(self, locale: str = "lo") -> str:
        lo, en = _MESSAGES.get(self.reason, (self.reason, self.reason))
        try:
            return (lo if locale == "lo" else en).format(**self.params)
        except (KeyError, IndexError, ValueError):
            return lo if locale == "lo" else en


@dataclass
class Upload:
    """The files of one service: service.yaml, *.bpmn and certificate.html.j2 in `service`, form declarations in
    `forms`."""

    service: dict[str, bytes] = field(default_factory=dict)
    forms: dict[str, bytes] = field(default_factory=dict)  # file name (<form_id>.yaml) -> bytes
    folder: str | None = None  # the top folder of a zip, if it had one
    notes: list[Problem] = field(default_factory=list)  # ignored members etc. (warnings)


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise UploadRejected("too_large", status=413, name=name, size=size, limit=limit)


def _clean_member(name: str) -> list[str]:
    """The parts of a zip member path, or UploadRejected for anything that could escape a folder."""
    if "\x00" in name or not name:
        raise UploadRejected("zip_traversal", member=repr(name))
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or path.startswith("//"):
        raise UploadRejected("zip_traversal", member=name)
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise UploadRejected("zip_traversal", member=name)
    return parts


def read_zip(data: bytes, name: str, max_bytes: int = MAX_BPMN_BYTES) -> dict[str, bytes]:
    """Safe extraction into memory: {relative path: bytes}. Raises UploadRejected."""
    _check_size(name, len(data), max_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UploadRejected("bad_zip", name=name) from exc
    if len(infos) > MAX_MEMBERS:
        raise UploadRejected("zip_members", count=len(infos), limit=MAX_MEMBERS)
    total_limit = max_bytes * TOTAL_FACTOR
    declared = 0
    for info in infos:
        parts = _clean_member(info.filename)
        mode = info.external_attr >> 16
        if mode and (stat.S_ISLNK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode)):
            raise UploadRejected("zip_link", member=info.filename)
        if info.flag_bits & 0x1:
            raise UploadRejected("zip_encrypted")
        if info.is_dir():
            continue
        if parts and parts[-1].lower().endswith(".zip"):
            raise UploadRejected("nested_zip", member=info.filename)
        _check_size(info.filename, info.file_size, max_bytes)
        declared += info.file_size
        if declared > total_limit:
            raise UploadRejected("too_large", status=413, name=name, size=declared, limit=total_limit)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UploadRejected("zip_bomb", member=info.filename)
    out: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        parts = _clean_member(info.filename)
        # read with a hard bound: never trust the sizes in the headers
        chunks, size = [], 0
        try:
            with archive.open(info) as member:
                while True:
                    chunk = member.read(64 * 1024)
                    if not chunk:
                        break
                    size += len(chunk)
                    total += len(chunk)
                    if size > max_bytes:
                        raise UploadRejected("too_large", status=413, name=info.filename, size=size, limit=max_bytes)
                    if total > total_limit:
                        raise UploadRejected("zip_bomb", member=info.filename)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError,
                RuntimeError) as exc:
            raise UploadRejected("bad_zip", name=name) from exc
        out["/".join(parts)] = b"".join(chunks)
    return out


def _base_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in (".", "..") or BAD_NAME.search(base) or len(base) > 200:
        raise UploadRejected("bad_name", name=repr(name)[:80])
    return base


def _skip(path: str) -> bool:
    parts = path.split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def _place(upload: Upload, path: str, data: bytes) -> None:
    """Put a file of the service folder where the loader expects it; note what is ignored."""
    parts = path.split("/")
    name = parts[-1]
    lower = name.lower()
    if len(parts) == 1:
        if lower == "service.yaml" or lower == "service.yml":
            upload.service["service.yaml"] = data
        elif lower.endswith(".bpmn") or lower.endswith(".bpmn20.xml"):
            upload.service[name if lower.endswith(".bpmn") else name[:-len(".bpmn20.xml")] + ".bpmn"] = data
        elif lower.endswith((".yaml", ".yml")):
            upload.forms[name.rsplit(".", 1)[0] + ".yaml"] = data
        elif lower == CERTIFICATE_TEMPLATE:  # the service's certificate (engine.certificates), read like on disk
            upload.service[CERTIFICATE_TEMPLATE] = data
        else:
            upload.notes.append(Problem(path, {"lo": "ບໍ່ໄດ້ອ່ານໄຟລ໌ນີ້", "en": "file ignored"},
                                        {"lo": "ອ່ານສະເພາະ service.yaml, *.bpmn, certificate.html.j2 ແລະ forms/*.yaml", "en": "only service.yaml, *.bpmn, certificate.html.j2 and forms/*.yaml are read"},
                                        severity="warning", code="upload.file_ignored"))
    elif len(parts) == 2 and parts[0] == "forms" and lower.endswith((".yaml", ".yml")):
        upload.forms[name.rsplit(".", 1)[0] + ".yaml"] = data
    else:
        upload.notes.append(Problem(path, {"lo": "ບໍ່ໄດ້ອ່ານໄຟລ໌ນີ້", "en": "file ignored"},
                                        {"lo": "ອ່ານສະເພາະ service.yaml, *.bpmn, certificate.html.j2 ແລະ forms/*.yaml", "en": "only service.yaml, *.bpmn, certificate.html.j2 and forms/*.yaml are read"},
                                    severity="warning", code="upload.file_ignored"))


def collect(files: list[tuple[str, bytes]], max_bytes: int = MAX_BPMN_BYTES) -> Upload:
    """Files as the browser sent them (a zip, or service.yaml, *.bpmn and form files) -> Upload."""
    files = [(n, d) for n, d in files if n or d]
    if not files:
        raise UploadRejected("no_files")
    upload = Upload()
    for raw_name, data in files:
        name = _base_name(raw_name)
        _check_size(name, len(data), max_bytes)
        if name.lower().endswith(".zip"):
            members = {p: d for p, d in read_zip(data, name, max_bytes).items() if not _skip(p)}
            # a zip of the folder itself (residence_certificate/service.yaml) or of its contents
            tops = {p.split("/", 1)[0] for p in members}
            if len(tops) == 1 and all("/" in p for p in members) and next(iter(tops)) != "forms":
                upload.folder = next(iter(tops))
                members = {p.split("/", 1)[1]: d for p, d in members.items()}
            for path, member in sorted(members.items()):
                _place(upload, path, member)
        else:
            _place(upload, name, data)
    return upload
