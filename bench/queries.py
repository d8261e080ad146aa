"""The fixed query set: (kind, product query, FTS5 query). Kinds marked plain count for the
"words, phrases and fields" target; the others are multi-term expansions and NOT.

FTS5 has no infix wildcards or fuzzy terms: its column holds the nearest thing it can do
(a prefix, the correctly spelt word), which the README notes.
"""

from __future__ import annotations

PLAIN_KINDS = frozenset({"word", "two words", "phrase", "field"})

QUERIES: list[tuple[str, str, str]] = [
    ("word", "diffusion", "diffusion"),
    ("word", "transformer", "transformer"),
    ("word", "quantization", "quantization"),
    ("word", "reinforcement", "reinforcement"),
    ("word", "segmentation", "segmentation"),
    ("word", "language", "language"),
    ("word", "graph", "graph"),
    ("word", "Schrödinger", "schrödinger"),
    ("two words", "language models", "language models"),
    ("two words", "neural network", "neural network"),
    ("two words", "image generation", "image generation"),
    ("two words", "speech recognition", "speech recognition"),
    ("two words", "knowledge distillation", "knowledge distillation"),
    ("two words", "large model training", "large model training"),
    ("phrase", '"large language models"', '"large language models"'),
    ("phrase", '"neural networks"', '"neural networks"'),
    ("phrase", '"diffusion models"', '"diffusion models"'),
    ("phrase", '"state of the art"', '"state of the art"'),
    ("phrase", '"in-context learning"', '"in context learning"'),
    ("field", "title:diffusion", "title:diffusion"),
    ("field", "title:transformer", "title:transformer"),
    ("field", 'title:"language model"', 'title:"language model"'),
    ("field", "title:benchmark evaluation", "title:benchmark evaluation"),
    ("prefix", "optim*", "optim*"),
    ("prefix", "gen*", "gen*"),
    ("prefix", "trans*", "trans*"),
    ("wildcard", "gen*tion", "gen*"),
    ("wildcard", "*former", "former"),
    ("wildcard", "qu?nt*", "quant*"),
    ("fuzzy", "difusion~", "diffusion"),
    ("fuzzy", "transfromer~2", "transformer"),
    ("fuzzy", "segmantation~", "segmentation"),
    ("not", "diffusion NOT image", "diffusion NOT image"),
    ("not", "language NOT translation", "language NOT translation"),
    ("not", "neural NOT network", "neural NOT network"),
]

#: Misspellings for the "did you mean" latency.
MISSPELT = ["difusion modles", "transfromer", "reinforcment lerning", "segmantation", "qantization"]

#: A query typed letter by letter in the app.
TYPED = "diffusion models"
