"""A deterministic synthetic corpus modelled on the sample dumps, written in their layouts.

Words come from a bigram chain trained on the samples' titles and abstracts, so the
vocabulary, word frequencies and common phrases look like the real listings. Real
collections keep growing their vocabulary (model names, acronyms, rare terms), so a
Zipf-distributed stream of coined words is mixed in: the term dictionary grows with
the corpus as it does in arXiv (Heaps' law), which matters for prefix, wildcard, fuzzy
and spelling-suggestion costs. Some LaTeX and accented words are sprinkled in.
Titles and abstract lengths follow the samples' distributions (about 1,500 characters
a paper). Everything derives from the seed.
"""

from __future__ import annotations

import bisect
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, pairwise
from pathlib import Path

from reader.ingest import read_dump

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_dumps"
PAPERS_PER_DUMP = 200
_STAY_ON_TOPIC = 0.97
_SWITCH_TOPIC = 0.04

_TOKEN = re.compile(r"\S+")
_SYLLABLES = [
    "ka",
    "ra",
    "to",
    "mi",
    "no",
    "sa",
    "ve",
    "li",
    "da",
    "po",
    "ne",
    "ru",
    "fi",
    "zo",
    "ta",
    "me",
    "lo",
    "ni",
    "gra",
    "tor",
    "vex",
    "qua",
    "ex",
    "flo",
    "trans",
    "net",
    "former",
    "dif",
    "fu",
    "sion",
    "lu",
    "ma",
    "chi",
    "cor",
    "vo",
    "ren",
    "bi",
    "syn",
]
_LATEX = [
    "$\\mathcal{O}(n)$", "$f$-divergence", "$\\alpha$-entmax", "$\\ell_2$", "$k$-means",
    "$\\epsilon$-greedy", "$O(n \\log n)$", "$\\textbf{head-wise}$", "PixArt-$\\alpha$",
    "$\\beta$-VAE", "$L^p$", "$\\mathbb{R}^d$", "$n^2$", "$\\lambda$", "$[Fe/H]$",
]  # fmt: skip
_ACCENTED = [
    "Schrödinger", "Poincaré", "Erdős", "Gödel", "Fréchet", "Müller", "Lévy", "Bézier",
    "Nyström", "Sinkhorn–Knopp", "Hölder", "Pérez", "Łojasiewicz", "Cramér", "naïve",
]  # fmt: skip
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_HEADER_B = [
    "new", "Get trending papers in your email inbox!", "Subscribe",
    "byAK and the research community",
]  # fmt: skip
_HEADER_A = [
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
]
_CATEGORIES = ["cs.CL", "cs.LG", "cs.CV", "cs.AI", "stat.ML", "cs.RO", "eess.AS", "astro-ph.GA"]


@dataclass(frozen=True)
class FakePaper:
    title: str
    abstract: str


class _Chain:
    """A bigram word chain with cumulative weights for fast sampling.

    Besides the global chain, each training text keeps its own successor lists: a walk
    follows one text's chain most of the time (so a paper stays on one topic and word
    document frequencies stay near the samples'), jumping to the global chain now and then.
    """

    def __init__(self, texts: list[str]) -> None:
        follows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        starts: dict[str, int] = defaultdict(int)
        self.local: list[dict[str, list[str]]] = []
        for text in texts:
            words = _TOKEN.findall(text)
            if not words:
                continue
            starts[words[0]] += 1
            local: dict[str, list[str]] = defaultdict(list)
            for a, b in pairwise(words):
                follows[a][b] += 1
                local[a].append(b)
            self.local.append(dict(local))
        self.starts = self._table(starts)
        self.next = {w: self._table(nxt) for w, nxt in follows.items()}

    @staticmethod
    def _table(counts: dict[str, int]) -> tuple[list[str], list[int]]:
        words = sorted(counts)
        return words, list(accumulate(counts[w] for w in words))

    @staticmethod
    def pick(rng: random.Random, table: tuple[list[str], list[int]]) -> str:
        words, cum = table
        return words[bisect.bisect_right(cum, rng.random() * cum[-1])]

    def walk(self, rng: random.Random, target_chars: int, coin: _Coiner) -> str:
        out: list[str] = []
        size = 0
        word = self.pick(rng, self.starts)
        topics = [rng.choice(self.local) or self.local[0], rng.choice(self.local) or self.local[0]]
        topic = topics[0]
        while size < target_chars:
            roll = rng.random()
            if roll < 0.035:
                token = coin.word(rng)
            elif roll < 0.037:
                token = rng.choice(_LATEX)
            elif roll < 0.039:
                token = rng.choice(_ACCENTED)
            else:
                token = word
            out.append(token)
            size += len(token) + 1
            if rng.random() < _SWITCH_TOPIC:
                topic = topics[topic is topics[0]]
            own = topic.get(word)
            if rng.random() < _STAY_ON_TOPIC:
                word = rng.choice(own) if own else rng.choice(list(topic))
                continue
            table = self.next.get(word)
            word = self.pick(rng, table) if table else self.pick(rng, self.starts)
        text = " ".join(out)
        return text if text.endswith(".") else text.rstrip(",;:") + "."


class _Coiner:
    """Coined words (model names, acronyms) drawn from a Zipf law over an open set."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.cache: dict[int, str] = {}

    def word(self, rng: random.Random) -> str:
        # Pareto-ish rank: many repeats of popular coinages, an unbounded tail of new ones.
        rank = int(rng.paretovariate(0.9))
        found = self.cache.get(rank)
        if found is None:
            r = random.Random(self.seed * 1_000_003 + rank)
            parts = [r.choice(_SYLLABLES) for _ in range(r.randint(2, 4))]
            word = "".join(parts)
            style = r.random()
            if style < 0.3:
                word = word.capitalize()
            elif style < 0.45:
                word = word[: r.randint(3, 5)].upper()
            elif style < 0.55:
                word = f"{word.capitalize()}-{r.randint(1, 70)}B"
            found = self.cache[rank] = word
        return found


class CorpusModel:
    """Length distributions and word chains learnt from the sample dumps."""

    def __init__(self, samples: Path = SAMPLES, seed: int = 1) -> None:
        papers = []
        for path in sorted(samples.iterdir()):
            if path.is_file():
                papers.extend(read_dump(path)[0])
        self.title_lengths = sorted(len(p.title) for p in papers)
        self.abstract_lengths = sorted(len(p.abstract) for p in papers if p.abstract)
        self.titles = _Chain([p.title for p in papers])
        self.abstracts = _Chain([p.abstract for p in papers])
        self.coiner = _Coiner(seed)

    def paper(self, rng: random.Random, serial: int) -> FakePaper:
        title = self.titles.walk(rng, rng.choice(self.title_lengths), self.coiner).rstrip(".")
        if rng.random() < 0.5:
            title = f"{self.coiner.word(rng).capitalize()}: {title}"
        # A serial-derived tag keeps titles distinct (ids derive from titles).
        title = f"{title} {_serial_word(serial)}"
        abstract = self.abstracts.walk(rng, rng.choice(self.abstract_lengths), self.coiner)
        return FakePaper(title=title, abstract=abstract)


def _serial_word(n: int) -> str:
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"
    out = []
    n += 1
    while n:
        n, a = divmod(n, len(letters))
        n, b = divmod(n, len(vowels))
        out.append(letters[a] + vowels[b])
    return "".join(out).capitalize()


def iter_papers(size: int, seed: int = 1, start: int = 0) -> Iterator[FakePaper]:
    """`size` papers, deterministic from `seed` (`start` offsets serials for extra dumps)."""
    model = CorpusModel(seed=seed)
    rng = random.Random(seed * 7919 + start)
    for serial in range(start, start + size):
        yield model.paper(rng, serial)


def dump_text(papers: list[FakePaper], layout: str, page_date: str) -> str:
    """A dump in layout A (one record per line) or B (paragraphs, dated header)."""
    if layout == "A":
        head = list(_HEADER_A)
        lines = [*head[:-1], "Subscribe" + papers[0].title, papers[0].abstract]
        for p in papers[1:]:
            lines += [p.title, p.abstract]
        return "\n".join(lines) + "\n"
    blocks = [*_HEADER_B, page_date]
    for p in papers:
        blocks += [p.title, p.abstract]
    return "\n\n".join(blocks) + "\n"


def write_corpus(
    out: Path, size: int, seed: int = 1, per_dump: int = PAPERS_PER_DUMP, prefix: str = "dump"
) -> list[Path]:
    """Write `size` papers as dumps of `per_dump` papers, alternating layouts A and B."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    batch: list[FakePaper] = []
    for paper in iter_papers(size, seed):
        batch.append(paper)
        if len(batch) == per_dump:
            paths.append(_write(out, prefix, len(paths), batch, rng))
            batch = []
    if batch:
        paths.append(_write(out, prefix, len(paths), batch, rng))
    return paths


def _write(out: Path, prefix: str, n: int, papers: list[FakePaper], rng: random.Random) -> Path:
    layout = "A" if n % 3 == 0 else "B"
    date = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}"
    path = out / f"{prefix}_{n:05d}.txt"
    path.write_text(dump_text(papers, layout, date), encoding="utf-8")
    return path


def write_extra_dump(path: Path, size: int = 100, seed: int = 1) -> Path:
    """One more dump of new papers (serials past any corpus size used here)."""
    papers = list(iter_papers(size, seed, start=50_000_000))
    path.write_text(dump_text(papers, "B", "Dec 24"), encoding="utf-8")
    return path


def write_arxiv_jsonl(path: Path, size: int, seed: int = 1) -> Path:
    """`size` records in the arXiv metadata snapshot's JSON Lines shape."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for n, paper in enumerate(iter_papers(size, seed)):
            year, month = 7 + n // 1_200_000, 1 + (n // 100_000) % 12
            record = {
                "id": f"{year:02d}{month:02d}.{n % 100_000:05d}",
                "submitter": "A. Author",
                "authors": "A. Author, B. Writer and C. Researcher",
                "title": paper.title,
                "comments": "10 pages, 3 figures",
                "journal-ref": None,
                "doi": None,
                "report-no": None,
                "categories": " ".join(rng.sample(_CATEGORIES, rng.randint(1, 2))),
                "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
                "abstract": "  " + paper.abstract + "\n",
                "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
                "update_date": "2008-11-13",
                "authors_parsed": [["Author", "A.", ""], ["Writer", "B.", ""]],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
