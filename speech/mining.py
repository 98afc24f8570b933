"""From redacted texts (call transcripts, feedback comments) to reasons, flags and themes.

Each text gets every taxonomy reason whose combined confidence (the calibrated model's
probability, or a rule's measured precision where a non-negated strong phrase fires) reaches
``EMIT_THRESHOLD``, at least its best one, each with the sentence that supports it: the sentence
where the rule fired, else the sentence the model scores highest for that reason. Flags come from
phrase rules only, so every flag can be traced to its words. Sentences that support no reason feed
the topic model, which surfaces what customers talk about outside the taxonomy.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from relance.contract import REASON_CODES
from speech.reason_model import ReasonModel
from speech.rules import FLAG_RULES, REASON_RULES, match_rules

EMIT_THRESHOLD = 0.35
SECONDARY_SENTENCE = 0.5
MIN_CONFIDENCE = 0.15  # below this even the best reason is not reported: the text says nothing
UNEXPLAINED_BELOW = 0.35
OTHER = REASON_CODES.index("other")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, stripped of surrounding space."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans or [(0, len(text))]


def _sentence_at(spans: list[tuple[int, int]], position: int) -> int:
    for k, (start, end) in enumerate(spans):
        if start <= position < end:
            return k
    return 0


def mine(docs: pd.DataFrame, model: ReasonModel) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Reasons and flags for ``docs`` (columns source, source_id, customer_id, text).

    Returns (text_reasons rows, text_flags rows, sentences that support no reason).
    """
    docs = docs[docs["text"].fillna("").str.strip() != ""].reset_index(drop=True)
    texts = docs["text"].tolist()
    sentence_spans = [split_sentences(t) for t in texts]
    sentences = [t[s:e] for t, spans in zip(texts, sentence_spans, strict=True) for s, e in spans]
    doc_hits = [match_rules(t, REASON_RULES) for t in texts]
    doc_model = model.predict_proba(texts)
    doc_rules = model.rule_scores(texts, doc_hits)
    doc_scores = np.maximum(doc_model, doc_rules)
    # Sentences of one-sentence texts are the texts themselves: score only the others.
    single = np.array([len(s) == 1 for s in sentence_spans], dtype=bool)
    single_sentence = np.repeat(single, [len(s) for s in sentence_spans])
    sent_model = np.zeros((len(sentences), len(REASON_CODES)))
    sent_rules = np.zeros_like(sent_model)
    sent_model[single_sentence] = doc_model[single]
    sent_rules[single_sentence] = doc_rules[single]
    multi = np.flatnonzero(~single_sentence)
    if multi.size:
        several = [sentences[k] for k in multi]
        sent_model[multi] = model.predict_proba(several)
        sent_rules[multi] = model.rule_scores(several)
    sent_scores = np.maximum(sent_model, sent_rules)
    is_question = np.array([s.rstrip().endswith("?") for s in sentences], dtype=bool)

    reasons, flags, unexplained = [], [], []
    first_sentence = np.concatenate([[0], np.cumsum([len(s) for s in sentence_spans])[:-1]]) \
        if texts else np.array([], dtype=int)
    for i, row in enumerate(docs.itertuples(index=False)):
        text, spans = texts[i], sentence_spans[i]
        rows = slice(first_sentence[i], first_sentence[i] + len(spans))
        scores, from_model, from_rules = doc_scores[i], doc_model[i], doc_rules[i]
        statements = sent_scores[rows]
        is_call = row.source == "call"
        if is_call:
            # Questions in a call are mostly the agent's, so they count half as support.
            statements = np.where(is_question[rows][:, None], 0.5, 1.0) * statements
        rule_hits = {h.label: h for h in doc_hits[i]}
        order = np.argsort(-scores)
        if scores[order[0]] < MIN_CONFIDENCE:
            order = order[:0]
        used_quotes: set[int] = set()
        rank = 0
        for j in order:
            reason = REASON_CODES[j]
            by_rule = reason in rule_hits and from_rules[j] >= from_model[j]
            if by_rule:
                k = _sentence_at(spans, rule_hits[reason].start)
            else:
                k = int(np.argmax(statements[:, j]))
            if rank > 0:
                # A further reason needs its own evidence: a rule, or (in a comment) a sentence
                # of its own that the model clearly attributes to it. A call transcript mixes
                # the agent's script with the customer's words, so there only a rule counts.
                own = reason in rule_hits or (
                    not is_call and statements[k, j] >= SECONDARY_SENTENCE)
                if scores[j] < EMIT_THRESHOLD or not own or k in used_quotes:
                    continue
            rank += 1
            used_quotes.add(k)
            reasons.append({
                "source": row.source, "source_id": row.source_id,
                "customer_id": row.customer_id, "reason": reason,
                "confidence": round(float(scores[j]), 4),
                "quote": text[spans[k][0]:spans[k][1]],
                "method": "rule" if by_rule else "model", "model_version": model.version,
                "rank": rank,
            })
        for hit in match_rules(text, FLAG_RULES):
            flag, detail = hit.label.split(":")
            k = _sentence_at(spans, hit.start)
            flags.append({"source": row.source, "source_id": row.source_id,
                          "customer_id": row.customer_id, "flag": flag, "detail": detail,
                          "quote": text[spans[k][0]:spans[k][1]]})
        # Texts that state no taxonomy reason feed the theme finder with their sentences that
        # carry no reason signal either.
        if np.delete(scores, OTHER).max() < UNEXPLAINED_BELOW:
            signal = np.delete(sent_scores[rows], OTHER, axis=1).max(axis=1)
            unexplained += [text[s:e] for (s, e), x in zip(spans, signal, strict=True)
                            if x < UNEXPLAINED_BELOW]
    return pd.DataFrame(reasons), pd.DataFrame(flags), unexplained
