"""A fuzz-style corpus: hundreds of hostile files, built in-process and as real processes.

Every build must end with exit 0 or 1, never a traceback, name every bad file (with its
line where one is known), stay within time, and keep memory bounded even for YAML alias
bombs. The corpus is generated deterministically; `CASES` counts each kind it holds.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, REPO, page

GOOD_FRONT = "---\ntitle: {title}\ndate: 2025-08-06 06:27\ntags: [{tags}]\n---\n"
BUILD_SECONDS = 60
MEMORY_LIMIT = 1536 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    kind: str
    """What hostile thing the file holds (counted in the report)."""
    path: str
    data: bytes
    line: int | None = 0
    """Line the problem must be reported on; None: anywhere; 0: the file must build."""

    @property
    def bad(self) -> bool:
        return self.line != 0


def brief(title: str = "Fine", tags: str = "Armenia", body: str = "Body text.\n") -> str:
    return GOOD_FRONT.format(title=title, tags=tags) + body


def encoding_cases() -> list[Case]:
    """Bad UTF-8, BOMs, NULs, binary data, odd line ends."""
    rng = random.Random(9)
    cases = []
    invalid = [b"\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc",
               b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80", b"\xe2\x82"]  # fmt: skip
    for index, junk in enumerate(invalid * 3):
        lines = brief(f"Bad bytes {index}").encode().split(b"\n")
        at = index % len(lines)
        lines[at] = lines[at] + junk
        cases.append(Case("bad UTF-8", f"enc/bad-utf8-{index}.md", b"\n".join(lines), at + 1))
    for index in range(12):
        raw = brief(f"Nul {index}").encode()
        at = rng.randrange(len(raw))
        line = raw[:at].count(b"\n") + 1
        cases.append(Case("NUL byte", f"enc/nul-{index}.md", raw[:at] + b"\0" + raw[at:], line))
    for index in range(6):
        noise = bytes(rng.randrange(256) for _ in range(2000))
        cases.append(Case("random binary", f"enc/binary-{index}.md", noise, None))
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64)
    cases.append(Case("binary (PNG)", "enc/image.md", png, None))
    text = brief("UTF-16 brief")
    cases.append(Case("UTF-16 with BOM", "enc/utf16le.md", text.encode("utf-16"), None))
    cases.append(Case("UTF-16 with BOM", "enc/utf16be.md", text.encode("utf-16-be"), None))
    good = {
        "UTF-8 BOM": b"\xef\xbb\xbf" + brief("With BOM").encode(),
        "CRLF line ends": brief("Crlf", body="One.\n\nTwo.\n\n#Crlf\n")
        .replace("\n", "\r\n")
        .encode(),
        "lone CR line ends": brief("Lone cr", body="One.\n\n#Cr\n").replace("\n", "\r").encode(),
        "mixed line ends": brief("Mixed ends", body="A\r\nB\rC\n").encode(),
        "BOM + CRLF": b"\xef\xbb\xbf" + brief("Bom crlf").replace("\n", "\r\n").encode(),
        "U+2028 in text": brief("Separators", body="a\u2028b\u2029c\n").encode(),
    }
    cases += [Case(kind, f"enc/good-{n}.md", data) for n, (kind, data) in enumerate(good.items())]
    return cases


def size_cases() -> list[Case]:
    """Empty files, huge files and lines, long titles, deep Markdown nesting."""
    five_mb_line = brief("Huge line", body="x" * (5 * 1024 * 1024) + "\n").encode()
    cases = [
        Case("empty file", "size/empty.md", b"", 1),
        Case("only whitespace", "size/blank.md", b"   \n\n\t\n", 1),
        Case("only a BOM", "size/bom-only.md", b"\xef\xbb\xbf", 1),
        Case("5 MB line", "size/five-mb-line.md", five_mb_line, None),
        Case("100k-character title", "size/long-title.md", brief("T" * 100_000).encode()),
        Case("long title without letters", "size/dash-title.md", brief("-" * 50_000).encode(), 2),
        Case("1 MB body line", "size/mb-body.md", brief("Mb", body="word " * 200_000).encode()),
        Case("10,000 blank lines", "size/blank-lines.md", brief("Blanks", body="\n" * 10_000).encode()),
    ]  # fmt: skip
    deep = {
        "10,000 nested quotes": "> " * 10_000 + "deep\n",
        "10,000 nested lists": "".join("  " * i + "- x\n" for i in range(0, 2000)),
        "10,000 open brackets": "[" * 10_000 + "\n",
        "10,000 emphasis marks": "*" * 10_000 + "a" + "_" * 10_000 + "\n",
        "10,000 nested <div>": "<div>" * 10_000 + "\n",
        "10,000 backticks": "`" * 10_000 + "\n",
        "5,000 footnotes": "".join(f"a[^{i}]\n\n[^{i}]: n\n\n" for i in range(5000)),
    }
    for index, (kind, body) in enumerate(deep.items()):
        cases.append(
            Case(kind, f"size/deep-{index}.md", brief(f"Deep {index}", body=body).encode())
        )
    inline = " ".join(f"#Tag{i}" for i in range(1000)) + "\n"
    cases.append(Case("1,000 hashtags inline", "size/hashtags.md", brief(body=inline).encode(), 6))
    return cases


def yaml_cases() -> list[Case]:
    """Broken, nested, exploding and code-running front matter."""
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        bomb.append(
            f"{chr(97 + level)}: &{chr(97 + level)} ["
            + ", ".join([f"*{chr(96 + level)}"] * 9)
            + "]"
        )
    bomb_text = "---\ntitle: Bomb\ndate: 2025-01-01\n" + "\n".join(bomb) + "\n---\nBody\n"
    marker = "PWNED-by-yaml"
    texts: dict[str, tuple[str, int | None]] = {
        "front matter without an end": ("---\ntitle: Open\ndate: 2025-01-01\nBody\n", 1),
        "only ---": ("---", 1),
        "only --- twice": ("---\n---\n", 1),
        "only +++": ("+++\n", 1),
        "unclosed TOML": ("+++\ntitle = 'x'\n", 1),
        "bad TOML": ("+++\ntitle = \ndate = 2025-01-01\n+++\nBody\n", 2),
        "TOML 10,000 nested arrays": ("+++\na = " + "[" * 10_000 + "\n+++\n", None),
        "10,000 [ in YAML": ("---\ntitle: " + "[" * 10_000 + "\n---\n", None),
        "10,000 { in YAML": ("---\ntitle: " + "{" * 10_000 + "\n---\n", None),
        "10,000 nested YAML lists": ("---\ntitle: x\ntags: " + "[" * 10_000 + "]" * 10_000 + "\n---\n", None),
        "YAML 1,000-deep block lists": ("---\ntags:\n" + "".join("  " * i + "-\n" for i in range(1000)) + "---\n", None),
        "YAML alias bomb (billion laughs)": (bomb_text, None),
        "YAML self-referencing alias": ("---\ntitle: x\ndate: 2025-01-01\nx: &a [*a]\n---\nB\n", None),
        "!!python/object/apply:os.system": (f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\ndate: 2025-01-01\n---\n", 2),
        "!!python/object/new": (f"---\ntitle: x\nx: !!python/object/new:os.system ['touch {marker}']\n---\n", 3),
        "!!python/name": ("---\ntitle: !!python/name:os.system\n---\n", 2),
        "!!binary title": ("---\ntitle: !!binary aGVsbG8=\ndate: 2025-01-01\n---\nB\n", 2),
        "tab-indented YAML": ("---\ntitle: x\n\tdate: 2025-01-01\n---\n", None),
        "YAML list as front matter": ("---\n- a\n- b\n---\nB\n", 2),
        "YAML scalar as front matter": ("---\njust text\n---\nB\n", 2),
        "duplicate keys": ("---\ntitle: a\ntitle: b\ndate: 2025-01-01\n---\nB\n", 3),
        "non-string keys": ("---\n1: a\nnull: c\ntitle: K\ndate: 2025-01-01\n---\nB\n", 0),
        "complex (list) key": ("---\ntitle: K\n? [x]\n: b\n---\nB\n", 3),
        "title is a mapping": ("---\ntitle: {a: b}\ndate: 2025-01-01\n---\nB\n", 2),
        "title is a list": ("---\ntitle: [a, b]\ndate: 2025-01-01\n---\nB\n", 2),
        "title is null": ("---\ntitle:\ndate: 2025-01-01\n---\nB\n", 2),
        "tags is a mapping": ("---\ntitle: x\ndate: 2025-01-01\ntags: {a: 1}\n---\nB\n", 4),
        "tags is nested lists": ("---\ntitle: x\ndate: 2025-01-01\ntags: [[a]]\n---\nB\n", 4),
        "draft is text": ("---\ntitle: x\ndate: 2025-01-01\ndraft: maybe\n---\nB\n", 4),
        "image is a number": ("---\ntitle: x\ndate: 2025-01-01\nimage: 5\n---\nB\n", 4),
        "source is a mapping": ("---\ntitle: x\ndate: 2025-01-01\nsource: {a: b}\n---\nB\n", 4),
        "summary is a list": ("---\ntitle: x\ndate: 2025-01-01\nsummary: [a]\n---\nB\n", 4),
        "YAML NUL escape in title": ('---\ntitle: "a\\0b"\ndate: 2025-01-01\n---\nB\n', 2),
        "1e999 title": ("---\ntitle: 1e999\ndate: 2025-01-01\n---\nB\n", 0),
    }  # fmt: skip
    return [
        Case(kind, f"yaml/case-{index}.md", text.encode(), line)
        for index, (kind, (text, line)) in enumerate(texts.items())
    ]


def date_cases() -> list[Case]:
    bad_dates = ["31.02.2025", "29.02.2023", "0000-01-01", "99999-01-01", "2025-13-01",
                 "2025-00-10", "2025-01-32", "24:00", "2025-08-06 24:00", "2025-08-06 06:60",
                 "2025-08-06T06:27:00+25:00", "2025-08-06 06:27 +9999", "06.08.2025 6:27 pm",
                 "yesterday", "[1, 2]", "{}", "1e400", ".inf", "12345678901234567890",
                 "-2025-01-01", "2025-W32-3", "''", "0001-01-01 00:00 +2359",
                 "9999-12-31 23:59 -2359", "true"]  # fmt: skip
    cases = [
        Case(f"date {value}", f"dates/bad-{index}.md",
             f"---\ntitle: Date {index}\ndate: {value}\n---\nB\n".encode(), 3)
        for index, value in enumerate(bad_dates)
    ]  # fmt: skip
    cases.append(
        Case(
            "file name date 2025-02-30",
            "dates/2025-02-30-name.md",
            b"---\ntitle: N\n---\nB\n",
            1,
        )
    )
    cases.append(Case("updated 31.02.2025", "dates/updated.md",
                      b"---\ntitle: U\ndate: 2025-01-01\nupdated: 31.02.2025\n---\nB\n", 4))  # fmt: skip
    good_dates = ["2025-08-06T06:27:00Z", "06.08.2025", "2013-05-06 02:12:52 +0200",
                  "2025-03-30 02:30", "0001-01-02", "9999-12-30", "2024-02-29"]  # fmt: skip
    cases += [
        Case(f"date {value}", f"dates/good-{index}.md",
             f"---\ntitle: Good date {index}\ndate: {value}\n---\nB\n".encode())
        for index, value in enumerate(good_dates)
    ]  # fmt: skip
    return cases


def tag_cases() -> list[Case]:
    """Emoji, RTL, joiners, combining marks, colliding and empty tag slugs, huge lists."""
    good = {
        "RTL Hebrew tag": "עברית", "RTL Arabic tag": "العربية", "Armenian tag": "Հայաստան",
        "combining marks": "Cafe\u0301", "Devanagari": "हिन्दी", "CJK": "東京",
        "Thai": "ภาษาไทย", "fullwidth": "ＵＳＡ", "ligature": "ﬁnance", "sharp s": "Straße",
        "zero-width joiner inside": "Ar\u200dmenia", "RTL override": "\u202eevil",
    }  # fmt: skip
    cases = [
        Case(kind, f"tags/good-{i}.md", brief(f"Tag {i}", tags=f'"{tag}"').encode())
        for i, (kind, tag) in enumerate(good.items())
    ]
    empty_slug = {"emoji tag": "😀", "flag emoji tag": "🇦🇲", "ZWJ emoji family": "👨\u200d👩\u200d👧",
                  "punctuation tag": "+++", "only ZWJ": "\u200d", "combining mark only": "\u0301"}  # fmt: skip
    cases += [
        Case(kind, f"tags/empty-{i}.md", brief(f"Empty tag {i}", tags=f'"{tag}"').encode(), 4)
        for i, (kind, tag) in enumerate(empty_slug.items())
    ]
    cases.append(
        Case("tags C++ and C# collide", "tags/collide-a.md", brief("Cpp", tags="C++").encode(), 4)
    )
    cases.append(
        Case(
            "tags C++ and C# collide", "tags/collide-b.md", brief("Csharp", tags='"C#"').encode(), 4
        )
    )
    hundred = ", ".join(f"T{i}x" for i in range(100))
    cases.append(
        Case("100 tags on one brief", "tags/hundred.md", brief("Hundred", tags=hundred).encode())
    )
    many = ", ".join(f"M{i}x" for i in range(1000))
    cases.append(
        Case("1,000 tags on one brief", "tags/many.md", brief("Many tags", tags=many).encode(), 4)
    )
    return cases  # fmt: skip


def slug_cases() -> list[Case]:
    values = ["../../etc/passwd", "a/b", "..", '""', "a b", "'a\\tb'", "[1]", "'%2e%2e'", "'a?b'",
              '"\\0"', "'\u200b'"]  # fmt: skip
    return [
        Case(f"slug {value}", f"slugs/bad-{index}.md",
             f"---\ntitle: S{index}\ndate: 2025-01-01\nslug: {value}\n---\nB\n".encode(), 4)
        for index, value in enumerate(values)
    ]  # fmt: skip


UNKNOWN = -1
"""Line of a mutated file: it may or may not be a valid brief, but must never crash."""

MUTAGENS = [b"---\n", b"+++\n", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b": ",
            b"[", b"{", b"&a ", b"*a ", b"!!python/object/apply:os.system ['true'] ", b"'", b'"',
            b"#", b" #Zz ", b"# ", b"> ", b"    ", b"\t", "\u200d\u202e\u0301".encode(), "😀".encode(),
            b"<script>", b"]]>", b"31.02.2025", b"0000", b"`"]  # fmt: skip


def mutation_cases(count: int = 150) -> list[Case]:
    """A valid brief mutated 1-4 times at random (seeded): insertions, deletions, cuts."""
    rng = random.Random(2025)
    cases = []
    for index in range(count):
        data = bytearray(
            brief(f"Mutant {index}", tags=f"Mut{index}", body="Text #Mu.\n\n#Mut\n").encode()
        )
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data) + 1)
            action = rng.randrange(4)
            if action == 0:
                data[at:at] = rng.choice(MUTAGENS)
            elif action == 1:
                del data[at : at + rng.randint(1, 8)]
            elif action == 2:
                data[at:at] = data[at : at + rng.randint(1, 30)] * rng.randint(2, 50)
            else:
                del data[at:]
        cases.append(Case("random mutation", f"mutants/m-{index}.md", bytes(data), UNKNOWN))
    return cases  # fmt: skip


def corpus() -> list[Case]:
    return (
        encoding_cases()
        + size_cases()
        + yaml_cases()
        + date_cases()
        + tag_cases()
        + slug_cases()
        + mutation_cases()
    )


def write_corpus(root: Path, cases: list[Case]) -> None:
    (root / "site.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for case in cases:
        path = root / "content" / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)


def add_filesystem_oddities(root: Path) -> list[Case]:
    """A folder named x.md, symlink loops, a dangling link, an unreadable file, a FIFO."""
    content = root / "content" / "fs"
    content.mkdir(parents=True)
    (content / "folder.md").mkdir()
    (content / "folder.md" / "inside.md").write_text(brief("Inside a folder named md"), "utf-8")
    (content / "loop").symlink_to(content)
    (content / "self.md").symlink_to(content / "self.md")
    (content / "dangling.md").symlink_to(content / "missing-target.md")
    (content / "fifo.md").parent.mkdir(exist_ok=True)
    os.mkfifo(content / "fifo.md")
    (content / "zero.md").symlink_to("/dev/zero")
    locked = content / "locked.md"
    locked.write_text(brief("Locked"), "utf-8")
    locked.chmod(0)
    readable_anyway = os.geteuid() == 0  # root reads a mode-000 file: then it just builds
    return [
        Case("directory named x.md", "fs/folder.md/inside.md", b""),
        Case("symlink loop (file)", "fs/self.md", b"", None),
        Case("dangling symlink", "fs/dangling.md", b"", None),
        Case("FIFO named .md", "fs/fifo.md", b"", None),
        Case("symlink to /dev/zero", "fs/zero.md", b"", None),
        Case("unreadable file (mode 000)", "fs/locked.md", b"", 0 if readable_anyway else None),
    ]


def assert_reported(cases: list[Case], code: int, output: str) -> None:
    assert "Traceback" not in output and "unexpected error" not in output, output[-3000:]
    assert code == (1 if any(c.bad for c in cases) else 0), output[-3000:]
    lines = output.splitlines()
    for case in cases:
        if case.line == UNKNOWN:
            continue
        source = f"content/{case.path}"
        named = [line for line in lines if line.startswith(source + ":")]
        if not case.bad:
            assert not named, f"{case.kind}: good file reported: {named}"
        elif case.line is None:
            assert named, f"{case.kind}: {source} is not named in the output"
        else:
            assert any(line.startswith(f"{source}:{case.line}:") for line in named), (
                f"{case.kind}: expected {source}:{case.line}: in {named or 'nothing'}"
            )


def test_corpus_counts_a_few_hundred_cases() -> None:
    cases = corpus()
    assert len(cases) >= 150
    assert len({c.path for c in cases}) == len(cases)
    kinds = Counter("mutated" if c.line == UNKNOWN else "bad" if c.bad else "good" for c in cases)
    assert kinds["bad"] > 100 and kinds["good"] > 30 and kinds["mutated"] >= 100


def test_hostile_corpus_in_process_reports_every_bad_file(tmp_path: Path, run_cli) -> None:
    cases = corpus()
    write_corpus(tmp_path, cases)
    cases += add_filesystem_oddities(tmp_path)
    started = time.monotonic()
    code, out, err = run_cli(["build", "--no-search", "--no-cache", "-q"], tmp_path)
    assert time.monotonic() - started < BUILD_SECONDS
    assert_reported(cases, code, out + err)
    assert not (tmp_path / "site").exists(), "a failed build writes no site"
    assert not list(tmp_path.rglob("PWNED*")), "a YAML tag ran code"


def test_good_weird_files_build_in_a_real_process(tmp_path: Path) -> None:
    cases = [c for c in corpus() if not c.bad]
    write_corpus(tmp_path, cases)
    result = run_limited(["build", "--no-search", "--no-cache"], tmp_path)
    assert_reported(cases, result.returncode, result.stdout + result.stderr)
    out = tmp_path / "site"
    armenian = page(out, "/tags/հայաստան/")
    assert armenian.find("h1") is not None
    long_title = next(out.glob("2025/08/t*/index.html"))
    assert len(long_title.read_text(encoding="utf-8")) > 100_000


def test_bombs_and_huge_files_in_a_real_process_with_bounded_memory(tmp_path: Path) -> None:
    cases = [c for c in corpus() if c.kind.startswith(("YAML", "10,000", "5 MB", "TOML", "1 MB"))]
    cases += [c for c in corpus() if c.kind == "1,000 tags on one brief"]
    write_corpus(tmp_path, cases)
    result = run_limited(["build", "--no-search", "--no-cache", "-q"], tmp_path)
    assert_reported(cases, result.returncode, result.stdout + result.stderr)


def run_limited(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """briefpress in a real process with at most MEMORY_LIMIT of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "briefpress", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=BUILD_SECONDS,
        preexec_fn=limit,
    )
    assert time.monotonic() - started < BUILD_SECONDS
    return result


@pytest.mark.parametrize("path", ["content/fs/fifo.md"])
def test_a_fifo_never_blocks_the_build(tmp_path: Path, run_cli, path: str) -> None:
    write_corpus(tmp_path, [])
    (tmp_path / "content" / "fs").mkdir(parents=True)
    os.mkfifo(tmp_path / path)
    code, out, err = run_cli(["build", "--no-search", "--no-cache", "-q"], tmp_path)
    assert code == 1 and err.startswith(f"{path}: ")


BOMB_CONFIG = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 9) + "]\n"
    for n in range(6)
)
HOSTILE_CONFIGS = {
    "unclosed YAML list": ("title: [a\n", 2),
    "bad UTF-8": (b"title: \xff\n", 1),
    "alias bomb": (BOMB_CONFIG, None),
    "javascript: base_url": ("base_url: javascript:alert(1)\n", 1),
    "!!python/object/apply": ("title: !!python/object/apply:os.system [ls]\n", 1),
    "per_page 0": ("per_page: 0\n", 1),
    "timezone path": ("timezone: ../../etc/passwd\n", 1),
    "language with markup": ('language: "\\"><script>"\n', 1),
    "list instead of mapping": ("- a\n", 1),
    "permalink with ..": ("permalink: /{slug}/../../outside/\n", 1),
    "permalink format spec": ('permalink: "/{slug:>99999999999}/"\n', 1),
    "permalink unclosed brace": ('permalink: "/{slug"\n', 1),
    "permalink stray brace": ('permalink: "/{slug}}/"\n', 1),
    "permalink conversion": ('permalink: "/{slug!r}/"\n', 1),
    "theme outside": ("theme: ../../etc\n", None),
    "cname with newline": ('cname: "a\\nb"\n', 1),
}


@pytest.mark.parametrize("kind", HOSTILE_CONFIGS)
def test_hostile_site_settings_are_reported_not_crashed_on(
    tmp_path: Path, run_cli, kind: str
) -> None:
    text, line = HOSTILE_CONFIGS[kind]
    root = tmp_path / "site-src"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.md").write_text(brief(), encoding="utf-8")
    config = text if isinstance(text, bytes) else text.encode()
    (root / "site.yaml").write_bytes(config)
    code, out, err = run_cli(["build", "--no-search", "--no-cache", "-q"], root)
    assert code == 1 and "unexpected error" not in err, err
    assert err.startswith(f"site.yaml:{line}:" if line else "site.yaml"), err
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "a.md",
        "content",
        "site-src",
        "site.yaml",
    ]
