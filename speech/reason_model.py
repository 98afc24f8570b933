"""The supervised reason classifier: trained on the comments customers labelled themselves.

TF-IDF over word 1-2-grams and character 2-5-grams (robust to typos and to French accents
dropped or not), a linear SVM, and sigmoid calibration so the scores are usable as confidences.
It is trained per dataset on the feedback rows that carry a customer-picked ``reason_code``,
evaluated on a stratified held-out fifth it never saw, and saved with that report under a version
that is a hash of its training data, so the same data always gives the same model and re-runs
reuse it instead of retraining.

With fewer than ``MIN_LABELLED`` labelled comments (or fewer than two reasons among them) there is
no model: mining falls back to the phrase rules alone and the report says so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from relance.contract import REASON_CODES
from speech.rules import REASON_RULES, RuleHit, match_rules

MODEL_FORMAT = 1  # bump when features or estimator change, so old saved models are not reused
MIN_LABELLED = 200
MIN_PER_REASON = 10
MAX_TRAIN = 40_000
HELD_OUT = 0.2
SEED = 20_240_601
DEFAULT_RULE_PRECISION = 0.8  # used for a rule never seen firing in the labelled data


@dataclass
class ReasonModel:
    """A trained (or rules-only) reason miner and the evidence of how good it is."""

    version: str
    pipeline: Pipeline | None
    classes: list[str]
    rule_precision: dict[str, float] = field(default_factory=dict)
    report: dict = field(default_factory=dict)

    @property
    def rules_only(self) -> bool:
        return self.pipeline is None

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities for every taxonomy reason (columns in ``REASON_CODES`` order)."""
        out = np.zeros((len(texts), len(REASON_CODES)))
        if self.pipeline is None or not texts:
            return out
        proba = self.pipeline.predict_proba(texts)
        for j, reason in enumerate(self.classes):
            out[:, REASON_CODES.index(reason)] = proba[:, j]
        return out

    def rule_scores(self, texts: list[str], hits: list[list[RuleHit]] | None = None,
                    ) -> np.ndarray:
        """Rule evidence per text and reason: the rule's measured precision where it fires.

        ``hits`` (``match_rules`` of each text) may be passed when the caller already has them.
        """
        if hits is None:
            hits = [match_rules(text, REASON_RULES) for text in texts]
        out = np.zeros((len(texts), len(REASON_CODES)))
        for i, text_hits in enumerate(hits):
            for hit in text_hits:
                j = REASON_CODES.index(hit.label)
                out[i, j] = self.rule_precision.get(hit.label, DEFAULT_RULE_PRECISION)
        return out

    def scores(self, texts: list[str]) -> np.ndarray:
        """Combined confidence: the larger of the model's probability and the rule's precision."""
        return np.maximum(self.predict_proba(texts), self.rule_scores(texts))


def _pipeline() -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                  max_features=200_000, strip_accents=None, lowercase=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3,
                                  sublinear_tf=True, max_features=300_000, lowercase=True)),
    ])
    classifier = CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced"),
                                        cv=3, method="sigmoid")
    return Pipeline([("features", features), ("classifier", classifier)])


def data_version(texts: list[str], labels: list[str]) -> str:
    digest = hashlib.sha256(f"format={MODEL_FORMAT}".encode())
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\x1f{text}\x1e".encode())
    return f"rm-{digest.hexdigest()[:12]}"


def _measure_rules(texts: list[str], labels: list[str]) -> dict[str, float]:
    """Each reason rule's precision on labelled comments (how often its reason is the label)."""
    fired: dict[str, list[bool]] = {}
    for text, label in zip(texts, labels, strict=True):
        for hit in match_rules(text, REASON_RULES):
            fired.setdefault(hit.label, []).append(hit.label == label)
    return {reason: float(np.mean(v)) for reason, v in fired.items() if len(v) >= 5}


def evaluate(model: ReasonModel, texts: list[str], labels: list[str]) -> dict:
    """Top-1 quality of the model alone and of model + rules on labelled texts."""
    present = sorted(set(labels), key=REASON_CODES.index)
    result: dict = {"n": len(texts)}
    systems = {"combined": model.scores(texts)}
    if not model.rules_only:
        systems["model"] = model.predict_proba(texts)
    for name, scores in systems.items():
        predicted = [REASON_CODES[j] for j in scores.argmax(axis=1)]
        no_signal = scores.max(axis=1) == 0
        predicted = ["other" if empty else p for p, empty in zip(predicted, no_signal,
                                                                 strict=True)]
        p, r, f, s = precision_recall_fscore_support(labels, predicted, labels=present,
                                                     zero_division=0)
        result[name] = {
            "macro_f1": float(f1_score(labels, predicted, labels=present, average="macro",
                                       zero_division=0)),
            "accuracy": float(np.mean(np.array(predicted) == np.array(labels))),
            "per_reason": {
                reason: {"precision": float(p[k]), "recall": float(r[k]), "f1": float(f[k]),
                         "support": int(s[k])}
                for k, reason in enumerate(present)
            },
        }
    return result


def train(texts: list[str], labels: list[str]) -> ReasonModel:
    """Train on a stratified 80 % of the labelled comments and report on the other 20 %."""
    version = data_version(texts, labels)
    counts = {r: labels.count(r) for r in set(labels)}
    usable = [r for r, c in counts.items() if c >= MIN_PER_REASON]
    base_report = {
        "version": version, "trained_at": datetime.now(UTC).isoformat(),
        "labelled_comments": len(texts), "label_counts": counts,
        "method": "TF-IDF word 1-2-grams + char_wb 2-5-grams, LinearSVC, sigmoid calibration",
    }
    if len(texts) < MIN_LABELLED or len(usable) < 2:
        rules = ReasonModel(version, None, [], _measure_rules(texts, labels))
        base_report.update(
            mode="rules_only",
            why=(f"only {len(texts)} labelled comments ({len(usable)} reasons with >= "
                 f"{MIN_PER_REASON}); a model needs >= {MIN_LABELLED}: using phrase rules only"),
        )
        if texts:
            base_report["evaluation_all_labelled"] = evaluate(rules, texts, labels)
        rules.report = base_report
        return rules
    keep = [i for i, label in enumerate(labels) if label in usable]
    x = [texts[i] for i in keep]
    y = [labels[i] for i in keep]
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=HELD_OUT, random_state=SEED, stratify=y)
    if len(x_train) > MAX_TRAIN:
        x_train, _, y_train, _ = train_test_split(
            x_train, y_train, train_size=MAX_TRAIN, random_state=SEED, stratify=y_train)
    pipeline = _pipeline().fit(x_train, y_train)
    model = ReasonModel(version, pipeline, list(pipeline.classes_),
                        _measure_rules(x_train, y_train))
    base_report.update(
        mode="model_and_rules", train_size=len(x_train), held_out_size=len(x_test),
        reasons_modelled=model.classes,
        reasons_too_rare=sorted(set(counts) - set(usable)),
        rule_precision=model.rule_precision,
        held_out=evaluate(model, x_test, y_test),
    )
    model.report = base_report
    return model


def save(model: ReasonModel, root: Path) -> Path:
    """Write ``<root>/<version>/model.joblib`` and ``report.json``; return the directory."""
    target = root / model.version
    target.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, target / "model.joblib")
    (target / "report.json").write_text(json.dumps(model.report, indent=2, ensure_ascii=False))
    return target


def load_or_train(texts: list[str], labels: list[str], root: Path) -> ReasonModel:
    """The saved model for exactly this training data, or a newly trained and saved one."""
    path = root / data_version(texts, labels) / "model.joblib"
    if path.exists():
        try:
            return joblib.load(path)
        except Exception:  # an unreadable old model is simply retrained
            pass
    model = train(texts, labels)
    save(model, root)
    return model
