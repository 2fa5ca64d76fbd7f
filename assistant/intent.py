"""Meaning-based intent reading: which kind of answer a question wants, learned from example
phrasings (``assistant/intents.yaml``) over the packaged MiniLM embeddings.

The head is a softmax (multinomial logistic) regression in NumPy over the question's embedding
joined with a few generic features of its form (wh-word, an action number, a time window, a money
word, "how many"/"most"/"total", a plan named, a greeting...). ``bench/intent_cv.py`` compares it
with kNN and with the plain logistic head by cross-validation over the examples and on the gold
tuning questions; the numbers are in ``bench/results/intent.json``.

The example embeddings are cached in ``cache_dir`` under a name keyed by a hash of the YAML text
and the model folder name, so only the first start pays for embedding them; training the head
takes a few tens of milliseconds.

Example::

    emb = make_query_embedder(get_settings())
    clf = IntentClassifier.load(lambda xs: np.array(emb.embed_documents(xs)), Path(".plans"))
    clf.classify("who drives 3.2 in the Western Balkan plan?")
    # Intent(label='driver', kind='driver', confidence=0.89..., ranked=(('driver', 0.89...), ...))
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

EXAMPLES_PATH = Path(__file__).with_name("intents.yaml")
HEADS = ("knn", "logistic", "logistic+form")

# Below this top-class probability the label is "unsure" (the caller falls back to its rules).
# Chosen on the out-of-fold probabilities of 5-fold cross-validation over the examples, 3 seeds
# (bench/intent_cv.py, "confidence_bands"): held-out predictions under 0.45 were right 44% of the
# time (worse than a coin flip, so the rules should decide), those above 90%; 8% fall below it.
THRESHOLD = 0.45
UNSURE = "unsure"

# The form features' scale against the unit-length embedding, and the head's settings (chosen
# by cross-validation in bench/intent_cv.py).
FORM_WEIGHT = 0.5
L2 = 1e-4
EPOCHS = 100
LEARNING_RATE = 0.3
KNN_K = 7
KNN_TEMPERATURE = 0.05

# a plan named by its name or acronym and the word for a plan ("the ECO plan", "BSEC's 2021 plan", "the
# western balkans doc"): the form of naming a plan, not this corpus's names, so unseen plans count too
_PLAN = (r"\b(?!(?:the|a|an|this|that|which|what|each|every|any|all|both|other|action|these|those|whole|"
         r"your|my|our|their|its|new|same)\b)[\w’'-]+(?: (?:19|20)\d\d(?:[-–/]\d{2,4})?)? (?:action plan|"
         r"plan of action|plan|document|doc|programme|initiative)\b")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_UNIT = r"(?:days?|weeks?|months?|quarters?|years?|semesters?)"
# Generic features of a question's form: each a named pattern, 1 when it occurs in the question.
FORM_PATTERNS: dict[str, re.Pattern[str]] = {name: re.compile(pattern, re.I) for name, pattern in {
    "who": r"\bwho(?:'?s|m|se)?\b",
    "what": r"\bwhat(?:'?s)?\b",
    "which": r"\bwhich\b",
    "when": r"\bwhen\b|\buntil when\b|\bby when\b",
    "how": r"\bhow\b(?! (?:much|many))",
    "yes_no": r"^\s*(?:is|are|does|do|did|has|have|can|will|was|were)\b",
    "how_much": r"\bhow much\b",
    "how_many": r"\bhow many\b|\bnumber of\b|\bcount\b",
    "superlative": r"\b(?:most|least|fewest|largest|biggest|smallest|oldest|newest|latest|longest|"
                   r"shortest|top \d+|rank)\b",
    "total": r"\b(?:total|overall|altogether|in sum|sum of|all together)\b",
    "action_number": r"\b(?:[a-f]|[ivx]+)\.\d+\b|\b\d+\.\d+\b(?!\.\d)|\b(?:action|item|measure|point|row) \d+\b",
    "time_window": rf"\b(?:next|this|coming|last|within|in the next)\s+(?:\d+\s+|two |few )?{_UNIT}\b|"
                   rf"\b(?:by|before|until|in|during|after|from)\s+(?:the end of\s+)?(?:{_MONTH}\b|(?:19|20)\d\d\b)|"
                   rf"\bq[1-4]\b|\b{_MONTH}\b(?! \d\d?\b)|\b(?:overdue|soon|upcoming|deadlines?|due)\b",
    "money": r"\b(?:money|budgets?|eur|euros?|million|amounts?|costs?|price|cash|worth)\b|€",
    "funding": r"\b(?:fund(?:s|ed|ing)?|financ\w*|donors?|pay(?:s|ing)?|paid|sponsor\w*|grant)\b",
    "plan_named": _PLAN,
    "plans_plural": r"\b(?:plans|documents|compare|comparison|both|versus|vs\.?|in common|differ\w*|"
                    r"across|each plan|every plan|any plan|others)\b",
    "acronym": r"(?-i:\b(?!BSEC\b|CICA\b|ECO\b)[A-Z]{3,}s?\b)",  # an organisation (UNODC, DCAF), mostly
    "greeting": r"^\s*(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|thanks?|thank you|thx|"
                r"cheers|bye|ok)\b",
    "you": r"\b(?:you|u|your|yours)\b",
    "say": r"\b(?:say|says|said|mention\w*|about|address\w*|deal(?:s)? with|handle\w*|measures?)\b",
    "lead": r"\b(?:lead\w*|drive\w*|driver|responsible|in charge|runs?|involved|role|implement\w*)\b",
}.items()}
FORM_NAMES = tuple(FORM_PATTERNS) + ("short", "long", "two_plans")
_PLAN_MENTION = re.compile(_PLAN, re.I)


MASK_VERSION = "masked-question-mark"  # keys the example cache: a change to mask_plans embeds them again


def mask_plans(text: str) -> str:
    """The text with each plan it names said as "the plan" ("what's the ECO plan of action about?" ->
    "what's the plan about?"): which plan is asked about is a slot, not part of the intent, so the
    examples and the questions are embedded this way and a plan's name (or an unseen plan's) cannot
    pull the reading one way or the other. The form features still see the names."""
    masked = _PLAN_MENTION.sub("plan", text)
    masked = re.sub(r"\b(the|a|an|this|that)\s+(?:the|a)\s+plan\b", r"\1 plan", masked, flags=re.I)
    # a question typed in chat often ends without its question mark: every text ends in one, examples
    # and questions alike, so the end's punctuation cannot move the classifier's reading
    return masked.rstrip(" ?!.…") + "?"


@dataclass(frozen=True)
class Intent:
    """What a question asks for: the intent label, the answer kind, the head's probability for
    the label, and the top three (label, probability)."""

    label: str
    kind: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Examples:
    texts: tuple[str, ...]
    labels: np.ndarray  # index into `names` per text
    names: tuple[str, ...]  # the intent labels, in YAML order
    kinds: dict[str, str]  # label -> answer kind
    source: str  # the YAML text (part of the cache key)


def load_examples(path: Path = EXAMPLES_PATH) -> Examples:
    source = path.read_text(encoding="utf-8")
    data = yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    names = tuple(data)
    texts = [str(e) for name in names for e in data[name]["examples"]]
    labels = np.array([i for i, name in enumerate(names) for _ in data[name]["examples"]])
    return Examples(tuple(texts), labels, names, {n: data[n]["kind"] for n in names}, source)


def form_features(questions: Sequence[str]) -> np.ndarray:
    """One row of 0/1 features per question, columns in ``FORM_NAMES`` order."""
    rows = []
    for q in questions:
        row = [1.0 if p.search(q) else 0.0 for p in FORM_PATTERNS.values()]
        words = len(re.findall(r"\w+", q))
        row += [1.0 if words <= 3 else 0.0, 1.0 if words >= 14 else 0.0]
        named = {m.lower() for m in re.findall(_PLAN, q, re.I)}
        row.append(1.0 if len(named) >= 2 else 0.0)
        rows.append(row)
    return np.array(rows, dtype=np.float32).reshape(len(questions), len(FORM_NAMES))


def cache_file(examples: Examples, cache_dir: Path, model_name: str) -> Path:
    """Where the examples' embeddings are cached: keyed by the YAML text and the model folder name."""
    key = hashlib.sha256(f"{model_name}\0{MASK_VERSION}\0{examples.source}".encode()).hexdigest()[:20]
    return Path(cache_dir) / f"intent-examples-{key}.npy"


def example_vectors(examples: Examples, embed_texts: Callable[[list[str]], np.ndarray], cache_dir: Path,
                    model_name: str) -> np.ndarray:
    """The examples' embeddings, from the cache file if it matches, else embedded and cached."""
    path = cache_file(examples, cache_dir, model_name)
    if path.is_file():
        try:
            cached = np.load(path)
            if cached.shape[0] == len(examples.texts):
                return cached
        except (OSError, ValueError):
            pass  # unreadable: embed again and overwrite
    vectors = np.asarray(embed_texts([mask_plans(t) for t in examples.texts]), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy")
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, vectors)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return vectors


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread while training, if threadpoolctl (a scikit-learn dependency) is there."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class SoftmaxHead:
    """Multinomial logistic regression, full-batch Adam on the mean cross-entropy + L2."""

    def __init__(self, x: np.ndarray, y: np.ndarray, n_classes: int, *, l2: float = L2,
                 epochs: int = EPOCHS, lr: float = LEARNING_RATE) -> None:
        with _one_blas_thread():  # a small problem: BLAS threads only contend (40x slower under load)
            self.w = self._fit(x, y, n_classes, l2, int(epochs), lr)

    @staticmethod
    def _fit(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float, epochs: int, lr: float) -> np.ndarray:
        n, d = x.shape
        xb = np.hstack([x, np.ones((n, 1), dtype=x.dtype)])
        onehot = np.eye(n_classes, dtype=np.float32)[y]
        w = np.zeros((d + 1, n_classes), dtype=np.float32)
        m, v = np.zeros_like(w), np.zeros_like(w)
        for t in range(1, epochs + 1):
            grad = xb.T @ (_softmax(xb @ w) - onehot) / n + l2 * w
            m = 0.9 * m + 0.1 * grad
            v = 0.999 * v + 0.001 * grad * grad
            w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        return w

    @classmethod
    def from_weights(cls, w: np.ndarray) -> SoftmaxHead:
        """A head with weights trained before (``trained_head``'s cache)."""
        head = cls.__new__(cls)
        head.w = np.asarray(w, dtype=np.float32)
        return head

    def proba(self, x: np.ndarray) -> np.ndarray:
        return _softmax(np.hstack([x, np.ones((len(x), 1), dtype=x.dtype)]) @ self.w)


class KnnHead:
    """Cosine k nearest examples, their similarities turned into class probabilities."""

    def __init__(self, x: np.ndarray, y: np.ndarray, n_classes: int, *, k: int = KNN_K,
                 temperature: float = KNN_TEMPERATURE) -> None:
        self.x, self.y, self.n_classes, self.k, self.temperature = x, y, n_classes, k, temperature

    def proba(self, x: np.ndarray) -> np.ndarray:
        sims = x @ self.x.T
        top = np.argsort(-sims, axis=1)[:, : self.k]
        out = np.zeros((len(x), self.n_classes), dtype=np.float32)
        for i, idx in enumerate(top):
            weights = np.exp((sims[i, idx] - sims[i, idx[0]]) / self.temperature)
            np.add.at(out[i], self.y[idx], weights)
        return out / out.sum(axis=1, keepdims=True)


def design(vectors: np.ndarray, texts: Sequence[str], head: str, form_weight: float = FORM_WEIGHT) -> np.ndarray:
    """The head's input: the embeddings, joined with the weighted form features for logistic+form."""
    if head != "logistic+form":
        return vectors.astype(np.float32)
    return np.hstack([vectors, form_weight * form_features(texts)]).astype(np.float32)


def fit_head(head: str, x: np.ndarray, y: np.ndarray, n_classes: int, **kw: Any) -> SoftmaxHead | KnnHead:
    if head not in HEADS:
        raise ValueError(f"unknown head {head!r}; choose one of {HEADS}")
    return KnnHead(x, y, n_classes, **kw) if head == "knn" else SoftmaxHead(x, y, n_classes, **kw)


def trained_head(head: str, x: np.ndarray, y: np.ndarray, n_classes: int,
                 cache_path: Path | None) -> SoftmaxHead | KnnHead:
    """:func:`fit_head` with the default settings; a logistic head's trained weights are kept next
    to the examples' vector cache, keyed by everything training reads (the design matrix, the
    labels, the settings), so a start-up loads them instead of training again (about 0.4 s)."""
    if head == "knn" or cache_path is None:
        return fit_head(head, x, y, n_classes)
    key = hashlib.sha256(b"\0".join([x.astype(np.float32).tobytes(), np.asarray(y, dtype=np.int64).tobytes(),
                                     f"{head} {n_classes} {L2} {EPOCHS} {LEARNING_RATE}".encode()])).hexdigest()[:20]
    path = Path(cache_path).with_name(f"intent-head-{key}.npy")
    if path.is_file():
        try:
            w = np.load(path)
            if w.shape == (x.shape[1] + 1, n_classes):
                return SoftmaxHead.from_weights(w)
        except (OSError, ValueError):
            pass  # unreadable: train again and overwrite
    fitted = fit_head(head, x, y, n_classes)
    assert isinstance(fitted, SoftmaxHead)
    _save_atomically(path, fitted.w)
    return fitted


def _save_atomically(path: Path, array: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
    except OSError:  # a read-only data folder: train at every start, as before
        return
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, array)
        os.replace(tmp, path)  # a concurrent reader sees the old file or the whole new one
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cross_validate(examples: Examples, vectors: np.ndarray, head: str, *, folds: int = 5, seed: int = 0,
                   form_weight: float = FORM_WEIGHT, **kw: float) -> np.ndarray:
    """Out-of-fold class probabilities (one row per example) from stratified ``folds``-fold CV."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(examples.labels), dtype=int)
    for c in range(len(examples.names)):
        idx = rng.permutation(np.flatnonzero(examples.labels == c))
        fold[idx] = np.arange(len(idx)) % folds
    x = design(vectors, examples.texts, head, form_weight)
    out = np.zeros((len(x), len(examples.names)), dtype=np.float32)
    for f in range(folds):
        train, test = fold != f, fold == f
        out[test] = fit_head(head, x[train], examples.labels[train], len(examples.names), **kw).proba(x[test])
    return out


def _model_name(embed_texts: Callable[[list[str]], np.ndarray]) -> str:
    path = getattr(getattr(embed_texts, "__self__", None), "model_path", None)
    if path is None:
        from plans.settings import get_settings

        path = get_settings().model_path()
    return os.path.basename(str(path).rstrip("/"))


class IntentClassifier:
    """Reads a question's intent; build it with :meth:`load`, then call :meth:`classify`."""

    def __init__(self, examples: Examples, vectors: np.ndarray, embed_texts: Callable[[list[str]], np.ndarray],
                 *, head: str = "logistic+form", threshold: float = THRESHOLD, cache_path: Path | None = None) -> None:
        self.examples, self.vectors, self.head_name, self.threshold = examples, vectors, head, threshold
        self.cache_path = cache_path
        self._embed = embed_texts
        x = design(vectors, examples.texts, head)
        self.head = trained_head(head, x, examples.labels, len(examples.names), cache_path)

    @classmethod
    def load(cls, embed_texts: Callable[[list[str]], np.ndarray], cache_dir: Path | str, *,
             model_name: str | None = None, examples_path: Path = EXAMPLES_PATH, head: str = "logistic+form",
             threshold: float = THRESHOLD) -> IntentClassifier:
        """Read the examples, take their embeddings from the cache (or embed and cache them), and
        train the head. ``model_name`` keys the cache (default: the embedder's model folder name)."""
        examples = load_examples(examples_path)
        name = model_name if model_name is not None else _model_name(embed_texts)
        vectors = example_vectors(examples, embed_texts, Path(cache_dir), name)
        return cls(examples, vectors, embed_texts, head=head, threshold=threshold,
                   cache_path=cache_file(examples, Path(cache_dir), name))

    @property
    def labels(self) -> tuple[str, ...]:
        return self.examples.names

    def kind_of(self, label: str) -> str:
        return self.examples.kinds.get(label, UNSURE)

    def classify(self, question: str, vector: np.ndarray | None = None) -> Intent:
        """The question's intent; pass ``vector`` (the normalised embedding of ``mask_plans(question)``)
        if already computed.
        Below the threshold, label and kind are "unsure" and ``ranked`` still holds the guesses."""
        return self.classify_many([question], None if vector is None else np.asarray(vector)[None, :])[0]

    def classify_many(self, questions: Sequence[str], vectors: np.ndarray | None = None) -> list[Intent]:
        if vectors is None:
            vectors = np.asarray(self._embed([mask_plans(q) for q in questions]), dtype=np.float32)
        probs = self.head.proba(design(np.asarray(vectors, dtype=np.float32), questions, self.head_name))
        out = []
        for p in probs:
            order = np.argsort(-p)[:3]
            ranked = tuple((self.examples.names[i], round(float(p[i]), 4)) for i in order)
            label, conf = ranked[0]
            if conf < self.threshold:
                out.append(Intent(UNSURE, UNSURE, conf, ranked))
            else:
                out.append(Intent(label, self.kind_of(label), conf, ranked))
        return out
