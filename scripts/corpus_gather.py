"""Gather the corpus of real documents: Word, ODT and RTF files from other projects' test suites.

The corpus lives outside the repository (``/work/corpus`` unless ``IDMBOOK_CORPUS`` or
``--corpus`` says otherwise). Its files come from snapshots of public repositories kept as bare
git directories under ``/work/.mirror/OWNER+NAME/`` (``IDMBOOK_MIRRORS`` or ``--mirrors``).
This script reads them offline; it never downloads anything. A missing snapshot is named,
with how to bring it.

Two commands:

``gather`` (the default) copies every file listed in ``scripts/corpus_sources.tsv`` out of its
snapshot with ``git show HEAD:PATH`` into ``CORPUS/files/OWNER/NAME/PATH``, checks its SHA-256
against the list, and writes ``CORPUS/manifest.json`` (per file: repository, path, SHA-256,
size, format, the features found in it).

``select`` chose that list once: it scans the snapshots of ``REPOSITORIES`` for documents,
drops duplicates (same bytes), detects features (tables, footnotes, text boxes, equations,
right-to-left text, CJK, emoji, fields, comments, tracked changes, headers and footers,
pictures, SmartArt, form fields, ...) and takes a varied set per format, then writes the list.
Run it again only to change the corpus; the list is what makes a corpus reproducible.

The test documents of pandoc, python-docx, mammoth, docx2python and docxcompose are left out
on purpose: they are kept for an independent check.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "corpus_sources.tsv"
DEFAULT_CORPUS = Path("/work/corpus")
DEFAULT_MIRRORS = Path("/work/.mirror")

REPOSITORIES = (
    "apache/poi",
    "apache/tika",
    "plutext/docx4j",
    "dotnet/Open-XML-SDK",
    "OfficeDev/Open-Xml-PowerTools",
    "elapouya/python-docx-template",
    "PHPOffice/PHPWord",
    "nissl-lab/npoi",
    "VolodymyrBaydalka/docxjs",
    "tdf/odftoolkit",
    "jdum/odfdo",
    "eea/odfpy",
    "tbluemel/rtf.js",
    "joniles/rtfparserkit",
    "openpreserve/format-corpus",
)
"""The snapshots ``select`` scans; each must be under the mirrors folder."""

EXCLUDED = frozenset(
    {
        "pandoc",
        "python-docx",
        "mammoth",
        "mammoth.js",
        "python-mammoth",
        "java-mammoth",
        "dotnet-mammoth",
        "docx2python",
        "docxcompose",
    }
)
"""Projects (by repository name) whose test documents are kept for an independent check:
never in this corpus. python-docx-template is another project and is in."""

FORMATS = {
    ".docx": "docx",
    ".docm": "docm",
    ".dotx": "dotx",
    ".odt": "odt",
    ".ott": "ott",
    ".fodt": "fodt",
    ".rtf": "rtf",
    ".doc": "doc",
}
QUOTAS = {"docx": 200, "odt": 75, "rtf": 60, "doc": 40, "docm": 6, "dotx": 5, "fodt": 2, "ott": 2}
"""How many files of each format ``select`` takes (fewer when there are not that many)."""

FEATURE_FLOOR = 8
"""``select`` takes at least this many files of each format holding each feature (when the
snapshots have them): right-to-left text, equations or SmartArt are rare in test suites."""

MAX_BYTES = 4 * 1024 * 1024
"""Snapshots leave out larger files; a file this size or more is not taken."""


def corpus_dir(value: str | None = None) -> Path:
    """The corpus folder: ``value``, else ``IDMBOOK_CORPUS``, else /work/corpus."""
    return Path(value or os.environ.get("IDMBOOK_CORPUS") or DEFAULT_CORPUS)


def mirrors_dir(value: str | None = None) -> Path:
    """The snapshots' folder: ``value``, else ``IDMBOOK_MIRRORS``, else /work/.mirror."""
    return Path(value or os.environ.get("IDMBOOK_MIRRORS") or DEFAULT_MIRRORS)


class MissingMirror(Exception):
    """A repository's snapshot is not on this machine."""


def git_dir(mirrors: Path, repo: str) -> Path:
    """The git directory of ``repo``'s snapshot, or :class:`MissingMirror` saying how to get it."""
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo", base / "repo" / ".git", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    raise MissingMirror(
        f"no snapshot of {repo} under {mirrors} (looked for {base}/repo): bring it with the "
        f"search tool's fetch ('github:{repo}'), or point IDMBOOK_MIRRORS at the folder that has it"
    )


def git_show(gdir: Path, path: str) -> bytes:
    """The bytes of ``path`` at HEAD of the snapshot."""
    done = subprocess.run(
        ["git", f"--git-dir={gdir}", "show", f"HEAD:{path}"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise FileNotFoundError(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def list_documents(gdir: Path) -> list[tuple[str, int]]:
    """(path, size) of every file at HEAD whose extension is one of :data:`FORMATS`."""
    done = subprocess.run(
        ["git", f"--git-dir={gdir}", "ls-tree", "-r", "-l", "-z", "HEAD"],
        capture_output=True,
        check=True,
    )
    found: list[tuple[str, int]] = []
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != b"blob" or not parts[3].isdigit():
            continue  # a large file the snapshot left out has no size
        path = raw_path.decode("utf-8", "surrogateescape")
        if Path(path).suffix.lower() in FORMATS:
            found.append((path, int(parts[3])))
    return found


# ---------------------------------------------------------------------------------------------
# features


_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_EMOJI = re.compile("[\U0001f300-\U0001faff]")

_DOCX_MARKS = {
    "tables": (b"<w:tbl>", b"<w:tbl "),
    "footnotes": (b"<w:footnoteReference", b"<w:endnoteReference"),
    "textboxes": (b"<w:txbxContent", b"<wps:txbx"),
    "equations": (b"<m:oMath",),
    "rtl": (b"<w:bidi/>", b"<w:rtl/>"),
    "fields": (b"<w:fldChar", b"<w:fldSimple"),
    "comments": (b"<w:commentReference",),
    "tracked-changes": (b"<w:ins ", b"<w:del ", b"<w:moveFrom ", b"<w:moveTo "),
    "form-fields": (b"<w:ffData", b"<w:sdt>", b"<w:sdt "),
    "lists": (b"<w:numPr",),
    "pictures": (b"<pic:pic", b"<v:imagedata"),
    "objects": (b"<o:OLEObject", b"<w:object"),
    "hyperlinks": (b"<w:hyperlink",),
}

_ODT_MARKS = {
    "tables": (b"<table:table ",),
    "footnotes": (b"<text:note ",),
    "textboxes": (b"<draw:text-box",),
    "equations": (b"opendocument.formula", b"<math:math", b"<math "),
    "rtl": (b'writing-mode="rl-tb"', b'writing-mode="rl"'),
    "fields": (
        b"<text:page-number",
        b"<text:date",
        b"<text:time",
        b"<text:sequence ",
        b"<text:bookmark-ref",
        b"<text:reference-ref",
        b"<text:chapter",
        b"<text:user-field",
    ),
    "comments": (b"<office:annotation",),
    "tracked-changes": (b"<text:tracked-changes",),
    "headers-footers": (b"<style:header>", b"<style:header ", b"<style:footer>", b"<style:footer "),
    "form-fields": (b"<form:",),
    "lists": (b"<text:list ", b"<text:list>"),
    "pictures": (b"<draw:image",),
    "objects": (b"<draw:object",),
    "hyperlinks": (b"<text:a ",),
}

_RTF_MARKS = {
    "tables": (rb"\\trowd",),
    "footnotes": (rb"\\footnote",),
    "textboxes": (rb"\\shptxt",),
    "equations": (rb"\\mmath", rb"\\moMath"),
    "rtl": (rb"\\rtlpar", rb"\\rtlsect"),
    "fields": (rb"\\field",),
    "comments": (rb"\\annotation", rb"\\atnid"),
    "tracked-changes": (rb"\\revised", rb"\\deleted"),
    "headers-footers": (rb"\\header[lrf]?", rb"\\footer[lrf]?"),
    "form-fields": (rb"\\formfield",),
    "lists": (rb"\\listtext", rb"\\pntext"),
    "pictures": (rb"\\pict",),
    "objects": (rb"\\object",),
    "hyperlinks": (rb"HYPERLINK",),
}
"""Control words, each matched as a whole word (``\\header`` but not ``\\headery``)."""


_W_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_ODF_BODY = re.compile(rb"<office:body>.*</office:body>", re.S)
_TAG = re.compile(rb"<[^>]*>")


def _odf_text(xml: bytes) -> str:
    """The text of an ODF document's body (font names in its style declarations left out)."""
    body = _ODF_BODY.search(xml)
    return _TAG.sub(b" ", body.group(0) if body else b"").decode("utf-8", "replace")


def _scripts(text: str) -> set[str]:
    """Scripts of the document's text: CJK, right-to-left, emoji."""
    found = set()
    if _CJK.search(text):
        found.add("cjk")
    if _RTL.search(text):
        found.add("rtl")
    if _EMOJI.search(text):
        found.add("emoji")
    return found


def _marks(data: bytes, marks: dict[str, tuple[bytes, ...]]) -> set[str]:
    return {name for name, needles in marks.items() if any(n in data for n in needles)}


def _rtf_marks(data: bytes) -> set[str]:
    found = set()
    for name, patterns in _RTF_MARKS.items():
        if any(re.search(p + rb"(?![A-Za-z])", data) for p in patterns):
            found.add(name)
    return found


def _zip_parts(raw: bytes) -> dict[str, bytes] | None:
    """The XML parts of a zip package (at most 20 MB read in all), or None when it is no zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            parts: dict[str, bytes] = {}
            budget = 20_000_000
            for info in zf.infolist():
                name = info.filename
                if name.endswith((".xml", ".rels")) and info.file_size <= budget:
                    budget -= info.file_size
                    parts[name] = zf.read(info)
                else:
                    parts[name] = b""
            return parts
    except Exception:  # noqa: BLE001 - a damaged or hostile zip is a feature of its own
        return None


def features(raw: bytes, fmt: str) -> list[str]:
    """What the document holds, as far as a quick look at its bytes tells."""
    found: set[str] = set()
    if fmt in ("docx", "docm", "dotx"):
        parts = _zip_parts(raw)
        if parts is None:
            return ["not-a-zip"]
        xml = b"".join(v for k, v in parts.items() if k.startswith("word/") and k.endswith(".xml"))
        found |= _marks(xml, _DOCX_MARKS)
        names = parts.keys()
        if any(re.match(r"word/(header|footer)\d*\.xml$", n) for n in names):
            found.add("headers-footers")
        if any(n.startswith("word/media/") for n in names):
            found.add("pictures")
        if any(n.startswith("word/diagrams/") for n in names):
            found.add("smartart")
        if any(n.startswith("word/charts/") for n in names):
            found.add("charts")
        if any(n.endswith("vbaProject.bin") for n in names):
            found.add("macros")
        if "word/comments.xml" in names:
            found.add("comments")
        body = b"".join(
            v
            for k, v in parts.items()
            if re.match(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml$", k)
        )
        found |= _scripts(" ".join(m.decode("utf-8", "replace") for m in _W_TEXT.findall(body)))
    elif fmt in ("odt", "ott"):
        parts = _zip_parts(raw)
        if parts is None:
            return ["not-a-zip"]
        xml = parts.get("content.xml", b"") + parts.get("styles.xml", b"")
        xml += parts.get("META-INF/manifest.xml", b"")
        found |= _marks(xml, _ODT_MARKS)
        if any(n.startswith("Pictures/") for n in parts):
            found.add("pictures")
        if any(n.startswith("Basic/") or n.startswith("Scripts/") for n in parts):
            found.add("macros")
        found |= _scripts(_odf_text(parts.get("content.xml", b"")))
    elif fmt == "fodt":
        found |= _marks(raw, _ODT_MARKS)
        found |= _scripts(_odf_text(raw))
    elif fmt == "rtf":
        found |= _rtf_marks(raw)
        chars = "".join(chr(int(n) % 65536) for n in re.findall(rb"\\u(-?\d{1,6})", raw)[:100_000])
        found |= _scripts(chars)
        if not raw.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
            found.add("not-rtf")
    elif fmt == "doc":
        if not raw.startswith(b"\xd0\xcf\x11\xe0"):
            found.add("not-ole")
        elif "EncryptionInfo".encode("utf-16-le") in raw:
            found.add("encrypted")
    return sorted(found)


# ---------------------------------------------------------------------------------------------
# select


@dataclass
class Candidate:
    repo: str
    path: str
    sha256: str
    size: int
    fmt: str
    features: list[str]


def excluded(repo: str) -> bool:
    return repo.split("/", 1)[-1].lower() in EXCLUDED


def scan(mirrors: Path, repos: tuple[str, ...]) -> list[Candidate]:
    """Every document of ``repos`` under the size limit, without duplicates."""
    seen: set[str] = set()
    found: list[Candidate] = []
    for repo in repos:
        if excluded(repo):
            raise SystemExit(f"{repo} is kept for an independent check and may not be scanned")
        gdir = git_dir(mirrors, repo)
        for path, size in sorted(list_documents(gdir)):
            if size == 0 or size >= MAX_BYTES:
                continue
            raw = git_show(gdir, path)
            sha = hashlib.sha256(raw).hexdigest()
            if sha in seen:
                continue
            seen.add(sha)
            fmt = FORMATS[Path(path).suffix.lower()]
            found.append(Candidate(repo, path, sha, size, fmt, features(raw, fmt)))
        print(f"scanned {repo}: {sum(1 for c in found if c.repo == repo)} distinct documents")
    return found


def _take(
    c: Candidate, taken: list[Candidate], per_repo: dict[str, int], pool: list[Candidate]
) -> None:
    taken.append(c)
    per_repo[c.repo] += 1
    pool.remove(c)


def choose(candidates: list[Candidate], quotas: dict[str, int]) -> list[Candidate]:
    """A varied set: per format, the rare features first, then one file of each group in turn.

    First, for every feature from the rarest up, files holding it are taken (alternating
    between repositories) until :data:`FEATURE_FLOOR` of the format's chosen files hold it.
    Then groups of the same features and repository are visited round after round, smallest
    first, so that the corpus holds every combination found before a second file of a common
    one; no repository gives more than half of a format's quota while others still have files.
    """
    chosen: list[Candidate] = []
    for fmt, quota in quotas.items():
        pool = sorted((c for c in candidates if c.fmt == fmt), key=lambda c: c.sha256)
        taken: list[Candidate] = []
        per_repo: dict[str, int] = defaultdict(int)
        repos = {c.repo for c in pool}
        cap = quota if len(repos) < 2 else max(quota // 2, 1)

        rarity: dict[str, int] = defaultdict(int)
        for c in pool:
            for f in c.features:
                rarity[f] += 1
        for feature in sorted(rarity, key=lambda f: (rarity[f], f)):
            while len(taken) < quota and sum(feature in c.features for c in taken) < FEATURE_FLOOR:
                having = [c for c in pool if feature in c.features]
                if not having:
                    break
                _take(
                    min(having, key=lambda c: (per_repo[c.repo], c.sha256)), taken, per_repo, pool
                )
        groups: dict[tuple[str, ...], list[Candidate]] = defaultdict(list)
        for c in pool:
            groups[(*c.features, "@" + c.repo)].append(c)
        order = sorted(groups, key=lambda k: (len(groups[k]), k))
        while len(taken) < quota and any(groups[k] for k in order):
            progress = False
            for key in order:
                if len(taken) >= quota or not groups[key]:
                    continue
                c = groups[key][0]
                if per_repo[c.repo] >= cap:
                    continue
                groups[key].pop(0)
                _take(c, taken, per_repo, pool)
                progress = True
            if not progress:
                cap = quota  # only capped repositories are left: let them fill the quota
        chosen.extend(taken)
    return chosen


def write_sources(chosen: list[Candidate], target: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# The corpus: written by `scripts/corpus_gather.py select`, read by `gather`.\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["repo", "path", "sha256"])
        for c in sorted(chosen, key=lambda c: (c.repo.lower(), c.path)):
            writer.writerow([c.repo, c.path, c.sha256])


def read_sources(source: Path = SOURCES) -> list[tuple[str, str, str]]:
    """(repo, path, sha256) of every file of the corpus list."""
    lines = [
        line for line in source.read_text("utf-8").splitlines() if line and not line.startswith("#")
    ]
    rows = list(csv.reader(lines, delimiter="\t"))
    if not rows or rows[0] != ["repo", "path", "sha256"]:
        raise SystemExit(f"{source}: the first row must be the header repo, path, sha256")
    return [(r[0], r[1], r[2]) for r in rows[1:]]


# ---------------------------------------------------------------------------------------------
# gather


def local_name(repo: str, path: str) -> str:
    """Where a file goes under ``files/``: OWNER/NAME/PATH."""
    return f"{repo}/{path}"


def gather(
    corpus: Path,
    mirrors: Path,
    entries: list[tuple[str, str, str]],
    manifest_name: str = "manifest.json",
) -> dict[str, object]:
    """Copy ``entries`` out of the snapshots into ``corpus/files`` and write the manifest.

    A file already there with the right SHA-256 is not copied again, and its snapshot is not
    needed. Every missing snapshot is named at once, so that one round of fetching brings
    them all.
    """
    files_dir = corpus / "files"
    present: dict[str, bytes] = {}
    for repo, path, sha in entries:
        target = files_dir / local_name(repo, path)
        if target.is_file():
            raw = target.read_bytes()
            if hashlib.sha256(raw).hexdigest() == sha:
                present[local_name(repo, path)] = raw
    dirs: dict[str, Path] = {}
    missing: list[str] = []
    for repo in sorted({r for r, p, _ in entries if local_name(r, p) not in present}):
        try:
            dirs[repo] = git_dir(mirrors, repo)
        except MissingMirror as exc:
            missing.append(str(exc))
    if missing:
        raise MissingMirror("\n".join(missing))
    records: list[dict[str, object]] = []
    problems: list[str] = []
    for repo, path, sha in entries:
        target = files_dir / local_name(repo, path)
        raw = present.get(local_name(repo, path))
        if raw is None:
            try:
                raw = git_show(dirs[repo], path)
            except FileNotFoundError as exc:
                problems.append(f"{repo}:{path}: not in the snapshot ({exc})")
                continue
            got = hashlib.sha256(raw).hexdigest()
            if got != sha:
                problems.append(
                    f"{repo}:{path}: the snapshot holds other bytes (sha256 {got[:12]}, the list "
                    f"says {sha[:12]}); the snapshot is newer than the list"
                )
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
        fmt = FORMATS[Path(path).suffix.lower()]
        records.append(
            {
                "repo": repo,
                "path": path,
                "file": local_name(repo, path),
                "sha256": sha,
                "size": len(raw),
                "format": fmt,
                "features": features(raw, fmt),
            }
        )
    manifest: dict[str, object] = {
        "files_dir": "files",
        "count": len(records),
        "problems": problems,
        "files": records,
    }
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / manifest_name).write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return manifest


def summary(records: list[dict[str, object]]) -> str:
    """Counts per repository and per format, as a Markdown table."""
    formats = sorted({str(r["format"]) for r in records})
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in records:
        per[str(r["repo"])][str(r["format"])] += 1
    lines = [
        "| repository | " + " | ".join(formats) + " | all |",
        "|---" * (len(formats) + 2) + "|",
    ]
    for repo in sorted(per, key=str.lower):
        row = per[repo]
        cells = " | ".join(str(row.get(f, 0) or "") for f in formats)
        lines.append(f"| {repo} | {cells} | {sum(row.values())} |")
    totals = " | ".join(str(sum(per[r].get(f, 0) for r in per)) for f in formats)
    lines.append(f"| **all** | {totals} | {len(records)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="gather", choices=("gather", "select"))
    parser.add_argument("--corpus", help="corpus folder (default $IDMBOOK_CORPUS or /work/corpus)")
    parser.add_argument("--mirrors", help="snapshots (default $IDMBOOK_MIRRORS or /work/.mirror)")
    parser.add_argument("--sources", default=str(SOURCES), help="the list of files (TSV)")
    args = parser.parse_args(argv)
    mirrors = mirrors_dir(args.mirrors)
    try:
        if args.command == "select":
            chosen = choose(scan(mirrors, REPOSITORIES), QUOTAS)
            write_sources(chosen, Path(args.sources))
            print(f"wrote {args.sources}: {len(chosen)} files")
            return 0
        corpus = corpus_dir(args.corpus)
        manifest = gather(corpus, mirrors, read_sources(Path(args.sources)))
    except MissingMirror as exc:
        print(f"corpus_gather: {exc}", file=sys.stderr)
        return 2
    records = manifest["files"]
    assert isinstance(records, list)
    print(summary(records))
    print(f"wrote {corpus / 'manifest.json'}: {len(records)} files in {corpus / 'files'}")
    problems = manifest["problems"]
    assert isinstance(problems, list)
    for problem in problems:
        print(f"corpus_gather: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
